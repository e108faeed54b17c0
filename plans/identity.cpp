#include "plans/identity.hpp"


#include <algorithm>
#include <set>

namespace trustctl::plans {
namespace {

Result<std::vector<Certificate>> ca_chain(const Site& site, const CaEntry& ca, const IdentityPolicy& policy) {
  std::vector<Certificate> all_cas;
  for (const auto& entry : site.cas) all_cas.insert(all_cas.end(), entry.certificates.begin(), entry.certificates.end());
  std::vector<Certificate> chain = {ca.certificates.front()};
  auto up = issuer_chain(ca.certificates.front(), all_cas);
  if (!up.complete) {
    return fail(Error(ErrorCode::invalid_site, "identity issuer '" + ca.name +
                                                   "': its chain does not reach a root among the site's [[ca]] "
                                                   "entries; add the missing issuer (TC007)")
                    .at(policy.region));
  }
  chain.insert(chain.end(), up.issuers.begin(), up.issuers.end());
  return chain;
}

bool names_all(const Certificate& leaf, const std::vector<std::string>& wanted) {
  auto names = leaf.dns_names();
  return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& fqdn) {
    return std::find(names.begin(), names.end(), fqdn) != names.end();
  });
}

// Each unit holds one key type, and the site loader checks that a policy's key is of its unit's type.
bool key_fits_policy(const Certificate& leaf, const IdentityPolicy& policy) {
  return (leaf.key_type() == "EC") == policy.key.starts_with("ec-");
}

// Why this node's identity is not what the policy wants ("" when it is).
std::string why_not_wanted(const Certificate& leaf, const IdentityPolicy& policy, const CaEntry* ca,
                           const std::vector<std::string>& names, TimePoint now) {
  if (ca) {
    if (!ca->certificates.front().issued(leaf)) {
      return "the policy wants it signed by " + ca->name + "; the node's identity is issued by " + leaf.issuer();
    }
    if (!names_all(leaf, names)) {
      if (policy.distribution == "multi-server") return "its SAN does not name every node of the cluster (multi-server)";
      return "its SAN lacks the node's FQDN " + names.front() + " (TC002)";
    }
  } else if (!leaf.is_self_issued()) {
    return "the policy wants a self-signed identity; the node's is issued by " + leaf.issuer();
  } else if (!names_all(leaf, names)) {
    // A domain change: the node is known by a new name, and a new self-signed identity names it.
    return "its SAN lacks the node's FQDN " + names.front() + " (TC002; a domain change?)";
  }
  auto window = std::chrono::days(renewal_window_days(leaf, policy.renew_before_days));
  if (leaf.not_after() - now < window) {
    auto days = std::chrono::duration_cast<std::chrono::days>(leaf.not_after() - now).count();
    return "it expires in " + std::to_string(days) + " day(s), inside the renewal window of " +
           std::to_string(window.count()) + " days (TC006)";
  }
  return {};
}

const Certificate* current_identity(const LiveState& live, const std::string& node, const std::string& unit) {
  auto state = live.nodes.find(node);
  if (state == live.nodes.end()) return nullptr;
  auto identity = state->second.identities.find(unit);
  if (identity == state->second.identities.end() || identity->second.empty()) return nullptr;
  return &identity->second.front();
}

// A key the policy asks for that the node cannot be asked to make is said in the plan, once per policy, rather than
// ignored: the new identities get the node's own key.
void note_key_the_node_makes(const IdentityNeed& need, const ProviderLookup& providers,
                             std::set<const IdentityPolicy*>& said, std::vector<std::string>& notes) {
  const Provider* provider = providers.find(need.cluster->product);
  if (!provider || !said.insert(need.policy).second) return;
  auto made = provider->key_the_node_makes(*need.cluster, *need.policy);
  if (!made) return;
  notes.push_back("cluster " + need.cluster->name + ": the identity policy at " + need.policy->region.describe() +
                  " asks for " + need.policy->key + " keys, but the node cannot be asked for a key (the admin CLI's "
                  "CSR and regenerate commands take none): the new " + need.policy->unit + " identities get " + *made);
}

std::string quoted_dir(const CaEntry& ca) { return ca.signed_dir ? ca.signed_dir->string() : std::string("?"); }

}  // namespace

namespace {

// A file name, never a path: the FQDN was checked when the site was loaded, but the name written to --out must stay
// one even if it were not, so anything outside letters, digits, '-' and '.' becomes '_', as does a leading dot.
std::string file_name_part(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!keep) c = '_';
  }
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
  return out;
}

}  // namespace

