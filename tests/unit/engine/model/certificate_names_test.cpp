#include "engine/model/certificate_names.hpp"

#include "engine/model/certificate.hpp"
#include "providers/pki/key_pair.hpp"

#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

namespace trustctl {
namespace {

using Names = std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)>;

Names name_of(const std::vector<std::pair<std::string, std::string>>& entries, int type = MBSTRING_UTF8) {
  Names name(X509_NAME_new(), X509_NAME_free);
  for (const auto& [field, value] : entries) {
    X509_NAME_add_entry_by_txt(name.get(), field.c_str(), type, reinterpret_cast<const unsigned char*>(value.data()),
                               static_cast<int>(value.size()), -1, 0);
  }
  return name;
}

std::string der_of(X509* cert) {
  unsigned char* out = nullptr;
  int len = i2d_X509(cert, &out);
  std::string der(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  OPENSSL_free(out);
  return der;
}

struct Made {
  X509* cert;
  std::string der;
};

// A certificate with the given version (0 = v1: no [0] version field), serial (hex, may be negative) and names.
Made make(long version, const std::string& serial_hex, X509_NAME* subject, X509_NAME* issuer) {
  static const pki::KeyPair key = *pki::KeyPair::generate("ec-256");
  X509* cert = X509_new();
  X509_set_version(cert, version);
  BIGNUM* bn = nullptr;
  BN_hex2bn(&bn, serial_hex.c_str());
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_subject_name(cert, subject);
  X509_set_issuer_name(cert, issuer);
  X509_set_pubkey(cert, key.native());
  X509_sign(cert, key.native(), EVP_sha256());
  return {cert, der_of(cert)};
}

void expect_same(const PrintedNames& a, const PrintedNames& b) {
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.issuer, b.issuer);
  EXPECT_EQ(a.common_name, b.common_name);
  EXPECT_EQ(a.serial_hex, b.serial_hex);
}

TEST(CertificateNames, ReadsTheNamesOpenSslPrints) {
  auto subject = name_of({{"O", "Lab"}, {"CN", "uccx1.lab.example"}});
  auto issuer = name_of({{"CN", "Lab Root CA"}});
  Made made = make(2, "00FF", subject.get(), issuer.get());
  auto names = printed_names_of_der(made.der);
  ASSERT_TRUE(names);
  EXPECT_EQ(names->subject, "CN=uccx1.lab.example,O=Lab");
  EXPECT_EQ(names->issuer, "CN=Lab Root CA");
  EXPECT_EQ(names->common_name, "uccx1.lab.example");
  EXPECT_EQ(names->serial_hex, "ff");
  expect_same(*names, printed_names_of(made.cert));
  X509_free(made.cert);
}

// Read from the DER, the names are the text the decoded certificate gives: escapes, UTF-8, several CNs, multi-valued
// RDNs, BMPString, serial numbers zero, negative and longer than 64 bits, v1 certificates without a version field.
TEST(CertificateNames, FromDerTheSameTextAsFromTheDecodedCertificate) {
  std::vector<Names> subjects;
  subjects.push_back(name_of({{"CN", "a, b + c \"quoted\" <x>; \\ #1"}, {"O", " leading and trailing "}}));
  subjects.push_back(name_of({{"C", "CH"}, {"L", "Zürich"}, {"CN", "ноде.example"}}));
  subjects.push_back(name_of({{"CN", "first"}, {"CN", "second"}}));
  subjects.push_back(name_of({{"O", "no common name"}}));
  subjects.push_back(name_of({}));
  subjects.push_back(name_of({{"CN", "bmp"}}, MBSTRING_ASC));
  {
    Names multi = name_of({{"CN", "multi"}});
    X509_NAME_add_entry_by_txt(multi.get(), "OU", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("same rdn"), -1,
                               -1, 1);
    subjects.push_back(std::move(multi));
  }
  {
    Names bmp(X509_NAME_new(), X509_NAME_free);
    X509_NAME_add_entry_by_NID(bmp.get(), NID_commonName, MBSTRING_BMP,
                               reinterpret_cast<const unsigned char*>("\0b\0m\0p"), 6, -1, 0);
    subjects.push_back(std::move(bmp));
  }
  auto issuer = name_of({{"CN", "Issuer, Inc."}, {"O", "Ünïcode"}});
  int compared = 0;
  for (long version : {0L, 2L}) {
    for (const char* serial : {"0", "-1", "7F", "80", "0A1B", "123456789ABCDEF0123456789ABCDEF01234"}) {
      for (const auto& subject : subjects) {
        Made made = make(version, serial, subject.get(), issuer.get());
        ASSERT_FALSE(made.der.empty());
        auto names = printed_names_of_der(made.der);
        ASSERT_TRUE(names) << "version " << version << " serial " << serial;
        expect_same(*names, printed_names_of(made.cert));
        X509_free(made.cert);
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 2 * 6 * 8);
}

TEST(CertificateNames, RefusesWhatDoesNotBeginLikeACertificate) {
  auto subject = name_of({{"CN", "uccx1"}});
  Made made = make(2, "1", subject.get(), subject.get());
  // Every prefix: the outer length then promises more than there is.
  for (std::size_t n = 0; n < made.der.size(); ++n) {
    EXPECT_FALSE(printed_names_of_der(std::string_view(made.der).substr(0, n))) << n << " bytes";
  }
  EXPECT_FALSE(printed_names_of_der("not a certificate"));
  std::string indefinite = made.der;
  indefinite[1] = static_cast<char>(0x80);  // BER's indefinite length, which DER forbids
  EXPECT_FALSE(printed_names_of_der(indefinite));
  std::string not_a_sequence = made.der;
  not_a_sequence[0] = 0x31;  // a SET
  EXPECT_FALSE(printed_names_of_der(not_a_sequence));
  X509_free(made.cert);
}

// DER encoding by hand: tag, length, content.
std::string tlv(unsigned char tag, const std::string& content) {
  std::string out(1, static_cast<char>(tag));
  if (content.size() < 0x80) {
    out += static_cast<char>(content.size());
  } else {
    std::string length;
    for (std::size_t n = content.size(); n > 0; n >>= 8) length.insert(length.begin(), static_cast<char>(n & 0xff));
    out += static_cast<char>(0x80 | length.size());
    out += length;
  }
  return out + content;
}

std::string name_der(const std::string& cn) {
  auto name = name_of({{"CN", cn}});
  unsigned char* out = nullptr;
  int len = i2d_X509_NAME(name.get(), &out);
  std::string der(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  OPENSSL_free(out);
  return der;
}

// Only the fields up to the subject are read: a "certificate" that ends there (no key, no signature) is named, though
// OpenSSL cannot decode it; through Certificate, it answers its names and reads as keyless for the rest.
TEST(CertificateNames, ReadsNothingBeyondTheSubject) {
  const std::string tbs = tlv(0x02, "\x05") + tlv(0x30, tlv(0x06, "\x2a\x86\x48\xce\x3d\x04\x03\x02")) +
                          name_der("Lab Root CA") + tlv(0x30, "") + name_der("uccx1.lab.example");
  const std::string der = tlv(0x30, tlv(0x30, tbs));
  auto names = printed_names_of_der(der);
  ASSERT_TRUE(names);
  EXPECT_EQ(names->subject, "CN=uccx1.lab.example");
  EXPECT_EQ(names->issuer, "CN=Lab Root CA");
  EXPECT_EQ(names->serial_hex, "5");
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* decoded = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  EXPECT_EQ(decoded, nullptr) << "OpenSSL decoded it: the test no longer shows the names come from the DER alone";
  X509_free(decoded);

  auto named = Certificate::named_from_der(der);
  ASSERT_TRUE(named);
  EXPECT_EQ(named->common_name(), "uccx1.lab.example");
  EXPECT_EQ(named->issuer(), "CN=Lab Root CA");
  EXPECT_EQ(named->key_type(), "unknown");
  auto later = Certificate::decoded_on_first_use(der);
  EXPECT_EQ(later.subject(), "CN=uccx1.lab.example");
  EXPECT_EQ(later.serial_hex(), "5");
}

}  // namespace
}  // namespace trustctl
