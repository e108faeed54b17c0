#pragma once
// The state of one simulated VOS node: certificate stores, the pending CSR, services (with the identity each one
// loaded at its last start), power (a system restart or a fault takes the node down) and the command log. It knows
// nothing about sockets, so the networking can change without touching it.
// Every public method is thread-safe: one mutex per node. Methods never call into another node while holding it;
// cross-node effects (replication) and listener changes go through hooks that run after the lock is released.

#include "engine/model/certificate.hpp"
#include "engine/model/site.hpp"
#include "tests/vossim/csr.hpp"
#include "tests/vossim/event_log.hpp"

#include <nlohmann/json.hpp>

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
  std::string address;   // for `show network cluster`
  std::string version;   // the cluster's version, e.g. "14.0" (the REST API needs 14 or later on cucm)
};

// The services `utils service list` shows for a product (DOMAIN.md section 1).
std::vector<std::string> services_for(trustctl::Product product);

// A certificate with the PEM text it arrived as: REST clients compare what they uploaded with what they read back.
struct UploadedCertificate {
  Certificate certificate;
  std::string pem;
};
// Splits text into its PEM certificate blocks, each kept byte for byte (plus a final newline). Not PEM: DER parse.
trustctl::Result<std::vector<UploadedCertificate>> parse_uploaded(std::string_view text);

enum class ImportStatus { imported, unchanged, not_pem, expired, superseded, wildcard, key_too_large };

struct ImportOutcome {
  ImportStatus status = ImportStatus::not_pem;
  std::string file;                 // tomcat-trust/<CN>_<serial>.pem (imported or unchanged)
  std::string common_name;
  std::vector<std::string> replaced;  // files removed because the new certificate has the same CN
  bool ok() const { return status == ImportStatus::imported || status == ImportStatus::unchanged; }
};

enum class OwnImportStatus { imported, not_pem, no_csr, key_not_allowed, key_mismatch, san_mismatch, expired, no_issuer };

struct StoreEntry {
  std::string file;  // "unit/name.pem"
  Certificate certificate;
  std::string pem;   // as stored (for trust: as uploaded)
};

enum class ServiceState { started, stopping, starting, stopped };

struct RestartPlan {
  Clock::time_point begin;
  std::chrono::milliseconds stop_phase{0};  // STOPPING lasts this long, then STARTING until begin + duration
  std::chrono::milliseconds duration{0};
  bool fails = false;                       // ends [FAILED]: the service stays stopped (a fault)
  Clock::time_point end() const { return begin + duration; }
};

// What a service presents on its port: the identity (and the chain the trust store held) when it last started.
struct LoadedIdentity {
  Certificate certificate;
  std::string key_pem;                 // secret
  std::vector<Certificate> chain;      // issuers found in tomcat-trust, nearest first
  Clock::time_point loaded_at;
};

class SimNode {
 public:
  // dir: this node's directory inside the lab state directory.
  SimNode(NodeSpec spec, std::filesystem::path dir);

  const NodeSpec& spec() const { return m_spec; }
  const std::filesystem::path& dir() const { return m_dir; }

  // Loads the stores from disk; on first run creates a self-signed tomcat identity (RSA 2048, CN = SAN = FQDN).
  // Sets fresh() when it had to create the identity. Every service starts with the stored identity loaded.
  trustctl::Result<void> load_or_initialize();
  bool fresh() const { return m_fresh; }

  Certificate own_tomcat() const;
  std::vector<StoreEntry> own_store() const;
  std::vector<StoreEntry> trust_store() const;
  std::optional<Certificate> find_trust(const std::string& file) const;  // file: "tomcat-trust/x.pem"

  // An administrator's import (CLI or REST). Applies the appliance's rules (DOMAIN.md section 4) to each certificate
  // and persists the result. Certificates accepted (imported or already present) are passed to the replication hook
  // after the node's lock is released.
  std::vector<ImportOutcome> import_trust(const std::vector<UploadedCertificate>& certificates, Clock::time_point now);
  std::vector<ImportOutcome> import_trust(const std::vector<Certificate>& certificates, Clock::time_point now);
  // A certificate arriving by cluster replication: same rules, never replicated further.
  ImportOutcome receive_replicated_trust(const UploadedCertificate& certificate, Clock::time_point now);
  // Seeds the trust store at first start (peers' self-signed identities): no rules, no hook, no log.
  void seed_trust(const Certificate& certificate);
  // `set cert delete tomcat-trust <file>`: local only (deletes do not replicate, DOMAIN.md section 3).
  bool delete_trust(const std::string& file);

