#pragma once
// A minimal HTTP/1.1 server side: one request per connection (the answer says Connection: close), Content-Length
// bodies only. Small on purpose; every malformed input is a 400, never a crash.

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vossim {

struct HttpRequest {
  std::string method;
  std::string target;  // as sent: path plus query
  std::string path;    // target before '?', percent-decoding not applied
  std::string query;   // after '?'
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const;
  std::string query_param(const std::string& name) const;  // first value, percent-decoded
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

std::string serialize(const HttpResponse& response);
HttpResponse json_response(int status, const std::string& body);

enum class ReadOutcome { ok, closed, bad_request, too_large };

// read(buffer, size) returns bytes read, 0 at end of stream, < 0 on error or timeout.
using ReadFunction = std::function<long(char*, std::size_t)>;
ReadOutcome read_request(const ReadFunction& read, HttpRequest& request);

// "user:password" from an Authorization: Basic header; false when absent or malformed.
bool basic_credentials(const HttpRequest& request, std::string& user, std::string& password);

}  // namespace vossim
