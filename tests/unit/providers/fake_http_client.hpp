#pragma once
// An in-process HTTPS appliance for unit tests of REST clients, in the manner of FakeCliSession: scripted answers by
// "METHOD path", a record of every request, and faults injected by assignment.
//
//   FakeHttpClient http;
//   http.responses["GET /finesse/api/SystemInfo"] = {200, {}, "<SystemInfo>...</SystemInfo>"};
//   http.faults["POST /platformcom/api/v1/certmgr/config/csr"] = Error(ErrorCode::connection, "reset");
//   http.script = {...};  // or: answers in order, whatever the request (one per call)

#include "providers/transport/http_client.hpp"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace trustctl::fakes {

class FakeHttpClient : public transport::HttpClient {
 public:
  std::string node_name = "cucm1";
  std::map<std::string, transport::HttpResponse> responses;
  std::map<std::string, Error> faults;
  std::deque<Result<transport::HttpResponse>> script;  // when not empty, answers the next call, whatever it asks

  std::vector<transport::HttpRequest> requests;
  std::vector<std::string> operations;

  const std::string& node() const override { return node_name; }

  Result<transport::HttpResponse> request(const transport::HttpRequest& request, const std::string& operation) override {
    requests.push_back(request);
    operations.push_back(operation);
    if (!script.empty()) {
      auto next = std::move(script.front());
      script.pop_front();
      if (!next) return fail(Error(next.error()).on(node_name, operation));
      return next;
    }
    const std::string key = request.method + " " + request.path;
    if (auto fault = faults.find(key); fault != faults.end()) return fail(Error(fault->second).on(node_name, operation));
    if (auto found = responses.find(key); found != responses.end()) return found->second;
    return transport::HttpResponse{404, {}, "{\"message\":\"not found: " + request.path + "\"}"};
  }
};

}  // namespace trustctl::fakes
