#pragma once
// The inventory `show` builds for the golden tests: every kind of row, from the fixed certificates in golden/certs
// and a fixed clock, so nothing in the golden files is normalised.

#include "plans/inventory.hpp"

#include "plan_fixtures.hpp"

namespace trustctl::testing {

// 2026-12-01T00:00:00Z: days left are counted from here.
inline TimePoint inventory_now() { return std::chrono::system_clock::from_time_t(1796083200); }

// uccx1: read, its own and its peer's identity, a managed wanted CA, a retired root an absent rule names, one port
// that does not answer. uccx2: could not be read. fin1: RSA and EC identities, an entry trustctl added that the site no
// longer mentions, a port still presenting an old identity. gadget1: an external host's chain.
struct InventoryScenario {
  PlanScenario s;
  Certificate uccx1 = fixed_certificate("uccx1-tomcat");
  Certificate uccx2 = fixed_certificate("uccx2-tomcat");
  Certificate old = fixed_certificate("uccx2-tomcat-old");
  Certificate fin1 = fixed_certificate("fin1-tomcat");
  Certificate fin1_ec = fixed_certificate("fin1-tomcat-ecdsa");
  Certificate gadgets = fixed_certificate("gadgets");
  ManagedRecord managed;
  std::vector<Error> unread;

  InventoryScenario() {
    s.site.clusters[0].version = "12.5";
    s.add_cluster("finesse", Product::finesse, {"fin1"});
    s.site.clusters[1].version = "12.6";
    s.add_cluster("gadgets", Product::external, {"gadget1"});
    auto& uccx = s.rule("uccx", std::nullopt, 20);
    uccx.certificates.push_back(s.ref("corp-root", {s.root}, 22));
    uccx.absent.push_back(s.ref("retired-root", {s.retired}, 23));

    s.live.nodes["uccx1"].identities["tomcat"] = {uccx1};
    for (const auto& c : {uccx1, uccx2, s.root, s.retired}) s.holds("uccx1", c);
    managed.add("uccx1", "tomcat-trust", s.root.fingerprint());
    present("uccx1", Product::uccx, uccx1);
    for (auto& port : s.live.nodes["uccx1"].presented) {
      if (port.port.port != 7443) continue;
      port.chain.clear();
      port.error = "cannot probe uccx1.lab.example:7443: Connection refused";
    }

    s.live.nodes.erase("uccx2");
    unread.push_back(Error(ErrorCode::connection, "cannot connect to uccx2.lab.example:22: Connection refused")
                         .on("uccx2", "connect"));

    s.live.nodes["fin1"].identities["tomcat"] = {fin1};
    s.live.nodes["fin1"].identities["tomcat-ECDSA"] = {fin1_ec};
    for (const auto& c : {fin1, fin1_ec, s.partner}) s.holds("fin1", c);
    managed.add("fin1", "tomcat-trust", s.partner.fingerprint());
    present("fin1", Product::finesse, fin1);
    for (auto& port : s.live.nodes["fin1"].presented) {
      if (port.port.port == 8445) port.chain = {old};
    }

    s.live.nodes["gadget1"].identities["presented"] = {gadgets};
  }

  void present(const std::string& node, Product product, const Certificate& leaf) {
    for (const auto& port : s.registry.find(product)->service_ports(*s.site.find_node(node))) {
      s.live.nodes[node].presented.push_back({port, {leaf}, ""});
    }
  }

  plans::Inventory inventory() const {
    return plans::make_inventory(s.site, s.live, s.registry, managed, unread, inventory_now());
  }
};

}  // namespace trustctl::testing
