#pragma once
// The plan as a JSON document, written once for both its uses: the JSON rendering (plans/render_json.hpp, built as a
// tree) and the saved plan (plans/plan_file.hpp, written straight to text, or built as a tree for comparison). One
// writer keeps the two documents' keys in one place; the saved plan only adds to the rendering.

#include "engine/model/site.hpp"
#include "plans/json_writer.hpp"
#include "plans/plan.hpp"

#include <string>

namespace trustctl::plans {

// What the saved plan adds: the certificates table, each action's region, orderings and pending_from_journal, the
// edges, the site's layout and [timing], and the trustctl version; and the site file named as the plan file names it,
// in "site" and in every reason and source that mentions it.
struct SavedPlanFields {
  const Site& layout;
  std::string site_path;  // the site file relative to the plan file's directory (or as the plan names it)
};

// Whether the document names the trustctl that wrote it ("trustctl_version"): a saved plan always does; the JSON
// rendering does as the command line prints it (cli/output/machine_output.hpp adds it to every document it prints).
enum class TrustctlVersion { omitted, included };

// Members in ascending key order, as nlohmann's objects keep them (plans/json_writer.hpp).
void write_plan_document(JsonSink& out, const Plan& plan, const SavedPlanFields* saved = nullptr,
                         TrustctlVersion version = TrustctlVersion::omitted);

}  // namespace trustctl::plans
