#pragma once
#include "providers/vos/vos_provider.hpp"

namespace trustctl::providers {
ProductRules socialminer_rules();
}