std::string csr_file_name(const IdentityNeed& need) {
  return file_name_part(need.node->fqdn) + "." + need.policy->unit + (need.multi_server() ? ".multi-server" : "") +
         ".csr";
}

Result<std::vector<TrustRequirement>> identity_trust_requirements(const Site& site, const ProviderLookup& providers) {
  const std::string& store = providers.units().trust_store;
  std::vector<TrustRequirement> out;
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    for (const auto& policy : cluster.identities) {
      if (policy.issuer == "self") continue;
      const CaEntry* ca = site.find_ca(policy.issuer);
      if (!ca || ca->certificates.empty()) continue;  // the loader reports dangling issuers
      auto chain = ca_chain(site, *ca, policy);
      if (!chain) return fail(chain.error());
      for (const auto& cert : *chain) {
        for (const auto& node : cluster.nodes) {
          out.push_back(TrustRequirement{
              .node = node.name,
              .cluster = cluster.name,
              .store = store,
              .certificate = cert,
              .present = true,
              .whole_cluster = true,
              .reason = "identity policy at " + policy.region.describe() + ": " + policy.unit + " signed by " +
                        ca->name + " needs its chain in " + store + " before the identity is uploaded",
              .region = policy.region});
        }
      }
    }
  }
  return out;
}

Result<std::vector<IdentityNeed>> identity_needs(const Site& site, const LiveState& live,
                                                 const ProviderLookup& providers, TimePoint now) {
  std::vector<IdentityNeed> out;
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    // What the product can carry and what the issuer can sign were checked before anything was contacted
    // (providers/site_checks, run by every command that loads the site).
    if (!providers.find(cluster.product)) continue;
    for (const auto& policy : cluster.identities) {
      const CaEntry* ca = policy.issuer == "self" ? nullptr : site.find_ca(policy.issuer);
      if (policy.issuer != "self" && (!ca || ca->certificates.empty())) continue;

      if (policy.distribution == "multi-server") {
        IdentityNeed need{&cluster, &policy, ca, cluster.publisher(), {}, {}};
        for (const auto& node : cluster.nodes) need.names.push_back(node.fqdn);
        std::vector<std::string> off;
        std::string first_fingerprint;
        for (const auto& node : cluster.nodes) {
          const Certificate* leaf = current_identity(live, node.name, policy.unit);
          if (!leaf) continue;
          std::string why = why_not_wanted(*leaf, policy, ca, need.names, now);
          // One certificate for the whole cluster: a node holding another one is off too.
          if (why.empty() && !first_fingerprint.empty() && leaf->fingerprint() != first_fingerprint) {
            why = "it holds a different certificate from " + cluster.publisher()->name;
          }
          if (first_fingerprint.empty()) first_fingerprint = leaf->fingerprint();
          if (!why.empty()) off.push_back(node.name + ": " + why);
        }
        if (off.empty()) continue;
        for (const auto& item : off) need.why += (need.why.empty() ? "" : "; ") + item;
        out.push_back(std::move(need));
        continue;
      }

      for (const auto& node : cluster.nodes) {
        const Certificate* leaf = current_identity(live, node.name, policy.unit);
        if (!leaf) continue;
        IdentityNeed need{&cluster, &policy, ca, &node, {node.fqdn}, {}};
        need.why = why_not_wanted(*leaf, policy, ca, need.names, now);
        if (!need.why.empty()) out.push_back(std::move(need));
      }
    }
  }
  return out;
}

