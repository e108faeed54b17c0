#pragma once
#include "providers/vos/vos_provider.hpp"

namespace trustctl::providers {
ProductRules cucm_rules();
}
