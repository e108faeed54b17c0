#include "plans/render_inventory.hpp"

#include "engine/model/printable.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace trustctl::plans {
namespace {

// Certificates are "due" this close to expiry: the same 30 days expiry uses for trust entries.
constexpr long kSoonDays = 30;

long days_left(const Certificate& c, TimePoint now) {
  auto hours = std::chrono::duration_cast<std::chrono::hours>(c.not_after() - now).count();
  // Whole days, rounded down also below zero: expired this morning is -1, not 0.
  return hours >= 0 ? hours / 24 : -((-hours + 23) / 24);
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string key_text(const Certificate& c) { return c.key_type() + " " + std::to_string(c.key_bits()); }

// Every text below that came from a certificate, an appliance or the site is printed through printable(): subjects
// and file names are the appliances' to choose, and a control character in one must not reach the terminal.
std::string issuer_text(const Certificate& c) { return c.is_self_issued() ? "(self-signed)" : printable(c.issuer()); }

std::string expiry_text(const Certificate& c, TimePoint now, const Palette& p) {
  long left = days_left(c, now);
  std::string text = utc_date(c.not_after()) + " (" +
                     (left < 0 ? "expired " + std::to_string(-left) + (left == -1 ? " day ago" : " days ago")
                               : std::to_string(left) + (left == 1 ? " day left" : " days left")) +
                     ")";
  if (left < 0) return p.red + text + p.reset;
  if (left <= kSoonDays) return p.yellow + text + p.reset;
  return text;
}

std::string wanted_text(const InventoryTrustEntry& e, const Palette& p) {
  switch (e.wanted) {
    case Wanted::wanted: return std::string(p.green) + "wanted by the site (" + printable(e.wanted_by) + ")" + p.reset;
    case Wanted::unwanted:
      return std::string(p.red) + "unwanted: an absent rule names it (" + printable(e.wanted_by) + "); plan deletes it" +
             p.reset;
    case Wanted::unmentioned: return "the site does not mention it";
    case Wanted::unknown: return "whether the site wants it is unknown (see the note below)";
  }
  return "";
}

void certificate_lines(std::ostringstream& out, const Certificate& c, TimePoint now, const std::string& indent,
                       const Palette& p, bool identity) {
  out << indent << "subject    " << printable(c.subject()) << "\n";
  out << indent << "issuer     " << issuer_text(c) << "\n";
  if (identity) {
    auto sans = c.dns_names();
    out << indent << "SANs       " << (sans.empty() ? "(none)" : printable(join(sans, ", "))) << "\n";
    out << indent << "key        " << key_text(c) << "\n";
  }
  out << indent << "not after  " << expiry_text(c, now, p) << "\n";
  out << indent << "sha256     " << c.short_fingerprint() << "\n";
}

void render_node(std::ostringstream& out, const InventoryNode& n, const InventoryCluster& cluster, TimePoint now,
                 const Palette& p) {
  out << "\n  " << p.bold << printable(n.name) << p.reset << p.dim << " (" << n.role << ", " << printable(n.fqdn) << ")"
      << p.reset << "\n";
  if (!n.read) {
    if (n.error) {
      out << "    " << p.red << "could not be read: " << n.error->describe() << p.reset << "\n";
      if (!n.advice.empty()) out << "    what to do: " << printable(n.advice) << "\n";
    } else {
      out << "    not read\n";
    }
    return;
  }
  if (cluster.external) {
    out << "    presents (chain on its HTTPS port, leaf first)";
    if (n.presented_chain.empty()) out << ": nothing";
    out << "\n";
    for (std::size_t k = 0; k < n.presented_chain.size(); ++k) {
      out << "      [" << k << "]\n";
      certificate_lines(out, n.presented_chain[k], now, "        ", p, k == 0);
    }
    return;
  }
  for (const auto& identity : n.identities) {
    out << "    identity " << identity.unit << "\n";
    certificate_lines(out, identity.chain.front(), now, "      ", p, true);
    for (std::size_t k = 1; k < identity.chain.size(); ++k) {
      out << "      with issuer " << printable(identity.chain[k].subject()) << " (sha256 " << identity.chain[k].short_fingerprint()
          << ")\n";
    }
  }
  for (const auto& csr : n.pending_csrs) {
    out << "    pending CSR " << csr.unit;
    if (!csr.export_file.empty()) out << " (for " << printable(csr.ca) << ", exported as " << printable(csr.export_file) << ")";
    out << "\n      asks for   ";
    for (std::size_t k = 0; k < csr.dns_names.size(); ++k) out << (k ? ", " : "") << printable(csr.dns_names[k]);
    out << "\n      status     " << (csr.signed_file.empty() ? p.yellow : p.green) << printable(csr.status) << p.reset << "\n";
  }
  for (const auto& store : n.stores) {
    out << "    " << printable(store.store) << " (" << store.entries.size() << (store.entries.size() == 1 ? " entry" : " entries")
        << ")\n";
    for (const auto& e : store.entries) {
      out << "      " << printable(e.file) << "\n";
      out << "        subject    " << printable(e.certificate.subject()) << "\n";
      out << "        issuer     " << issuer_text(e.certificate) << "\n";
      out << "        not after  " << expiry_text(e.certificate, now, p) << "\n";
      out << "        sha256     " << e.certificate.short_fingerprint() << "\n";
      out << "        " << (e.managed ? "managed by trustctl" : "not added by trustctl") << "; " << wanted_text(e, p)
          << "\n";
    }
  }
  if (!n.ports.empty()) {
    out << "    ports\n";
    std::size_t width = 0;
    for (const auto& port : n.ports) width = std::max(width, port.presented.port.what.size());
    for (const auto& port : n.ports) {
      char head[256];
      std::snprintf(head, sizeof head, "      %-5d %-*s  ", port.presented.port.port, static_cast<int>(width),
                    port.presented.port.what.c_str());
      out << head;
      if (port.presented.chain.empty()) {
        out << p.yellow << "no answer (" << printable(port.presented.error) << "): is " << port.presented.port.service
            << " started?" << p.reset << "\n";
        continue;
      }
      const Certificate& leaf = port.presented.chain.front();
      out << leaf.short_fingerprint();
      if (!port.matches_identity) {
        out << "  (no stored identity read to compare)\n";
      } else if (*port.matches_identity) {
        out << "  the stored identity\n";
      } else {
        out << "  " << p.red << "not the stored identity: " << port.presented.port.service
            << " was not restarted since it changed (plan owes the restart)" << p.reset << "\n";
      }
    }
  }
}

nlohmann::json certificate_json(const Certificate& c, TimePoint now) {
  return {{"subject", c.subject()},
          {"issuer", c.issuer()},
          {"self_signed", c.is_self_issued()},
          {"serial", c.serial_hex()},
          {"sans", c.dns_names()},
          {"key_type", c.key_type()},
          {"key_bits", c.key_bits()},
          {"not_after", utc_date(c.not_after())},
          {"days_left", days_left(c, now)},
          {"fingerprint_sha256", c.fingerprint()},
          {"pem", c.pem()}};  // public material: what a twin of the site (vos-sim --from-inventory) is built from
}

nlohmann::json chain_json(const std::vector<Certificate>& chain, TimePoint now) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : chain) out.push_back(certificate_json(c, now));
  return out;
}

