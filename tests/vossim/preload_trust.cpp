#include "tests/vossim/preload_trust.hpp"

#include "tests/vossim/x509_tools.hpp"

#include <openssl/sha.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

namespace vossim {

using trustctl::Certificate;

namespace fs = std::filesystem;
using trustctl::ErrorCode;

namespace {

// Common names of public roots as they appear in appliance trust stores (browser and OS root programs). Only the
// names are borrowed: every certificate is made here, on its own key.
constexpr const char* kRootNames[] = {
    "DigiCert Global Root CA", "DigiCert Global Root G2", "DigiCert Global Root G3",
    "DigiCert High Assurance EV Root CA", "DigiCert Assured ID Root CA", "DigiCert Trusted Root G4", "ISRG Root X1",
    "ISRG Root X2", "GlobalSign Root CA", "GlobalSign Root CA - R3", "GlobalSign Root CA - R6",
    "GlobalSign ECC Root CA - R5", "GlobalSign Root R46", "Baltimore CyberTrust Root", "Amazon Root CA 1",
    "Amazon Root CA 2", "Amazon Root CA 3", "Amazon Root CA 4", "Starfield Root Certificate Authority - G2",
    "Starfield Services Root Certificate Authority - G2", "Starfield Class 2 Certification Authority",
    "Go Daddy Root Certificate Authority - G2", "Go Daddy Class 2 Certification Authority",
    "Entrust Root Certification Authority", "Entrust Root Certification Authority - G2",
    "Entrust Root Certification Authority - EC1", "Entrust.net Certification Authority (2048)", "QuoVadis Root CA 2",
    "QuoVadis Root CA 2 G3", "QuoVadis Root CA 3", "QuoVadis Root CA 3 G3", "USERTrust RSA Certification Authority",
    "USERTrust ECC Certification Authority", "AAA Certificate Services", "COMODO RSA Certification Authority",
    "COMODO ECC Certification Authority", "Sectigo Public Server Authentication Root R46",
    "IdenTrust Commercial Root CA 1", "IdenTrust Public Sector Root CA 1",
    "Microsoft RSA Root Certificate Authority 2017", "Microsoft ECC Root Certificate Authority 2017",
    "Certum Trusted Network CA", "Certum Trusted Network CA 2", "SwissSign Gold CA - G2",
    "T-TeleSec GlobalRoot Class 2", "T-TeleSec GlobalRoot Class 3", "D-TRUST Root Class 3 CA 2 2009",
    "Actalis Authentication Root CA", "Buypass Class 2 Root CA", "Buypass Class 3 Root CA",
    "SSL.com Root Certification Authority RSA", "SSL.com Root Certification Authority ECC",
    "SSL.com EV Root Certification Authority RSA R2", "GTS Root R1", "GTS Root R2", "GTS Root R3", "GTS Root R4",
    "Cisco Root CA 2048", "Cisco Root CA M2", "Cisco Root CA 2099", "Cisco ECC Root CA",
    "Cisco Basic Assurance Root CA 2099", "Cisco Licensing Root CA", "Hongkong Post Root CA 3", "emSign Root CA - G1",
    "Atos TrustedRoot 2011", "Security Communication RootCA2", "Secure Global CA", "SecureTrust CA",
    "XRamp Global Certification Authority", "TWCA Root Certification Authority",
    "Trustwave Global Certification Authority", "Trustwave Global ECC P256 Certification Authority", "Izenpe.com",
    "Microsec e-Szigno Root CA 2009", "OISTE WISeKey Global Root GB CA", "OISTE WISeKey Global Root GC CA",
    "UCA Global G2 Root", "vTrus Root CA", "AffirmTrust Commercial", "AffirmTrust Networking", "AffirmTrust Premium",
    "AffirmTrust Premium ECC", "Certigna Root CA", "CFCA EV ROOT", "HARICA TLS RSA Root CA 2021",
    "HARICA TLS ECC Root CA 2021", "Telia Root CA v2", "TeliaSonera Root CA v1", "ACCVRAIZ1",
    "ePKI Root Certification Authority", "Hellenic Academic and Research Institutions RootCA 2015",
    "Network Solutions Certificate Authority", "Certainly Root R1", "Certainly Root E1",
    "Autoridad de Certificacion Firmaprofesional CIF A62634068", "NAVER Global Root Certification Authority",
    "BJCA Global Root CA1", "TunTrust Root CA", "ANF Secure Server Root CA",
};
constexpr std::size_t kRootNameCount = sizeof kRootNames / sizeof kRootNames[0];

std::string sha256_hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string out;
  char buffer[3];
  for (unsigned char b : digest) {
    std::snprintf(buffer, sizeof buffer, "%02x", b);
    out += buffer;
  }
  return out;
}

trustctl::Result<Certificate> make_root(std::size_t index) {
  const std::string name = preloaded_root_name(index);
  auto key = deterministic_ec_key("vos-sim preloaded root: " + name);
  if (!key) return trustctl::fail(key.error());
  // A positive 64-bit serial without a leading zero nibble, from the name; validity spread like real roots'.
  std::string serial = sha256_hex("serial: " + name).substr(0, 16);
  serial[0] = "1234567"[static_cast<unsigned char>(serial[0]) % 7];
  const int from = 2006 + static_cast<int>(index % 15);
  const int to = 2038 + static_cast<int>(index % 10);
  FixedCaSpec spec{name, name.substr(0, name.find(' ')), serial, std::to_string(from) + "0101000000Z",
                   std::to_string(to) + "1231235959Z"};
  return fixed_self_signed_ca(spec, *key);
}

fs::path cache_file(const fs::path& dir, std::size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%04zu.pem", index);
  return dir / name;
}

}  // namespace

std::string preloaded_root_name(std::size_t index) {
  std::string name = kRootNames[index % kRootNameCount];
  // Past the list, a generation number in parentheses (no listed name ends like that, so none collides).
  if (index >= kRootNameCount) name += " (" + std::to_string(index / kRootNameCount + 1) + ")";
  return name;
}

trustctl::Result<std::vector<Certificate>> preloaded_roots(const fs::path& dir, std::size_t count) {
  std::vector<Certificate> roots;
  if (count == 0) return roots;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return trustctl::fail(ErrorCode::io, "cannot create " + dir.string() + ": " + ec.message());
  for (std::size_t i = 0; i < count; ++i) {
    const fs::path file = cache_file(dir, i);
    std::ifstream in(file, std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      auto parsed = trustctl::parse_certificates(text.str());
      if (!parsed) return trustctl::fail(ErrorCode::io, file.string() + ": " + parsed.error().message);
      roots.push_back(parsed->front());
      continue;
    }
    auto root = make_root(i);
    if (!root) return trustctl::fail(root.error());
    // Write then rename: a lab killed meanwhile never leaves half a certificate in the cache.
    const fs::path temporary = file.string() + ".tmp";
    std::ofstream(temporary, std::ios::binary | std::ios::trunc) << root->pem();
    fs::rename(temporary, file, ec);
    if (ec) return trustctl::fail(ErrorCode::io, "cannot write " + file.string() + ": " + ec.message());
    roots.push_back(*root);
  }
  return roots;
}

}  // namespace vossim
