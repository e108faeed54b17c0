#include "engine/model/certificate.hpp"
#include "providers/pki/certificate_builder.hpp"

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <thread>

namespace trustctl {
namespace {

struct Chain {
  pki::KeyPair root_key = *pki::KeyPair::generate("ec-256");
  pki::KeyPair leaf_key = *pki::KeyPair::generate("ec-256");
  Certificate root = *pki::self_signed({.common_name = "Lab Root CA", .is_ca = true}, root_key);
  Certificate leaf = *pki::issue_certificate(
      {.common_name = "uccx1.lab.example", .dns_names = {"uccx1.lab.example"}, .serial_hex = "0A1B"}, leaf_key, &root,
      root_key);
};

TEST(Certificate, ParsesEveryPemBlockAndIgnoresSurroundingText) {
  Chain chain;
  std::string text = "uccx1 chain\n" + chain.root.pem() + "some text\n" + chain.leaf.pem();
  auto parsed = parse_certificates(text);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0], chain.root);
  EXPECT_EQ((*parsed)[1], chain.leaf);
}

// RFC 5280's "no expiry" notAfter: a nanosecond system_clock overflows after 2262 and read it as 1816.
TEST(Certificate, DatesPast2262KeepTheirYear) {
  auto key = *pki::KeyPair::generate("ec-256");
  auto forever = *pki::self_signed({.common_name = "Forever Root", .is_ca = true, .not_after = "99991231235959Z"}, key);
  EXPECT_EQ(format_utc(forever.not_after(), "%Y-%m-%dT%H:%M:%SZ"), "9999-12-31T23:59:59Z");
  EXPECT_GT(forever.not_after(), now_utc());
  EXPECT_LT(forever.not_before(), forever.not_after());
  // The default window (a third of ~8000 years) is counted in days without overflow.
  int window = renewal_window_days(forever, std::nullopt);
  EXPECT_GT(window, 365 * 2000);
  EXPECT_EQ(renewal_window_days(forever, 60), 60);
}

TEST(Certificate, RejectsTextWithoutCertificate) {
  auto parsed = parse_certificates("not a certificate");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("PEM"), std::string::npos);
}

TEST(Certificate, ReportsNamesSerialAndTrustFileName) {
  Chain chain;
  EXPECT_EQ(chain.leaf.common_name(), "uccx1.lab.example");
  EXPECT_EQ(chain.leaf.serial_hex(), "a1b");
  EXPECT_EQ(chain.leaf.trust_file_name(), "uccx1.lab.example_a1b.pem");
  EXPECT_EQ(chain.root.common_name(), "Lab Root CA");
  EXPECT_EQ(chain.root.trust_file_name().substr(0, 12), "Lab_Root_CA_");
  EXPECT_EQ(chain.leaf.dns_names(), std::vector<std::string>{"uccx1.lab.example"});
  EXPECT_EQ(chain.leaf.fingerprint().size(), 64u);
}

TEST(Certificate, KnowsWhoIssuedWhom) {
  Chain chain;
  EXPECT_TRUE(chain.root.issued(chain.leaf));
  EXPECT_FALSE(chain.leaf.issued(chain.root));
  EXPECT_TRUE(chain.root.is_self_issued());
  EXPECT_FALSE(chain.leaf.is_self_issued());
  EXPECT_TRUE(chain.root.is_ca());
  EXPECT_FALSE(chain.leaf.is_ca());
}

// An EC identity an RSA CA signed is one Tomcat does not present to browsers: the signer's key type tells.
TEST(Certificate, KnowsTheKeyTypeOfItsSigner) {
  Chain chain;
  EXPECT_EQ(chain.leaf.signer_key_type(), "EC");
  auto rsa_key = *pki::KeyPair::generate("rsa-2048");
  auto rsa_root = *pki::self_signed({.common_name = "RSA Root", .is_ca = true}, rsa_key);
  EXPECT_EQ(rsa_root.signer_key_type(), "RSA");
  auto ec_by_rsa = *pki::issue_certificate({.common_name = "x"}, chain.leaf_key, &rsa_root, rsa_key);
  EXPECT_EQ(ec_by_rsa.key_type(), "EC");
  EXPECT_EQ(ec_by_rsa.signer_key_type(), "RSA");
}

TEST(Certificate, IssuersFirstPutsRootBeforeLeaf) {
  Chain chain;
  auto ordered = issuers_first({chain.leaf, chain.root});
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(ordered[0], chain.root);
  EXPECT_EQ(ordered[1], chain.leaf);
}

// Dates past 2262 (what a nanosecond system_clock holds) used to overflow: 99991231235959Z came out as 1816, so the
// certificate read as long expired.
TEST(Certificate, DatesPastTheYear2262DoNotOverflow) {
  auto key = *pki::KeyPair::generate("ec-256");
  auto far = *pki::self_signed({.common_name = "No Expiry Root", .is_ca = true, .days = 7000 * 365}, key);  // about the year 9000
  EXPECT_GT(far.not_after(), far.not_before());
  EXPECT_GT(far.not_after(), now_utc() + std::chrono::years(200));  // never against system_clock's nanoseconds
  EXPECT_GE(renewal_window_days(far, std::nullopt), 30);
}