nlohmann::json node_json(const InventoryNode& n, TimePoint now) {
  nlohmann::json j = {{"name", n.name}, {"fqdn", n.fqdn}, {"role", n.role}, {"read", n.read}};
  if (n.error) {
    j["error"] = {{"code", to_string(n.error->code)},
                  {"message", n.error->message},
                  {"text", n.error->describe()},
                  {"advice", n.advice}};
  }
  nlohmann::json identities = nlohmann::json::array();
  for (const auto& identity : n.identities) {
    identities.push_back({{"unit", identity.unit},
                          {"certificate", certificate_json(identity.chain.front(), now)},
                          {"chain", chain_json({identity.chain.begin() + 1, identity.chain.end()}, now)}});
  }
  j["identities"] = std::move(identities);
  nlohmann::json stores = nlohmann::json::array();
  for (const auto& store : n.stores) {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : store.entries) {
      entries.push_back({{"file", e.file},
                         {"certificate", certificate_json(e.certificate, now)},
                         {"managed", e.managed},
                         {"wanted", to_string(e.wanted)},
                         {"wanted_by", e.wanted_by}});
    }
    stores.push_back({{"store", store.store}, {"entries", std::move(entries)}});
  }
  j["trust_stores"] = std::move(stores);
  nlohmann::json ports = nlohmann::json::array();
  for (const auto& port : n.ports) {
    nlohmann::json pj = {{"port", port.presented.port.port},
                         {"service", port.presented.port.service},
                         {"what", port.presented.port.what}};
    if (!port.presented.chain.empty()) pj["presented"] = certificate_json(port.presented.chain.front(), now);
    if (port.matches_identity) pj["matches_identity"] = *port.matches_identity;
    if (!port.presented.error.empty()) pj["error"] = port.presented.error;
    ports.push_back(std::move(pj));
  }
  j["ports"] = std::move(ports);
  j["presented_chain"] = chain_json(n.presented_chain, now);
  nlohmann::json csrs = nlohmann::json::array();
  for (const auto& csr : n.pending_csrs) {
    csrs.push_back({{"unit", csr.unit},
                    {"dns_names", csr.dns_names},
                    {"ca", csr.ca},
                    {"export_file", csr.export_file},
                    {"signed_file", csr.signed_file},
                    {"status", csr.status}});
  }
  j["pending_csrs"] = std::move(csrs);
  return j;
}

}  // namespace

