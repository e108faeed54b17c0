#include "tests/vossim/twin.hpp"

#include "tests/vossim/twin_rekeyer.hpp"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace vossim {

namespace fs = std::filesystem;
using nlohmann::json;
using trustctl::ErrorCode;

namespace {

// One node of TWIN.toml that the inventory describes and whose state this run writes.
struct Seeding {
  const trustctl::Node* node;
  const json* inventory;  // the inventory's node
  SimNode* sim;
  fs::path dir;
};

struct Context {
  const fs::path& file;
  TwinRekeyer rekeyer;
  std::vector<std::string> report;
  std::vector<std::string> differing;  // identities whose copies do not chain like the live ones
};

trustctl::Result<json> load_inventory(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return trustctl::fail(ErrorCode::io, "--from-inventory: cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("clusters") || !doc["clusters"].is_array()) {
    return trustctl::fail(ErrorCode::invalid_site, "--from-inventory: " + file.string() + " is not the output of "
                                                   "`trustctl show SITE --format json`");
  }
  if (doc.value("format_version", 0) != 1) {
    return trustctl::fail(ErrorCode::invalid_site, "--from-inventory: " + file.string() +
                                                       " has a format_version this vos-sim does not read (1)");
  }
  return doc;
}

// The inventory's nodes by name, each with its cluster's product.
std::map<std::string, std::pair<const json*, std::string>> index_nodes(const json& doc) {
  std::map<std::string, std::pair<const json*, std::string>> out;
  for (const auto& cluster : doc["clusters"]) {
    if (!cluster.contains("nodes")) continue;
    for (const auto& node : cluster["nodes"]) {
      out[node.value("name", "")] = {&node, cluster.value("product", "")};
    }
  }
  return out;
}

trustctl::Result<trustctl::Certificate> certificate_of(const json& certificate, const std::string& what,
                                                       const Context& context) {
  if (!certificate.is_object() || !certificate.contains("pem") || !certificate["pem"].is_string()) {
    return trustctl::fail(ErrorCode::invalid_site, "--from-inventory: " + context.file.string() + ": " + what +
                                                       " has no PEM (an inventory made by an older trustctl): run "
                                                       "`trustctl show SITE --format json` again");
  }
  auto parsed = trustctl::parse_certificates(certificate["pem"].get<std::string>());
  if (!parsed) {
    return trustctl::fail(ErrorCode::invalid_site, "--from-inventory: " + context.file.string() + ": " + what + ": " +
                                                       parsed.error().message);
  }
  return parsed->front();
}

trustctl::Result<void> write_file(const fs::path& path, const std::string& text, bool secret) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (secret) ::chmod(temporary.c_str(), 0600);
    out << text;
    if (!out) return trustctl::fail(ErrorCode::io, "cannot write " + path.string());
  }
  fs::rename(temporary, path, ec);
  if (ec) return trustctl::fail(ErrorCode::io, "cannot write " + path.string() + ": " + ec.message());
  return {};
}

std::string short_fp(const trustctl::Certificate& certificate) { return certificate.short_fingerprint(); }

trustctl::Result<void> write_identity(const Seeding& s, const std::string& unit, const TwinRekeyer::Copy& copy) {
  if (auto ok = write_file(s.dir / unit / (unit + ".key"), copy.key_pem, true); !ok) return ok;
  return write_file(s.dir / unit / (unit + ".pem"), copy.certificate.pem(), false);
}

// A unit the inventory does not list (show reads tomcat-ECDSA only where trustctl expects the unit): the node's own
// self-signed certificate of that unit, as its tomcat-trust holds it, is the live identity; otherwise a fresh one.
trustctl::Result<void> seed_unread_identity(const Seeding& s, const std::string& unit, Context& context) {
  const std::string cn = self_signed_common_name(unit, s.node->fqdn);
  for (const auto& store : s.inventory->value("trust_stores", json::array())) {
    for (const auto& entry : store.value("entries", json::array())) {
      auto certificate = certificate_of(entry.value("certificate", json()), s.node->name + " tomcat-trust", context);
      if (!certificate || certificate->common_name() != cn || !certificate->is_self_issued() ||
          (certificate->key_type() == "EC") != (unit == kTomcatEcdsaUnit)) {
        continue;
      }
      auto copy = context.rekeyer.copy_of(*certificate);
      if (!copy) return trustctl::fail(copy.error());
      if (auto ok = write_identity(s, unit, *copy); !ok) return ok;
      context.report.push_back("  " + s.node->name + " " + unit + " " + certificate->subject() +
                               ": not in the inventory; its self-signed one from tomcat-trust: sha256 " +
                               short_fp(*certificate) + " -> " + short_fp(copy->certificate));
      return {};
    }
  }
  context.report.push_back(s.node->name + " " + unit + ": not in the inventory: a fresh self-signed one, which also "
                                                       "enters the cluster's tomcat-trust");
  return {};
}

