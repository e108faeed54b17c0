#pragma once
#include "providers/vos/vos_provider.hpp"

namespace trustctl::providers {
ProductRules cuic_rules();
}
