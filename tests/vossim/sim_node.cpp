#include "tests/vossim/sim_node.hpp"

#include "providers/pki/certificate_builder.hpp"
#include "providers/pki/key_pair.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

#include <sys/stat.h>

namespace vossim {

namespace fs = std::filesystem;
using trustctl::ErrorCode;
using trustctl::Product;
using trustctl::Result;

namespace {

constexpr const char* kOwnFile = "tomcat/tomcat.pem";
constexpr const char* kOwnKey = "tomcat/tomcat.key";
constexpr const char* kTrustUnit = "tomcat-trust";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool is_wildcard(const Certificate& certificate) {
  if (certificate.common_name().find('*') != std::string::npos) return true;
  for (const auto& name : certificate.dns_names()) {
    if (name.find('*') != std::string::npos) return true;
  }
  return false;
}

long long epoch_ms(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::vector<std::string> services_for(Product product) {
  // Platform services every VOS node runs; the product's own services follow.
  std::vector<std::string> services = {"A Cisco DB", "Cisco Certificate Change Notification", "Cisco Tomcat"};
  auto add = [&](std::initializer_list<const char*> names) { services.insert(services.end(), names.begin(), names.end()); };
  switch (product) {
    case Product::uccx:
      add({"Cisco Finesse Tomcat", "Cisco Unified CCX Engine", "Cisco Unified CCX Notification Service",
           "Cisco Unified CCX Socket.IO Service", "Cisco Unified Intelligence Center Reporting Service"});
      break;
    case Product::finesse: add({"Cisco Finesse Tomcat", "Cisco Finesse Notification Service"}); break;
    case Product::cuic:
      add({"Cisco Unified Intelligence Center Reporting Service", "Cisco Unified Intelligence Center Live Data"});
      break;
    case Product::socialminer: add({"SocialMiner Runtime"}); break;
    case Product::mediasense: add({"MediaSense API service"}); break;
    case Product::cucm:
      add({"Cisco UDS Tomcat", "Cisco AXL Tomcat", "Cisco DRF Master", "Cisco DRF Local", "Cisco CallManager",
           "Cisco Tftp", "Cisco Trust Verification Service"});
      break;
    case Product::external: return {};
  }
  return services;
}

SimNode::SimNode(NodeSpec spec, fs::path dir)
    : m_spec(std::move(spec)), m_dir(std::move(dir)), m_services(services_for(m_spec.product)) {}

Result<void> SimNode::load_or_initialize() {
  std::lock_guard lock(m_mutex);
  std::error_code ec;
  fs::create_directories(m_dir / "tomcat", ec);
  fs::create_directories(m_dir / kTrustUnit, ec);
  if (ec) return trustctl::fail(ErrorCode::io, "cannot create " + m_dir.string() + ": " + ec.message());

  const fs::path own_path = m_dir / kOwnFile;
  if (auto text = read_text(own_path)) {
    auto parsed = trustctl::parse_certificates(*text);
    if (!parsed) return trustctl::fail(ErrorCode::io, own_path.string() + ": " + parsed.error().message);
    m_own.insert_or_assign(kOwnFile, parsed->front());
  } else {
    auto key = trustctl::pki::KeyPair::generate("rsa-2048");
    if (!key) return trustctl::fail(key.error());
    trustctl::pki::CertificateSpec spec;
    spec.common_name = m_spec.fqdn;
    spec.dns_names = {m_spec.fqdn};
    spec.organization = "Cisco";
    spec.organizational_unit = "VOS";
    spec.days = 5 * 365;  // VOS self-signed identities last five years
    auto certificate = trustctl::pki::self_signed(spec, *key);
    if (!certificate) return trustctl::fail(certificate.error());
    write_file_locked(kOwnKey, key->private_pem(), true);
    write_file_locked(kOwnFile, certificate->pem(), false);
    m_own.insert_or_assign(kOwnFile, *certificate);
    m_fresh = true;
  }

  for (const auto& entry : fs::directory_iterator(m_dir / kTrustUnit, ec)) {
    if (entry.path().extension() != ".pem") continue;
    auto text = read_text(entry.path());
    if (!text) continue;
    auto parsed = trustctl::parse_certificates(*text);
    if (!parsed) return trustctl::fail(ErrorCode::io, entry.path().string() + ": " + parsed.error().message);
    m_trust.insert_or_assign(std::string(kTrustUnit) + "/" + entry.path().filename().string(), parsed->front());
  }
  if (ec) return trustctl::fail(ErrorCode::io, "cannot read " + (m_dir / kTrustUnit).string() + ": " + ec.message());

  if (auto text = read_text(m_dir / "restarts.json")) {
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_object()) {
      for (auto it = json.begin(); it != json.end(); ++it) {
        if (it.value().is_number_integer()) m_restart_counts[it.key()] = it.value().get<int>();
      }
    }
  }
  if (m_fresh) {
    // A fresh node trusts its own self-signed identity, as a freshly installed VOS node does (DOMAIN.md section 2).
    const Certificate& own = m_own.at(kOwnFile);
    const std::string file = std::string(kTrustUnit) + "/" + own.trust_file_name();
    write_file_locked(file, own.pem(), false);
    m_trust.insert_or_assign(file, own);
  }
  return {};
}

Certificate SimNode::own_tomcat() const {
  std::lock_guard lock(m_mutex);
  return m_own.at(kOwnFile);
}

std::vector<StoreEntry> SimNode::own_store() const {
  std::lock_guard lock(m_mutex);
  std::vector<StoreEntry> out;
  for (const auto& [file, certificate] : m_own) out.push_back({file, certificate});
  return out;
}

std::vector<StoreEntry> SimNode::trust_store() const {
  std::lock_guard lock(m_mutex);
  std::vector<StoreEntry> out;
  for (const auto& [file, certificate] : m_trust) out.push_back({file, certificate});
  return out;
}

std::optional<Certificate> SimNode::find_trust(const std::string& file) const {
  std::lock_guard lock(m_mutex);
  auto it = m_trust.find(file);
  if (it == m_trust.end()) return std::nullopt;
  return it->second;
}

void SimNode::set_replication_hook(ReplicationHook hook) {
  std::lock_guard lock(m_mutex);
  m_hook = std::move(hook);
}

std::vector<ImportOutcome> SimNode::import_trust(const std::vector<Certificate>& certificates, Clock::time_point now) {
  std::vector<ImportOutcome> outcomes;
  std::vector<Certificate> accepted;
  ReplicationHook hook;
  {
    std::lock_guard lock(m_mutex);
    for (const auto& certificate : certificates) {
      outcomes.push_back(import_one_locked(certificate, now));
      // Already-present certificates replicate too: it models the periodic full resync healing a subscriber.
      if (outcomes.back().ok()) accepted.push_back(certificate);
    }
    hook = m_hook;
  }
  // Outside the lock: the hook schedules work for other nodes, which must never wait on this node's mutex.
  if (hook && !accepted.empty()) hook(*this, accepted);
  return outcomes;
}

ImportOutcome SimNode::receive_replicated_trust(const Certificate& certificate, Clock::time_point now) {
  std::lock_guard lock(m_mutex);
  return import_one_locked(certificate, now);
}

void SimNode::seed_trust(const Certificate& certificate) {
  std::lock_guard lock(m_mutex);
  for (const auto& [file, existing] : m_trust) {
    if (existing == certificate) return;
  }
  const std::string file = std::string(kTrustUnit) + "/" + certificate.trust_file_name();
  write_file_locked(file, certificate.pem(), false);
  m_trust.insert_or_assign(file, certificate);
}

ImportOutcome SimNode::import_one_locked(const Certificate& certificate, Clock::time_point now) {
  ImportOutcome outcome;
  outcome.common_name = certificate.common_name();
  if (is_wildcard(certificate)) {
    outcome.status = ImportStatus::wildcard;
    return outcome;
  }
  if (certificate.key_type() == "RSA" && certificate.key_bits() > 4096) {
    outcome.status = ImportStatus::key_too_large;
    return outcome;
  }
  if (certificate.not_after() < now) {
    outcome.status = ImportStatus::expired;
    return outcome;
  }
  for (const auto& [file, existing] : m_trust) {
    if (existing == certificate) {
      outcome.status = ImportStatus::unchanged;
      outcome.file = file;
      return outcome;
    }
  }
  // One certificate per CN per store: a newer one replaces, an older one is not stored (DOMAIN.md section 4).
  std::vector<std::string> same_cn;
  for (const auto& [file, existing] : m_trust) {
    if (existing.common_name() != certificate.common_name()) continue;
    if (existing.not_before() > certificate.not_before()) {
      outcome.status = ImportStatus::superseded;
      outcome.file = file;
      return outcome;
    }
    same_cn.push_back(file);
  }
  for (const auto& file : same_cn) {
    std::error_code ec;
    fs::remove(m_dir / file, ec);
    m_trust.erase(file);
    outcome.replaced.push_back(file);
  }
  outcome.file = std::string(kTrustUnit) + "/" + certificate.trust_file_name();
  write_file_locked(outcome.file, certificate.pem(), false);
  m_trust.insert_or_assign(outcome.file, certificate);
  outcome.status = ImportStatus::imported;
  return outcome;
}

void SimNode::write_file_locked(const std::string& relative, const std::string& content, bool secret) {
  // Write then rename, so a test reading the store never sees half a file.
  const fs::path target = m_dir / relative;
  const fs::path temporary = target.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
  }
  if (secret) ::chmod(temporary.c_str(), 0600);
  std::error_code ec;
  fs::rename(temporary, target, ec);
}

std::optional<std::string> SimNode::find_service(const std::string& name) const {
  const std::string wanted = lower(name);
  for (const auto& service : m_services) {
    if (lower(service) == wanted) return service;
  }
  return std::nullopt;
}

ServiceState SimNode::service_state(const std::string& service, Clock::time_point now) const {
  std::lock_guard lock(m_mutex);
  auto it = m_restarts.find(service);
  if (it == m_restarts.end()) return ServiceState::started;
  const RestartPlan& plan = it->second;
  if (now >= plan.begin + plan.duration) return ServiceState::started;
  if (now < plan.begin + plan.stop_phase) return ServiceState::stopping;
  return ServiceState::starting;
}

RestartPlan SimNode::begin_restart(const std::string& service, Clock::time_point now,
                                   std::chrono::milliseconds duration) {
  RestartPlan plan;
  plan.begin = now;
  plan.duration = duration;
  plan.stop_phase = std::min(std::chrono::milliseconds(500), duration / 3);
  std::lock_guard lock(m_mutex);
  m_restarts[service] = plan;
  ++m_restart_counts[service];
  save_restarts_locked();
  return plan;
}

int SimNode::restart_count(const std::string& service) const {
  std::lock_guard lock(m_mutex);
  auto it = m_restart_counts.find(service);
  return it == m_restart_counts.end() ? 0 : it->second;
}

void SimNode::save_restarts_locked() const {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [service, count] : m_restart_counts) json[service] = count;
  const fs::path target = m_dir / "restarts.json";
  const fs::path temporary = target.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << json.dump(2) << "\n";
  }
  std::error_code ec;
  fs::rename(temporary, target, ec);
}

void SimNode::log_command(const std::string& command, bool ok, const std::vector<std::string>& files,
                          const std::string& service) {
  nlohmann::json line = {{"ts_ms", epoch_ms(Clock::now())},
                         {"node", m_spec.name},
                         {"command", command},
                         {"result", ok ? "ok" : "error"}};
  if (!files.empty()) line["files"] = files;
  if (!service.empty()) line["service"] = service;
  std::lock_guard lock(m_log_mutex);
  std::ofstream out(m_dir / "commands.log", std::ios::app);
  // replace: a client may type bytes that are not UTF-8; the log must never throw.
  out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace vossim
