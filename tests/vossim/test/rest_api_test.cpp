// The REST interfaces of docs/appliances.md section 8 as request -> response over a SimNode, and the HTTP parser's
// robustness. The same handler serves the real HTTPS ports (network_test.cpp drives it with curl).

#include "tests/vossim/rest_api.hpp"
#include "tests/vossim/messages.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vossim {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using trustctl::Product;
using trustctl::Role;

constexpr const char* kBase = "/platformcom/api/v1/certmgr/config/";
// base64("admin:Secret-1")
constexpr const char* kGoodAuth = "Basic YWRtaW46U2VjcmV0LTE=";

class RestApiTest : public ::testing::Test {
 protected:
  void make(Product product, const std::string& version) {
    m_node = std::make_unique<SimNode>(NodeSpec{"n1", "n1.lab.example", "c", product, Role::publisher, "127.0.0.1",
                                                version},
                                       m_dir.path() / ("n1-" + std::to_string(++m_count)));
    ASSERT_TRUE(m_node->load_or_initialize().has_value());
    m_api = std::make_unique<RestApi>(*m_node, RestContext{"admin", "Secret-1", &m_faults});
  }
  void SetUp() override { make(Product::cucm, "14.0.1"); }

  RestOutcome call(const std::string& method, const std::string& target, const std::string& body = "",
                   const std::string& auth = kGoodAuth) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    const auto q = target.find('?');
    request.path = target.substr(0, q);
    request.query = q == std::string::npos ? "" : target.substr(q + 1);
    if (!auth.empty()) request.headers["authorization"] = auth;
    request.body = body;
    return m_api->handle(request);
  }
  json body_of(const RestOutcome& outcome) { return json::parse(outcome.response.body); }

  test::TempDir m_dir;
  int m_count = 0;
  FaultBook m_faults;
  std::unique_ptr<SimNode> m_node;
  std::unique_ptr<RestApi> m_api;
};

TEST_F(RestApiTest, BadOrMissingCredentialsAre401) {
  EXPECT_EQ(call("GET", std::string(kBase) + "snapshot/server", "", "").response.status, 401);
  EXPECT_EQ(call("GET", std::string(kBase) + "snapshot/server", "", "Basic YWRtaW46d3Jvbmc=").response.status, 401);
  const auto ok = call("GET", std::string(kBase) + "snapshot/server");
  EXPECT_EQ(ok.response.status, 200);
  const json snapshot = body_of(ok);
  EXPECT_EQ(snapshot["hostName"], "n1.lab.example");
  EXPECT_EQ(snapshot["identities"][0]["certificate"], m_node->own_tomcat().pem());
  EXPECT_EQ(snapshot["identities"][0]["service"], "tomcat");
  // CUCM 14 also has tomcat-ECDSA (docs/appliances.md section 2): both self-signed identities sit in tomcat-trust.
  ASSERT_EQ(snapshot["identities"].size(), 2u);
  EXPECT_EQ(snapshot["identities"][1]["service"], "tomcat-ECDSA");
  EXPECT_EQ(snapshot["identities"][1]["fileName"], "tomcat-ECDSA/tomcat-ECDSA.pem");
  EXPECT_EQ(snapshot["trusts"].size(), 2u);
}

TEST_F(RestApiTest, OnlyCucm14AndLaterServeTheCertificateApi) {
  make(Product::cucm, "12.5");
  EXPECT_EQ(call("GET", std::string(kBase) + "snapshot/server").response.status, 404);
  make(Product::uccx, "14.0");
  EXPECT_EQ(call("GET", std::string(kBase) + "snapshot/server").response.status, 404);
}

