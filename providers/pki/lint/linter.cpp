#include "providers/pki/lint/linter.hpp"

#include "providers/pki/lint/rule_table.hpp"

#include <algorithm>

namespace trustctl::pki::lint {
namespace {

std::string fill(std::string_view pattern, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      auto close = pattern.find('}', i);
      if (close != std::string_view::npos) {
        auto it = values.find(std::string(pattern.substr(i + 1, close - i - 1)));
        if (it != values.end()) {
          out += it->second;
          i = close;
          continue;
        }
      }
    }
    out += pattern[i];
  }
  return out;
}

Finding word(const Rule& rule, Hit hit) {
  const RuleMessage& message = rule.message(hit.variant);
  hit.values.emplace("cert", hit.subject);
  return Finding{std::string(rule.id), message.severity, hit.subject, fill(message.text, hit.values),
                 fill(message.fix, hit.values)};
}

std::vector<Finding> run(const Certificate& certificate, const LintContext& context,
                         const std::vector<std::string_view>& only = {}) {
  std::vector<Finding> out;
  for (const auto& rule : rule_table()) {
    if (!rule.applies(context.product, context.identity())) continue;
    if (!only.empty() && std::find(only.begin(), only.end(), rule.id) == only.end()) continue;
    for (auto& hit : rule.check(certificate, context)) out.push_back(word(rule, std::move(hit)));
  }
  return out;
}

}  // namespace

std::vector<Finding> lint_certificate(const Certificate& certificate, const LintContext& context) {
  return run(certificate, context);
}

std::vector<Finding> lint_certificate(const Certificate& certificate, const LintContext& context,
                                      const std::vector<std::string_view>& only) {
  if (only.empty()) return {};
  return run(certificate, context, only);
}

std::vector<Finding> lint_probe(const transport::ProbeResult& probe) {
  if (probe.chain.empty()) return {};
  LintContext context;
  context.product = Product::external;
  context.unit = "tomcat";
  context.chain.assign(probe.chain.begin() + 1, probe.chain.end());
  context.probe = probe;
  return run(probe.chain.front(), context, {"TC004", "TC010"});
}

Finding unreadable_certificate_file(const std::string& path, const std::string& reason) {
  const Rule& rule = *find_rule("TC011");
  return word(rule, Hit{"not-pem-der", path, {{"reason", reason}}});
}

}  // namespace trustctl::pki::lint
