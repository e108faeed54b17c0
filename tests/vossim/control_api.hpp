#pragma once
// The control API (issue 3, point 8): an HTTP listener on 127.0.0.1 for tests and benchmarks. Every request needs
// `Authorization: Bearer <token>`, the token being what vos-sim wrote to <state>/control.token (mode 0600).
//   GET /state          every node: stores with fingerprints, loaded identities, services, restarts, pending CSR
//   GET /log[?after=N]  the ordered log of every CLI command and REST call on every node
//   GET /faults         the faults in force
//   POST /faults        {"node","kind","match","message","delay_ms","count"}: inject a fault
//   DELETE /faults      clear every fault (and bring up nodes a node_down fault took down)
//   GET /integrations   the integration oracle: would each call the site's integrations imply succeed now?

#include "tests/vossim/event_log.hpp"
#include "tests/vossim/fault_book.hpp"
#include "tests/vossim/http.hpp"
#include "tests/vossim/integration_oracle.hpp"
#include "tests/vossim/rest_api.hpp"
#include "tests/vossim/sim_node.hpp"

#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace vossim {

// 32 random bytes in hex.
std::string make_token();
// Writes the token to path with mode 0600 (created before any byte is written).
trustctl::Result<void> write_token(const std::filesystem::path& path, const std::string& token);

class ControlApi {
 public:
  ControlApi(std::vector<SimNode*> nodes, EventLog& log, FaultBook& faults, std::string token,
             nlohmann::json settings, const IntegrationOracle* oracle = nullptr);
  RestOutcome handle(const HttpRequest& request);

 private:
  HttpResponse add_fault(const HttpRequest& request);
  HttpResponse clear_faults();
  SimNode* find(const std::string& name) const;

  std::vector<SimNode*> m_nodes;
  EventLog& m_log;
  FaultBook& m_faults;
  std::string m_token;
  nlohmann::json m_settings;
  const IntegrationOracle* m_oracle;
  std::mutex m_mutex;
  std::set<SimNode*> m_downed;  // nodes a node_down fault took down
};

}  // namespace vossim
