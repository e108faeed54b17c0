#pragma once
// The subcommand table: each command is one function taking its parsed options. Exit codes: 0 success (no changes),
// 1 error, 2 success with changes pending (plan --detailed-exitcode).

#include "engine/cli/terminal.hpp"

#include <string>

namespace trustctl::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;

struct CommonOptions {
  std::string site;
  std::string format = "text";  // text | json
  bool no_color = false;
  bool trust_on_first_use = false;
  int parallelism = 0;          // 0: the site's connection.parallelism
};

struct PlanOptions {
  bool detailed_exitcode = false;
};

struct ApplyOptions {
  bool auto_approve = false;
  bool fail_fast = false;
};

int run_validate(const CommonOptions& common);
int run_plan(const CommonOptions& common, const PlanOptions& options);
int run_apply(const CommonOptions& common, const ApplyOptions& options);
int run_unlock(const CommonOptions& common, const std::string& id);

}  // namespace trustctl::cli
