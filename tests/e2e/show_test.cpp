// trustctl show against a real vos-sim: what every node stores and presents, read live; after an apply the uploaded CA
// shows as managed and wanted; a node that cannot be read is named with what to do while the others are still shown.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const nlohmann::json& node_of(const nlohmann::json& doc, const std::string& name) {
  for (const auto& cluster : doc["clusters"]) {
    for (const auto& node : cluster["nodes"]) {
      if (node["name"] == name) return node;
    }
  }
  throw std::runtime_error("no node " + name + " in " + doc.dump());
}

const nlohmann::json* entry_of(const nlohmann::json& node, const Certificate& cert) {
  for (const auto& store : node["trust_stores"]) {
    for (const auto& entry : store["entries"]) {
      if (entry["certificate"]["fingerprint_sha256"] == cert.fingerprint()) return &entry;
    }
  }
  return nullptr;
}

TEST(Show, ListsEveryStoreLiveMarksWhatTrustctlAddedAndNamesANodeItCannotRead) {
  Lab lab("show", {.subnet = 106});
  // A Finesse node too; it and the UCCX 12.5 pair have a tomcat-ECDSA identity (from 11.5 on).
  lab.write_site("\n[[cluster]]\nname = \"finesse\"\nproduct = \"finesse\"\nnodes = [{ name = \"fin1\", fqdn = "
                 "\"fin1.lab.example\", role = \"publisher\", address = \"" +
                 lab.address(3) + "\" }]\n");
  lab.start_sim();
  auto help = lab.trustctl({"show", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_TRUE(contains(help.out, "Usage")) << help.out;

  auto before = lab.trustctl({"show", lab.site().string(), "--format", "json"});
  ASSERT_EQ(before.exit_code, 0) << before.out << before.err;
  auto doc = nlohmann::json::parse(before.out);
  EXPECT_TRUE(doc["ok"].get<bool>());
  EXPECT_EQ(doc["summary"]["nodes"], 3);
  const auto& uccx1 = node_of(doc, "uccx1");
  ASSERT_EQ(uccx1["identities"].size(), 2u) << "UCCX 12.5 has tomcat-ECDSA too";
  EXPECT_EQ(uccx1["identities"][0]["unit"], "tomcat");
  EXPECT_EQ(uccx1["identities"][1]["unit"], "tomcat-ECDSA");
  EXPECT_TRUE(contains(uccx1["identities"][0]["certificate"]["subject"].get<std::string>(), "CN=uccx1.lab.example"))
      << uccx1["identities"][0].dump();
  EXPECT_EQ(uccx1["identities"][0]["certificate"]["sans"][0], "uccx1.lab.example");
  EXPECT_EQ(uccx1["ports"].size(), 5u) << "platform, Finesse, CUIC, notification, Socket.IO";
  for (const auto& port : uccx1["ports"]) EXPECT_TRUE(port["matches_identity"].get<bool>()) << port.dump();
  EXPECT_EQ(entry_of(uccx1, lab.root.certificate), nullptr) << "not uploaded yet";
  const auto& fin1 = node_of(doc, "fin1");
  ASSERT_EQ(fin1["identities"].size(), 2u) << fin1.dump();
  EXPECT_EQ(fin1["identities"][1]["unit"], "tomcat-ECDSA");
  EXPECT_EQ(fin1["identities"][1]["certificate"]["key_type"], "EC");

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  auto after = lab.trustctl({"show", lab.site().string(), "--format", "json"});
  ASSERT_EQ(after.exit_code, 0) << after.out << after.err;
  doc = nlohmann::json::parse(after.out);
  for (const char* node : {"uccx1", "uccx2"}) {
    const auto* root = entry_of(node_of(doc, node), lab.root.certificate);
    ASSERT_NE(root, nullptr) << node << ": " << after.out;
    EXPECT_EQ((*root)["wanted"], "wanted") << node;
    EXPECT_EQ((*root)["file"], lab.root.certificate.trust_file_name()) << node;
  }
  const auto* uploaded = entry_of(node_of(doc, "uccx1"), lab.root.certificate);
  EXPECT_TRUE((*uploaded)["managed"].get<bool>()) << "apply recorded it in managed.json";
  auto peer = parse_certificates(read_text(lab.sim_state() / "uccx2/tomcat/tomcat.pem"));
  ASSERT_TRUE(peer && !peer->empty());
  const auto* own = entry_of(node_of(doc, "uccx1"), peer->front());
  ASSERT_NE(own, nullptr) << "the peer's self-signed identity sits in the cluster's tomcat-trust";
  EXPECT_FALSE((*own)["managed"].get<bool>());
  EXPECT_EQ((*own)["wanted"], "unmentioned");

  auto text = lab.trustctl({"show", lab.site().string()});
  ASSERT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_TRUE(contains(text.out, "  uccx1 (publisher, uccx1.lab.example)")) << text.out;
  EXPECT_TRUE(contains(text.out, lab.root.certificate.trust_file_name() + "\n")) << text.out;
  EXPECT_TRUE(contains(text.out, "managed by trustctl; wanted by the site (")) << text.out;
  EXPECT_TRUE(contains(text.out, "identity tomcat-ECDSA")) << text.out;
  EXPECT_FALSE(contains(text.out, "\033[")) << "no colour when stdout is not a terminal";

  // uccx2 goes down: it is named with what to do, uccx1 and fin1 are still shown, and the exit code is 1.
  ASSERT_EQ(lab.fault({{"node", "uccx2"}, {"kind", "node_down"}, {"delay_ms", 120000}}).exit_code, 0);
  auto down = lab.trustctl({"show", lab.site().string()});
  EXPECT_EQ(down.exit_code, 1) << down.out << down.err;
  EXPECT_TRUE(contains(down.out, "could not be read: uccx2")) << down.out;
  EXPECT_TRUE(contains(down.out, "what to do: check that uccx2 is up")) << down.out;
  EXPECT_TRUE(contains(down.out, "identity tomcat-ECDSA")) << "fin1 is still shown\n" << down.out;
  EXPECT_TRUE(contains(down.out, "1 of 3 nodes could not be read")) << down.out;
  auto down_json = lab.trustctl({"show", lab.site().string(), "--format", "json"});
  EXPECT_EQ(down_json.exit_code, 1);
  doc = nlohmann::json::parse(down_json.out);
  EXPECT_FALSE(doc["ok"].get<bool>());
  EXPECT_FALSE(node_of(doc, "uccx2")["read"].get<bool>());
  EXPECT_TRUE(node_of(doc, "uccx1")["read"].get<bool>());
}

}  // namespace
}  // namespace trustctl::testing
