// CUCM 14+ certificate REST: request builders and response parsers (table-driven, pure), and the calls over a fake
// client (labels, pass-through of transport errors).

#include "providers/cucm/cucm_rest.hpp"

#include "support/test_pki.hpp"
#include "unit/providers/fake_http_client.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace trustctl::cucm {
namespace {

using nlohmann::json;
using transport::HttpResponse;

const std::string kBase = "/platformcom/api/v1/certmgr/config";

struct Pki {
  testing::TestCa root = testing::make_root("Corp Root CA");
  Certificate leaf = testing::make_leaf("cucm1.lab.example", root);
};

const Pki& pki() {
  static const Pki instance;
  return instance;
}

// ---- requests ----------------------------------------------------------------------------------------------------

struct RequestCase {
  const char* name;
  transport::HttpRequest request;
  std::string method;
  std::string path;
  json body;  // null: no body
};

TEST(CucmRestRequests, MatchTheDocumentedShapes) {
  const std::string root_pem = pki().root.certificate.pem();
  const std::string leaf_pem = pki().leaf.pem();
  CsrParameters plain;
  plain.common_name = "cucm1.lab.example";
  CsrParameters with_names = plain;
  with_names.alt_names = {"cucm.lab.example", "lab.example"};
  with_names.key_length = 4096;

  const std::vector<RequestCase> cases = {
      {"snapshot", snapshot_request(), "GET", kBase + "/snapshot/server", nullptr},
      {"trust list", trust_list_request(), "GET", kBase + "/trust/certificate?service=tomcat", nullptr},
      {"trust list, odd service escaped", trust_list_request("tomcat&x=1"), "GET",
       kBase + "/trust/certificate?service=tomcat%26x%3D1", nullptr},
      {"trust upload", trust_upload_request({root_pem, root_pem + leaf_pem}, "trustctl: corp-root"), "POST",
       kBase + "/trust/certificates",
       json{{"service", {"tomcat"}}, {"certificates", {root_pem, root_pem + leaf_pem}}, {"description", "trustctl: corp-root"}}},
      {"csr without alt names", csr_request(plain), "POST", kBase + "/csr",
       json{{"service", "tomcat"}, {"distribution", "this-server"}, {"commonName", "cucm1.lab.example"},
            {"keyType", "rsa"}, {"keyLength", 2048}, {"hashAlgorithm", "sha256"}}},
      {"csr with alt names", csr_request(with_names), "POST", kBase + "/csr",
       json{{"service", "tomcat"}, {"distribution", "this-server"}, {"commonName", "cucm1.lab.example"},
            {"keyType", "rsa"}, {"keyLength", 4096}, {"hashAlgorithm", "sha256"},
            {"altNames", {"cucm.lab.example", "lab.example"}}}},
      {"identity upload", identity_upload_request({leaf_pem, root_pem}), "POST", kBase + "/identity/certificates",
       json{{"service", "tomcat"}, {"certificates", {leaf_pem, root_pem}}}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.request.method, c.method) << c.name;
    EXPECT_EQ(c.request.path, c.path) << c.name;
    if (c.body.is_null()) {
      EXPECT_TRUE(c.request.body.empty()) << c.name;
    } else {
      EXPECT_EQ(json::parse(c.request.body), c.body) << c.name;
      EXPECT_NE(std::find(c.request.headers.begin(), c.request.headers.end(),
                          std::pair<std::string, std::string>{"Content-Type", "application/json"}),
                c.request.headers.end())
          << c.name;
    }
  }
}

// ---- errors ------------------------------------------------------------------------------------------------------

struct ErrorCase {
  const char* name;
  Call call;
  int status;
  std::string body;
  ErrorCode code;
  std::string message;  // a substring
};

TEST(CucmRestErrors, StatusAndAppliancesWordsDecideTheError) {
  const std::string vossim_400 =
      R"j({"message":"Import failed: certificate has expired (CN=Old CA)","messages":["Import failed: certificate has expired (CN=Old CA)","Import failed: wildcard (CN=*.x)"]})j";
  const std::vector<ErrorCase> cases = {
      {"refused trust upload", Call::trust_upload, 400, vossim_400, ErrorCode::appliance_refused,
       "the appliance refused upload trust (REST) (HTTP 400: Import failed: certificate has expired (CN=Old CA); "
       "Import failed: wildcard (CN=*.x))"},
      {"identity upload without CSR: the documented permanent 500", Call::identity_upload, 500,
       R"j({"message":"File /usr/local/platform/.security/tomcat/keys/tomcat.csr does not exist","messages":[]})j",
       ErrorCode::appliance_refused, "tomcat.csr does not exist"},
      {"identity upload, CSR key replaced", Call::identity_upload, 500,
       R"j({"message":"CSR public key and Certificate public key do not match"})j", ErrorCode::appliance_refused,
       "CSR public key and Certificate public key do not match"},
      {"identity upload, SAN", Call::identity_upload, 400, R"j({"message":"CSR SAN and Certificate SAN does not match"})j",
       ErrorCode::appliance_refused, "(HTTP 400: CSR SAN and Certificate SAN does not match)"},
      {"identity upload busy", Call::identity_upload, 503, "", ErrorCode::connection, "(HTTP 503)"},
      {"trust upload 500 is transient", Call::trust_upload, 500, R"j({"message":"Executed command unsuccessfully"})j",
       ErrorCode::connection, "the appliance failed upload trust (REST) (HTTP 500: Executed command unsuccessfully)"},
      {"csr 502 with an HTML page", Call::csr, 502, "<html>\n  <body>Bad   Gateway</body>\n</html>",
       ErrorCode::connection, "HTTP 502: <html> <body>Bad Gateway</body> </html>"},
      {"not found", Call::snapshot, 404, R"j({"message":"not found: /x"})j", ErrorCode::appliance_refused, "not found: /x"},
      {"auth", Call::trust_list, 401, "", ErrorCode::authentication, "credentials"},
      {"messages as objects", Call::csr, 400, R"j({"messages":[{"message":"bad keyLength"},{"message":"bad name"}]})j",
       ErrorCode::appliance_refused, "HTTP 400: bad keyLength; bad name"},
  };
  for (const auto& c : cases) {
    Error e = response_error(c.call, HttpResponse{c.status, {}, c.body});
    EXPECT_EQ(e.code, c.code) << c.name;
    EXPECT_NE(e.message.find(c.message), std::string::npos) << c.name << ": " << e.message;
  }
}

TEST(CucmRestErrors, ApplianceWordsQuoteALongBodyShortly) {
  EXPECT_EQ(appliance_words(""), "");
  EXPECT_EQ(appliance_words(R"j({"message":"a","messages":["a","b"]})j"), "a; b");
  EXPECT_EQ(appliance_words(R"j({"messages":"only"})j"), "only");
  EXPECT_EQ(appliance_words(R"j({"other":1})j"), "");
  EXPECT_LT(appliance_words(std::string(5000, 'x')).size(), 500u);
}

// ---- parsers -----------------------------------------------------------------------------------------------------

TEST(CucmRestParse, SnapshotAsVosSimServesIt) {
  const std::string leaf_pem = pki().leaf.pem();
  const std::string root_pem = pki().root.certificate.pem();
  json body = {{"hostName", "cucm1.lab.example"},
               {"identities", {{{"service", "tomcat"}, {"fileName", "tomcat/tomcat.pem"}, {"certificate", leaf_pem},
                                {"fingerprint", pki().leaf.fingerprint()}},
                               // vos-sim names every unit's service "tomcat"; the file's directory says the unit.
                               {{"service", "tomcat"}, {"fileName", "tomcat-ECDSA/tomcat-ECDSA.pem"},
                                {"certificate", root_pem}}}},
               {"trusts", {{{"service", "tomcat"}, {"fileName", "tomcat-trust/Corp_Root_CA_1a.pem"}, {"certificate", root_pem}},
                           {{"service", "tomcat"}, {"certificate", leaf_pem}}}}};
  auto snapshot = parse_snapshot(HttpResponse{200, {}, body.dump()});
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(snapshot->host_name, "cucm1.lab.example");
  ASSERT_EQ(snapshot->identities.size(), 2u);
  EXPECT_EQ(snapshot->identities[0].certificate, pki().leaf);
  EXPECT_EQ(snapshot->identities[0].file_name, "tomcat/tomcat.pem");
  ASSERT_EQ(snapshot->trusts.size(), 2u);
  EXPECT_EQ(snapshot->trusts[0].certificate, pki().root.certificate);
  EXPECT_EQ(snapshot->trusts[0].pem, root_pem);

  NodeState state = to_node_state("cucm1", *snapshot);
  ASSERT_EQ(state.stores["tomcat-trust"].size(), 2u);
  EXPECT_EQ(state.stores["tomcat-trust"][0].file, "Corp_Root_CA_1a.pem");
  EXPECT_EQ(state.stores["tomcat-trust"][1].file, pki().leaf.trust_file_name());  // the appliance named none
  EXPECT_TRUE(state.holds("tomcat-trust", pki().root.certificate.fingerprint()));
  ASSERT_EQ(state.identities["tomcat"].size(), 1u);
  EXPECT_EQ(state.identities["tomcat"][0], pki().leaf);
  ASSERT_EQ(state.identities["tomcat-ECDSA"].size(), 1u);
  EXPECT_EQ(state.stores.count("tomcat-ECDSA-trust"), 0u);
}

struct BadCase {
  const char* name;
  HttpResponse response;
  ErrorCode code;
  std::string message;
};

TEST(CucmRestParse, SnapshotAndTrustListRefuseWhatTheyCannotUnderstand) {
  const std::vector<BadCase> snapshot_cases = {
      {"not JSON", {200, {}, "<html/>"}, ErrorCode::protocol, "not a JSON object"},
      {"trusts not a list", {200, {}, R"j({"trusts":{}})j"}, ErrorCode::protocol, "\"trusts\" is not a list"},
      {"entry without certificate", {200, {}, R"j({"trusts":[{"fileName":"a.pem"}]})j"}, ErrorCode::protocol,
       "(a.pem) has no \"certificate\""},
      {"certificate that is not one", {200, {}, R"j({"identities":[{"certificate":"garbage"}]})j"}, ErrorCode::protocol,
       "is not a certificate"},
      {"error status", {503, {}, ""}, ErrorCode::connection, "HTTP 503"},
  };
  for (const auto& c : snapshot_cases) {
    auto parsed = parse_snapshot(c.response);
    ASSERT_FALSE(parsed) << c.name;
    EXPECT_EQ(parsed.error().code, c.code) << c.name;
    EXPECT_NE(parsed.error().message.find(c.message), std::string::npos) << c.name << ": " << parsed.error().message;
  }
  auto empty = parse_snapshot(HttpResponse{200, {}, "{}"});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->trusts.empty());
  auto missing = parse_trust_list(HttpResponse{200, {}, "{}"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no \"certificates\" list"), std::string::npos);
}