std::string render_inventory_text(const Inventory& inventory, const TextStyle& style) {
  Palette p = palette(style);
  std::ostringstream out;
  std::size_t nodes = inventory.node_count(), unread = inventory.unread_count();
  out << "Inventory of " << p.bold << printable(inventory.site_name) << p.reset << " on " << utc_date(inventory.now) << ": " << nodes
      << (nodes == 1 ? " node" : " nodes") << " in " << inventory.clusters.size()
      << (inventory.clusters.size() == 1 ? " cluster" : " clusters") << "\n";
  for (const auto& cluster : inventory.clusters) {
    out << "\n" << p.bold << printable(cluster.name) << p.reset << " (" << cluster.product
        << (cluster.version.empty() ? "" : " " + cluster.version) << ")\n";
    for (const auto& node : cluster.nodes) render_node(out, node, cluster, inventory.now, p);
  }
  for (const auto& note : inventory.notes) out << "\nnote: " << printable(note) << "\n";
  out << "\n";
  if (unread == 0) {
    out << p.green << "Read " << nodes << (nodes == 1 ? " node." : " nodes.") << p.reset << "\n";
  } else {
    out << p.red << unread << " of " << nodes << (nodes == 1 ? " node" : " nodes")
        << " could not be read (listed above with what to do); the others are shown." << p.reset << "\n";
  }
  return out.str();
}

nlohmann::json inventory_to_json(const Inventory& inventory) {
  nlohmann::json clusters = nlohmann::json::array();
  std::size_t stale = 0;
  for (const auto& cluster : inventory.clusters) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& node : cluster.nodes) {
      nodes.push_back(node_json(node, inventory.now));
      for (const auto& port : node.ports) stale += port.matches_identity.has_value() && !*port.matches_identity;
    }
    clusters.push_back({{"name", cluster.name},
                        {"product", cluster.product},
                        {"version", cluster.version},
                        {"external", cluster.external},
                        {"nodes", std::move(nodes)}});
  }
  std::size_t nodes = inventory.node_count(), unread = inventory.unread_count();
  return {{"format_version", kInventoryFormatVersion},
          {"site", inventory.site_name},
          {"generated_at", utc_timestamp(inventory.now)},
          {"ok", unread == 0},
          {"clusters", std::move(clusters)},
          {"notes", inventory.notes},
          {"summary", {{"nodes", nodes}, {"read", nodes - unread}, {"unread", unread}, {"stale_ports", stale}}}};
}

}  // namespace trustctl::plans
