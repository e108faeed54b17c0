// Which port presents which identity (docs/appliances.md section 10, the ECDSA guide's table), row by row: both
// identities self-signed, both RSA-CA-signed, RSA-CA tomcat with EC-CA tomcat-ECDSA, RSA-CA tomcat with self-signed
// tomcat-ECDSA. Each port's TLS context is made from what its service loaded, as the lab makes it, and handshaken in
// process (a socket pair) by a client that offers ECDSA and by one that offers only RSA.

#include "tests/vossim/service_ports.hpp"
#include "tests/vossim/sim_node.hpp"
#include "tests/vossim/tls_endpoint.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <thread>

namespace vossim {
namespace {

using namespace std::chrono_literals;
using trustctl::Product;
using trustctl::Role;

constexpr const char* kOffersEcdsa = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
constexpr const char* kRsaOnly = "ECDHE-RSA-AES128-GCM-SHA256";

// The leaf a TLS 1.2 client offering `ciphers` is presented by a server with this context.
std::optional<Certificate> presented(SSL_CTX* server, const char* ciphers) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return std::nullopt;
  std::thread serving([server, fd = fds[0]] {
    serve_https(fd, server, [](const HttpRequest&) { return RestOutcome{}; });
  });
  std::optional<Certificate> leaf;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(ctx, ciphers);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fds[1]);
  if (SSL_connect(ssl) == 1) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (cert != nullptr) leaf.emplace(cert);
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ERR_clear_error();
  ::close(fds[1]);
  serving.join();
  return leaf;
}

class PresentationTest : public ::testing::Test {
 protected:
  // The server answers a close with its own close_notify; a peer already gone must not kill the test (vos-sim ignores
  // SIGPIPE the same way).
  void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }

  void make(Product product) {
    m_node = std::make_unique<SimNode>(
        NodeSpec{"node1", "node1.lab.example", "c", product, Role::publisher, "127.0.0.1", "12.5"},
        m_dir.path() / trustctl::to_string(product));
    ASSERT_TRUE(m_node->load_or_initialize().has_value());
    ASSERT_TRUE(m_node->has_unit(kTomcatEcdsaUnit));
    m_node->import_trust({m_rsa_ca.certificate, m_ec_ca.certificate}, Clock::now());
  }

  // A CA signs a new identity for the unit; stored, then every service restarts and loads it.
  void sign(const std::string& unit, const test::Issued& ca) {
    const bool ec = unit == kTomcatEcdsaUnit;
    CsrRequest request{"node1.lab.example", {"node1.lab.example"}, ec ? "ec-256" : "rsa-2048", false};
    ASSERT_TRUE(m_node->generate_csr(request, unit).has_value());
    const auto leaf = test::sign_csr(m_node->pending_csr(unit)->pem, ca, "node1.lab.example", {"node1.lab.example"});
    ASSERT_EQ(m_node->import_own({leaf}, Clock::now(), unit), OwnImportStatus::imported) << unit;
    restart_all();
  }
  void restart_all() {
    for (const auto& service : m_node->services()) m_node->begin_restart(service, Clock::now(), 0ms);
  }

  // What the port presents to each client: {offering ECDSA, offering only RSA}.
  std::pair<Certificate, Certificate> at_port(int port) {
    const auto ports = service_ports(m_node->spec().product, 8443, 0);
    auto it = std::find_if(ports.begin(), ports.end(), [&](const ServicePort& p) { return p.port == port; });
    EXPECT_NE(it, ports.end()) << port;
    auto loaded = m_node->loaded_identity(it->service, Clock::now() + 1ms);
    EXPECT_TRUE(loaded.has_value());
    auto context = m_contexts.get(*loaded, it->ecdsa_capable && !m_cop);
    EXPECT_NE(context, nullptr);
    auto ecdsa = presented(context.get(), kOffersEcdsa);
    auto rsa = presented(context.get(), kRsaOnly);
    EXPECT_TRUE(ecdsa && rsa) << port;
    return {*ecdsa, *rsa};
  }
  Certificate rsa_identity() { return *m_node->own_identity(kTomcatUnit); }
  Certificate ec_identity() { return *m_node->own_identity(kTomcatEcdsaUnit); }

  // Every port of the product: the ECDSA-capable ones present tomcat-ECDSA to a client offering ECDSA when expected.
  void expect_ports(Product product, const std::vector<int>& ecdsa_ports, bool ecdsa_presented) {
    for (const auto& port : service_ports(product, 8443, 0)) {
      const bool capable = std::find(ecdsa_ports.begin(), ecdsa_ports.end(), port.port) != ecdsa_ports.end();
      EXPECT_EQ(port.ecdsa_capable, capable) << port.port;
      const auto [to_ecdsa_client, to_rsa_client] = at_port(port.port);
      EXPECT_EQ(to_rsa_client, rsa_identity()) << "a client without ECDSA always gets tomcat, port " << port.port;
      EXPECT_EQ(to_ecdsa_client, capable && ecdsa_presented ? ec_identity() : rsa_identity()) << port.port;
    }
  }

  test::TempDir m_dir;
  test::Issued m_rsa_ca = test::make_certificate("Corp RSA Root", true, nullptr, 365, 0, "rsa-2048");
  test::Issued m_ec_ca = test::make_certificate("Corp EC Root", true);
  std::unique_ptr<SimNode> m_node;
  TlsContextCache m_contexts;
  bool m_cop = false;
};