TEST(CucmRestParse, TrustListKeepsEachPemExactlyAsReturned) {
  // Clients compare strings with what they uploaded: the parser must not re-encode.
  const std::string odd_pem = "\n" + pki().root.certificate.pem() + "\n\n";
  json body = {{"certificates", {{{"certificate", odd_pem}, {"fileName", "Corp_Root_CA_1.pem"}, {"subject", "CN=Corp Root CA"},
                                  {"serialNumber", "1"}}}}};
  auto list = parse_trust_list(HttpResponse{200, {}, body.dump()});
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].pem, odd_pem);
  EXPECT_EQ((*list)[0].certificate, pki().root.certificate);
  EXPECT_EQ((*list)[0].file_name, "Corp_Root_CA_1.pem");
}

TEST(CucmRestParse, CsrAndUploads) {
  const std::string csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
  auto parsed = parse_csr(HttpResponse{200, {}, json{{"csr", csr}}.dump()});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, csr);
  EXPECT_EQ(parse_csr(HttpResponse{200, {}, R"j({"csr":"no"})j"}).error().code, ErrorCode::protocol);
  EXPECT_EQ(parse_csr(HttpResponse{400, {}, R"j({"message":"unsupported keyLength: 512"})j"}).error().code,
            ErrorCode::appliance_refused);

  EXPECT_TRUE(parse_upload(Call::trust_upload, HttpResponse{200, {}, R"j({"message":"Successfully imported certificate for tomcat.","certificates":[{"fileName":"a.pem","status":"unchanged"}]})j"}));
  EXPECT_TRUE(parse_upload(Call::identity_upload, HttpResponse{200, {}, ""}));
  auto refused_in_200 = parse_upload(
      Call::trust_upload, HttpResponse{200, {}, R"j({"certificates":[{"fileName":"a.pem","status":"imported"},{"fileName":"b.pem","status":"refused"}]})j"});
  ASSERT_FALSE(refused_in_200);
  EXPECT_EQ(refused_in_200.error().code, ErrorCode::appliance_refused);
  EXPECT_NE(refused_in_200.error().message.find("b.pem"), std::string::npos);
}

