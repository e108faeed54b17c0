#pragma once
// How long the appliances take, as the site's [timing] table says (docs/site-format.md): the plan's estimate of the
// change window is computed from it. The defaults are assumptions about real appliances (docs/appliances.md section
// 5: restarts take minutes), to be tuned to what a site measures.

#include "engine/model/source_region.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace trustctl {

struct Timing {
  static constexpr double kDefaultCommandS = 1.5;
  static constexpr double kDefaultRestartS = 180;
  static constexpr double kDefaultSystemRestartS = 900;
  static constexpr double kDefaultReplicationS = 60;

  double command_s = kDefaultCommandS;      // one admin CLI command, answer included
  double restart_s = kDefaultRestartS;      // one service restart, until its ports answer again
  std::map<std::string, double> restart_by_service;  // restart_s as a table: service name -> seconds
  double system_restart_s = kDefaultSystemRestartS;  // `utils system restart` until SSH and every port answer
  double replication_s = kDefaultReplicationS;      // a publisher's trust write until a subscriber holds it
  std::optional<SourceRegion> region;                // the [timing] table, when the file has one

  // The service's own restart_s (its name compared case-insensitively, as the CLI's are), else restart_s.
  double restart_for(std::string_view service) const;
};

}  // namespace trustctl
