#pragma once
// Plan actions built in tests of the graph, the executor and the progress display.

#include "engine/graph/action.hpp"

#include <string>

namespace trustctl::testing {

inline Action restart(const std::string& node, const std::string& service = "Cisco Tomcat") {
  Action a;
  a.kind = ActionKind::restart_service;
  a.node = node;
  a.service = service;
  return a;
}

}  // namespace trustctl::testing
