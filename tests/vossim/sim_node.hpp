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

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
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

// The services `utils service list` shows for a product (docs/appliances.md section 1).
std::vector<std::string> services_for(trustctl::Product product);

// Identity units (docs/appliances.md section 2).
inline constexpr const char* kTomcatUnit = "tomcat";
inline constexpr const char* kTomcatEcdsaUnit = "tomcat-ECDSA";
// Whether a node has a tomcat-ECDSA unit: every VOS product from 11.5 and later (docs/appliances.md section 2: UCCX,
// MediaSense and SocialMiner from 11.5 and later). An empty or unparsable version counts as current.
bool supports_ecdsa(trustctl::Product product, const std::string& version);
// The CN of a node's self-signed identity: the FQDN for tomcat, "<host>-EC.<domain>" for tomcat-ECDSA.
std::string self_signed_common_name(const std::string& unit, const std::string& fqdn);
// The CN of a multi-server CSR made on the publisher: "<host>-ms.<domain>" ("<host>-EC-ms.<domain>" for ECDSA).
std::string multi_server_common_name(const std::string& unit, const std::string& publisher_fqdn);

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
  // Why the node refused it, as both the CLI and the REST API word it (messages.hpp); empty when it did not.
  std::string reason() const;
};

enum class OwnImportStatus { imported, not_pem, no_csr, key_not_allowed, key_mismatch, san_mismatch, expired, no_issuer };

// What `set cert import own` did besides storing (a multi-server certificate goes to every node it names).
struct OwnImportOutcome {
  OwnImportStatus status = OwnImportStatus::not_pem;
  std::vector<std::string> distributed_to;  // FQDNs of the other nodes the certificate is distributed to
};

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

// One identity unit as a service loaded it: the certificate, its key and the issuers tomcat-trust held.
struct LoadedUnit {
  Certificate certificate;
  std::string key_pem;                 // secret
  std::vector<Certificate> chain;      // issuers found in tomcat-trust, nearest first
};

// What a service loaded at its last start: its identities (what its ports present) and tomcat-trust (what it trusts
// when it calls a peer: the integration oracle judges with this, not with the store as it is now).
struct LoadedIdentity {
  Certificate certificate;
  std::string key_pem;                 // secret
  std::vector<Certificate> chain;      // issuers found in tomcat-trust, nearest first
  std::optional<LoadedUnit> ecdsa;     // tomcat-ECDSA, on nodes that have the unit
  std::shared_ptr<const std::vector<Certificate>> trust;  // tomcat-trust at that start
  Clock::time_point loaded_at;
};

class SimNode {
 public:
  // dir: this node's directory inside the lab state directory.
  SimNode(NodeSpec spec, std::filesystem::path dir);

  const NodeSpec& spec() const { return m_spec; }
  const std::filesystem::path& dir() const { return m_dir; }

  // Loads the stores from disk; on first run creates a self-signed tomcat identity (RSA 2048, CN = SAN = FQDN) and,
  // where the product has one, a tomcat-ECDSA identity (EC P-256). Sets fresh() when it had to create the tomcat
  // identity. Every service starts with the stored identity loaded. The same as load_state(),
  // create_missing_identities(), finish_start() in a row.
  trustctl::Result<void> load_or_initialize();
  bool fresh() const { return m_fresh; }

  // A lab's cold start listens first and makes identities in the background (IdentityFactory):
  // load_state() reads what exists (fast) and says whether identities are missing; create_missing_identities() makes
  // them (seconds for hundreds of RSA keys); finish_start() loads every service and opens the gate. Until then, every
  // method that needs an identity or the stores waits through the waiter (set_identity_waiter), which runs or awaits
  // the job that makes them. service_state(), is_down() and the spec never wait (the poll loop calls them).
  trustctl::Result<void> load_state();
  bool identities_missing() const;
  trustctl::Result<void> create_missing_identities();
  void finish_start();
  bool ready() const { return m_ready.load(std::memory_order_acquire); }
  void set_identity_waiter(std::function<void()> waiter) { m_waiter = std::move(waiter); }
  // Certificates a fresh node's tomcat-trust starts with besides its cluster's identities (--preload-trust: the
  // public roots a fresh appliance ships with). Set before the identities are created.
  void set_preloaded_trust(std::shared_ptr<const std::vector<Certificate>> certificates) {
    m_preloaded = std::move(certificates);
  }
  // A twin seeded this node's stores from an inventory in this run: its TLS pins are written as for a fresh install.
  void mark_seeded() { m_seeded = true; }
  bool pins_fresh() const { return m_fresh || m_seeded; }
  // A twin's port that presented an older identity than the node stores: the service loaded this one at its start.
  void set_loaded_at_start(const std::string& service, const Certificate& certificate, const std::string& key_pem);
  // Self-signed identities for cluster trust seeding (never waits): all of them, or those created in this run.
  std::vector<Certificate> self_signed_identities() const;
  std::vector<Certificate> created_identities() const;
  // The stored tomcat identity without waiting (nullopt while it does not exist yet): TLS pins at startup.
  std::optional<Certificate> stored_tomcat_if_present() const;

  // Identity units this node has: tomcat, and tomcat-ECDSA where the product supports it.
  const std::vector<std::string>& identity_units() const { return m_units; }
  bool has_unit(const std::string& unit) const;

