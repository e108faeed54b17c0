#pragma once
// One admin-CLI session per node, opened on first use and reused by refresh and apply; a node's session serves one
// caller at a time (the appliance's CLI is a single interactive shell). A session that dropped, in use or while idle
// in the pool, is reopened on the next use.

#include "engine/config/secrets.hpp"
#include "engine/model/site.hpp"
#include "providers/transport/cli_session.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace trustctl::providers {

using SecretMap = std::map<std::string, config::Secret>;  // credential set name -> resolved secret

struct ConnectOptions {
  bool trust_on_first_use = false;
  // Opens a session; tests of the pool pass an in-process fake, production uses libssh.
  std::function<Result<std::unique_ptr<transport::CliSession>>(const Node&)> opener;
  // The resolved secrets, for transports other than the CLI (HTTPS REST). May be null in tests.
  std::shared_ptr<const SecretMap> secrets;
};

class SessionPool {
 public:
  explicit SessionPool(ConnectOptions options);

  // Runs fn with the node's session, holding it for the duration. A connection error or timeout drops the session so
  // the next call reconnects, as does a host key or login refusal (which only a reconnect inside fn, after a system
  // restart, can meet). A session that reconnected by itself (vos::restart_system) is kept.
  Result<void> with_session(const Node& node, const std::function<Result<void>(transport::CliSession&)>& fn);
  // The same with any idle session of the node, another one opened when every session is busy: the node's service
  // restarts run at once where the site's restart_services is together, each on its own session (a VOS node accepts
  // several admin CLI sessions). One at a time, this is the node's usual session.
  Result<void> with_idle_session(const Node& node, const std::function<Result<void>(transport::CliSession&)>& fn);

  // The node's resolved credentials, or an error naming the node (for HTTPS).
  Result<config::Secret> secret_for(const Node& node) const;

 private:
  struct Slot {
    std::mutex mutex;
    std::unique_ptr<transport::CliSession> session;
  };
  Result<std::unique_ptr<transport::CliSession>> open(const Node& node);
  Result<void> run_in(Slot& slot, const Node& node, const std::function<Result<void>(transport::CliSession&)>& fn);

  ConnectOptions m_options;
  std::mutex m_slots_mutex;
  std::map<std::string, std::vector<std::unique_ptr<Slot>>> m_slots;  // per node: its usual session first
};

// Resolves every credential set that an administered node uses, once, before any connection: a missing secret is
// reported up front (all of them), and a password command runs once per set, not once per node.
Result<SecretMap> resolve_site_secrets(const Site& site);

// The production opener: libssh to node.address:ssh_port, the node's credential set from `secrets`, host key checked
// against the node's known_hosts file.
std::function<Result<std::unique_ptr<transport::CliSession>>(const Node&)> ssh_opener(
    std::shared_ptr<const SecretMap> secrets, bool trust_on_first_use);

}  // namespace trustctl::providers
