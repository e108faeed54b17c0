#include "plans/inventory.hpp"

#include "plans/identity.hpp"
#include "plans/presented.hpp"
#include "plans/requirements.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace trustctl::plans {
namespace {

using EntryKey = std::tuple<std::string, std::string, std::string>;  // node, store, fingerprint

struct SiteWants {
  std::map<EntryKey, std::pair<bool, std::string>> entries;  // -> (present?, the site entry that said so)
  std::optional<Error> unresolved;
};

// The same requirements plan resolves: [[trust]] rules, integrations and identity policies' chains.
SiteWants site_wants(const Site& site, const LiveState& live, const ProviderLookup& providers) {
  SiteWants out;
  auto requirements = resolve_trust_requirements(site, live, providers);
  if (!requirements) {
    out.unresolved = requirements.error();
    return out;
  }
  auto identity_trust = identity_trust_requirements(site, providers);
  if (!identity_trust) {
    out.unresolved = identity_trust.error();
    return out;
  }
  requirements->insert(requirements->end(), identity_trust->begin(), identity_trust->end());
  for (const auto& req : *requirements) {
    // The first rule to mention an entry names it; an `absent` rule wins over a wanting one, as it does in plan.
    auto [it, added] = out.entries.try_emplace({req.node, req.store, req.certificate.fingerprint()}, req.present,
                                               req.region.describe());
    if (!added && !req.present && it->second.first) it->second = {false, req.region.describe()};
  }
  return out;
}

const Certificate* stored_identity(const NodeState& state, const Certificate& leaf, const CertificateUnits& units) {
  auto it = state.identities.find(units.unit_for_key(leaf.key_type()));
  if (it == state.identities.end() || it->second.empty()) return nullptr;
  return &it->second.front();
}

}  // namespace

const char* to_string(Wanted wanted) {
  switch (wanted) {
    case Wanted::wanted: return "wanted";
    case Wanted::unwanted: return "unwanted";
    case Wanted::unmentioned: return "unmentioned";
    case Wanted::unknown: return "unknown";
  }
  return "unknown";
}

std::size_t Inventory::node_count() const {
  std::size_t n = 0;
  for (const auto& c : clusters) n += c.nodes.size();
  return n;
}

std::size_t Inventory::unread_count() const {
  std::size_t n = 0;
  for (const auto& c : clusters) {
    n += static_cast<std::size_t>(std::count_if(c.nodes.begin(), c.nodes.end(), [](const auto& node) {
      return !node.read;
    }));
  }
  return n;
}

std::string unread_advice(const Error& error, const Node& node) {
  std::string ssh = node.address + ":" + std::to_string(node.connection.ssh_port);
  switch (error.code) {
    case ErrorCode::connection:
    case ErrorCode::timeout:
      return "check that " + node.name + " is up and that " + ssh + " (SSH) and its HTTPS port " +
             std::to_string(node.connection.https_port) + " are reachable from here, then run show again";
    case ErrorCode::appliance_refused:
    case ErrorCode::protocol:
      return "log in to " + node.name + "'s admin CLI (" + ssh +
             ") and run `show cert list trust` to see what it answers, then run show again";
    case ErrorCode::tls:
      return "check the TLS pin of " + node.fqdn + " in connection.tls_pins, then run show again";
    default:
      // Host keys, passwords and secrets: the message itself says what to check.
      return "";
  }
}

namespace {

// Where a CSR pending on a node stands: the identity need it answers (plan's own matching), and whether the outside
// CA's signed_dir already holds the certificate for it.
InventoryPendingCsr pending_csr_view(const Node& node, const std::string& unit, const PendingCsr& csr,
                                     const NodeState& state, const Result<std::vector<IdentityNeed>>& needs,
                                     TimePoint now) {
  InventoryPendingCsr view{.unit = unit, .dns_names = csr.dns_names};
  if (!needs) {
    view.status = "unknown: the site's identity policies could not be resolved (" + needs.error().message + ")";
    return view;
  }
  auto need = std::find_if(needs->begin(), needs->end(), [&](const IdentityNeed& n) {
    return n.node->name == node.name && n.policy->unit == unit;
  });
  if (need == needs->end()) {
    view.status = "not needed: the " + unit + " identity already meets the site's policy (left on the node)";
    return view;
  }
  if (!need->ca) {
    view.status = "not used: apply regenerates a self-signed " + unit + " identity, as the site's policy says";
    return view;
  }
  if (!need->ca->signs_outside()) {
    view.status = "replaced by apply: trustctl generates a new CSR and signs it with " + need->ca->name;
    return view;
  }
  view.ca = need->ca->name;
  view.export_file = csr_file_name(*need);
  auto pick = pick_signed(*need, &state, now);
  if (pick.file) {
    view.signed_file = pick.file->path.string();
    view.status = "signed by " + view.ca + ": " + pick.file->path.filename().string() + " answers it; apply installs it";
  } else {
    view.status = pick.problem;
  }
  return view;
}

}  // namespace

