#pragma once
#include "providers/vos/vos_provider.hpp"

namespace trustctl::providers {
ProductRules mediasense_rules();
}
