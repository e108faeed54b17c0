#pragma once
// The names VOS gives the certificate units trustctl works with (docs/appliances.md section 2). The site format uses
// them as keys ([cluster.identity.tomcat], trust.store) and the admin CLI as arguments. Every VOS product names them
// alike; the core and the planner reach them by role through ProviderLookup::units() (engine/model/certificate_units).

#include "engine/model/certificate_units.hpp"

namespace trustctl::providers {

inline constexpr char kTomcatUnit[] = "tomcat";              // the RSA identity of the platform's HTTPS services
inline constexpr char kTomcatEcdsaUnit[] = "tomcat-ECDSA";   // the EC identity (11.5 and later, where the product has it)
inline constexpr char kTomcatTrustStore[] = "tomcat-trust";  // the trust store HTTPS peers are checked against

// The three by role.
inline const CertificateUnits& vos_units() {
  static const CertificateUnits units{kTomcatUnit, kTomcatEcdsaUnit, kTomcatTrustStore};
  return units;
}

}  // namespace trustctl::providers
