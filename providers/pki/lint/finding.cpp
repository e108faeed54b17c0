#include "providers/pki/lint/finding.hpp"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

namespace trustctl::pki::lint {

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "info";
  }
  return "error";
}

nlohmann::ordered_json to_json(const Finding& finding) {
  return {{"rule", finding.rule},
          {"severity", to_string(finding.severity)},
          {"subject", finding.subject},
          {"message", finding.message},
          {"fix", finding.fix}};
}

nlohmann::ordered_json to_json(const std::vector<Finding>& findings) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& f : findings) list.push_back(to_json(f));
  return list;
}

std::string headline(const Finding& finding) {
  std::string head = finding.rule + " " + to_string(finding.severity) + " ";
  if (finding.message.rfind(finding.subject, 0) == 0) return head + finding.message;
  return head + finding.subject + ": " + finding.message;
}

std::string summary(const std::vector<Finding>& findings) {
  int errors = 0, warnings = 0, infos = 0;
  for (const auto& f : findings) {
    (f.severity == Severity::error ? errors : f.severity == Severity::warning ? warnings : infos) += 1;
  }
  auto count = [](int n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); };
  return count(errors, "error") + ", " + count(warnings, "warning") + ", " + std::to_string(infos) + " info";
}

bool has_errors(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::error; });
}

std::vector<Finding> deduplicate(std::vector<Finding> findings) {
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  std::vector<Finding> out;
  for (auto& f : findings) {
    if (seen.insert({f.rule, f.subject, f.message}).second) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace trustctl::pki::lint
