// CUCM's part of the VOS provider: which clusters and actions go over the certificate REST API, and what each action
// sends (the CSR with the policy's key, the signed chain leaf first, the new identity's fingerprint for the pins).

#include "providers/cucm/cucm_certificate_api.hpp"

#include "support/test_pki.hpp"
#include "unit/providers/fake_http_client.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace trustctl::providers {
namespace {

using nlohmann::json;
using transport::HttpResponse;

const std::string kBase = "/platformcom/api/v1/certmgr/config";

Cluster cucm(const std::string& version) {
  Cluster c;
  c.name = "cucm";
  c.product = Product::cucm;
  c.version = version;
  return c;
}

TEST(CucmCertificateApi, OnlyCucm14AndLaterUseTheApi) {
  CucmCertificateApi api;
  EXPECT_TRUE(api.uses_api(cucm("14")));
  EXPECT_TRUE(api.uses_api(cucm("15.0")));
  EXPECT_FALSE(api.uses_api(cucm("12.5")));
  EXPECT_FALSE(api.uses_api(cucm(""))) << "no version: an older CUCM, driven through the CLI";
  Cluster uccx = cucm("14");
  uccx.product = Product::uccx;
  EXPECT_FALSE(api.uses_api(uccx));
}

TEST(CucmCertificateApi, DeletesRegenerationAndRestartsStayOnTheCli) {
  CucmCertificateApi api;
  EXPECT_TRUE(api.runs_over_api(ActionKind::upload_trust));
  EXPECT_TRUE(api.runs_over_api(ActionKind::renew_identity));
  EXPECT_TRUE(api.runs_over_api(ActionKind::install_identity));
  EXPECT_FALSE(api.runs_over_api(ActionKind::delete_trust));
  EXPECT_FALSE(api.runs_over_api(ActionKind::regenerate_identity));
  EXPECT_FALSE(api.runs_over_api(ActionKind::restart_service));
}

TEST(CucmCertificateApi, RenewalAsksForThePolicyKeyAndUploadsTheSignedChainLeafFirst) {
  auto root = testing::make_root("Lab Root");
  auto leaf = testing::make_leaf("cucm1.lab.example", root);
  fakes::FakeHttpClient http;
  const std::string csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
  http.responses["POST " + kBase + "/csr"] = HttpResponse{200, {}, json{{"csr", csr}}.dump()};
  http.responses["POST " + kBase + "/identity/certificates"] = HttpResponse{200, {}, ""};
  Node node;
  node.name = "cucm1";
  node.fqdn = "cucm1.lab.example";
  Action action;
  action.kind = ActionKind::renew_identity;
  action.node = "cucm1";
  action.store = "tomcat";
  std::string signed_csr;
  auto sign = [&](const std::string& pem) -> Result<std::vector<Certificate>> {
    signed_csr = pem;
    return std::vector<Certificate>{leaf, root.certificate};
  };
  auto changed = CucmCertificateApi().run_over_api(http, node, action, "ec-384", sign);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(*changed, leaf.fingerprint());
  EXPECT_EQ(signed_csr, csr);
  ASSERT_EQ(http.requests.size(), 2u);
  auto asked = json::parse(http.requests[0].body);
  EXPECT_EQ(asked["keyType"], "ec") << asked.dump();
  EXPECT_EQ(asked["keyLength"], 384) << asked.dump();
  EXPECT_EQ(json::parse(http.requests[1].body)["certificates"][0], leaf.pem());
}

TEST(CucmCertificateApi, ATrustUploadChangesNoIdentityAndARefusalNamesTheCall) {
  auto root = testing::make_root("Partner Root");
  fakes::FakeHttpClient http;
  http.responses["POST " + kBase + "/trust/certificates"] = HttpResponse{200, {}, ""};
  Node node;
  node.name = "cucm1";
  Action action;
  action.kind = ActionKind::upload_trust;
  action.store = "tomcat-trust";
  action.certificate = root.certificate;
  action.reason = "UCCX calls CUCM";
  auto sign = [](const std::string&) -> Result<std::vector<Certificate>> { return fail(ErrorCode::internal, "unused"); };
  auto uploaded = CucmCertificateApi().run_over_api(http, node, action, "rsa-2048", sign);
  ASSERT_TRUE(uploaded) << uploaded.error().message;
  EXPECT_EQ(*uploaded, "");
  http.responses["POST " + kBase + "/trust/certificates"] = HttpResponse{400, {}, R"j({"message":"bad certificate"})j"};
  auto refused = CucmCertificateApi().run_over_api(http, node, action, "rsa-2048", sign);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::appliance_refused);
  EXPECT_NE(refused.error().message.find("bad certificate"), std::string::npos) << refused.error().message;
}

TEST(CucmCertificateApi, AnUploadWithoutItsCertificateIsAnInternalErrorNotACrash) {
  fakes::FakeHttpClient http;
  Node node;
  node.name = "cucm1";
  Action action;
  action.kind = ActionKind::install_identity;
  auto sign = [](const std::string&) -> Result<std::vector<Certificate>> { return fail(ErrorCode::internal, "unused"); };
  auto result = CucmCertificateApi().run_over_api(http, node, action, "rsa-2048", sign);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::internal);
  EXPECT_TRUE(http.requests.empty());
}

}  // namespace
}  // namespace trustctl::providers