  Certificate own_tomcat() const;
  std::optional<Certificate> own_identity(const std::string& unit) const;
  std::vector<StoreEntry> own_store() const;
  std::vector<StoreEntry> trust_store() const;
  std::optional<Certificate> find_trust(const std::string& file) const;  // file: "tomcat-trust/x.pem"

  // An administrator's import (CLI or REST). Applies the appliance's rules (docs/appliances.md section 4) to each
  // certificate and persists the result. Certificates accepted (imported or already present) are passed to the
  // replication hook after the node's lock is released.
  std::vector<ImportOutcome> import_trust(const std::vector<UploadedCertificate>& certificates, Clock::time_point now);
  std::vector<ImportOutcome> import_trust(const std::vector<Certificate>& certificates, Clock::time_point now);
  // A certificate arriving by cluster replication: same rules, never replicated further.
  ImportOutcome receive_replicated_trust(const UploadedCertificate& certificate, Clock::time_point now);
  // Seeds the trust store at first start (peers' self-signed identities): no rules, no hook, no log.
  void seed_trust(const Certificate& certificate);
  // `set cert delete tomcat-trust <file>`: local only (deletes do not replicate, docs/appliances.md section 3).
  bool delete_trust(const std::string& file);

  using ReplicationHook = std::function<void(const SimNode& origin, const std::vector<UploadedCertificate>&)>;
  void set_replication_hook(ReplicationHook hook);

  // The pending CSR of a unit (one per unit; a new one replaces it). The key stays in the state directory.
  // multi_server: a multi-server (SAN) CSR, whose signed certificate goes to every node it names.
  trustctl::Result<PendingCsr> generate_csr(const CsrRequest& request, const std::string& unit = kTomcatUnit,
                                            bool multi_server = false);
  std::optional<PendingCsr> pending_csr(const std::string& unit = kTomcatUnit) const;
  bool pending_csr_multi_server(const std::string& unit = kTomcatUnit) const;
  // `set cert import own <unit>` / REST identity upload: the leaf is the first certificate.
  OwnImportStatus import_own(const std::vector<Certificate>& certificates, Clock::time_point now,
                             const std::string& unit = kTomcatUnit);
  OwnImportOutcome import_own_detailed(const std::vector<Certificate>& certificates, Clock::time_point now,
                                       const std::string& unit = kTomcatUnit);
  // A multi-server identity signed for the publisher arriving here (the stored identity changes; services keep the
  // loaded one until they restart).
  void receive_distributed_identity(const std::string& unit, const Certificate& leaf, const std::string& key_pem);
  using DistributionHook = std::function<void(const SimNode& origin, const std::string& unit, const Certificate& leaf,
                                              const std::string& key_pem)>;
  void set_distribution_hook(DistributionHook hook);
  // `set cert regen <unit>`: a new self-signed identity (overwrites a CA-signed one); it also enters tomcat-trust.
  trustctl::Result<void> regenerate_identity(Clock::time_point now, const std::string& unit = kTomcatUnit);
  // Whether the product accepts this key for an identity of the unit (tomcat: UCCX RSA 1024/2048 only, any product
  // RSA <= 4096; tomcat-ECDSA: EC 256/384/521 only).
  bool identity_key_allowed(const std::string& key_type, int bits, const std::string& unit = kTomcatUnit) const;

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
  void await_identity() const;  // blocks until finish_start() (no-op when no waiter is set)
  ImportOutcome import_one_locked(const UploadedCertificate& certificate, Clock::time_point now);
  void store_identity_locked(const std::string& unit, const Certificate& certificate, const std::string& key_pem);
  LoadedIdentity snapshot_identity_locked(Clock::time_point now) const;
  std::vector<Certificate> chain_locked(const Certificate& leaf) const;
  void settle_locked(const std::string& service, Clock::time_point now) const;
  void write_file_locked(const std::string& relative, const std::string& content, bool secret);
  void save_restarts_locked() const;
  void write_log(nlohmann::json line);
  void notify_change(std::vector<Clock::time_point> times);

  NodeSpec m_spec;
  std::filesystem::path m_dir;
  std::vector<std::string> m_services;
  std::vector<std::string> m_units;
  bool m_fresh = false;
  std::atomic<bool> m_ready{false};
  std::function<void()> m_waiter;  // set once before serving

  mutable std::mutex m_mutex;
  std::map<std::string, StoreEntry> m_own;    // "tomcat/tomcat.pem", "tomcat-ECDSA/tomcat-ECDSA.pem" -> certificate
  std::map<std::string, std::string> m_own_keys;  // unit -> private key PEM (secret)
  std::map<std::string, StoreEntry> m_trust;  // "tomcat-trust/x.pem" -> certificate
  std::map<std::string, PendingCsr> m_csrs;   // unit -> pending CSR
  std::map<std::string, bool> m_csr_multi_server;  // unit -> the pending CSR is multi-server
  std::vector<std::string> m_missing;         // units whose identity load_state() did not find
  std::vector<Certificate> m_created;         // identities created in this run
  std::shared_ptr<const std::vector<Certificate>> m_preloaded;  // --preload-trust (fresh nodes only)
  bool m_seeded = false;                      // stores seeded by a twin in this run
  std::map<std::string, LoadedUnit> m_start_overrides;  // service -> what it loaded at start (a twin's stale port)
  DistributionHook m_distribution_hook;
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