// ---- calls -------------------------------------------------------------------------------------------------------

TEST(CucmRestCalls, UploadTrustSendsEveryCertificateAndLabelsRefusals) {
  fakes::FakeHttpClient http;
  http.responses["POST " + kBase + "/trust/certificates"] = HttpResponse{400, {}, R"j({"message":"Import failed: expired"})j"};
  auto result = upload_trust(http, {pki().root.certificate, pki().leaf}, "trustctl");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::appliance_refused);
  EXPECT_EQ(result.error().node, "cucm1");
  EXPECT_EQ(result.error().operation, "upload trust (REST)");
  ASSERT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(json::parse(http.requests[0].body)["certificates"],
            json({pki().root.certificate.pem(), pki().leaf.pem()}));
  EXPECT_FALSE(upload_trust(http, {}, "nothing"));
  EXPECT_EQ(http.requests.size(), 1u);  // nothing sent for nothing
}

TEST(CucmRestCalls, TransportErrorsPassThroughUnchanged) {
  fakes::FakeHttpClient http;
  http.faults["GET " + kBase + "/snapshot/server"] = Error(ErrorCode::tls, "pin mismatch");
  auto snapshot = read_snapshot(http);
  ASSERT_FALSE(snapshot);
  EXPECT_EQ(snapshot.error().code, ErrorCode::tls);
  EXPECT_EQ(snapshot.error().message, "pin mismatch");
  EXPECT_EQ(snapshot.error().operation, "read certificates (REST)");
}

TEST(CucmRestCalls, CsrThenIdentityUpload) {
  fakes::FakeHttpClient http;
  const std::string csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
  http.responses["POST " + kBase + "/csr"] = HttpResponse{200, {}, json{{"csr", csr}}.dump()};
  http.responses["POST " + kBase + "/identity/certificates"] =
      HttpResponse{500, {}, R"j({"message":"File /usr/local/platform/.security/tomcat/keys/tomcat.csr does not exist"})j"};
  CsrParameters parameters;
  parameters.common_name = "cucm1.lab.example";
  auto generated = generate_csr(http, parameters);
  ASSERT_TRUE(generated) << generated.error().message;
  EXPECT_EQ(*generated, csr);
  auto uploaded = upload_identity(http, {pki().leaf, pki().root.certificate});
  ASSERT_FALSE(uploaded);
  EXPECT_EQ(uploaded.error().code, ErrorCode::appliance_refused);  // retrying cannot help: a new CSR can
  EXPECT_EQ(uploaded.error().operation, "upload identity (REST)");
  EXPECT_EQ(json::parse(http.requests[1].body)["certificates"][0], pki().leaf.pem());  // leaf first
}

}  // namespace
}  // namespace trustctl::cucm