TEST_F(RestApiTest, TrustUploadTakesSeveralPemBlocksPerElementAndReturnsThemVerbatim) {
  const auto root = test::make_certificate("Rest Root", true);
  const auto issuing = test::make_certificate("Rest Issuing", true, &root);
  const auto other = test::make_certificate("Rest Other Root", true);
  // A chain in one element, with CRLF line ends: GET must give back these exact bytes per certificate.
  std::string chain = issuing.certificate.pem() + root.certificate.pem();
  std::string crlf;
  for (char c : chain) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const json upload = {{"service", {"tomcat"}}, {"certificates", {crlf, other.certificate.pem()}}, {"description", "x"}};
  auto outcome = call("POST", std::string(kBase) + "trust/certificates", upload.dump());
  ASSERT_EQ(outcome.response.status, 200) << outcome.response.body;
  EXPECT_EQ(body_of(outcome)["certificates"].size(), 3u);

  // Again: a 200 no-op.
  outcome = call("POST", std::string(kBase) + "trust/certificates", upload.dump());
  EXPECT_EQ(outcome.response.status, 200) << outcome.response.body;
  EXPECT_EQ(body_of(outcome)["certificates"][0]["status"], "unchanged");

  const auto listed = call("GET", std::string(kBase) + "trust/certificate?service=tomcat");
  ASSERT_EQ(listed.response.status, 200) << listed.response.body;
  const json listed_body = body_of(listed);
  std::set<std::string> pems;
  for (const auto& entry : listed_body["certificates"]) pems.insert(entry["certificate"].get<std::string>());
  const auto first_end = crlf.find("-----END CERTIFICATE-----") + 25;
  EXPECT_EQ(pems.count(crlf.substr(0, first_end) + "\n"), 1u);  // exactly as uploaded (plus the block's newline)
  EXPECT_EQ(pems.count(other.certificate.pem()), 1u);
  EXPECT_EQ(pems.size(), 5u);  // plus the node's own self-signed tomcat and tomcat-ECDSA certificates
}

TEST_F(RestApiTest, TrustUploadErrorsCarryMessageAndMessages) {
  const auto expired = test::make_certificate("Old Root", true, nullptr, 10, -30);
  const json upload = {{"service", {"tomcat"}}, {"certificates", {expired.certificate.pem()}}};
  const auto outcome = call("POST", std::string(kBase) + "trust/certificates", upload.dump());
  EXPECT_EQ(outcome.response.status, 400);
  const json body = body_of(outcome);
  EXPECT_NE(body["message"].get<std::string>().find(msg::kReasonExpired), std::string::npos);
  EXPECT_EQ(body["messages"].size(), 1u);
  EXPECT_EQ(call("POST", std::string(kBase) + "trust/certificates", "{not json").response.status, 400);
  EXPECT_EQ(call("POST", std::string(kBase) + "trust/certificates", R"({"service":["tomcat"],"certificates":["junk"]})")
                .response.status,
            400);
  EXPECT_EQ(call("GET", std::string(kBase) + "trust/certificate?service=ipsec").response.status, 400);
}

TEST_F(RestApiTest, CsrThenSignedIdentityUpload) {
  const auto ca = test::make_certificate("Rest CA", true);
  m_node->import_trust({ca.certificate}, Clock::now());
  const json request = {{"service", "tomcat"},      {"distribution", "this-server"}, {"commonName", "n1.lab.example"},
                        {"keyType", "rsa"},         {"keyLength", 2048},            {"hashAlgorithm", "sha256"},
                        {"altNames", {"n1-alias.lab.example"}}};
  const auto csr = call("POST", std::string(kBase) + "csr", request.dump());
  ASSERT_EQ(csr.response.status, 200) << csr.response.body;
  const std::string pem = body_of(csr)["csr"];
  EXPECT_NE(pem.find("-----BEGIN CERTIFICATE REQUEST-----"), std::string::npos);
  EXPECT_EQ(csr.response.body.find("PRIVATE"), std::string::npos);
  EXPECT_EQ(parse_csr(pem)->dns_names, (std::vector<std::string>{"n1.lab.example", "n1-alias.lab.example"}));

  const auto cert = test::sign_csr(pem, ca, "n1.lab.example", {"n1.lab.example", "n1-alias.lab.example"});
  const json identity = {{"service", "tomcat"}, {"certificates", {cert.pem(), ca.certificate.pem()}}};
  const auto uploaded = call("POST", std::string(kBase) + "identity/certificates", identity.dump());
  EXPECT_EQ(uploaded.response.status, 200) << uploaded.response.body;
  EXPECT_EQ(m_node->own_tomcat(), cert);

  // The CSR was consumed: the same upload now has no CSR to match.
  const auto again = call("POST", std::string(kBase) + "identity/certificates", identity.dump());
  EXPECT_EQ(again.response.status, 500);
  EXPECT_EQ(body_of(again)["message"], std::string(msg::kNoCsr));
}

