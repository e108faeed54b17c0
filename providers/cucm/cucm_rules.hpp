#pragma once
#include "providers/vos/vos_provider.hpp"

namespace trustctl::providers {
ProductRules cucm_rules();
// CUCM 14 and later have the certificate-management REST API (docs/appliances.md section 8); trustctl uses it there for
// reads, trust uploads and identities, and the CLI for what REST lacks (delete, regenerate, restart).
bool has_certificate_rest(const Cluster& cluster);
}
