#pragma once
// Signs a node's CSR with a CA whose key trustctl holds (lab rebuilds). The certificate carries exactly the SANs the
// CSR asked for, in any order the appliance accepts: a CA that adds names is the usual cause of "CSR SAN and
// Certificate SAN does not match" (TC009).

#include "engine/model/certificate.hpp"
#include "providers/pki/key_pair.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trustctl::pki {

struct CsrInfo {
  std::string common_name;
  std::vector<std::string> dns_names;  // subjectAltName dNSName entries requested
  std::string key_type;                // "RSA", "EC"
  int key_bits = 0;
  std::string public_key_pem;
};

Result<CsrInfo> inspect_csr(std::string_view pem);

struct SigningPolicy {
  int days = 730;
  std::string digest = "sha256";
};

// Verifies the CSR's self-signature, then issues a leaf with the CSR's subject and public key, its SANs, and the
// appliance's usages (KU digitalSignature, keyEncipherment, dataEncipherment; EKU serverAuth, clientAuth).
Result<Certificate> sign_csr(std::string_view csr_pem, const Certificate& ca, const KeyPair& ca_key,
                             const SigningPolicy& policy = {});

}  // namespace trustctl::pki
