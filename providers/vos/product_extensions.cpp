#include "providers/vos/product_extensions.hpp"

namespace trustctl::providers {

// The defaults are never reached through uses_api() or checks_health_after() returning false; reaching one is a
// product folder that said yes without implementing the call.
Result<NodeState> ProductExtensions::read_over_api(transport::HttpClient& /*http*/, const Node& node) const {
  return fail(Error(ErrorCode::internal, "this product has no certificate API").on(node.name, "refresh"));
}

Result<std::string> ProductExtensions::run_over_api(transport::HttpClient& /*http*/, const Node& node,
                                                    const Action& action, const std::string& /*key_spec*/,
                                                    const Signer& /*sign*/) const {
  return fail(Error(ErrorCode::internal, "this product has no certificate API").on(node.name, action.describe()));
}

Result<void> ProductExtensions::wait_healthy(transport::HttpClient& /*http*/, std::chrono::milliseconds /*limit*/,
                                             std::chrono::milliseconds /*poll*/) const {
  return {};
}

}  // namespace trustctl::providers
