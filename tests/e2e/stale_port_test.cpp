// A service port that still presents an older identity than its node stores (a restart missed, or an identity changed
// by hand without one): plan reads every port during refresh, lists the restart with its reason, apply performs it,
// and plan is clean again. A port that does not answer is a note, not an error.

#include "engine/config/secrets.hpp"
#include "engine/config/site_loader.hpp"
#include "providers/vos/session_pool.hpp"
#include "providers/vos/vos_cli.hpp"
#include "support/lab.hpp"
#include "providers/vos/vos_units.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <iterator>
#include <map>
#include <set>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Runs fn in an admin-CLI session on the node, over real SSH, as an administrator would by hand.
Result<void> by_hand(const Lab& lab, const std::string& node,
                     const std::function<Result<void>(transport::CliSession&)>& fn) {
  auto site = config::load_site_or_error(lab.site(), providers::vos_units());
  if (!site) return fail(site.error());
  auto secrets = providers::resolve_site_secrets(*site);
  if (!secrets) return fail(secrets.error());
  auto shared = std::make_shared<const providers::SecretMap>(std::move(*secrets));
  providers::SessionPool pool({false, providers::ssh_opener(shared, false), shared});
  return pool.with_session(*site->find_node(node), fn);
}

Certificate stored_identity(const Lab& lab, const std::string& node) {
  auto certs = parse_certificates(read_text(lab.sim_state() / node / "tomcat" / "tomcat.pem"));
  if (!certs || certs->empty()) throw std::runtime_error("no stored identity for " + node);
  return certs->front();
}

const char* const kUccxServices[] = {"Cisco Tomcat", "Cisco Finesse Tomcat", "Cisco Unified CCX Notification Service",
                                     "Cisco Unified CCX Socket.IO Service",
                                     "Cisco Unified Intelligence Center Reporting Service"};

TEST(StalePort, AnIdentityRegeneratedWithoutRestartIsRestartedByApplyThenPlanIsClean) {
  Lab lab("stale-port", {.subnet = 107});
  // Cisco's COP that turns ECDSA presentation off (docs/appliances.md section 10): every UCCX port, Socket.IO too,
  // presents the RSA tomcat identity, so a handshake sees a stale one on each of them. Without the COP, Socket.IO
  // presents tomcat-ECDSA and a stale RSA identity there cannot be seen.
  lab.start_sim({"--ecdsa-cop"});
  auto first = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  auto settled = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  ASSERT_EQ(settled.exit_code, 0) << "every port presents the stored identity after apply\n" << settled.out << settled.err;

  // By hand on uccx2: a new self-signed identity, and no restart. Every service keeps presenting the old one.
  Certificate old = stored_identity(lab, "uccx2");
  auto regen = by_hand(lab, "uccx2", [](transport::CliSession& s) { return vos::regenerate_identity(s, "tomcat"); });
  ASSERT_TRUE(regen) << regen.error().describe();
  Certificate current = stored_identity(lab, "uccx2");
  ASSERT_FALSE(current == old);
  std::map<std::string, int> restarts_before;
  for (const char* service : kUccxServices) {
    restarts_before[service] = lab.count_commands("uccx2", std::string("utils service restart ") + service);
  }

  auto plan = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "port 8443 presents " + old.short_fingerprint() + ", the node's tomcat identity is " +
                                     current.short_fingerprint() +
                                     ": Cisco Tomcat was not restarted since the identity changed"))
      << plan.out;
  auto json = lab.trustctl({"plan", lab.site().string(), "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto doc = nlohmann::json::parse(json.out);
  std::set<std::string> planned;
  for (const auto& action : doc["actions"]) {
    EXPECT_EQ(action["kind"], "restart") << action.dump();
    EXPECT_EQ(action["node"], "uccx2") << "uccx1 presents what it stores";
    planned.insert(action["service"].get<std::string>());
  }
  EXPECT_EQ(planned.size(), std::size(kUccxServices)) << "every service presenting a port restarts: " << json.out;

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.out, "0 failing")) << "verify after apply: every port presents the new identity\n"
                                                << apply.out;
  for (const char* service : kUccxServices) {
    EXPECT_EQ(lab.count_commands("uccx2", std::string("utils service restart ") + service), restarts_before[service] + 1)
        << service;
  }
  auto clean = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_TRUE(contains(clean.out, "No changes.")) << clean.out;

  // A service left stopped (its restart failed): its port does not answer. Plan notes it and goes on.
  ASSERT_EQ(lab.fault({{"node", "uccx1"}, {"kind", "restart_fails"}, {"match", "Cisco Finesse Tomcat"}, {"count", 1}})
                .exit_code,
            0);
  auto failed = by_hand(lab, "uccx1", [](transport::CliSession& s) {
    return vos::restart_service(s, "Cisco Finesse Tomcat");
  });
  ASSERT_FALSE(failed) << "the fault makes the restart end [FAILED]";
  auto noted = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(noted.exit_code, 0) << "a port that does not answer is not a change\n" << noted.out << noted.err;
  EXPECT_TRUE(contains(noted.out, "note: uccx1:8445 (Cisco Finesse Tomcat) did not answer a TLS handshake"))
      << noted.out;
}

}  // namespace
}  // namespace trustctl::testing
