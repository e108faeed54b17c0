#pragma once
// The names VOS gives the certificate units trustctl works with (docs/appliances.md section 2). The site format uses
// them as keys ([cluster.identity.tomcat], trust.store) and the admin CLI as arguments, so they are vocabulary, not
// product knowledge: one spelling, here, instead of a literal wherever a unit is meant.

namespace trustctl {

inline constexpr char kTomcatUnit[] = "tomcat";              // the RSA identity of the platform's HTTPS services
inline constexpr char kTomcatEcdsaUnit[] = "tomcat-ECDSA";   // the EC identity (11.5 and later, where the product has it)
inline constexpr char kTomcatTrustStore[] = "tomcat-trust";  // the trust store HTTPS peers are checked against

}  // namespace trustctl
