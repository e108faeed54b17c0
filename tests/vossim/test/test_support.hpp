#pragma once
// Shared helpers for the vos-sim suites: a temporary directory and certificates made with the project's pki builder.

#include "providers/pki/certificate_builder.hpp"
#include "providers/pki/key_pair.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace vossim::test {

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    m_path = std::filesystem::temp_directory_path() / ("vossim-test-" + std::to_string(random()));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct Issued {
  trustctl::Certificate certificate;
  trustctl::pki::KeyPair key;
};

// A certificate signed by issuer (or self-signed when issuer is null). EC keys keep the suite fast.
inline Issued make_certificate(const std::string& cn, bool is_ca, const Issued* issuer = nullptr, int days = 365,
                               int not_before_offset_days = 0) {
  auto key = trustctl::pki::KeyPair::generate("ec-256");
  EXPECT_TRUE(key.has_value());
  trustctl::pki::CertificateSpec spec;
  spec.common_name = cn;
  spec.dns_names = is_ca ? std::vector<std::string>{} : std::vector<std::string>{cn};
  spec.is_ca = is_ca;
  spec.server_auth = !is_ca;
  spec.days = days;
  spec.not_before_offset_days = not_before_offset_days;
  auto certificate = issuer == nullptr
                         ? trustctl::pki::self_signed(spec, *key)
                         : trustctl::pki::issue_certificate(spec, *key, &issuer->certificate, issuer->key);
  EXPECT_TRUE(certificate.has_value()) << (certificate ? "" : certificate.error().message);
  return Issued{*certificate, *key};
}

inline int count_of(const std::string& text, const std::string& needle) {
  int count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

}  // namespace vossim::test
