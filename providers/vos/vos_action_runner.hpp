#pragma once
// The real ActionRunner: carries out plan actions on VOS nodes through their admin CLI sessions.

#include "engine/exec/action_runner.hpp"
#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"
#include "providers/pki/key_pair.hpp"
#include "providers/vos/product_extensions.hpp"
#include "providers/vos/session_pool.hpp"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace trustctl::providers {

struct RunnerSettings {
  std::chrono::milliseconds replication_poll{1000};  // how often a wait for replication reads the subscriber
  std::chrono::milliseconds health_poll{1000};       // how often a health check asks Finesse SystemInfo
  std::chrono::milliseconds port_poll{200};          // how often a restarted service's ports are handshaken
};

class VosActionRunner final : public ActionRunner {
 public:
  VosActionRunner(const Site& site, const ProviderLookup& providers, SessionPool& pool, RunnerSettings settings = {})
      : m_site(site), m_providers(providers), m_pool(pool), m_settings(settings) {}
  Result<void> run(const Action& action) override;

 private:
  // The node's session, or for a restart any idle one: its other restarts may hold the usual session.
  Result<void> with_session(const Node& node, const Action& action,
                            const std::function<Result<void>(transport::CliSession&)>& fn);
  Result<Action> with_made_identity(const Action& action);
  Result<void> wait_replication(const Node& node, const Action& action);
  Result<void> renew_identity(transport::CliSession& session, const Action& action);
  Result<void> install_identity(transport::CliSession& session, const Action& action);
  Result<void> export_csr(transport::CliSession& session, const Action& action);
  Result<void> wait_identity(const Node& node, const Action& action);
  Result<void> confirm_identity(transport::CliSession& session, const std::string& unit, const Certificate& wanted);
  Result<pki::KeyPair> signing_key(const Action& action) const;
  std::string policy_key(const Node& node, const std::string& unit) const;
  Result<void> run_rest(const Node& node, const Action& action);
  Result<void> pin_new_identity(const Node& node, const Action& action);
  Result<void> pin_fingerprint(const Node& node, const std::string& fingerprint);
  Result<void> settle_pins(const Node& node, const std::string& fingerprint);
  static Result<void> label(Result<void> result, const Action& action);
  const ProductExtensions& extensions(const Cluster& cluster) const;
  std::vector<ServicePort> node_ports(const Cluster& cluster, const Node& node) const;
  std::string platform_service(const Cluster& cluster, const Node& node) const;
  Result<void> wait_healthy(const ProductExtensions& product, const Node& node);
  Result<void> explain_failed_restart(const Node& node, const Action& action, const Result<void>& failed);
  Result<void> start_platform_if_stopped(const Cluster& cluster, const Node& node);
  // service "": every port of the node.
  Result<bool> wait_service_ports(const Cluster& cluster, const Node& node, const std::string& service,
                                  const std::optional<Certificate>& platform_identity);
  // `utils system restart` and the node healthy again (vos_action_runner_system.cpp).
  Result<void> restart_node(const Cluster& cluster, const Node& node);

  const Site& m_site;
  const ProviderLookup& m_providers;
  SessionPool& m_pool;
  RunnerSettings m_settings;
  // Registers a service restart in m_restarting for its lifetime.
  class RestartUnderWay {
   public:
    RestartUnderWay(VosActionRunner& runner, std::string node, std::string service);
    ~RestartUnderWay();
    RestartUnderWay(const RestartUnderWay&) = delete;
    RestartUnderWay& operator=(const RestartUnderWay&) = delete;

   private:
    VosActionRunner& m_runner;
    std::pair<std::string, std::string> m_key;
  };

  // Service restarts under way, (node, service): with restart_services = "together" a node's restarts run at once, and
  // a health check must not start again a platform service that a restart beside it is bringing back.
  std::mutex m_restarting_mutex;
  std::multiset<std::pair<std::string, std::string>> m_restarting;
};

}  // namespace trustctl::providers
