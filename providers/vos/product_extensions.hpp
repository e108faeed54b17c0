#pragma once
// What one VOS product does beyond the admin CLI every VOS product shares: reading and writing certificates over a
// product API (CUCM 14's certificate REST API), and a health check a service restart must wait for (Finesse's
// IN_SERVICE). The product folder implements it and hands it to VosProvider in its rules; the shared VOS code calls it
// through this interface, so it names no product.

#include "engine/graph/action.hpp"
#include "engine/model/certificate.hpp"
#include "engine/model/live_state.hpp"
#include "engine/model/site.hpp"
#include "providers/transport/http_client.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace trustctl::providers {

class ProductExtensions {
 public:
  virtual ~ProductExtensions() = default;

  // Whether this cluster's stores are read, and its uploads and identities written, over a product API rather than
  // the admin CLI (the CLI stays for what the API lacks: deletes, regeneration, restarts, pending CSRs).
  virtual bool uses_api(const Cluster& /*cluster*/) const { return false; }
  // The node's trust stores and identities over the API; only called when uses_api().
  virtual Result<NodeState> read_over_api(transport::HttpClient& http, const Node& node) const;
  // Whether this action kind goes over the API on a cluster that uses_api().
  virtual bool runs_over_api(ActionKind /*kind*/) const { return false; }
  // Carries out the action over the API. A locally signed identity is signed by `sign` (the runner owns the CA key),
  // which answers the CSR with the leaf followed by its issuer. Returns the new identity's fingerprint when the action
  // changed one (the runner pins it), "" otherwise.
  using Signer = std::function<Result<std::vector<Certificate>>(const std::string& csr_pem)>;
  virtual Result<std::string> run_over_api(transport::HttpClient& http, const Node& node, const Action& action,
                                           const std::string& key_spec, const Signer& sign) const;

  // Whether a restart of this service is done only once the product's health check passes, on top of its ports
  // answering (Finesse reports IN_SERVICE; until then agents cannot log in and the next node must not go down).
  virtual bool checks_health_after(const std::string& /*service*/) const { return false; }
  virtual Result<void> wait_healthy(transport::HttpClient& http, std::chrono::milliseconds limit,
                                    std::chrono::milliseconds poll) const;
};

}  // namespace trustctl::providers
