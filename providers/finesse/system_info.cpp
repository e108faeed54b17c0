#include "providers/finesse/system_info.hpp"

#include <map>
#include <optional>
#include <thread>
#include <vector>

namespace trustctl::finesse {

namespace {

constexpr const char* kOperation = "Finesse health check";

Error malformed(const std::string& why) {
  return Error(ErrorCode::protocol, "SystemInfo is not a document trustctl understands: " + why);
}

std::string trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

// The five predefined entities and numeric references below 128: a status is plain ASCII.
std::string decode_entities(std::string_view text) {
  static const std::map<std::string, char> named = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    size_t semi = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos || semi - i > 8) {
      out += text[i];
      continue;
    }
    std::string name(text.substr(i + 1, semi - i - 1));
    if (auto found = named.find(name); found != named.end()) {
      out += found->second;
    } else if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      int value = 0;
      try {
        value = std::stoi(name.substr(hex ? 2 : 1), nullptr, hex ? 16 : 10);
      } catch (...) {
        value = 0;
      }
      if (value <= 0 || value >= 128) {
        out.append(text.substr(i, semi - i + 1));
      } else {
        out += static_cast<char>(value);
      }
    } else {
      out.append(text.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

// "ns:status" -> "status": a namespaced document means the same element.
std::string local_name(std::string_view qualified) {
  size_t colon = qualified.find(':');
  return std::string(colon == std::string_view::npos ? qualified : qualified.substr(colon + 1));
}

// The text of every leaf element by its path from the root ("SystemInfo/primaryNode/host"); the first occurrence
// of a path wins. A small, strict walker: tags must nest, the document must have one root element.
Result<std::map<std::string, std::string>> leaf_texts(std::string_view xml, std::string& root) {
  std::map<std::string, std::string> texts;
  std::vector<std::string> stack;
  std::string text;
  bool root_closed = false;
  size_t i = 0;
  auto joined = [&] {
    std::string out;
    for (const auto& name : stack) out += (out.empty() ? "" : "/") + name;
    return out;
  };
  while (i < xml.size()) {
    if (xml[i] != '<') {
      if (stack.empty() && !std::isspace(static_cast<unsigned char>(xml[i]))) {
        return fail(malformed("text outside the root element"));
      }
      text += xml[i++];
      continue;
    }
    if (xml.substr(i, 4) == "<!--") {
      size_t end = xml.find("-->", i + 4);
      if (end == std::string_view::npos) return fail(malformed("unterminated comment"));
      i = end + 3;
      continue;
    }
    if (xml.substr(i, 9) == "<![CDATA[") {
      size_t end = xml.find("]]>", i + 9);
      if (end == std::string_view::npos) return fail(malformed("unterminated CDATA section"));
      text += "\x01";  // marks CDATA content so entity decoding leaves it alone (below)
      text.append(xml.substr(i + 9, end - i - 9));
      text += "\x01";
      i = end + 3;
      continue;
    }
    if (xml.substr(i, 2) == "<?" || xml.substr(i, 2) == "<!") {
      size_t end = xml.find('>', i);
      if (end == std::string_view::npos) return fail(malformed("unterminated declaration"));
      i = end + 1;
      continue;
    }
    size_t end = xml.find('>', i);
    if (end == std::string_view::npos) return fail(malformed("unterminated tag"));
    std::string_view tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    const bool closing = !tag.empty() && tag.front() == '/';
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (closing) tag.remove_prefix(1);
    if (self_closing) tag.remove_suffix(1);
    size_t name_end = 0;
    while (name_end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[name_end]))) ++name_end;
    const std::string name = local_name(tag.substr(0, name_end));
    if (name.empty()) return fail(malformed("a tag without a name"));
    if (closing) {
      if (stack.empty() || stack.back() != name) return fail(malformed("</" + name + "> closes nothing open"));
      const std::string path = joined();
      if (!texts.count(path)) {
        // CDATA stays verbatim, the rest is entity-decoded.
        std::string value;
        size_t pos = 0;
        while (pos < text.size()) {
          size_t mark = text.find('\x01', pos);
          if (mark == std::string::npos) mark = text.size();
          value += decode_entities(std::string_view(text).substr(pos, mark - pos));
          if (mark == text.size()) break;
          size_t close = text.find('\x01', mark + 1);
          value.append(text, mark + 1, close - mark - 1);
          pos = close + 1;
        }
        texts[path] = trim(value);
      }
      stack.pop_back();
      text.clear();
      if (stack.empty()) root_closed = true;
      continue;
    }
    if (stack.empty()) {
      if (root_closed) return fail(malformed("more than one root element"));
      root = name;
    }
    text.clear();
    if (self_closing) {
      stack.push_back(name);
      texts.emplace(joined(), "");
      stack.pop_back();
      if (stack.empty()) root_closed = true;
    } else {
      stack.push_back(name);
    }
  }
  if (!stack.empty()) return fail(malformed("<" + stack.back() + "> is never closed"));
  if (!root_closed) return fail(malformed("no root element"));
  return texts;
}

std::string value_of(const std::map<std::string, std::string>& texts, const std::string& path) {
  auto found = texts.find(path);
  return found == texts.end() ? std::string() : found->second;
}

}  // namespace

transport::HttpRequest system_info_request() {
  transport::HttpRequest request;
  request.method = "GET";
  request.path = std::string(kSystemInfoPath);
  request.headers = {{"Accept", "application/xml"}};
  return request;
}

Result<SystemInfo> parse_system_info(std::string_view xml) {
  std::string root;
  auto texts = leaf_texts(xml, root);
  if (!texts) return fail(texts.error());
  if (root != "SystemInfo") return fail(malformed("the root element is <" + root + ">, not <SystemInfo>"));
  if (!texts->count("SystemInfo/status")) return fail(malformed("no <status> in <SystemInfo>"));
  SystemInfo info;
  info.status = value_of(*texts, "SystemInfo/status");
  if (info.status.empty()) return fail(malformed("<status> is empty"));
  info.deployment_type = value_of(*texts, "SystemInfo/deploymentType");
  info.host = value_of(*texts, "SystemInfo/host");
  info.primary_host = value_of(*texts, "SystemInfo/primaryNode/host");
  info.secondary_host = value_of(*texts, "SystemInfo/secondaryNode/host");
  return info;
}

Result<SystemInfo> parse_system_info_response(const transport::HttpResponse& response) {
  if (response.status != 200) {
    return fail(Error(transport::status_error_code(response.status),
                      "SystemInfo answered HTTP " + std::to_string(response.status)));
  }
  return parse_system_info(response.body);
}

Result<SystemInfo> read_system_info(transport::HttpClient& http) {
  auto response = http.request(system_info_request(), kOperation);
  if (!response) return fail(response.error());
  auto info = parse_system_info_response(*response);
  if (!info) return fail(std::move(info.error()).on(http.node(), kOperation));
  return info;
}

Result<SystemInfo> wait_in_service(transport::HttpClient& http, std::chrono::milliseconds limit,
                                   std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string last;
  while (true) {
    auto info = read_system_info(http);
    if (info && info->in_service()) return info;
    if (!info && !is_transient(info.error().code)) return info;
    last = info ? "status " + info->status : info.error().message;
    if (std::chrono::steady_clock::now() + interval > deadline) break;
    std::this_thread::sleep_for(interval);
  }
  return fail(Error(ErrorCode::timeout, "not IN_SERVICE within " +
                                            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(limit).count()) +
                                            " s (last: " + last + ")")
                  .on(http.node(), kOperation));
}

}  // namespace trustctl::finesse