  using ReplicationHook = std::function<void(const SimNode& origin, const std::vector<UploadedCertificate>&)>;
  void set_replication_hook(ReplicationHook hook);

  // The pending CSR for tomcat (one per unit; a new one replaces it). The key stays in the state directory.
  trustctl::Result<PendingCsr> generate_csr(const CsrRequest& request);
  std::optional<PendingCsr> pending_csr() const;
  // `set cert import own tomcat` / REST identity upload: the leaf is the first certificate.
  OwnImportStatus import_own(const std::vector<Certificate>& certificates, Clock::time_point now);
  // `set cert regen tomcat`: a new self-signed identity (overwrites a CA-signed one); it also enters tomcat-trust.
  trustctl::Result<void> regenerate_identity(Clock::time_point now);
  // Whether the product accepts this key for an identity (UCCX: RSA 1024/2048 only; any product: RSA <= 4096).
  bool identity_key_allowed(const std::string& key_type, int bits) const;

  // The nodes of this node's cluster, itself included, publisher first (`show network cluster`).
  void set_cluster(std::vector<const SimNode*> members) { m_cluster = std::move(members); }
  const std::vector<const SimNode*>& cluster() const { return m_cluster; }

  // Services.
  const std::vector<std::string>& services() const { return m_services; }
  std::optional<std::string> find_service(const std::string& name) const;  // case-insensitive; canonical name
  ServiceState service_state(const std::string& service, Clock::time_point now) const;
  // Starts a restart now; it completes on its own (clients may disconnect). Counted in restarts.json at once.
  // The service loads the stored identity when the restart completes (unless it fails).
  RestartPlan begin_restart(const std::string& service, Clock::time_point now, std::chrono::milliseconds duration,
                            bool fails = false);
  int restart_count(const std::string& service) const;
  std::optional<LoadedIdentity> loaded_identity(const std::string& service, Clock::time_point now) const;

  // Power. A system restart takes the node down for duration, then every service has restarted.
  void begin_system_restart(Clock::time_point now, std::chrono::milliseconds duration);
  // A fault: down until `until` (time_point::max(): until bring_up).
  void go_down(Clock::time_point until);
  void bring_up(Clock::time_point now);
  bool is_down(Clock::time_point now) const;
  int system_restart_count() const;

  // Called (outside the lock) with the times at which listeners may have to open or close: now and later ends.
  using ChangeHook = std::function<void(const SimNode&, std::vector<Clock::time_point>)>;
  void set_change_hook(ChangeHook hook);

  // One JSON line per command in commands.log (and the lab-wide log). files: imported or deleted trust files,
  // service: the restarted service.
  void log_command(const std::string& command, bool ok, const std::vector<std::string>& files = {},
                   const std::string& service = {}, const std::string& note = {});
  void log_rest(const std::string& request, int status);
  void set_event_log(EventLog* log) { m_event_log = log; }

  // Everything the control API shows: stores with fingerprints, loaded identities, services, restarts, pending CSR.
  nlohmann::json describe(Clock::time_point now) const;

 private:
  struct ServiceRuntime {
    std::optional<RestartPlan> plan;
    std::optional<LoadedIdentity> loaded;
    std::optional<LoadedIdentity> next;  // loaded when the running restart completes
  };
  ImportOutcome import_one_locked(const UploadedCertificate& certificate, Clock::time_point now);
  LoadedIdentity snapshot_identity_locked(Clock::time_point now) const;
  void settle_locked(const std::string& service, Clock::time_point now) const;
  void write_file_locked(const std::string& relative, const std::string& content, bool secret);
  void save_restarts_locked() const;
  void write_log(nlohmann::json line);
  void notify_change(std::vector<Clock::time_point> times);

  NodeSpec m_spec;
  std::filesystem::path m_dir;
  std::vector<std::string> m_services;
  bool m_fresh = false;

  mutable std::mutex m_mutex;
  std::map<std::string, StoreEntry> m_own;    // "tomcat/tomcat.pem" -> certificate
  std::string m_own_key_pem;                   // secret
  std::map<std::string, StoreEntry> m_trust;  // "tomcat-trust/x.pem" -> certificate
  std::optional<PendingCsr> m_csr;
  mutable std::map<std::string, ServiceRuntime> m_runtime;
  std::map<std::string, int> m_restart_counts;
  int m_system_restarts = 0;
  Clock::time_point m_down_until{};
  ReplicationHook m_hook;
  ChangeHook m_change_hook;
  EventLog* m_event_log = nullptr;
  std::vector<const SimNode*> m_cluster;  // set once before serving, read-only afterwards

  std::mutex m_log_mutex;
};

}  // namespace vossim
