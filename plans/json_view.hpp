#pragma once
// A read-only view of a JSON document parsed by simdjson, for the plan file's decoder (plans/plan_file.cpp).
//
// Why not nlohmann::json, which trustctl uses everywhere else: a fleet's plan file is tens of megabytes, and
// nlohmann's document of it is a tree of hundreds of thousands of separately allocated nodes, costlier to build and
// to free than everything else reading a plan does (tests/bench/plan_bench: 0.38 s to parse and 0.30 s to free at
// 6,000 nodes). simdjson parses the same text into one flat array in a few hundredths of a second, and the views
// below are handles into it: strings are views of its buffer, copied only into what the plan keeps.
//
// A view is valid while the JsonDocument it came from lives. Objects are searched member by member (plan objects have
// a dozen members; the large ones, `certificates` and `observed`, are walked with items()). A member named twice is
// found by its last occurrence, as nlohmann::json reads it.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trustctl::plans {

class JsonView {
 public:
  explicit JsonView(simdjson::dom::element element) : m_element(element) {}

  bool is_object() const { return m_element.is_object(); }
  bool is_array() const { return m_element.is_array(); }
  bool is_string() const { return m_element.is_string(); }
  bool is_boolean() const { return m_element.is_bool(); }
  bool is_number() const { return m_element.is_number(); }
  // A whole number, signed or not (simdjson keeps those above the int64 range as uint64).
  bool is_number_integer() const { return m_element.is_int64() || m_element.is_uint64(); }

  // An object's member, nullopt when absent or when this is no object.
  std::optional<JsonView> find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key).has_value(); }
  // An object's members in document order (empty for anything else).
  std::vector<std::pair<std::string_view, JsonView>> items() const;
  // An array's elements (empty for anything else): indexed, where simdjson's arrays are walked.
  std::vector<JsonView> elements() const;

  // The value, for a view of that type (checked by the caller with is_*; anything else reads as empty, 0 or false).
  std::string_view string() const;
  bool boolean() const;
  double number() const;
  // A whole number, saturated to the int64 range (never wrapped: 18446744073709551615 stays the largest).
  std::int64_t integer() const;
  // Whether a whole number is greater than `than`, exactly, whichever of int64 or uint64 it is held as.
  bool integer_greater_than(std::int64_t than) const;
  // The value as compact JSON, for quoting it in a message.
  std::string dump() const;

 private:
  simdjson::dom::element m_element;
};

// Why a text could not be parsed.
struct JsonError {
  bool syntax = true;  // not JSON at all; otherwise JSON simdjson cannot hold (a number beyond 64 bits, nesting
                       // deeper than 1024) or memory ran out
  std::string message;  // for a syntax error, where it is ("parse error at line 1, column 7: ...")
};

// A parsed document: owns what every JsonView of it points into.
class JsonDocument {
 public:
  // Parses `text`. With `padded`, the caller promises simdjson::SIMDJSON_PADDING readable bytes after the text (a
  // std::string reserved that much larger), and it is parsed in place; otherwise it is copied first. On an error,
  // nlohmann's parser is asked whether and where the text is not JSON, since simdjson does not say where.
  static std::optional<JsonDocument> parse(std::string_view text, bool padded, JsonError* error);

  JsonView root() const { return JsonView(m_root); }

 private:
  JsonDocument() = default;
  std::unique_ptr<simdjson::dom::parser> m_parser;  // the document's storage; moved with it, never copied
  simdjson::dom::element m_root;
};

}  // namespace trustctl::plans
