#include "providers/vos/session_pool.hpp"

#include "providers/transport/ssh_cli_session.hpp"

namespace trustctl::providers {

namespace {

// A dropped or timed-out session may be half way through a command, and one that could not come back after a system
// restart (a changed host key, a refused password) has no connection at all: neither is ever used again.
bool unusable_after(ErrorCode code) {
  return code == ErrorCode::connection || code == ErrorCode::timeout || code == ErrorCode::host_key ||
         code == ErrorCode::authentication;
}

}  // namespace

SessionPool::SessionPool(ConnectOptions options) : m_options(std::move(options)) {}

Result<std::unique_ptr<transport::CliSession>> SessionPool::open(const Node& node) {
  if (!m_options.opener) return fail(Error(ErrorCode::internal, "no session opener configured").on(node.name, "connect"));
  return m_options.opener(node);
}

Result<void> SessionPool::with_session(const Node& node,
                                       const std::function<Result<void>(transport::CliSession&)>& fn) {
  Slot* slot;
  {
    std::lock_guard lock(m_slots_mutex);
    auto& slots = m_slots[node.name];
    if (slots.empty()) slots.push_back(std::make_unique<Slot>());
    slot = slots.front().get();
  }
  std::lock_guard lock(slot->mutex);
  return run_in(*slot, node, fn);
}

Result<void> SessionPool::with_idle_session(const Node& node,
                                            const std::function<Result<void>(transport::CliSession&)>& fn) {
  std::unique_lock<std::mutex> held;
  Slot* slot = nullptr;
  {
    std::lock_guard lock(m_slots_mutex);
    auto& slots = m_slots[node.name];
    for (auto& candidate : slots) {
      std::unique_lock<std::mutex> attempt(candidate->mutex, std::try_to_lock);
      if (!attempt.owns_lock()) continue;
      held = std::move(attempt);
      slot = candidate.get();
      break;
    }
    if (!slot) {
      slots.push_back(std::make_unique<Slot>());
      slot = slots.back().get();
      held = std::unique_lock<std::mutex>(slot->mutex);  // new: nobody else can hold it yet
    }
  }
  return run_in(*slot, node, fn);
}

Result<void> SessionPool::run_in(Slot& slot, const Node& node,
                                 const std::function<Result<void>(transport::CliSession&)>& fn) {
  // A session the node closed while it sat in the pool (an idle timeout, a node restarted by hand) is replaced before
  // anything is sent on it, so the caller's first command does not fail for a reason that has nothing to do with it.
  if (slot.session && !slot.session->usable()) slot.session.reset();
  if (!slot.session) {
    auto opened = open(node);
    if (!opened) return fail(opened.error());
    slot.session = std::move(*opened);
  }
  auto result = fn(*slot.session);
  if (!result && unusable_after(result.error().code)) slot.session.reset();
  return result;
}

Result<SecretMap> resolve_site_secrets(const Site& site) {
  SecretMap out;
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    for (const auto& node : cluster.nodes) {
      const std::string& name = node.connection.credentials;
      if (out.count(name)) continue;
      const Credentials* credentials = site.find_credentials(name);
      if (!credentials) {
        return fail(Error(ErrorCode::invalid_site, "no credential set '" + name + "'").on(node.name, "connect").at(node.region));
      }
      auto secret = config::resolve_credentials(*credentials);
      if (!secret) return fail(secret.error());
      out.emplace(name, std::move(*secret));
    }
  }
  return out;
}

Result<config::Secret> SessionPool::secret_for(const Node& node) const {
  if (m_options.secrets) {
    auto it = m_options.secrets->find(node.connection.credentials);
    if (it != m_options.secrets->end()) return it->second;
  }
  return fail(Error(ErrorCode::secret, "credential set '" + node.connection.credentials + "' was not resolved")
                  .on(node.name, "connect"));
}

std::function<Result<std::unique_ptr<transport::CliSession>>(const Node&)> ssh_opener(
    std::shared_ptr<const SecretMap> secrets, bool trust_on_first_use) {
  return [secrets, trust_on_first_use](const Node& node) -> Result<std::unique_ptr<transport::CliSession>> {
    auto secret = secrets->find(node.connection.credentials);
    if (secret == secrets->end()) {
      return fail(Error(ErrorCode::secret, "credential set '" + node.connection.credentials + "' was not resolved")
                      .on(node.name, "connect"));
    }
    transport::SshTarget target;
    target.node = node.name;
    target.host = node.address;
    target.port = node.connection.ssh_port;
    target.username = secret->second.username;
    target.password = secret->second.password;
    target.credentials = node.connection.credentials;
    target.known_hosts = node.connection.known_hosts;
    target.trust_on_first_use = trust_on_first_use;
    target.timeout = std::chrono::seconds(node.connection.timeout_s);
    target.answer_delay = std::chrono::milliseconds(node.connection.answer_delay_ms);
    return transport::open_ssh_cli(target);
  };
}

}  // namespace trustctl::providers
