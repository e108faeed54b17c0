#include "tests/vossim/sim_node.hpp"

#include "tests/vossim/messages.hpp"

#include "providers/pki/certificate_builder.hpp"
#include "providers/pki/key_pair.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <sys/stat.h>

namespace vossim {

namespace fs = std::filesystem;
using trustctl::ErrorCode;
using trustctl::Product;
using trustctl::Result;

namespace {

// Per unit: <unit>/<unit>.pem and .key; the pending CSR where the appliance keeps it (its error message names this
// path), its key next to it, and a marker for a multi-server CSR.
std::string own_file(const std::string& unit) { return unit + "/" + unit + ".pem"; }
std::string own_key_file(const std::string& unit) { return unit + "/" + unit + ".key"; }
std::string csr_file(const std::string& unit) { return unit + "/keys/" + unit + ".csr"; }
std::string csr_key_file(const std::string& unit) { return unit + "/keys/" + unit + ".csr.key"; }
std::string csr_distribution_file(const std::string& unit) { return unit + "/keys/" + unit + ".csr.distribution"; }
const std::string kOwnFile = own_file(kTomcatUnit);
constexpr const char* kTrustUnit = "tomcat-trust";
constexpr const char* kMultiServer = "multi-server";
constexpr std::string_view kPemBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kPemEnd = "-----END CERTIFICATE-----";

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

std::pair<int, int> parse_version(const std::string& version) {
  int major = -1;
  int minor = 0;
  std::size_t i = 0;
  auto number = [&](int& out) {
    if (i >= version.size() || !std::isdigit(static_cast<unsigned char>(version[i]))) return false;
    out = 0;
    while (i < version.size() && std::isdigit(static_cast<unsigned char>(version[i])) && out < 100000) {
      out = out * 10 + (version[i++] - '0');
    }
    return true;
  };
  if (!number(major)) return {-1, 0};
  if (i < version.size() && version[i] == '.') {
    ++i;
    number(minor);
  }
  return {major, minor};
}

std::string insert_after_host(const std::string& fqdn, const std::string& suffix) {
  const auto dot = fqdn.find('.');
  if (dot == std::string::npos) return fqdn + suffix;
  return fqdn.substr(0, dot) + suffix + fqdn.substr(dot);
}

Result<std::pair<Certificate, std::string>> make_self_signed(const std::string& fqdn, const std::string& unit) {
  auto key = trustctl::pki::KeyPair::generate(unit == kTomcatEcdsaUnit ? "ec-256" : "rsa-2048");
  if (!key) return trustctl::fail(key.error());
  trustctl::pki::CertificateSpec spec;
  spec.common_name = self_signed_common_name(unit, fqdn);
  spec.dns_names = {fqdn};
  spec.organization = "Cisco";
  spec.organizational_unit = "VOS";
  spec.days = 5 * 365;  // VOS self-signed identities last five years
  auto certificate = trustctl::pki::self_signed(spec, *key);
  if (!certificate) return trustctl::fail(certificate.error());
  return std::make_pair(*certificate, key->private_pem());
}

nlohmann::json entry_json(const StoreEntry& entry) {
  return {{"file", entry.file},
          {"fingerprint", entry.certificate.fingerprint()},
          {"subject", entry.certificate.subject()},
          {"issuer", entry.certificate.issuer()},
          {"not_after_ms", epoch_ms(entry.certificate.not_after())}};
}

}  // namespace

Result<std::vector<UploadedCertificate>> parse_uploaded(std::string_view text) {
  std::vector<UploadedCertificate> out;
  std::size_t at = 0;
  while ((at = text.find(kPemBegin, at)) != std::string_view::npos) {
    const auto end = text.find(kPemEnd, at);
    if (end == std::string_view::npos) break;
    std::string block(text.substr(at, end + kPemEnd.size() - at));
    block += "\n";
    auto parsed = trustctl::parse_certificates(block);
    if (!parsed) return trustctl::fail(parsed.error());
    out.push_back(UploadedCertificate{parsed->front(), block});
    at = end + kPemEnd.size();
  }
  if (!out.empty()) return out;
  auto parsed = trustctl::parse_certificates(text);  // DER
  if (!parsed) return trustctl::fail(parsed.error());
  for (const auto& certificate : *parsed) out.push_back(UploadedCertificate{certificate, certificate.pem()});
  return out;
}

bool supports_ecdsa(Product product, const std::string& version) {
  if (product == Product::external) return false;
  const auto [major, minor] = parse_version(version);
  if (major < 0) return true;  // unknown: current
  return major > 11 || (major == 11 && minor >= 5);  // tomcat-ECDSA arrived in 11.5 and stayed
}

std::string self_signed_common_name(const std::string& unit, const std::string& fqdn) {
  return unit == kTomcatEcdsaUnit ? insert_after_host(fqdn, "-EC") : fqdn;
}

std::string multi_server_common_name(const std::string& unit, const std::string& publisher_fqdn) {
  return insert_after_host(publisher_fqdn, unit == kTomcatEcdsaUnit ? "-EC-ms" : "-ms");
}

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
    : m_spec(std::move(spec)), m_dir(std::move(dir)), m_services(services_for(m_spec.product)) {
  m_units.push_back(kTomcatUnit);
  if (supports_ecdsa(m_spec.product, m_spec.version)) m_units.push_back(kTomcatEcdsaUnit);
}

Result<void> SimNode::load_or_initialize() {
  if (auto loaded = load_state(); !loaded) return loaded;
  if (auto created = create_missing_identities(); !created) return created;
  finish_start();
  return {};
}

bool SimNode::has_unit(const std::string& unit) const {
  return std::find(m_units.begin(), m_units.end(), unit) != m_units.end();
}

Result<void> SimNode::load_state() {
  std::lock_guard lock(m_mutex);
  std::error_code ec;
  for (const auto& unit : m_units) fs::create_directories(m_dir / unit / "keys", ec);
  fs::create_directories(m_dir / kTrustUnit, ec);
  if (ec) return trustctl::fail(ErrorCode::io, "cannot create " + m_dir.string() + ": " + ec.message());

  m_missing.clear();
  for (const auto& unit : m_units) {
    const fs::path own_path = m_dir / own_file(unit);
    auto own_text = read_text(own_path);
    auto key_text = read_text(m_dir / own_key_file(unit));
    if (!own_text || !key_text) {
      m_missing.push_back(unit);
      continue;
    }
    auto parsed = trustctl::parse_certificates(*own_text);
    if (!parsed) return trustctl::fail(ErrorCode::io, own_path.string() + ": " + parsed.error().message);
    m_own.insert_or_assign(own_file(unit), StoreEntry{own_file(unit), parsed->front(), *own_text});
    m_own_keys[unit] = *key_text;
  }
  m_fresh = std::find(m_missing.begin(), m_missing.end(), kTomcatUnit) != m_missing.end();

  for (const auto& entry : fs::directory_iterator(m_dir / kTrustUnit, ec)) {
    if (entry.path().extension() != ".pem") continue;
    auto text = read_text(entry.path());
    if (!text) continue;
    auto parsed = trustctl::parse_certificates(*text);
    if (!parsed) return trustctl::fail(ErrorCode::io, entry.path().string() + ": " + parsed.error().message);
    const std::string file = std::string(kTrustUnit) + "/" + entry.path().filename().string();
    m_trust.insert_or_assign(file, StoreEntry{file, parsed->front(), *text});
  }
  if (ec) return trustctl::fail(ErrorCode::io, "cannot read " + (m_dir / kTrustUnit).string() + ": " + ec.message());

  for (const auto& unit : m_units) {
    auto csr_text = read_text(m_dir / csr_file(unit));
    if (!csr_text) continue;
    auto csr_key = read_text(m_dir / csr_key_file(unit));
    auto parsed = parse_csr(*csr_text);
    if (parsed && csr_key) {
      parsed->key_pem = *csr_key;
      m_csrs[unit] = *parsed;
      auto distribution = read_text(m_dir / csr_distribution_file(unit));
      m_csr_multi_server[unit] = distribution && distribution->rfind(kMultiServer, 0) == 0;
    }
  }

  if (auto text = read_text(m_dir / "restarts.json")) {
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_object()) {
      for (auto it = json.begin(); it != json.end(); ++it) {
        if (it.value().is_number_integer()) m_restart_counts[it.key()] = it.value().get<int>();
      }
    }
  }
  return {};
}

