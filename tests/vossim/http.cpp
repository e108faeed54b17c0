#include "tests/vossim/http.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace vossim {

namespace {

constexpr std::size_t kMaxHead = 16 * 1024;
constexpr std::size_t kMaxBody = 4 * 1024 * 1024;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0 &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2])) != 0) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

bool base64_decode(const std::string& in, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  unsigned int buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const int v = value(c);
    if (v < 0) return false;
    buffer = (buffer << 6) | static_cast<unsigned int>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return true;
}

}  // namespace

std::string HttpRequest::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::query_param(const std::string& name) const {
  std::istringstream in(query);
  for (std::string pair; std::getline(in, pair, '&');) {
    const auto eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq)) == name) return eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1));
  }
  return {};
}

std::string serialize(const HttpResponse& response) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) + "\r\n";
  out += "Content-Type: " + response.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  out += "Connection: close\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  out += response.body;
  return out;
}

HttpResponse json_response(int status, const std::string& body) {
  HttpResponse response;
  response.status = status;
  response.body = body;
  return response;
}

ReadOutcome read_request(const ReadFunction& read, HttpRequest& request) {
  std::string data;
  std::size_t head_end = std::string::npos;
  char buffer[4096];
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    if (data.size() > kMaxHead) return ReadOutcome::too_large;
    const long n = read(buffer, sizeof buffer);
    if (n <= 0) return data.empty() ? ReadOutcome::closed : ReadOutcome::bad_request;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  std::istringstream head(data.substr(0, head_end));
  std::string line;
  if (!std::getline(head, line)) return ReadOutcome::bad_request;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::istringstream request_line(line);
  std::string version;
  if (!(request_line >> request.method >> request.target >> version) || version.rfind("HTTP/1.", 0) != 0 ||
      request.target.empty() || request.target[0] != '/') {
    return ReadOutcome::bad_request;
  }
  const auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  request.query = question == std::string::npos ? "" : request.target.substr(question + 1);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return ReadOutcome::bad_request;
    request.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
  }
  if (!request.header("transfer-encoding").empty()) return ReadOutcome::bad_request;  // chunked: not supported
  std::size_t length = 0;
  if (const std::string text = request.header("content-length"); !text.empty()) {
    if (text.find_first_not_of("0123456789") != std::string::npos || text.size() > 9) return ReadOutcome::bad_request;
    length = std::stoul(text);
    if (length > kMaxBody) return ReadOutcome::too_large;
  }
  request.body = data.substr(head_end + 4);
  while (request.body.size() < length) {
    const long n = read(buffer, sizeof buffer);
    if (n <= 0) return ReadOutcome::bad_request;
    request.body.append(buffer, static_cast<std::size_t>(n));
  }
  if (request.body.size() > length) request.body.resize(length);  // pipelined bytes: ignored (one request)
  return ReadOutcome::ok;
}

bool basic_credentials(const HttpRequest& request, std::string& user, std::string& password) {
  const std::string value = request.header("authorization");
  if (value.size() < 6 || lower(value.substr(0, 6)) != "basic ") return false;
  std::string decoded;
  if (!base64_decode(trim(value.substr(6)), decoded)) return false;
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  user = decoded.substr(0, colon);
  password = decoded.substr(colon + 1);
  return true;
}

}  // namespace vossim