Inventory make_inventory(const Site& site, const LiveState& live, const ProviderLookup& providers,
                         const ManagedRecord& managed, const std::vector<Error>& unread, TimePoint now) {
  Inventory inventory;
  inventory.site_name = site.name;
  inventory.now = now;
  SiteWants wants = site_wants(site, live, providers);
  // The identities plan would change: a pending CSR is matched to the need it answers.
  auto needs = identity_needs(site, live, providers, now);
  if (wants.unresolved) {
    inventory.notes.push_back("whether the site wants each trust entry is unknown: " + wants.unresolved->describe());
  }

  for (const auto& cluster : site.clusters) {
    InventoryCluster c{.name = cluster.name,
                       .product = to_string(cluster.product),
                       .version = cluster.version,
                       .external = !is_vos(cluster.product)};
    for (const auto& node : cluster.nodes) {
      InventoryNode n{.name = node.name, .fqdn = node.fqdn, .role = to_string(node.role)};
      auto error = std::find_if(unread.begin(), unread.end(), [&](const Error& e) { return e.node == node.name; });
      auto state = live.nodes.find(node.name);
      if (error != unread.end()) {
        n.error = *error;
        n.advice = unread_advice(*error, node);
      } else if (state == live.nodes.end()) {
        // Not read at all: an external host no integration needs (show reads them all; a caller may not).
        if (!c.external) {
          n.error = Error(ErrorCode::internal, "not read").on(node.name, "refresh");
        }
      }
      if (error != unread.end() || state == live.nodes.end()) {
        c.nodes.push_back(std::move(n));
        continue;
      }
      n.read = true;
      const NodeState& s = state->second;

      if (c.external) {
        auto presented = s.identities.find("presented");
        if (presented != s.identities.end()) n.presented_chain = presented->second;
        c.nodes.push_back(std::move(n));
        continue;
      }

      for (const auto& [unit, chain] : s.identities) {
        if (!chain.empty()) n.identities.push_back({unit, chain});
      }
      // The RSA identity first, then the other units by name.
      std::stable_partition(n.identities.begin(), n.identities.end(),
                            [&](const InventoryIdentity& i) { return i.unit == providers.units().identity; });

      for (const auto& [store, entries] : s.stores) {
        InventoryTrustStore view{.store = store};
        for (const auto& entry : entries) {
          InventoryTrustEntry e{.file = entry.file, .certificate = entry.certificate};
          const std::string& fp = entry.certificate.fingerprint();
          e.managed = managed.contains(node.name, store, fp);
          if (wants.unresolved) {
            e.wanted = Wanted::unknown;
          } else if (auto it = wants.entries.find({node.name, store, fp}); it != wants.entries.end()) {
            e.wanted = it->second.first ? Wanted::wanted : Wanted::unwanted;
            e.wanted_by = it->second.second;
          }
          view.entries.push_back(std::move(e));
        }
        std::sort(view.entries.begin(), view.entries.end(), [](const auto& a, const auto& b) {
          return a.file != b.file ? a.file < b.file : a.certificate.fingerprint() < b.certificate.fingerprint();
        });
        n.stores.push_back(std::move(view));
      }

      for (const auto& [unit, csr] : s.pending_csrs) {
        n.pending_csrs.push_back(pending_csr_view(node, unit, csr, s, needs, now));
      }

      for (const auto& port : s.presented) {
        InventoryPort p{.presented = port};
        if (!port.chain.empty()) {
          if (const Certificate* stored = stored_identity(s, port.chain.front(), providers.units())) {
            p.matches_identity = *stored == port.chain.front();
          }
        }
        n.ports.push_back(std::move(p));
      }
      c.nodes.push_back(std::move(n));
    }
    inventory.clusters.push_back(std::move(c));
  }
  return inventory;
}

}  // namespace trustctl::plans