bool SimNode::identities_missing() const {
  std::lock_guard lock(m_mutex);
  return !m_missing.empty();
}

Result<void> SimNode::create_missing_identities() {
  std::vector<std::string> missing;
  {
    std::lock_guard lock(m_mutex);
    missing = m_missing;
  }
  for (const auto& unit : missing) {
    // The key generation runs outside the lock (RSA: tens to hundreds of milliseconds).
    auto made = make_self_signed(m_spec.fqdn, unit);
    if (!made) return trustctl::fail(made.error());
    std::lock_guard lock(m_mutex);
    store_identity_locked(unit, made->first, made->second);
    // A fresh node trusts its own self-signed identities, as a freshly installed VOS node does (DOMAIN.md section 2).
    const Certificate& own = made->first;
    const std::string file = std::string(kTrustUnit) + "/" + own.trust_file_name();
    write_file_locked(file, own.pem(), false);
    m_trust.insert_or_assign(file, StoreEntry{file, own, own.pem()});
    m_created.push_back(own);
    m_missing.erase(std::find(m_missing.begin(), m_missing.end(), unit));
  }
  return {};
}

void SimNode::finish_start() {
  {
    std::lock_guard lock(m_mutex);
    if (m_own.count(kOwnFile) == 0) return;  // identities still missing: the gate stays closed
    // The process start is every service's start: each one loads the stored identity.
    const auto now = Clock::now();
    for (const auto& service : m_services) {
      auto& runtime = m_runtime[service];
      if (!runtime.loaded) runtime.loaded = snapshot_identity_locked(now);
    }
  }
  m_ready.store(true, std::memory_order_release);
}

