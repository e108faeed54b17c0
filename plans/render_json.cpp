#include "plans/render_json.hpp"

#include "plans/plan_document.hpp"

namespace trustctl::plans {

nlohmann::json finding_to_json(const PlanFinding& f) {
  return {{"rule", f.rule},       {"severity", f.severity}, {"subject", f.subject},
          {"message", f.message}, {"fix", f.fix},           {"deployed", f.deployed}};
}

nlohmann::json lint_to_json(const PlanLint& lint) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : lint.findings) findings.push_back(finding_to_json(f));
  return {{"policy", lint.policy}, {"blocks_apply", lint.blocks_apply}, {"findings", std::move(findings)}};
}

nlohmann::json plan_to_json(const Plan& plan) {
  JsonTreeBuilder tree;
  write_plan_document(tree, plan);
  return tree.take();
}

void print_plan_json(std::ostream& out, const Plan& plan) {
  constexpr std::size_t kChunk = 4 << 20;
  std::string text;
  JsonTextWriter writer(text, JsonTextWriter::Layout::indented, JsonTextWriter::InvalidUtf8::replaced);
  writer.drain_every(kChunk, [&out](std::string& written) {
    out.write(written.data(), static_cast<std::streamsize>(written.size()));
    written.clear();
  });
  write_plan_document(writer, plan, nullptr, TrustctlVersion::included);
  text.push_back('\n');
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
}

}  // namespace trustctl::plans
