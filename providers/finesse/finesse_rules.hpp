#pragma once
#include "providers/vos/vos_provider.hpp"

namespace trustctl::providers {
ProductRules finesse_rules();
}
