// The TLS pins file (connection.tls_pins) against a real vos-sim: pins follow an identity rotation.

#include "providers/transport/tls_pins.hpp"
#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace trustctl::testing {
namespace {

Certificate stored_identity(const Lab& lab, const std::string& node) {
  auto certs = parse_certificates(read_text(lab.sim_state() / node / "tomcat" / "tomcat.pem"));
  if (!certs || certs->empty()) throw std::runtime_error("vos-sim holds no tomcat identity for " + node);
  return certs->front();
}

// vos-sim makes the nodes' identities in the background and records their pins once they exist.
transport::PinMap wait_for_pins(const std::filesystem::path& file, const std::vector<std::string>& fqdns) {
  for (int i = 0; i < 600; ++i) {
    auto pins = transport::load_pins(file);
    if (pins && std::all_of(fqdns.begin(), fqdns.end(), [&](const std::string& fqdn) {
          return !transport::lookup_pins(*pins, fqdn, 8443).empty();
        })) {
      return *pins;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("vos-sim wrote no pins to " + file.string() + " within 60 s");
}

// Pins only accumulated: after a rotation the old self-signed identity stayed pinned, so a stolen old key would still
// be accepted for good. Once the platform port presents the new identity (after its restart), it is the only pin.
TEST(Pins, ARotatedIdentityReplacesTheOldPinOnceItIsPresented) {
  Lab lab("pins-rotation", {.subnet = 24});
  auto lab_ca = make_root("trustctl Lab CA");
  write_text(lab.dir() / "pki/lab-ca.pem", lab_ca.certificate.pem());
  write_text(lab.dir() / "pki/lab-ca.key", lab_ca.key.private_pem());
  lab.write_site("\n[[ca]]\nname = \"lab-ca\"\ncertificate = \"pki/lab-ca.pem\"\nlocal_key = \"pki/lab-ca.key\"\n",
                 "[cluster.identity.tomcat]\nissuer = \"lab-ca\"\n");
  lab.start_sim();
  const auto pins_file = lab.state() / "tls_pins";
  auto before = wait_for_pins(pins_file, {"uccx1.lab.example", "uccx2.lab.example"});
  std::map<std::string, std::string> old;
  for (const char* node : {"uccx1", "uccx2"}) old[node] = stored_identity(lab, node).fingerprint();
  ASSERT_EQ(transport::lookup_pins(before, "uccx1.lab.example", 8443), std::vector<std::string>{old["uccx1"]});

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  auto after = transport::load_pins(pins_file);
  ASSERT_TRUE(after) << after.error().message;
  for (const auto& [node, address] : {std::pair{"uccx1", lab.address(1)}, std::pair{"uccx2", lab.address(2)}}) {
    Certificate now = stored_identity(lab, node);
    ASSERT_TRUE(lab_ca.certificate.issued(now)) << node << " was rotated";
    const std::vector<std::string> only{now.fingerprint()};
    EXPECT_EQ(transport::lookup_pins(*after, std::string(node) + ".lab.example", 8443), only) << node;
    EXPECT_EQ(transport::lookup_pins(*after, address, 8443), only) << node;
  }
  EXPECT_EQ(read_text(pins_file).find(old["uccx1"]), std::string::npos) << read_text(pins_file);

  // HTTPS against the pinned ports still verifies: verify (Finesse's SystemInfo) and a plan with nothing to do.
  auto verify = lab.trustctl({"verify", lab.site().string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto plan = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
}

}  // namespace
}  // namespace trustctl::testing
