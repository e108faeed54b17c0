#pragma once
// The desired state of one deployment, as loaded from a site file (docs/site-format.md). Every object keeps the region
// of the file it came from. Paths are already resolved against the site file's directory.

#include "engine/model/certificate.hpp"
#include "engine/model/source_region.hpp"
#include "engine/model/timing.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <string_view>
#include <utility>
#include <vector>

namespace trustctl {

// Where each value of an entry's table was written, so a check made after loading (providers/site_checks) points at
// the key it is about rather than at the table. An entry built in code has none: at() then gives the fallback.
class KeyRegions {
 public:
  void set(std::string key, SourceRegion region) { m_keys.emplace_back(std::move(key), std::move(region)); }
  SourceRegion at(std::string_view key, const SourceRegion& fallback) const {
    for (const auto& [name, region] : m_keys) {
      if (name == key) return region;
    }
    return fallback;
  }

 private:
  std::vector<std::pair<std::string, SourceRegion>> m_keys;  // a handful per entry: a vector beats a map
};

// The one list of products: the enum, their names (kProductNames, in the enum's order), the site loader's choices and
// the CLI's all come from here; a test checks the schema's enum and the provider registry against it.
enum class Product { uccx, finesse, cuic, socialminer, mediasense, cucm, external };
inline constexpr std::string_view kProductNames[] = {"uccx",       "finesse", "cuic",    "socialminer",
                                                     "mediasense", "cucm",    "external"};
const char* to_string(Product product);
std::optional<Product> product_from_string(std::string_view text);
inline bool is_vos(Product product) { return product != Product::external; }

enum class Role { publisher, subscriber };
const char* to_string(Role role);

// A named credential set. The password itself is never stored here: it is resolved on demand (secrets.hpp).
struct Credentials {
  std::string name;
  std::string username;
  std::optional<std::string> password_env;
  std::optional<std::filesystem::path> password_file;
  std::vector<std::string> password_command;
  SourceRegion region;
};

// Connection settings; [connection] gives defaults, a node may override any of them.
struct Connection {
  std::string credentials;
  int ssh_port = 22;
  int https_port = 8443;
  std::filesystem::path known_hosts;
  std::filesystem::path tls_pins;
  int timeout_s = 600;
  int parallelism = 10;
  int answer_delay_ms = 2000;  // pause before answering a CLI question or paste prompt (real appliances want one)
};

struct Node {
  std::string name;
  std::string fqdn;
  Role role = Role::publisher;
  std::string address;       // where to connect; the FQDN when the file gives no address
  Connection connection;     // effective settings after defaults
  std::string cluster;       // owning cluster name
  SourceRegion region;
  KeyRegions keys;
};

struct IdentityPolicy {
  std::string unit;                 // "tomcat" | "tomcat-ECDSA"
  std::string issuer = "self";      // "self" or a [[ca]] name
  std::string distribution = "node";
  std::string key = "rsa-2048";
  std::optional<int> renew_before_days;
  SourceRegion region;
  KeyRegions keys;
};

// How the restarts a change owes are carried out (docs/site-format.md, [policy] restart). rolling: the services, one
// node of a cluster at a time; all_at_once: the services, no order between nodes; manual: listed and journaled as
// owed, never run; system: one `utils system restart` per node instead of its services, rolling like `rolling`.
enum class RestartPolicy { rolling, all_at_once, manual, system };
const char* to_string(RestartPolicy policy);
std::optional<RestartPolicy> restart_policy_from_string(std::string_view text);

// In a node's turn, how its service restarts run (docs/site-format.md, [policy] restart_services). one_by_one: one
// service after another, in the product's order; together: all at once over parallel CLI sessions, the node's turn
// ending when every port of every service is back. The node is down for its longest restart instead of their sum.
enum class ServiceRestarts { one_by_one, together };
const char* to_string(ServiceRestarts mode);
std::optional<ServiceRestarts> service_restarts_from_string(std::string_view text);

struct Cluster {
  std::string name;
  Product product = Product::uccx;
  std::string version;
  std::optional<RestartPolicy> restart;  // [[cluster]] restart: overrides [policy] restart for this cluster
  std::optional<ServiceRestarts> restart_services;  // [[cluster]] restart_services: overrides [policy]'s
  std::vector<Node> nodes;          // publisher first
  std::vector<IdentityPolicy> identities;
  SourceRegion region;
  KeyRegions keys;

