#pragma once
// The certificate units trustctl works with, by role. The core and the planner reason about roles (the RSA identity
// the platform port presents, the EC identity beside it, the trust store HTTPS peers are checked against); the
// provider layer names them (ProviderLookup::units(), providers/vos/vos_units.hpp), so no unit or store name is
// spelled in engine/ or plans/.

#include <string>
#include <string_view>
#include <vector>

namespace trustctl {

struct CertificateUnits {
  std::string identity;     // the RSA identity of the platform's HTTPS services
  std::string ec_identity;  // the EC identity served beside it (11.5 and later, where the product has it)
  std::string trust_store;  // the store the chains of HTTPS peers go in

  // Every identity unit, the one the platform port presents first: the keys of [cluster.identity.<unit>].
  std::vector<std::string_view> identities() const {
    if (ec_identity.empty()) return {identity};
    return {identity, ec_identity};
  }
  bool is_ec(std::string_view unit) const { return !ec_identity.empty() && unit == ec_identity; }
  // The unit a leaf of this key type belongs in ("EC" or anything else, as Certificate::key_type() says).
  const std::string& unit_for_key(std::string_view key_type) const {
    return key_type == "EC" ? ec_identity : identity;
  }
};

}  // namespace trustctl