// Each identity unit: a copy on a fresh key, written where the node keeps it.
trustctl::Result<void> seed_identities(const Seeding& s, Context& context) {
  for (const auto& identity : s.inventory->value("identities", json::array())) {
    const std::string unit = identity.value("unit", "");
    const std::string what = s.node->name + " identity " + unit;
    if (!s.sim->has_unit(unit)) {
      context.report.push_back(what + ": not seeded, this node of the twin has no such unit (check TWIN.toml's "
                                      "product and version)");
      continue;
    }
    auto live = certificate_of(identity.value("certificate", json()), what, context);
    if (!live) return trustctl::fail(live.error());
    auto copy = context.rekeyer.copy_of(*live);
    if (!copy) return trustctl::fail(ErrorCode::internal, what + ": " + copy.error().message);
    if (auto ok = write_identity(s, unit, *copy); !ok) return ok;
    context.report.push_back("  " + s.node->name + " " + unit + " " + live->subject() + ": sha256 " + short_fp(*live) +
                             " -> " + short_fp(copy->certificate) + " (" + copy->how + ")");
    if (!copy->chains_like_source) context.differing.push_back(s.node->name + " " + unit);
  }
  for (const auto& unit : s.sim->identity_units()) {
    bool listed = false;
    for (const auto& identity : s.inventory->value("identities", json::array())) listed |= identity.value("unit", "") == unit;
    if (listed) continue;
    if (auto ok = seed_unread_identity(s, unit, context); !ok) return ok;
  }
  return {};
}

// tomcat-trust: the inventory's files, byte for byte, except entries holding a live identity (the twin's copy).
trustctl::Result<void> seed_trust(const Seeding& s, Context& context) {
  for (const auto& store : s.inventory->value("trust_stores", json::array())) {
    const std::string name = store.value("store", "");
    if (name != "tomcat-trust") {
      context.report.push_back(s.node->name + " " + name + ": not simulated, not seeded");
      continue;
    }
    for (const auto& entry : store.value("entries", json::array())) {
      const std::string file = entry.value("file", "");
      if (file.empty() || file.find('/') != std::string::npos || file.front() == '.') {
        return trustctl::fail(ErrorCode::invalid_site, "--from-inventory: " + context.file.string() + ": " +
                                                           s.node->name + " lists a trust file named '" + file + "'");
      }
      auto live = certificate_of(entry.value("certificate", json()), s.node->name + " tomcat-trust/" + file, context);
      if (!live) return trustctl::fail(live.error());
      std::string pem = entry["certificate"]["pem"].get<std::string>();
      if (const auto* copy = context.rekeyer.made_for(live->fingerprint())) {
        pem = copy->certificate.pem();
        context.report.push_back("  " + s.node->name + " tomcat-trust/" + file + ": holds the twin's copy of " +
                                 live->subject());
      }
      if (auto ok = write_file(s.dir / "tomcat-trust" / file, pem, false); !ok) return ok;
    }
  }
  return {};
}

