#include "cli/stages/target_stage.hpp"

#include "cli/output/errors.hpp"
#include "plans/plan_target.hpp"

namespace trustctl::cli {

plans::PlanTarget plan_target(const TargetOptions& t) {
  return {.clusters = t.clusters,
          .nodes = t.nodes,
          .exclude_clusters = t.exclude_clusters,
          .exclude_nodes = t.exclude_nodes,
          .pulled_in = {}};
}

TargetOptions target_options(const plans::PlanTarget& t) {
  return {.clusters = t.clusters,
          .nodes = t.nodes,
          .exclude_clusters = t.exclude_clusters,
          .exclude_nodes = t.exclude_nodes};
}

std::optional<std::set<std::string>> target_nodes(const RunContext& context) {
  auto selected = plans::select_nodes(context.site, plan_target(context.common.target));
  if (!selected) {
    report_errors({selected.error()}, context.common, context.term);
    return std::nullopt;
  }
  return std::move(*selected);
}

bool limit_to_target(RunContext& context) {
  if (!context.common.target.any()) return true;
  auto nodes = target_nodes(context);
  if (!nodes) return false;
  plans::limit_plan(context.plan, *nodes, plan_target(context.common.target));
  return true;
}

}  // namespace trustctl::cli
