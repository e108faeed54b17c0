#pragma once
// Certificate signing requests made inside vos-sim (docs/appliances.md section 4). The key pair is generated here and
// stays in the node's state directory: only the CSR PEM ever leaves.

#include "engine/model/certificate.hpp"
#include "providers/pki/key_pair.hpp"

#include <string>
#include <vector>

namespace vossim {

struct CsrRequest {
  std::string common_name;
  std::vector<std::string> dns_names;  // subjectAltName, in this order
  std::string key_spec = "rsa-2048";   // KeyPair::generate spec
  bool include_ou = false;             // "Include OU in CSR (yes|no)?"
};

struct PendingCsr {
  std::string pem;                     // -----BEGIN CERTIFICATE REQUEST----- ...
  std::string key_pem;                 // secret: never logged, never served
  std::string common_name;
  std::vector<std::string> dns_names;
  std::string public_key_sha256;       // of the DER SubjectPublicKeyInfo: what the control API shows
};

// The SAN the appliance's CSR defaults give a node (Parent Domain = the node's domain): the FQDN, then the domain
// part of the FQDN when there is one. docs/appliances.md section 4 says `domain` and `host.domain`; host.domain is the
// FQDN itself.
std::vector<std::string> default_csr_names(const std::string& fqdn);

trustctl::Result<PendingCsr> generate_csr(const CsrRequest& request);

// Parses a stored CSR (state reload); key_pem is filled by the caller.
trustctl::Result<PendingCsr> parse_csr(const std::string& pem);

// SHA-256 over the DER SubjectPublicKeyInfo of a key, lowercase hex.
std::string public_key_sha256(EVP_PKEY* key);

}  // namespace vossim