TEST_F(RestApiTest, IdentityUploadAgainstAReplacedCsrIs500) {
  const auto ca = test::make_certificate("Rest CA 2", true);
  m_node->import_trust({ca.certificate}, Clock::now());
  const json request = {{"service", "tomcat"}, {"commonName", "n1.lab.example"}, {"keyLength", 2048}};
  const std::string first = body_of(call("POST", std::string(kBase) + "csr", request.dump()))["csr"];
  ASSERT_EQ(call("POST", std::string(kBase) + "csr", request.dump()).response.status, 200);  // replaces it
  const auto cert = test::sign_csr(first, ca, "n1.lab.example", {"n1.lab.example"});
  const auto outcome =
      call("POST", std::string(kBase) + "identity/certificates", json({{"service", "tomcat"}, {"certificates", {cert.pem()}}}).dump());
  EXPECT_EQ(outcome.response.status, 500);
  EXPECT_EQ(body_of(outcome)["message"], std::string(msg::kCsrKeyMismatch));
  EXPECT_EQ(body_of(outcome)["messages"].size(), 1u);
}

TEST_F(RestApiTest, CsrKeyLengthLimits) {
  const json too_big = {{"service", "tomcat"}, {"keyType", "rsa"}, {"keyLength", 8192}};
  EXPECT_EQ(call("POST", std::string(kBase) + "csr", too_big.dump()).response.status, 400);
  EXPECT_EQ(call("POST", std::string(kBase) + "csr", json({{"service", "ipsec"}}).dump()).response.status, 400);
}

TEST_F(RestApiTest, SystemInfoIsInServiceOnlyWhenFinesseServicesAreStarted) {
  for (Product product : {Product::finesse, Product::uccx}) {
    make(product, "12.5");
    auto outcome = call("GET", "/finesse/api/SystemInfo", "", "");
    ASSERT_EQ(outcome.response.status, 200);
    EXPECT_EQ(outcome.response.content_type, "application/xml");
    EXPECT_NE(outcome.response.body.find("<status>IN_SERVICE</status>"), std::string::npos) << outcome.response.body;
    m_node->begin_restart("Cisco Finesse Tomcat", Clock::now(), 60s);
    outcome = call("GET", "/finesse/api/SystemInfo", "", "");
    EXPECT_NE(outcome.response.body.find("<status>OUT_OF_SERVICE</status>"), std::string::npos);
  }
  make(Product::cuic, "12.5");
  EXPECT_EQ(call("GET", "/finesse/api/SystemInfo").response.status, 404);
}

TEST_F(RestApiTest, FaultsOnRestCalls) {
  m_faults.add(Fault{"n1", FaultKind::refuse, "POST /platformcom", "Simulated REST refusal", 0ms, 1, {}});
  const json upload = {{"service", {"tomcat"}}, {"certificates", {test::make_certificate("F Root", true).certificate.pem()}}};
  auto outcome = call("POST", std::string(kBase) + "trust/certificates", upload.dump());
  EXPECT_EQ(outcome.response.status, 500);
  EXPECT_EQ(body_of(outcome)["message"], "Simulated REST refusal");
  EXPECT_EQ(m_node->trust_store().size(), 2u);  // the node's own tomcat and tomcat-ECDSA

  m_faults.add(Fault{"n1", FaultKind::drop_after_commit, "trust/certificates", "", 0ms, 1, {}});
  outcome = call("POST", std::string(kBase) + "trust/certificates", upload.dump());
  EXPECT_TRUE(outcome.drop);
  EXPECT_EQ(m_node->trust_store().size(), 3u);  // committed

  m_faults.add(Fault{"n1", FaultKind::drop_before_reply, "snapshot", "", 0ms, 1, {}});
  EXPECT_TRUE(call("GET", std::string(kBase) + "snapshot/server").drop);

  m_faults.add(Fault{"n1", FaultKind::delay, "snapshot", "", 250ms, 1, {}});
  outcome = call("GET", std::string(kBase) + "snapshot/server");
  EXPECT_EQ(outcome.delay, 250ms);
  EXPECT_EQ(outcome.response.status, 200);
}

// --- the HTTP parser ---

ReadOutcome parse(const std::string& bytes, HttpRequest& request, std::size_t chunk = 7) {
  std::size_t at = 0;
  return read_request(
      [&](char* buffer, std::size_t size) -> long {
        const std::size_t n = std::min({size, chunk, bytes.size() - at});
        std::copy_n(bytes.data() + at, n, buffer);
        at += n;
        return static_cast<long>(n);
      },
      request);
}