TEST_F(PresentationTest, BothSelfSignedSocketIoAndOpenfirePresentTheSelfSignedEcdsa) {
  make(Product::uccx);
  expect_ports(Product::uccx, {12015}, true);
  make(Product::socialminer);
  expect_ports(Product::socialminer, {7443}, true);
}

TEST_F(PresentationTest, BothRsaCaSignedEveryPortPresentsRsaNeverTheRsaSignedEcdsa) {
  for (Product product : {Product::uccx, Product::socialminer}) {
    make(product);
    sign(kTomcatUnit, m_rsa_ca);
    sign(kTomcatEcdsaUnit, m_rsa_ca);
    EXPECT_FALSE(ecdsa_presentable(ec_identity()));
    expect_ports(product, product == Product::uccx ? std::vector<int>{12015} : std::vector<int>{7443}, false);
  }
}

TEST_F(PresentationTest, RsaCaTomcatWithEcCaEcdsaTheRecommendedSetup) {
  make(Product::uccx);
  sign(kTomcatUnit, m_rsa_ca);
  sign(kTomcatEcdsaUnit, m_ec_ca);
  EXPECT_TRUE(ecdsa_presentable(ec_identity()));
  expect_ports(Product::uccx, {12015}, true);
  // The EC CA travels with the EC identity, as the RSA CA with the RSA one.
  auto loaded = m_node->loaded_identity("Cisco Unified CCX Socket.IO Service", Clock::now() + 1ms);
  ASSERT_TRUE(loaded && loaded->ecdsa);
  ASSERT_EQ(loaded->ecdsa->chain.size(), 1u);
  EXPECT_EQ(loaded->ecdsa->chain[0], m_ec_ca.certificate);
  ASSERT_EQ(loaded->chain.size(), 1u);
  EXPECT_EQ(loaded->chain[0], m_rsa_ca.certificate);
}

TEST_F(PresentationTest, RsaCaTomcatWithSelfSignedEcdsaPresentsTheSelfSignedEcdsa) {
  make(Product::socialminer);
  sign(kTomcatUnit, m_rsa_ca);
  EXPECT_TRUE(ec_identity().is_self_issued());
  expect_ports(Product::socialminer, {7443}, true);
}

TEST_F(PresentationTest, MediaSenseFinesseCuicAndCucmPortsPresentOnlyRsa) {
  for (Product product : {Product::mediasense, Product::finesse, Product::cuic, Product::cucm}) {
    make(product);
    expect_ports(product, {}, false);
  }
}

TEST_F(PresentationTest, WithTheCopNoPortPresentsEcdsa) {
  m_cop = true;
  make(Product::uccx);
  const auto [to_ecdsa_client, to_rsa_client] = at_port(12015);
  EXPECT_EQ(to_ecdsa_client, rsa_identity());
  EXPECT_EQ(to_rsa_client, rsa_identity());
}

TEST_F(PresentationTest, ANewEcdsaIdentityIsPresentedOnlyAfterTheServiceRestarts) {
  make(Product::uccx);
  const Certificate before = ec_identity();
  ASSERT_TRUE(m_node->regenerate_identity(Clock::now(), kTomcatEcdsaUnit).has_value());
  EXPECT_NE(ec_identity(), before);
  EXPECT_EQ(at_port(12015).first, before);
  restart_all();
  EXPECT_EQ(at_port(12015).first, ec_identity());
}

}  // namespace
}  // namespace vossim