void SimNode::await_identity() const {
  if (m_ready.load(std::memory_order_acquire) || !m_waiter) return;
  m_waiter();
}

std::vector<Certificate> SimNode::self_signed_identities() const {
  std::lock_guard lock(m_mutex);
  std::vector<Certificate> out;
  for (const auto& unit : m_units) {
    auto it = m_own.find(own_file(unit));
    if (it != m_own.end() && it->second.certificate.is_self_issued()) out.push_back(it->second.certificate);
  }
  return out;
}

std::vector<Certificate> SimNode::created_identities() const {
  std::lock_guard lock(m_mutex);
  return m_created;
}

std::optional<Certificate> SimNode::stored_tomcat_if_present() const {
  std::lock_guard lock(m_mutex);
  auto it = m_own.find(kOwnFile);
  if (it == m_own.end()) return std::nullopt;
  return it->second.certificate;
}

void SimNode::store_identity_locked(const std::string& unit, const Certificate& certificate, const std::string& key_pem) {
  m_own_keys[unit] = key_pem;
  write_file_locked(own_key_file(unit), key_pem, true);
  write_file_locked(own_file(unit), certificate.pem(), false);
  m_own.insert_or_assign(own_file(unit), StoreEntry{own_file(unit), certificate, certificate.pem()});
}

Certificate SimNode::own_tomcat() const {
  await_identity();
  std::lock_guard lock(m_mutex);
  return m_own.at(kOwnFile).certificate;
}

std::optional<Certificate> SimNode::own_identity(const std::string& unit) const {
  await_identity();
  std::lock_guard lock(m_mutex);
  auto it = m_own.find(own_file(unit));
  if (it == m_own.end()) return std::nullopt;
  return it->second.certificate;
}

std::vector<StoreEntry> SimNode::own_store() const {
  await_identity();
  std::lock_guard lock(m_mutex);
  std::vector<StoreEntry> out;  // in unit order: tomcat first
  for (const auto& unit : m_units) {
    auto it = m_own.find(own_file(unit));
    if (it != m_own.end()) out.push_back(it->second);
  }
  return out;
}

std::vector<StoreEntry> SimNode::trust_store() const {
  await_identity();
  std::lock_guard lock(m_mutex);
  std::vector<StoreEntry> out;
  for (const auto& [file, entry] : m_trust) out.push_back(entry);
  return out;
}

std::optional<Certificate> SimNode::find_trust(const std::string& file) const {
  await_identity();
  std::lock_guard lock(m_mutex);
  auto it = m_trust.find(file);
  if (it == m_trust.end()) return std::nullopt;
  return it->second.certificate;
}

void SimNode::set_replication_hook(ReplicationHook hook) {
  std::lock_guard lock(m_mutex);
  m_hook = std::move(hook);
}

void SimNode::set_change_hook(ChangeHook hook) {
  std::lock_guard lock(m_mutex);
  m_change_hook = std::move(hook);
}