// The DER of a certificate, as the PEM carries it.
std::string der_of(const Certificate& certificate) {
  unsigned char* der = nullptr;
  int len = i2d_X509(certificate.native(), &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

TEST(Certificate, OneDecodedOnFirstUseAnswersAsTheDecodedOneDoes) {
  Chain chain;
  Certificate deferred = Certificate::decoded_on_first_use(der_of(chain.leaf));
  EXPECT_EQ(deferred.fingerprint(), chain.leaf.fingerprint());
  EXPECT_EQ(deferred, chain.leaf);
  EXPECT_EQ(deferred.subject(), chain.leaf.subject());
  EXPECT_EQ(deferred.serial_hex(), "a1b");
  EXPECT_EQ(deferred.dns_names(), std::vector<std::string>{"uccx1.lab.example"});
  EXPECT_EQ(deferred.not_after(), chain.leaf.not_after());
  EXPECT_TRUE(chain.root.issued(deferred));
  EXPECT_EQ(deferred.pem(), chain.leaf.pem());
  Certificate copy = deferred;  // shares the decoding
  EXPECT_EQ(copy.native(), deferred.native());
}

TEST(Certificate, OneDecodedOnFirstUseIsDecodedOnceWhicheverThreadAsksFirst) {
  Chain chain;
  Certificate deferred = Certificate::decoded_on_first_use(der_of(chain.root));
  std::vector<X509*> seen(8, nullptr);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < seen.size(); ++k) threads.emplace_back([&, k] { seen[k] = deferred.native(); });
  for (auto& t : threads) t.join();
  for (X509* x : seen) EXPECT_EQ(x, seen.front());
  EXPECT_NE(seen.front(), nullptr);
  EXPECT_EQ(deferred.common_name(), "Lab Root CA");
}

// Vouched for wrongly (the caller's proof failed): an empty certificate, never a crash.
TEST(Certificate, DerThatIsNotACertificateDecodesAsAnEmptyOne) {
  Certificate junk = Certificate::decoded_on_first_use("not DER at all");
  EXPECT_EQ(junk.fingerprint().size(), 64u);
  EXPECT_NE(junk.native(), nullptr);
  EXPECT_EQ(junk.common_name(), "");
  EXPECT_EQ(junk.key_type(), "unknown");
  EXPECT_EQ(junk.key_bits(), 0);
  EXPECT_TRUE(junk.dns_names().empty());
  EXPECT_FALSE(junk.is_ca());
  EXPECT_FALSE(junk.issued(junk));
  (void)junk.not_after();
  (void)junk.serial_hex();
  (void)junk.pem();
}

TEST(Certificate, DeferredPemParsingTakesExactlyOneCertificateBlock) {
  Chain chain;
  auto one = parse_pem_certificate_deferred("leaf\n" + chain.leaf.pem());
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(*one, chain.leaf);
  EXPECT_FALSE(parse_pem_certificate_deferred(chain.leaf.pem() + chain.root.pem()));
  EXPECT_FALSE(parse_pem_certificate_deferred("no PEM here"));
  EXPECT_FALSE(parse_pem_certificate_deferred(""));
  auto key = *pki::KeyPair::generate("ec-256");
  EXPECT_FALSE(parse_pem_certificate_deferred(key.public_pem()));
  std::string broken = chain.leaf.pem();
  broken.replace(broken.find('\n') + 1, 4, "!!!!");  // not Base64
  EXPECT_FALSE(parse_pem_certificate_deferred(broken));
}

// Named from its DER, a certificate answers as the decoded one does, its names read without decoding it.
TEST(Certificate, NamedFromDerAnswersAsTheDecodedCertificate) {
  Chain chain;
  for (const Certificate& c : {chain.root, chain.leaf}) {
    auto named = Certificate::named_from_der(der_of(c));
    ASSERT_TRUE(named);
    EXPECT_EQ(*named, c);
    EXPECT_EQ(named->subject(), c.subject());
    EXPECT_EQ(named->issuer(), c.issuer());
    EXPECT_EQ(named->common_name(), c.common_name());
    EXPECT_EQ(named->serial_hex(), c.serial_hex());
    EXPECT_EQ(named->trust_file_name(), c.trust_file_name());
    EXPECT_EQ(named->key_type(), c.key_type());
    EXPECT_EQ(named->not_after(), c.not_after());
  }
  EXPECT_EQ(Certificate::named_from_der(der_of(chain.leaf))->serial_hex(), "a1b");
  EXPECT_TRUE(chain.root.issued(*Certificate::named_from_der(der_of(chain.leaf))));
}

TEST(Certificate, NamedFromDerRefusesWhatIsNotACertificate) {
  EXPECT_FALSE(Certificate::named_from_der(""));
  EXPECT_FALSE(Certificate::named_from_der("not a certificate"));
  Chain chain;
  std::string der = der_of(chain.leaf);
  EXPECT_FALSE(Certificate::named_from_der(der.substr(0, der.size() - 1)));
}

}  // namespace
}  // namespace trustctl
