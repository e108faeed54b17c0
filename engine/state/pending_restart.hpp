#pragma once
// A restart owed by a change that has been made: it stays owed (in the journal) until the restart has run, so a
// failure or a crash between a change and its restart never loses it.

#include <string>

namespace trustctl {

struct PendingRestart {
  std::string node;
  std::string service;
  std::string owed_by;  // id of the change that made it necessary

  bool operator<(const PendingRestart& o) const {
    return node != o.node ? node < o.node : service < o.service;
  }
};

}  // namespace trustctl
