// The probe against real TLS servers on loopback: `openssl s_server` children set up as a DHE-only host, a host with
// an RSASSA-PSS chain and a clean ECDHE host, plus small in-process listeners for what s_server cannot show (what the
// probe sends after the handshake, a host that is not TLS, a host that never answers).

#include "providers/transport/tls_probe.hpp"

#include "providers/pki/certificate_builder.hpp"
#include "providers/pki/lint/certificate_facts.hpp"
#include "providers/pki/lint/linter.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace trustctl::transport {
namespace {

namespace fs = std::filesystem;
using trustctl::testing::free_port;
using trustctl::testing::openssl_binary;
using trustctl::testing::start_s_server;
using Listener = trustctl::testing::LoopbackListener;

struct Identity {
  pki::KeyPair key;
  Certificate certificate;
};

Identity make(const std::string& cn, const std::string& key_spec, const Identity* issuer, pki::CertificateSpec spec) {
  spec.common_name = cn;
  auto key = *pki::KeyPair::generate(key_spec);
  auto cert = issuer ? *pki::issue_certificate(spec, key, &issuer->certificate, issuer->key) : *pki::self_signed(spec, key);
  return {key, cert};
}

// RFC 2409's 1024-bit Oakley group 2, the common prime Logjam precomputation targets (fixed: nothing to generate).
std::string oakley_group2_pem() {
  BIGNUM* p = BN_get_rfc2409_prime_1024(nullptr);
  BIGNUM* g = BN_new();
  BN_set_word(g, 2);
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_FFC_P, p);
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_FFC_G, g);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(builder);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
  EVP_PKEY* group = nullptr;
  EVP_PKEY_fromdata_init(ctx);
  EVP_PKEY_fromdata(ctx, &group, EVP_PKEY_KEY_PARAMETERS, params);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_Parameters(bio, group);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(group);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(builder);
  BN_free(g);
  BN_free(p);
  return pem;
}

ProbeTarget local(int port) {
  ProbeTarget target;
  target.host = "127.0.0.1";
  target.port = port;
  target.timeout = std::chrono::milliseconds(5000);
  return target;
}

// ---- target parsing ---------------------------------------------------------------------------------------------

TEST(TlsProbeTarget, ParsesHostPortAndBracketedIpv6) {
  auto named = parse_probe_target("gadget.partner.example:8443");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->host, "gadget.partner.example");
  EXPECT_EQ(named->port, 8443);
  auto v6 = parse_probe_target("[::1]:443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 443);
}

TEST(TlsProbeTarget, RejectsWhatIsNotHostPort) {
  for (const char* bad : {"gadget.partner.example", ":443", "host:0", "host:70000", "host:https", "[::1]443"}) {
    auto parsed = parse_probe_target(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().message.find("HOST:PORT"), std::string::npos) << parsed.error().message;
  }
}

// ---- against openssl s_server -----------------------------------------------------------------------------------

TEST(TlsProbeServer, SeesALogjamProneDheSuiteWithA1024BitGroup) {
  testing::TempDir files("trustctl-probe");
  auto host = make("gadget.partner.example", "rsa-2048", nullptr, {.dns_names = {"gadget.partner.example"}});
  // The 1024-bit Oakley group is the point: the distribution's default security level refuses it ("dh key too
  // small"), and the probe must still see what the host picked.
  std::string dhparam = files.write("dh.pem", oakley_group2_pem());
  int port = free_port();
  auto server = start_s_server(port, files.write("host.pem", host.certificate.pem()),
                               files.write("host.key", host.key.private_pem()),
                               {"-tls1_2", "-cipher", "DHE-RSA-AES256-SHA:@SECLEVEL=0", "-dhparam", dhparam});

  auto result = probe_tls(local(port));
  ASSERT_TRUE(result) << result.error().message << server->stderr_text();
  EXPECT_EQ(result->protocol, "TLSv1.2");
  EXPECT_EQ(result->cipher, "DHE-RSA-AES256-SHA");
  EXPECT_EQ(result->cipher_standard, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA");
  EXPECT_TRUE(result->negotiated_dhe());
  EXPECT_EQ(result->ephemeral_key_bits, 1024);
  ASSERT_EQ(result->chain.size(), 1u);
  EXPECT_EQ(result->chain[0], host.certificate);

  auto findings = pki::lint::lint_probe(*result);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "TC010");
  EXPECT_EQ(findings[0].subject, "127.0.0.1:" + std::to_string(port));
}

TEST(TlsProbeServer, OffersBothDheSuitesFinesseOffers) {
  testing::TempDir files("trustctl-probe");
  auto host = make("gadget.partner.example", "rsa-2048", nullptr, {});
  int port = free_port();
  auto server = start_s_server(port, files.write("host.pem", host.certificate.pem()),
                               files.write("host.key", host.key.private_pem()),
                               {"-tls1_2", "-cipher", "DHE-RSA-AES128-SHA"});
  auto result = probe_tls(local(port));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->cipher_standard, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA");
  EXPECT_EQ(pki::lint::lint_probe(*result).size(), 1u);
}