// A port that presented something older than the stored identity: its service loaded that at its last start.
trustctl::Result<void> seed_ports(const Seeding& s, Context& context) {
  for (const auto& port : s.inventory->value("ports", json::array())) {
    if (!port.contains("presented") || port.value("matches_identity", true)) continue;
    const std::string service = port.value("service", "");
    auto live = certificate_of(port["presented"], s.node->name + " port " + std::to_string(port.value("port", 0)),
                               context);
    if (!live) return trustctl::fail(live.error());
    if (live->key_type() == "EC") {
      context.report.push_back(s.node->name + " " + service + ": presented an older tomcat-ECDSA; not reproduced "
                                                              "(the twin's service loads the stored one)");
      continue;
    }
    auto copy = context.rekeyer.copy_of(*live);
    if (!copy) return trustctl::fail(copy.error());
    s.sim->set_loaded_at_start(service, copy->certificate, copy->key_pem);
    context.report.push_back(s.node->name + " " + service + ": presents the twin's copy of an older identity (" +
                             live->subject() + "), as the live one did: a restart is owed");
  }
  for (const auto& csr : s.inventory->value("pending_csrs", json::array())) {
    context.report.push_back(s.node->name + " pending CSR for " + csr.value("unit", std::string("?")) +
                             ": not reproduced (its key stays on the appliance); plan's CSR actions may differ");
  }
  return {};
}

}  // namespace

trustctl::Result<std::vector<std::string>> seed_twin(const trustctl::Site& site, const fs::path& inventory,
                                                     const fs::path& state_dir,
                                                     const std::map<std::string, SimNode*>& nodes) {
  auto doc = load_inventory(inventory);
  if (!doc) return trustctl::fail(doc.error());
  const auto listed = index_nodes(*doc);
  Context context{inventory, TwinRekeyer(site), {}, {}};
  std::vector<Seeding> seeding;
  std::vector<std::string> kept;
  for (const auto& cluster : site.clusters) {
    if (!trustctl::is_vos(cluster.product)) continue;
    for (const auto& node : cluster.nodes) {
      auto it = listed.find(node.name);
      if (it == listed.end()) {
        context.report.push_back(node.name + ": not in the inventory: starts as a fresh node");
        continue;
      }
      if (it->second.second != trustctl::to_string(cluster.product)) {
        return trustctl::fail(ErrorCode::invalid_site, "--from-inventory: node " + node.name + " is a " +
                                                           it->second.second + " in " + inventory.string() +
                                                           " but a " + trustctl::to_string(cluster.product) +
                                                           " in the twin's site file");
      }
      if (!it->second.first->value("read", false)) {
        context.report.push_back(node.name + ": show could not read it: starts as a fresh node");
        continue;
      }
      const fs::path dir = state_dir / node.name;
      if (fs::exists(dir / "tomcat" / "tomcat.pem")) {
        kept.push_back(node.name);
        continue;
      }
      seeding.push_back(Seeding{&node, it->second.first, nodes.at(node.name), dir});
    }
  }
  std::vector<std::string> report = {"twin of '" + doc->value("site", std::string("?")) + "' from " +
                                     inventory.string() + " (read " + doc->value("generated_at", std::string("?")) +
                                     "): " + std::to_string(seeding.size()) + " node(s) seeded"};
  if (!kept.empty()) {
    std::string names;
    for (const auto& name : kept) names += (names.empty() ? "" : ", ") + name;
    report.push_back("kept the state these nodes already have in " + state_dir.string() + " (delete it to seed them "
                     "again): " + names);
  }
  if (!seeding.empty()) {
    context.report.push_back("fresh keys: identity keys never leave an appliance, so each identity is a copy of the "
                             "live one (subject, SANs, issuer, serial, validity, extensions) on a new key; their "
                             "fingerprints differ from the source's:");
  }
  for (const auto& s : seeding) {
    if (auto ok = seed_identities(s, context); !ok) return trustctl::fail(ok.error());
  }
  for (const auto& s : seeding) {
    if (auto ok = seed_trust(s, context); !ok) return trustctl::fail(ok.error());
    if (auto ok = seed_ports(s, context); !ok) return trustctl::fail(ok.error());
    s.sim->mark_seeded();
  }
  report.insert(report.end(), context.report.begin(), context.report.end());
  if (!seeding.empty()) {
    std::string which = "plan against the twin gives the source's actions except where identity keys matter: "
                        "actions naming the fingerprints above (an upload of an identity to a peer, a TLS pin)";
    if (!context.differing.empty()) {
      which += ", and a replacement of each identity signed by a stand-in, which plan will want on the twin only:";
      for (const auto& name : context.differing) which += " " + name;
    }
    report.push_back(which);
  }
  return report;
}

}  // namespace vossim