SignedPick pick_signed(const IdentityNeed& need, const NodeState* state, TimePoint now) {
  SignedPick pick;
  const std::string& unit = need.policy->unit;
  const PendingCsr* csr = nullptr;
  if (state) {
    auto it = state->pending_csrs.find(unit);
    if (it != state->pending_csrs.end()) csr = &it->second;
  }
  const Certificate* current = nullptr;
  if (state) {
    auto it = state->identities.find(unit);
    if (it != state->identities.end() && !it->second.empty()) current = &it->second.front();
  }
  std::vector<const SignedFile*> candidates;
  for (const auto& file : need.ca->signed_files) {
    const Certificate& leaf = file.chain.front();
    if (!names_all(leaf, need.names) || !key_fits_policy(leaf, *need.policy)) continue;
    if (!need.ca->certificates.front().issued(leaf) || leaf.not_after() <= now) continue;
    if (current && leaf == *current) continue;  // already installed (and still not what the policy wants)
    candidates.push_back(&file);
  }
  // The newest first: a CA that signed twice (a renewal) returns both.
  std::stable_sort(candidates.begin(), candidates.end(), [](const SignedFile* a, const SignedFile* b) {
    return a->chain.front().not_before() > b->chain.front().not_before();
  });
  const std::string where = need.node->name + " (" + unit + (need.multi_server() ? ", multi-server" : "") + ")";
  if (candidates.empty()) {
    pick.problem = where + " waits for a certificate signed by " + need.ca->name + ": run `trustctl csr SITE --out DIR`, "
                   "have " + need.ca->name + " sign " + csr_file_name(need) + ", and place the certificate in " +
                   quoted_dir(*need.ca);
    return pick;
  }
  if (!csr) {
    pick.problem = where + ": " + candidates.front()->path.filename().string() + " is signed by " + need.ca->name +
                   " but the node holds no pending " + unit + " CSR for it to answer; run `trustctl csr SITE --out "
                   "DIR` and have the new CSR signed";
    return pick;
  }
  for (const SignedFile* file : candidates) {
    if (file->chain.front().public_key_pem() == csr->public_key_pem) {
      pick.file = file;
      return pick;
    }
  }
  pick.problem = where + ": " + candidates.front()->path.filename().string() +
                 " answers another CSR than the one pending on the node (public keys differ; a CSR generated since "
                 "replaced it); have " + need.ca->name + " sign the pending one (`trustctl csr SITE --out DIR` "
                 "exports it again)";
  return pick;
}

Result<IdentityChanges> plan_identities(const Site& site, const LiveState& live, const ProviderLookup& providers,
                                        TimePoint now) {
  auto needs = identity_needs(site, live, providers, now);
  if (!needs) return fail(needs.error());
  IdentityChanges out;
  std::set<const IdentityPolicy*> key_noted;
  for (const auto& need : *needs) {
    note_key_the_node_makes(need, providers, key_noted, out.notes);
    const std::string reason = "identity policy at " + need.policy->region.describe() + ": " + need.why;
    Action action;
    action.node = need.node->name;
    action.cluster = need.cluster->name;
    action.store = need.policy->unit;
    action.issuer_ca = need.ca ? need.ca->name : "";
    action.multi_server = need.multi_server();
    action.reason = reason;
    action.region = need.policy->region;
    if (!need.ca) {
      action.kind = ActionKind::regenerate_identity;
      out.notes.push_back(need.node->name + " gets a new self-signed " + need.policy->unit +
                          " identity, known after apply: the peers that must trust it (integrations) get it in this "
                          "apply, read from " + need.node->name + " once it exists; the client bundle can only be "
                          "written after it (run `trustctl bundle` after this apply)");
    } else if (need.ca->signs_locally()) {
      action.kind = ActionKind::renew_identity;
    } else {
      auto state = live.nodes.find(need.node->name);
      auto pick = pick_signed(need, state == live.nodes.end() ? nullptr : &state->second, now);
      if (!pick.file) {
        out.notes.push_back(pick.problem);
        continue;
      }
      action.kind = ActionKind::install_identity;
      action.certificate = pick.file->chain.front();
      action.file = pick.file->path.string();
      action.reason += "; " + pick.file->path.filename().string() + " from " + need.ca->name + "'s signed_dir answers "
                                                                                              "the pending CSR";
    }
    const std::string source = action.node;
    const std::string unit = action.store;
    const std::string why_wait = reason;
    const std::optional<Certificate> installed = action.certificate;  // known for install, not for renew
    out.actions.push_back(std::move(action));
    if (!need.multi_server()) continue;
    // The publisher's multi-server identity reaches every node it names by distribution; never assumed.
    for (const auto& node : need.cluster->nodes) {
      if (node.name == source) continue;
      Action wait;
      wait.kind = ActionKind::wait_identity;
      wait.node = node.name;
      wait.cluster = need.cluster->name;
      wait.store = unit;
      wait.source_node = source;
      wait.issuer_ca = need.ca->name;
      wait.multi_server = true;
      wait.certificate = installed;
      wait.reason = why_wait + "; the multi-server identity made on " + source + " is distributed to " + node.name;
      wait.region = need.policy->region;
      out.actions.push_back(std::move(wait));
    }
  }
  return out;
}

}  // namespace trustctl::plans