TEST(TlsProbeServer, ReportsEveryRsassaPssSignatureInThePresentedChain) {
  testing::TempDir files("trustctl-probe");
  auto root = make("PSS Root CA", "rsa-2048", nullptr, {.is_ca = true, .days = 3650, .rsa_pss = true});
  auto host = make("gadget.partner.example", "rsa-2048", &root,
                   {.dns_names = {"gadget.partner.example"}, .rsa_pss = true});
  int port = free_port();
  auto server = start_s_server(port, files.write("host.pem", host.certificate.pem()),
                               files.write("host.key", host.key.private_pem()),
                               {"-cert_chain", files.write("chain.pem", root.certificate.pem())});

  auto result = probe_tls(local(port));
  ASSERT_TRUE(result) << result.error().message << server->stderr_text();
  ASSERT_EQ(result->chain.size(), 2u);
  EXPECT_EQ(pki::lint::signature_facts(result->chain[0]).algorithm, "RSASSA-PSS");
  EXPECT_EQ(pki::lint::signature_facts(result->chain[1]).algorithm, "RSASSA-PSS");
  EXPECT_FALSE(result->negotiated_dhe()) << result->cipher;

  auto findings = pki::lint::lint_probe(*result);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule, "TC004");
  EXPECT_EQ(findings[0].subject, pki::lint::label(host.certificate));
  EXPECT_EQ(findings[1].subject, pki::lint::label(root.certificate));
}

TEST(TlsProbeServer, ACleanEcdheHostHasNoFindings) {
  testing::TempDir files("trustctl-probe");
  auto root = make("EC Root CA", "ec-384", nullptr, {.is_ca = true, .days = 3650});
  auto host = make("gadget.partner.example", "ec-256", &root, {.dns_names = {"gadget.partner.example"}});
  int port = free_port();
  auto server = start_s_server(port, files.write("host.pem", host.certificate.pem()),
                               files.write("host.key", host.key.private_pem()),
                               {"-cert_chain", files.write("chain.pem", root.certificate.pem())});

  auto target = local(port);
  target.servername = "gadget.partner.example";
  auto result = probe_tls(target);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->servername, "gadget.partner.example");
  EXPECT_EQ(result->key_exchange, "ECDHE");
  EXPECT_EQ(result->cipher.rfind("ECDHE-ECDSA-", 0), 0u) << result->cipher;
  EXPECT_GT(result->ephemeral_key_bits, 0);
  ASSERT_EQ(result->chain.size(), 2u);
  EXPECT_EQ(pki::lint::signature_facts(result->chain[0]).algorithm, "ecdsa-with-SHA256");
  EXPECT_TRUE(pki::lint::lint_probe(*result).empty());
}

// ---- failures and what the probe sends --------------------------------------------------------------------------

TEST(TlsProbeFailure, ARefusedConnectionNamesHostPortAndReason) {
  int port = free_port();
  auto result = probe_tls(local(port));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::connection);
  EXPECT_NE(result.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos);
  EXPECT_NE(result.error().message.find("refused"), std::string::npos) << result.error().message;
}

TEST(TlsProbeFailure, AHostThatIsNotTlsIsAHandshakeError) {
  Listener listener;
  std::thread ssh_like([&] {
    int fd = listener.accept_one();
    const char banner[] = "SSH-2.0-OpenSSH_9.2\r\n";
    (void)!write(fd, banner, sizeof banner - 1);
    close(fd);
  });
  auto result = probe_tls(local(listener.port()));
  ssh_like.join();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::tls);
  EXPECT_NE(result.error().message.find("TLS handshake with 127.0.0.1:" + std::to_string(listener.port())),
            std::string::npos)
      << result.error().message;
}

TEST(TlsProbeFailure, AHostThatNeverAnswersTimesOut) {
  Listener listener;
  int held = -1;
  std::thread silent([&] { held = listener.accept_one(); });
  auto target = local(listener.port());
  target.timeout = std::chrono::milliseconds(300);
  auto result = probe_tls(target);
  silent.join();
  close(held);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("no answer within 300 ms"), std::string::npos) << result.error().message;
}

TEST(TlsProbeFailure, NothingIsSentAfterTheHandshake) {
  auto host = make("gadget.partner.example", "ec-256", nullptr, {});
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  SSL_CTX_use_certificate(ctx.get(), host.certificate.native());
  SSL_CTX_use_PrivateKey(ctx.get(), host.key.native());
  Listener listener;
  int handshake = 0, after = 0, after_kind = 0;
  std::thread server([&] {
    int fd = listener.accept_one();
    SSL* ssl = SSL_new(ctx.get());
    SSL_set_fd(ssl, fd);
    handshake = SSL_accept(ssl);
    char buf[256];
    after = SSL_read(ssl, buf, sizeof buf);
    after_kind = SSL_get_error(ssl, after);
    ERR_clear_error();
    SSL_free(ssl);
    close(fd);
  });
  auto result = probe_tls(local(listener.port()));
  server.join();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(handshake, 1);
  EXPECT_LE(after, 0) << "no application data";
  EXPECT_NE(after_kind, SSL_ERROR_ZERO_RETURN) << "no close_notify either: the connection just ends";
}

}  // namespace
}  // namespace trustctl::transport
