#include "engine/model/site.hpp"

#include <iterator>

namespace trustctl {

const char* to_string(Product product) {
  auto index = static_cast<std::size_t>(product);
  return index < std::size(kProductNames) ? kProductNames[index].data() : "external";
}

std::optional<Product> product_from_string(std::string_view text) {
  for (std::size_t i = 0; i < std::size(kProductNames); ++i) {
    if (text == kProductNames[i]) return static_cast<Product>(i);
  }
  return std::nullopt;
}

const char* to_string(RestartPolicy policy) {
  switch (policy) {
    case RestartPolicy::rolling: return "rolling";
    case RestartPolicy::all_at_once: return "all-at-once";
    case RestartPolicy::manual: return "manual";
    case RestartPolicy::system: return "system";
  }
  return "rolling";
}

std::optional<RestartPolicy> restart_policy_from_string(std::string_view text) {
  for (RestartPolicy p : {RestartPolicy::rolling, RestartPolicy::all_at_once, RestartPolicy::manual,
                          RestartPolicy::system}) {
    if (text == to_string(p)) return p;
  }
  return std::nullopt;
}

const char* to_string(ServiceRestarts mode) {
  return mode == ServiceRestarts::together ? "together" : "one-by-one";
}

std::optional<ServiceRestarts> service_restarts_from_string(std::string_view text) {
  for (ServiceRestarts mode : {ServiceRestarts::one_by_one, ServiceRestarts::together}) {
    if (text == to_string(mode)) return mode;
  }
  return std::nullopt;
}

const char* to_string(Role role) { return role == Role::publisher ? "publisher" : "subscriber"; }

const Node* Cluster::publisher() const {
  for (const auto& node : nodes) {
    if (node.role == Role::publisher) return &node;
  }
  return nodes.empty() ? nullptr : &nodes.front();
}

RestartPolicy Site::restart_policy(std::string_view cluster) const {
  const Cluster* found = find_cluster(cluster);
  return found ? restart_policy(*found) : policy.restart;
}

RestartPolicy Site::restart_policy(const Cluster& cluster) const { return cluster.restart.value_or(policy.restart); }

ServiceRestarts Site::service_restarts(std::string_view cluster) const {
  const Cluster* found = find_cluster(cluster);
  return found ? service_restarts(*found) : policy.restart_services;
}

ServiceRestarts Site::service_restarts(const Cluster& cluster) const {
  return cluster.restart_services.value_or(policy.restart_services);
}

const Cluster* Site::find_cluster(std::string_view wanted) const {
  for (const auto& c : clusters) {
    if (c.name == wanted) return &c;
  }
  return nullptr;
}

const Node* Site::find_node(std::string_view wanted) const {
  for (const auto& c : clusters) {
    for (const auto& n : c.nodes) {
      if (n.name == wanted) return &n;
    }
  }
  return nullptr;
}

const CaEntry* Site::find_ca(std::string_view wanted) const {
  for (const auto& ca : cas) {
    if (ca.name == wanted) return &ca;
  }
  return nullptr;
}

const Credentials* Site::find_credentials(std::string_view wanted) const {
  for (const auto& c : credentials) {
    if (c.name == wanted) return &c;
  }
  return nullptr;
}

std::vector<const Node*> Site::all_nodes() const {
  std::vector<const Node*> out;
  for (const auto& c : clusters) {
    for (const auto& n : c.nodes) out.push_back(&n);
  }
  return out;
}

}  // namespace trustctl
