#pragma once
// Hosts trustctl does not administer (a gadget web server, a REST service scripts call): read and probed only.

#include "engine/model/provider.hpp"

#include <memory>

namespace trustctl::providers {
std::unique_ptr<Provider> make_external_provider();
}