  const Node* publisher() const;
};

// A certificate an outside CA signed, as found in its signed_dir: the leaf first, then any chain the file carries.
struct SignedFile {
  std::filesystem::path path;
  std::vector<Certificate> chain;
};

struct CaEntry {
  std::string name;
  std::filesystem::path certificate_path;
  std::optional<std::filesystem::path> local_key;
  // An outside CA: trustctl exports CSRs (`trustctl csr`) and picks up what the CA signed from this directory,
  // matched by the FQDNs in the certificate, not by file name.
  std::optional<std::filesystem::path> signed_dir;
  std::vector<SignedFile> signed_files;   // loaded from signed_dir (empty when the directory does not exist yet)
  std::vector<Certificate> certificates;  // loaded from certificate_path
  SourceRegion region;
  KeyRegions keys;

  // How trustctl obtains identities this CA signs.
  bool signs_locally() const { return local_key.has_value(); }
  bool signs_outside() const { return !local_key && signed_dir.has_value(); }
};

// A reference to a certificate in [[trust]]: a [[ca]] name or "file:path".
struct CertificateRef {
  std::string text;                           // as written, for messages
  std::string ca;                             // set when it names a [[ca]]
  std::optional<std::filesystem::path> file;  // set for "file:..."
  std::vector<Certificate> certificates;      // what it resolves to (a file may hold a chain)
  SourceRegion region;
};

struct TrustRule {
  std::optional<std::string> cluster;
  std::optional<std::string> node;
  std::string store;  // as trust.store names it, or the products' trust store the loader was given
  std::vector<CertificateRef> certificates;
  std::vector<CertificateRef> absent;
  SourceRegion region;
  KeyRegions keys;
};

struct Integration {
  std::string from;
  std::string to;
  std::string kind;  // "" (the product rules decide) or "script"
  SourceRegion region;
};

struct Policy {
  bool prune = false;
  RestartPolicy restart = RestartPolicy::rolling;
  ServiceRestarts restart_services = ServiceRestarts::one_by_one;
  std::string lint = "error";
  std::optional<SourceRegion> region;  // the [policy] table, when the file has one (prune deletes point at it)
};

struct Site {
  std::filesystem::path file;       // the site file itself
  std::filesystem::path directory;  // its directory: relative paths resolve against it
  std::string file_digest;          // SHA-256 of the file's bytes
  int version = 1;
  std::string name;
  std::string domain;
  std::filesystem::path state_dir;
  std::vector<Credentials> credentials;
  Connection connection;
  std::vector<CaEntry> cas;
  std::vector<Cluster> clusters;
  std::vector<Integration> integrations;
  std::vector<TrustRule> trust;
  Policy policy;
  Timing timing;

  const Cluster* find_cluster(std::string_view name) const;
  const Node* find_node(std::string_view name) const;
  const CaEntry* find_ca(std::string_view name) const;
  const Credentials* find_credentials(std::string_view name) const;
  // The cluster's own restart policy, or [policy] restart (also for a name the site does not know).
  RestartPolicy restart_policy(std::string_view cluster) const;
  RestartPolicy restart_policy(const Cluster& cluster) const;  // without looking the cluster up by name
  // The cluster's own restart_services, or [policy] restart_services (also for a name the site does not know).
  ServiceRestarts service_restarts(std::string_view cluster) const;
  ServiceRestarts service_restarts(const Cluster& cluster) const;
  std::vector<const Node*> all_nodes() const;
};

}  // namespace trustctl
