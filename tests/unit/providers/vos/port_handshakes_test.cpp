// Handshakes on a node's service ports against in-process TLS listeners on loopback: what each port presents, a port
// that refuses, and the target every handshake is made with.

#include "providers/vos/port_handshakes.hpp"

#include "providers/pki/certificate_builder.hpp"
#include "providers/pki/key_pair.hpp"

#include "support/process.hpp"

#include <unistd.h>

#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <memory>
#include <thread>

namespace trustctl::providers {
namespace {

// One TLS listener on 127.0.0.1 that presents `certificate` to each client, until destroyed. port 0: one the kernel
// picks.
class TlsPort {
 public:
  TlsPort(const Certificate& certificate, const pki::KeyPair& key, int port = 0)
      : m_ctx(SSL_CTX_new(TLS_server_method())), m_listener(port) {
    SSL_CTX_use_certificate(m_ctx, certificate.native());
    SSL_CTX_use_PrivateKey(m_ctx, key.native());
    m_thread = std::thread([this] {
      for (;;) {
        int client = m_listener.accept_one();
        if (client < 0) return;
        SSL* ssl = SSL_new(m_ctx);
        SSL_set_fd(ssl, client);
        SSL_accept(ssl);
        SSL_free(ssl);
        close(client);
      }
    });
  }
  ~TlsPort() {
    m_listener.stop();
    m_thread.join();
    SSL_CTX_free(m_ctx);
  }
  int port() const { return m_listener.port(); }

 private:
  SSL_CTX* m_ctx;
  testing::LoopbackListener m_listener;
  std::thread m_thread;
};

// A port nothing listens on.
int closed_port() { return testing::free_port(); }

Node loopback_node() {
  Node node;
  node.name = "uccx1";
  node.fqdn = "uccx1.lab.example";
  node.address = "127.0.0.1";
  node.connection.timeout_s = 5;
  return node;
}

TEST(PortHandshakes, EachPortIsRecordedInOrderWithWhatItPresentsOrWhyItDidNot) {
  auto key = pki::KeyPair::generate("rsa-2048");
  ASSERT_TRUE(key) << key.error().describe();
  pki::CertificateSpec spec;
  spec.common_name = "uccx1.lab.example";
  spec.dns_names = {"uccx1.lab.example"};
  auto certificate = pki::self_signed(spec, *key);
  ASSERT_TRUE(certificate) << certificate.error().describe();
  TlsPort platform(*certificate, *key), finesse(*certificate, *key);
  int refused = closed_port();

  auto presented = read_presented(loopback_node(), {{platform.port(), "Cisco Tomcat", "platform (Tomcat)"},
                                                    {refused, "Cisco Unified CCX Notification Service", "Notification"},
                                                    {finesse.port(), "Cisco Finesse Tomcat", "Finesse desktop"}});
  ASSERT_EQ(presented.size(), 3u);
  EXPECT_EQ(presented[0].port.service, "Cisco Tomcat");
  ASSERT_EQ(presented[0].chain.size(), 1u);
  EXPECT_EQ(presented[0].chain.front(), *certificate);
  EXPECT_TRUE(presented[0].error.empty());
  EXPECT_EQ(presented[1].port.port, refused);
  EXPECT_TRUE(presented[1].chain.empty()) << "a refusing port is recorded, not an error for the node";
  EXPECT_NE(presented[1].error.find(std::to_string(refused)), std::string::npos) << presented[1].error;
  EXPECT_EQ(presented[2].port.service, "Cisco Finesse Tomcat");
  ASSERT_EQ(presented[2].chain.size(), 1u);
}

TEST(PortHandshakes, TheTargetIsTheNodesAddressWithItsFqdnAsSniAndACappedTimeout) {
  Node node = loopback_node();
  node.connection.timeout_s = 600;
  auto target = port_target(node, 8445);
  EXPECT_EQ(target.host, "127.0.0.1");
  EXPECT_EQ(target.port, 8445);
  EXPECT_EQ(target.servername, "uccx1.lab.example");
  EXPECT_EQ(target.timeout, std::chrono::seconds(30)) << "a swallowed handshake must not hold refresh for 10 minutes";
  node.connection.timeout_s = 5;
  EXPECT_EQ(port_target(node, 8445).timeout, std::chrono::seconds(5));
}

// A service that listens again only some time after its restart was reported done: the health check waits for it.
TEST(PortHealth, APortThatListensLateIsWaitedForAndWhatItPresentsReturned) {
  auto key = pki::KeyPair::generate("rsa-2048");
  ASSERT_TRUE(key) << key.error().describe();
  pki::CertificateSpec spec;
  spec.common_name = "uccx1.lab.example";
  auto certificate = pki::self_signed(spec, *key);
  ASSERT_TRUE(certificate) << certificate.error().describe();
  const int port = closed_port();
  std::unique_ptr<TlsPort> late;
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    late = std::make_unique<TlsPort>(*certificate, *key, port);
  });
  auto presented = wait_ports_answer(loopback_node(), {{port, "Cisco Tomcat", "platform (Tomcat)"}},
                                     std::chrono::seconds(20), std::chrono::milliseconds(50));
  opener.join();
  ASSERT_TRUE(presented) << presented.error().describe();
  ASSERT_EQ(presented->size(), 1u);
  ASSERT_EQ(presented->front().chain.size(), 1u);
  EXPECT_EQ(presented->front().chain.front(), *certificate);
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->port(), port);
}

TEST(PortHealth, APortThatNeverAnswersIsAnUnhealthyErrorNamingNodePortServiceAndTheFix) {
  const int port = closed_port();
  auto presented = wait_ports_answer(loopback_node(), {{port, "Cisco Finesse Tomcat", "Finesse desktop"}},
                                     std::chrono::milliseconds(300), std::chrono::milliseconds(50));
  ASSERT_FALSE(presented);
  const Error& e = presented.error();
  EXPECT_EQ(e.code, ErrorCode::unhealthy);
  EXPECT_FALSE(is_transient(e.code)) << "restarting again is a decision for a person, not a retry";
  EXPECT_EQ(e.node, "uccx1");
  EXPECT_EQ(e.operation, "port health check");
  EXPECT_NE(e.message.find("port " + std::to_string(port) + " (Cisco Finesse Tomcat)"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("utils service list"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace trustctl::providers
