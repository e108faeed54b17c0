#pragma once
// The state of one simulated VOS node: certificate stores, services and the command log. It knows nothing about
// sockets, so the networking (thread per session today, an event loop later) can change without touching it.
// Every public method is thread-safe: one mutex per node. Methods never call into another node while holding it;
// cross-node effects (replication) go through a hook that runs after the lock is released.

#include "engine/model/certificate.hpp"
#include "engine/model/site.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vossim {

using Clock = std::chrono::system_clock;
using trustctl::Certificate;

struct NodeSpec {
  std::string name;
  std::string fqdn;
  std::string cluster;
  trustctl::Product product = trustctl::Product::uccx;
  trustctl::Role role = trustctl::Role::publisher;
};

// The services `utils service list` shows for a product (DOMAIN.md section 1).
std::vector<std::string> services_for(trustctl::Product product);

enum class ImportStatus { imported, unchanged, not_pem, expired, superseded, wildcard, key_too_large };

struct ImportOutcome {
  ImportStatus status = ImportStatus::not_pem;
  std::string file;                 // tomcat-trust/<CN>_<serial>.pem (imported or unchanged)
  std::string common_name;
  std::vector<std::string> replaced;  // files removed because the new certificate has the same CN
  bool ok() const { return status == ImportStatus::imported || status == ImportStatus::unchanged; }
};

struct StoreEntry {
  std::string file;  // "unit/name.pem"
  Certificate certificate;
};

enum class ServiceState { started, stopping, starting };

struct RestartPlan {
  Clock::time_point begin;
  std::chrono::milliseconds stop_phase{0};  // STOPPING lasts this long, then STARTING until begin + duration
  std::chrono::milliseconds duration{0};
};

class SimNode {
 public:
  // dir: this node's directory inside the lab state directory.
  SimNode(NodeSpec spec, std::filesystem::path dir);

  const NodeSpec& spec() const { return m_spec; }
  const std::filesystem::path& dir() const { return m_dir; }

  // Loads the stores from disk; on first run creates a self-signed tomcat identity (RSA 2048, CN = SAN = FQDN).
  // Sets fresh() when it had to create the identity.
  trustctl::Result<void> load_or_initialize();
  bool fresh() const { return m_fresh; }

  Certificate own_tomcat() const;
  std::vector<StoreEntry> own_store() const;
  std::vector<StoreEntry> trust_store() const;
  std::optional<Certificate> find_trust(const std::string& file) const;  // file: "tomcat-trust/x.pem"

  // An administrator's import (CLI). Applies the appliance's rules (DOMAIN.md section 4) to each certificate and
  // persists the result. Certificates accepted (imported or already present) are passed to the replication hook after
  // the node's lock is released.
  std::vector<ImportOutcome> import_trust(const std::vector<Certificate>& certificates, Clock::time_point now);
  // A certificate arriving by cluster replication: same rules, never replicated further.
  ImportOutcome receive_replicated_trust(const Certificate& certificate, Clock::time_point now);
  // Seeds the trust store at first start (peers' self-signed identities): no rules, no hook, no log.
  void seed_trust(const Certificate& certificate);

  using ReplicationHook = std::function<void(const SimNode& origin, const std::vector<Certificate>&)>;
  void set_replication_hook(ReplicationHook hook);

  // Services.
  const std::vector<std::string>& services() const { return m_services; }
  std::optional<std::string> find_service(const std::string& name) const;  // case-insensitive; canonical name
  ServiceState service_state(const std::string& service, Clock::time_point now) const;
  // Starts a restart now; it completes on its own (clients may disconnect). Counted in restarts.json at once.
  RestartPlan begin_restart(const std::string& service, Clock::time_point now, std::chrono::milliseconds duration);
  int restart_count(const std::string& service) const;

  // One JSON line per command in commands.log. files: imported trust files, service: the restarted service.
  void log_command(const std::string& command, bool ok, const std::vector<std::string>& files = {},
                   const std::string& service = {});

 private:
  ImportOutcome import_one_locked(const Certificate& certificate, Clock::time_point now);
  void write_file_locked(const std::string& relative, const std::string& content, bool secret);
  void save_restarts_locked() const;

  NodeSpec m_spec;
  std::filesystem::path m_dir;
  std::vector<std::string> m_services;
  bool m_fresh = false;

  mutable std::mutex m_mutex;
  std::map<std::string, Certificate> m_own;    // "tomcat/tomcat.pem" -> certificate
  std::map<std::string, Certificate> m_trust;  // "tomcat-trust/x.pem" -> certificate
  std::map<std::string, RestartPlan> m_restarts;  // last restart per service
  std::map<std::string, int> m_restart_counts;
  ReplicationHook m_hook;

  std::mutex m_log_mutex;
};

}  // namespace vossim
