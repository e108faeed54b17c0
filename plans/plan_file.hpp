#pragma once
// The saved plan (`trustctl plan SITE --out F`): versioned JSON that is the JSON rendering (schemas/plan.schema.json)
// plus what it takes to render and apply the plan again without the appliances: a table of every certificate the
// actions name (fingerprint -> PEM; public certificates only, a plan never holds a key or a password), each action's
// site region, the ordering edges with their rule names, and the site's layout (clusters, nodes, roles, FQDNs, restart policy) so the text and Markdown
// renderings group and label nodes exactly as they did when the plan was made.
//
// A saved plan is bound to what it was computed from: the site file's digest and each node's observed-state digest.
// stale_reasons() lists what no longer matches, so apply can refuse a stale plan.

#include "engine/model/site.hpp"
#include "plans/plan.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace trustctl::plans {

// A plan read back from a file, and the layout of the site it was made for: a Site holding only the name, the
// clusters with their nodes (name, FQDN, role, cluster), and the restart policy. Enough for every renderer.
struct SavedPlan {
  Plan plan;
  Site layout;
};

// How a saved plan's certificates are read. Each is always checked against the fingerprint that names it (SHA-256 of
// its DER), and none is decoded whole until something asks more than its names (OpenSSL takes about 0.1 ms a
// certificate, the dearest step of reading a fleet's plan). `names` also reads each one's serial, issuer and subject
// from the DER now (Certificate::named_from_der), so what is not a certificate is refused here and every renderer
// names certificates without decoding them: for reading a plan in order to show it. `on_first_use` reads nothing
// more (Certificate::decoded_on_first_use): for apply, which never runs the saved plan's actions but the plan it
// recomputes, and only after proving the saved document identical to that plan's (plan_compare.hpp), certificates
// included; a certificate that does not decode can never be identical to one read from a node or the site.
enum class CertificateDecoding { names, on_first_use };

// The document write_plan_file writes; exposed so tests and pipelines can build it without a file. With plan_path, the
// site file is named relative to the plan file's directory, so a plan and its site copied together to another
// checkout still find each other.
nlohmann::json plan_to_file_json(const Plan& plan, const Site& site, const std::filesystem::path& plan_path = {});
// Parses and decodes a plan file's text; `source` names it in errors ("plan.json"). `units` are the providers' unit
// names (ProviderLookup::units()) the plan's identity actions use. The text is parsed by simdjson
// (plans/json_view.hpp), not into an nlohmann::json tree: for a fleet, building and freeing that tree cost more than
// everything else reading a plan does.
Result<SavedPlan> plan_from_file_text(std::string_view text, const std::string& source,
                                      const CertificateUnits& units,
                                      CertificateDecoding decoding = CertificateDecoding::names);

// The text write_plan_file writes for a plan file at plan_path: the document of plan_to_file_json, compact, as dump()
// prints it, and a newline. apply compares it with the reviewed file's text first (most often they are the same
// bytes). Compact because a fleet's plan is tens of megabytes that are written, read and parsed, and are read by
// people through `plan --from` (or jq), not in the raw file: indentation made it a third larger.
std::string plan_file_text(const Plan& plan, const Site& site, const std::filesystem::path& plan_path);

// Writes atomically (a temporary file in the same directory, fsync, rename), so a crash never leaves half a plan.
// The site supplies the layout; the plan's actions must belong to it.
Result<void> write_plan_file(const Plan& plan, const Site& site, const std::filesystem::path& path);

// Reads and checks a plan file: JSON syntax, format_version, every field's type, each certificate's PEM against the
// fingerprint that names it, that every certificate an action names is in the table, and that every edge points forward in the saved run order (so the graph is acyclic).
// Errors name the file and what is wrong with it.
// The site file it names is resolved against the plan file's directory (plan.site_file).
// With `as_written`, the file's text is handed back too: apply compares it with the text the plan it recomputes would
// be written as, and only when they differ builds the document (plan_document_of) to compare member by member.
struct PlanAsWritten {
  std::string text;
};
Result<SavedPlan> read_saved_plan(const std::filesystem::path& path, const CertificateUnits& units,
                                  PlanAsWritten* as_written = nullptr,
                                  CertificateDecoding decoding = CertificateDecoding::names);
// The JSON document of a plan file as written (read_saved_plan has read it, so its syntax is known good), for
// comparing what was reviewed with what would run now (plan_compare.hpp); `path` names it in an error.
Result<nlohmann::json> plan_document_of(const PlanAsWritten& written, const std::filesystem::path& path);
// Whether a file holds a saved plan rather than a site file, judged by its content, not its name (`tfplan`,
// `plan.out`): a saved plan is a JSON object, and a TOML site file cannot begin with `{`.
bool looks_like_plan_file(const std::filesystem::path& path);
Result<Plan> read_plan_file(const std::filesystem::path& path, const CertificateUnits& units);

// Why a saved plan no longer describes the work to do, one line each, empty when it is still current:
// the site file changed, a node's live state changed, a node the plan observed is gone, a node is new.
// observed_now: node -> NodeState::digest() from a fresh refresh.
std::vector<std::string> stale_reasons(const Plan& saved, const Site& site,
                                       const std::map<std::string, std::string>& observed_now);

}  // namespace trustctl::plans