void SimNode::notify_change(std::vector<Clock::time_point> times) {
  ChangeHook hook;
  {
    std::lock_guard lock(m_mutex);
    hook = m_change_hook;
  }
  if (hook) hook(*this, std::move(times));
}

std::vector<ImportOutcome> SimNode::import_trust(const std::vector<Certificate>& certificates, Clock::time_point now) {
  std::vector<UploadedCertificate> uploaded;
  for (const auto& certificate : certificates) uploaded.push_back(UploadedCertificate{certificate, certificate.pem()});
  return import_trust(uploaded, now);
}

std::vector<ImportOutcome> SimNode::import_trust(const std::vector<UploadedCertificate>& certificates,
                                                 Clock::time_point now) {
  await_identity();
  std::vector<ImportOutcome> outcomes;
  std::vector<UploadedCertificate> accepted;
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

ImportOutcome SimNode::receive_replicated_trust(const UploadedCertificate& certificate, Clock::time_point now) {
  await_identity();
  std::lock_guard lock(m_mutex);
  return import_one_locked(certificate, now);
}

void SimNode::seed_trust(const Certificate& certificate) {
  std::lock_guard lock(m_mutex);
  for (const auto& [file, existing] : m_trust) {
    if (existing.certificate == certificate) return;
  }
  const std::string file = std::string(kTrustUnit) + "/" + certificate.trust_file_name();
  write_file_locked(file, certificate.pem(), false);
  m_trust.insert_or_assign(file, StoreEntry{file, certificate, certificate.pem()});
}

bool SimNode::delete_trust(const std::string& file) {
  await_identity();
  std::lock_guard lock(m_mutex);
  auto it = m_trust.find(file);
  if (it == m_trust.end()) return false;
  std::error_code ec;
  fs::remove(m_dir / file, ec);
  m_trust.erase(it);
  return true;
}

ImportOutcome SimNode::import_one_locked(const UploadedCertificate& uploaded, Clock::time_point now) {
  const Certificate& certificate = uploaded.certificate;
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
    if (existing.certificate == certificate) {
      outcome.status = ImportStatus::unchanged;
      outcome.file = file;
      return outcome;
    }
  }
  // One certificate per CN per store: a newer one replaces, an older one is not stored (DOMAIN.md section 4).
  std::vector<std::string> same_cn;
  for (const auto& [file, existing] : m_trust) {
    if (existing.certificate.common_name() != certificate.common_name()) continue;
    if (existing.certificate.not_before() > certificate.not_before()) {
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
  write_file_locked(outcome.file, uploaded.pem, false);
  m_trust.insert_or_assign(outcome.file, StoreEntry{outcome.file, certificate, uploaded.pem});
  outcome.status = ImportStatus::imported;
  return outcome;
}

Result<PendingCsr> SimNode::generate_csr(const CsrRequest& request, const std::string& unit, bool multi_server) {
  await_identity();
  // The key generation runs outside the lock: RSA keys take tens of milliseconds.
  auto csr = vossim::generate_csr(request);
  if (!csr) return csr;
  std::lock_guard lock(m_mutex);
  write_file_locked(csr_key_file(unit), csr->key_pem, true);
  write_file_locked(csr_file(unit), csr->pem, false);
  if (multi_server) {
    write_file_locked(csr_distribution_file(unit), std::string(kMultiServer) + "\n", false);
  } else {
    std::error_code ec;
    fs::remove(m_dir / csr_distribution_file(unit), ec);
  }
  m_csrs[unit] = *csr;
  m_csr_multi_server[unit] = multi_server;
  return csr;
}

std::optional<PendingCsr> SimNode::pending_csr(const std::string& unit) const {
  std::lock_guard lock(m_mutex);
  auto it = m_csrs.find(unit);
  if (it == m_csrs.end()) return std::nullopt;
  return it->second;
}

bool SimNode::pending_csr_multi_server(const std::string& unit) const {
  std::lock_guard lock(m_mutex);
  auto it = m_csr_multi_server.find(unit);
  return it != m_csr_multi_server.end() && it->second && m_csrs.count(unit) > 0;
}

bool SimNode::identity_key_allowed(const std::string& key_type, int bits, const std::string& unit) const {
  if (unit == kTomcatEcdsaUnit) return key_type == "EC" && (bits == 256 || bits == 384 || bits == 521);
  if (key_type != "RSA") return true;
  if (bits > 4096) return false;
  if (m_spec.product == Product::uccx) return bits == 1024 || bits == 2048;
  return true;
}

OwnImportStatus SimNode::import_own(const std::vector<Certificate>& certificates, Clock::time_point now,
                                    const std::string& unit) {
  return import_own_detailed(certificates, now, unit).status;
}

OwnImportOutcome SimNode::import_own_detailed(const std::vector<Certificate>& certificates, Clock::time_point now,
                                              const std::string& unit) {
  OwnImportOutcome outcome;
  if (certificates.empty()) return outcome;
  await_identity();
  const Certificate& leaf = certificates.front();
  std::string key_pem;
  DistributionHook hook;
  {
    std::lock_guard lock(m_mutex);
    auto csr = m_csrs.find(unit);
    if (csr == m_csrs.end()) {
      outcome.status = OwnImportStatus::no_csr;
      return outcome;
    }
    if (!identity_key_allowed(leaf.key_type(), leaf.key_bits(), unit)) {
      outcome.status = OwnImportStatus::key_not_allowed;
      return outcome;
    }
    if (public_key_sha256(X509_get0_pubkey(leaf.native())) != csr->second.public_key_sha256) {
      outcome.status = OwnImportStatus::key_mismatch;
      return outcome;
    }
    const auto leaf_names = leaf.dns_names();
    if (std::set<std::string>(leaf_names.begin(), leaf_names.end()) !=
        std::set<std::string>(csr->second.dns_names.begin(), csr->second.dns_names.end())) {
      outcome.status = OwnImportStatus::san_mismatch;
      return outcome;
    }
    if (leaf.not_after() < now) {
      outcome.status = OwnImportStatus::expired;
      return outcome;
    }
    bool issuer_present = false;
    for (const auto& [file, entry] : m_trust) issuer_present = issuer_present || entry.certificate.issued(leaf);
    if (!issuer_present) {
      outcome.status = OwnImportStatus::no_issuer;
      return outcome;
    }

    // Stored now; each service presents it only after its next restart.
    key_pem = csr->second.key_pem;
    store_identity_locked(unit, leaf, key_pem);
    const bool multi_server = m_csr_multi_server[unit];
    std::error_code ec;
    fs::remove(m_dir / csr_file(unit), ec);
    fs::remove(m_dir / csr_key_file(unit), ec);
    fs::remove(m_dir / csr_distribution_file(unit), ec);
    m_csrs.erase(unit);  // the CSR is consumed
    m_csr_multi_server.erase(unit);
    outcome.status = OwnImportStatus::imported;
    if (multi_server) {
      for (const auto& name : leaf_names) {
        if (name != m_spec.fqdn) outcome.distributed_to.push_back(name);
      }
      hook = m_distribution_hook;
    }
  }
  // Outside the lock: the hook schedules the copies for the other nodes the certificate names.
  if (hook && !outcome.distributed_to.empty()) hook(*this, unit, leaf, key_pem);
  return outcome;
}

void SimNode::receive_distributed_identity(const std::string& unit, const Certificate& leaf, const std::string& key_pem) {
  await_identity();
  std::lock_guard lock(m_mutex);
  if (!has_unit(unit)) return;
  store_identity_locked(unit, leaf, key_pem);
}

void SimNode::set_distribution_hook(DistributionHook hook) {
  std::lock_guard lock(m_mutex);
  m_distribution_hook = std::move(hook);
}

Result<void> SimNode::regenerate_identity(Clock::time_point now, const std::string& unit) {
  await_identity();
  auto made = make_self_signed(m_spec.fqdn, unit);
  if (!made) return trustctl::fail(made.error());
  UploadedCertificate trusted{made->first, made->first.pem()};
  ReplicationHook hook;
  {
    std::lock_guard lock(m_mutex);
    store_identity_locked(unit, made->first, made->second);
    // The new self-signed certificate enters tomcat-trust like an upload (replacing the old one of the same CN).
    if (!import_one_locked(trusted, now).ok()) return trustctl::fail(ErrorCode::internal, "regen: trust update failed");
    hook = m_hook;
  }
  if (hook) hook(*this, {trusted});
  return {};
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

LoadedIdentity SimNode::snapshot_identity_locked(Clock::time_point now) const {
  const StoreEntry& own = m_own.at(kOwnFile);
  LoadedIdentity loaded{own.certificate, m_own_keys.at(kTomcatUnit), {}, now};
  // The chain goes as far as tomcat-trust holds the issuers (nearest first), as a Tomcat keystore would be built.
  Certificate current = own.certificate;
  for (int depth = 0; depth < 8 && !current.is_self_issued(); ++depth) {
    const Certificate* issuer = nullptr;
    for (const auto& [file, entry] : m_trust) {
      if (entry.certificate.subject() == current.issuer() && entry.certificate.issued(current)) {
        issuer = &entry.certificate;
        break;
      }
    }
    if (issuer == nullptr) break;
    loaded.chain.push_back(*issuer);
    current = *issuer;
  }
  return loaded;
}

void SimNode::settle_locked(const std::string& service, Clock::time_point now) const {
  auto& runtime = m_runtime[service];
  if (!runtime.plan || now < runtime.plan->end() || !runtime.next) return;
  if (!runtime.plan->fails) runtime.loaded = std::move(runtime.next);
  runtime.next.reset();
}

ServiceState SimNode::service_state(const std::string& service, Clock::time_point now) const {
  std::lock_guard lock(m_mutex);
  auto it = m_runtime.find(service);
  if (it == m_runtime.end() || !it->second.plan) return ServiceState::started;
  const RestartPlan& plan = *it->second.plan;
  if (now >= plan.end()) return plan.fails ? ServiceState::stopped : ServiceState::started;
  if (now < plan.begin + plan.stop_phase) return ServiceState::stopping;
  return ServiceState::starting;
}

RestartPlan SimNode::begin_restart(const std::string& service, Clock::time_point now,
                                   std::chrono::milliseconds duration, bool fails) {
  await_identity();
  RestartPlan plan;
  plan.begin = now;
  plan.duration = duration;
  plan.stop_phase = std::min(std::chrono::milliseconds(500), duration / 3);
  plan.fails = fails;
  {
    std::lock_guard lock(m_mutex);
    settle_locked(service, now);
    auto& runtime = m_runtime[service];
    runtime.plan = plan;
    // What the service will load: the stores as they are when it goes down (a later change needs another restart).
    runtime.next = snapshot_identity_locked(now);
    ++m_restart_counts[service];
    save_restarts_locked();
  }
  notify_change({now, plan.end()});
  return plan;
}

int SimNode::restart_count(const std::string& service) const {
  std::lock_guard lock(m_mutex);
  auto it = m_restart_counts.find(service);
  return it == m_restart_counts.end() ? 0 : it->second;
}

std::optional<LoadedIdentity> SimNode::loaded_identity(const std::string& service, Clock::time_point now) const {
  await_identity();
  std::lock_guard lock(m_mutex);
  if (m_runtime.find(service) == m_runtime.end()) return std::nullopt;
  settle_locked(service, now);
  return m_runtime[service].loaded;
}

void SimNode::begin_system_restart(Clock::time_point now, std::chrono::milliseconds duration) {
  await_identity();
  {
    std::lock_guard lock(m_mutex);
    m_down_until = std::max(m_down_until, now + duration);
    ++m_system_restarts;
    const auto snapshot = snapshot_identity_locked(now);
    for (const auto& service : m_services) {
      settle_locked(service, now);
      auto& runtime = m_runtime[service];
      RestartPlan plan;
      plan.begin = now;
      plan.duration = duration;
      plan.stop_phase = std::min(std::chrono::milliseconds(500), duration / 3);
      runtime.plan = plan;
      runtime.next = snapshot;
      ++m_restart_counts[service];
    }
    save_restarts_locked();
  }
  notify_change({now, now + duration});
}

void SimNode::go_down(Clock::time_point until) {
  {
    std::lock_guard lock(m_mutex);
    m_down_until = until;
  }
  std::vector<Clock::time_point> times = {Clock::now()};
  if (until != Clock::time_point::max()) times.push_back(until);
  notify_change(times);
}

void SimNode::bring_up(Clock::time_point now) {
  {
    std::lock_guard lock(m_mutex);
    if (m_down_until > now) m_down_until = now;
  }
  notify_change({now});
}

bool SimNode::is_down(Clock::time_point now) const {
  std::lock_guard lock(m_mutex);
  return now < m_down_until;
}

int SimNode::system_restart_count() const {
  std::lock_guard lock(m_mutex);
  return m_system_restarts;
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

nlohmann::json SimNode::describe(Clock::time_point now) const {
  await_identity();
  std::lock_guard lock(m_mutex);
  nlohmann::json node = {{"name", m_spec.name},
                         {"fqdn", m_spec.fqdn},
                         {"cluster", m_spec.cluster},
                         {"product", trustctl::to_string(m_spec.product)},
                         {"role", trustctl::to_string(m_spec.role)},
                         {"down", now < m_down_until},
                         {"system_restarts", m_system_restarts}};
  node["own"] = nlohmann::json::array();
  for (const auto& unit : m_units) {
    auto it = m_own.find(own_file(unit));
    if (it != m_own.end()) node["own"].push_back(entry_json(it->second));
  }
  node["trust"] = nlohmann::json::array();
  for (const auto& [file, entry] : m_trust) node["trust"].push_back(entry_json(entry));
  node["services"] = nlohmann::json::object();
  for (const auto& service : m_services) {
    settle_locked(service, now);
    const auto& runtime = m_runtime[service];
    std::string state = "STARTED";
    if (runtime.plan && now < runtime.plan->end()) {
      state = now < runtime.plan->begin + runtime.plan->stop_phase ? "STOPPING" : "STARTING";
    } else if (runtime.plan && runtime.plan->fails) {
      state = "STOPPED";
    }
    nlohmann::json entry = {{"state", state}};
    auto count = m_restart_counts.find(service);
    entry["restarts"] = count == m_restart_counts.end() ? 0 : count->second;
    if (runtime.loaded) {
      entry["loaded"] = {{"fingerprint", runtime.loaded->certificate.fingerprint()},
                         {"subject", runtime.loaded->certificate.subject()},
                         {"loaded_at_ms", epoch_ms(runtime.loaded->loaded_at)}};
    }
    node["services"][service] = entry;
  }
  node["identity_units"] = m_units;
  node["pending_csrs"] = nlohmann::json::array();
  for (const auto& [unit, csr] : m_csrs) {
    auto multi = m_csr_multi_server.find(unit);
    nlohmann::json entry = {{"unit", unit},
                            {"common_name", csr.common_name},
                            {"dns_names", csr.dns_names},
                            {"public_key_sha256", csr.public_key_sha256},
                            {"distribution", multi != m_csr_multi_server.end() && multi->second ? kMultiServer
                                                                                                 : "this-server"},
                            {"pem", csr.pem}};
    if (unit == kTomcatUnit) node["pending_csr"] = entry;
    node["pending_csrs"].push_back(entry);
  }
  return node;
}

void SimNode::write_log(nlohmann::json line) {
  if (m_event_log != nullptr) m_event_log->append(line);
  std::lock_guard lock(m_log_mutex);
  std::ofstream out(m_dir / "commands.log", std::ios::app);
  // replace: a client may type bytes that are not UTF-8; the log must never throw.
  out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void SimNode::log_command(const std::string& command, bool ok, const std::vector<std::string>& files,
                          const std::string& service, const std::string& note) {
  nlohmann::json line = {{"ts_ms", epoch_ms(Clock::now())},
                         {"node", m_spec.name},
                         {"channel", "cli"},
                         {"command", command},
                         {"result", ok ? "ok" : "error"}};
  if (!files.empty()) line["files"] = files;
  if (!service.empty()) line["service"] = service;
  if (!note.empty()) line["note"] = note;
  write_log(std::move(line));
}

void SimNode::log_rest(const std::string& request, int status) {
  write_log({{"ts_ms", epoch_ms(Clock::now())},
             {"node", m_spec.name},
             {"channel", "rest"},
             {"command", request},
             {"status", status},
             {"result", status < 300 ? "ok" : "error"}});
}

std::string ImportOutcome::reason() const {
  switch (status) {
    case ImportStatus::not_pem: return std::string(msg::kReasonNotPem);
    case ImportStatus::expired: return std::string(msg::kReasonExpired);
    case ImportStatus::superseded: return std::string(msg::kReasonNotYetNewer);
    case ImportStatus::wildcard: return std::string(msg::kReasonWildcard);
    case ImportStatus::key_too_large: return std::string(msg::kReasonKeyTooLarge);
    case ImportStatus::imported:
    case ImportStatus::unchanged: break;
  }
  return {};
}

}  // namespace vossim
