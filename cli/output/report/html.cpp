#include "cli/output/report/html.hpp"

#include "engine/model/printable.hpp"

namespace trustctl::cli::report {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : printable(text)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string element(std::string_view tag, std::string_view text, std::string_view css_class) {
  std::string out = "<" + std::string(tag);
  if (!css_class.empty()) out += " class=\"" + escape(css_class) + "\"";
  return out + ">" + escape(text) + "</" + std::string(tag) + ">";
}

}  // namespace trustctl::cli::report