TEST(HttpParser, ParsesRequestWithBodyInSmallReads) {
  HttpRequest request;
  ASSERT_EQ(parse("POST /a/b?service=tomcat&x=1%202 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", request),
            ReadOutcome::ok);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/a/b");
  EXPECT_EQ(request.query_param("service"), "tomcat");
  EXPECT_EQ(request.query_param("x"), "1 2");
  EXPECT_EQ(request.header("host"), "h");
  EXPECT_EQ(request.body, "hello");
  std::string user;
  std::string password;
  request.headers["authorization"] = "Basic YWRtaW46U2VjcmV0LTE=";
  ASSERT_TRUE(basic_credentials(request, user, password));
  EXPECT_EQ(user, "admin");
  EXPECT_EQ(password, "Secret-1");
}

TEST(HttpParser, MalformedInputIsABadRequestNeverACrash) {
  const std::vector<std::string> bad = {
      "GARBAGE\r\n\r\n",
      "GET nopath HTTP/1.1\r\n\r\n",
      "GET / SPDY/3\r\n\r\n",
      "GET / HTTP/1.1\r\nno-colon-header\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: -4\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort",
      "GET / HTTP/1.1\r\nHost: x",  // connection closed mid-head
  };
  for (const auto& bytes : bad) {
    HttpRequest request;
    const auto outcome = parse(bytes, request);
    EXPECT_TRUE(outcome == ReadOutcome::bad_request || outcome == ReadOutcome::too_large) << bytes;
  }
  HttpRequest request;
  EXPECT_EQ(parse(std::string(20000, 'A'), request), ReadOutcome::too_large);
  EXPECT_EQ(parse("", request), ReadOutcome::closed);
}

}  // namespace
}  // namespace vossim

namespace vossim {
namespace {

TEST_F(RestApiTest, CsrForTomcatEcdsaAndMultiServerOnThePublisher) {
  // tomcat-ECDSA: EC keys only, 256/384/521.
  auto outcome = call("POST", std::string(kBase) + "csr", R"({"service":"tomcat-ECDSA","keyType":"ec","keyLength":384})");
  ASSERT_EQ(outcome.response.status, 200) << outcome.response.body;
  auto csr = parse_csr(body_of(outcome)["csr"].get<std::string>());
  ASSERT_TRUE(csr.has_value());
  ASSERT_TRUE(m_node->pending_csr(kTomcatEcdsaUnit).has_value());
  EXPECT_FALSE(m_node->pending_csr().has_value());
  EXPECT_EQ(call("POST", std::string(kBase) + "csr", R"({"service":"tomcat-ECDSA","keyType":"rsa"})").response.status, 400);
  EXPECT_EQ(call("POST", std::string(kBase) + "csr", R"({"service":"tomcat-ECDSA","keyLength":224})").response.status, 400);
  EXPECT_EQ(call("POST", std::string(kBase) + "csr", R"({"service":"ipsec"})").response.status, 400);

  // Multi-server: CN <host>-ms.<domain>, SAN every node of the cluster (here the publisher alone).
  outcome = call("POST", std::string(kBase) + "csr", R"({"service":"tomcat","distribution":"multi-server"})");
  ASSERT_EQ(outcome.response.status, 200) << outcome.response.body;
  const auto pending = m_node->pending_csr();
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->common_name, "n1-ms.lab.example");
  EXPECT_TRUE(m_node->pending_csr_multi_server());

  // The identity upload names its unit.
  const auto ca = test::make_certificate("REST EC Root", true);
  m_node->import_trust({ca.certificate}, Clock::now());
  const auto ec_csr = m_node->pending_csr(kTomcatEcdsaUnit);
  const auto leaf = test::sign_csr(ec_csr->pem, ca, ec_csr->common_name, ec_csr->dns_names);
  const json upload = {{"service", "tomcat-ECDSA"}, {"certificates", {leaf.pem(), ca.certificate.pem()}}};
  outcome = call("POST", std::string(kBase) + "identity/certificates", upload.dump());
  ASSERT_EQ(outcome.response.status, 200) << outcome.response.body;
  EXPECT_EQ(*m_node->own_identity(kTomcatEcdsaUnit), leaf);
}

}  // namespace
}  // namespace vossim
