#pragma once
// The HTTPS interfaces of a node (docs/appliances.md section 8): the certificate-management REST API of cucm 14+ under
// /platformcom/api/v1/certmgr/config, and Finesse's GET /finesse/api/SystemInfo on finesse and uccx nodes.
// Pure request -> response over a SimNode, so every rule is testable without sockets.

#include "tests/vossim/fault_book.hpp"
#include "tests/vossim/http.hpp"
#include "tests/vossim/sim_node.hpp"

#include <string>

namespace vossim {

struct RestContext {
  std::string username;  // the node's OS admin credential set
  std::string password;
  FaultBook* faults = nullptr;
};

struct RestOutcome {
  HttpResponse response;
  bool drop = false;  // a fault: close the connection without answering
  std::chrono::milliseconds delay{0};  // a fault: wait before answering
};

class RestApi {
 public:
  RestApi(SimNode& node, RestContext context);
  RestOutcome handle(const HttpRequest& request);

  // Whether this node serves the certificate REST API (cucm, cluster version 14 or later).
  static bool serves_certmgr(const NodeSpec& spec);
  static bool serves_system_info(const NodeSpec& spec);

 private:
  HttpResponse route(const HttpRequest& request);
  HttpResponse snapshot();
  HttpResponse list_trust(const HttpRequest& request);
  HttpResponse upload_trust(const HttpRequest& request);
  HttpResponse create_csr(const HttpRequest& request);
  HttpResponse upload_identity(const HttpRequest& request);
  HttpResponse system_info();

  SimNode& m_node;
  RestContext m_context;
};

// {"message": text, "messages": [text...]}: the error shape (uncertain on the appliance; README).
std::string rest_error_body(const std::string& message, const std::vector<std::string>& messages = {});

}  // namespace vossim
