#include "plans/json_view.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <memory>

namespace trustctl::plans {

std::optional<JsonView> JsonView::find(std::string_view key) const {
  simdjson::dom::object object;
  if (m_element.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
  // The last member of that name, as nlohmann reads it (simdjson's at_key() finds the first): apply compares the
  // file through nlohmann, and what `plan --from` shows a reviewer must be what that comparison sees.
  std::optional<JsonView> found;
  for (simdjson::dom::key_value_pair member : object) {
    if (member.key == key) found.emplace(member.value);
  }
  return found;
}

std::vector<std::pair<std::string_view, JsonView>> JsonView::items() const {
  std::vector<std::pair<std::string_view, JsonView>> out;
  simdjson::dom::object object;
  if (m_element.get_object().get(object) != simdjson::SUCCESS) return out;
  out.reserve(object.size());
  for (simdjson::dom::key_value_pair member : object) out.emplace_back(member.key, JsonView(member.value));
  return out;
}

std::vector<JsonView> JsonView::elements() const {
  std::vector<JsonView> out;
  simdjson::dom::array array;
  if (m_element.get_array().get(array) != simdjson::SUCCESS) return out;
  out.reserve(array.size());
  for (simdjson::dom::element element : array) out.emplace_back(element);
  return out;
}

std::string_view JsonView::string() const {
  std::string_view out;
  return m_element.get_string().get(out) == simdjson::SUCCESS ? out : std::string_view();
}

bool JsonView::boolean() const {
  bool out = false;
  return m_element.get_bool().get(out) == simdjson::SUCCESS && out;
}

double JsonView::number() const {
  double out = 0;
  return m_element.get_double().get(out) == simdjson::SUCCESS ? out : 0;
}

std::int64_t JsonView::integer() const {
  if (m_element.is_uint64() && !m_element.is_int64()) return std::numeric_limits<std::int64_t>::max();
  std::int64_t out = 0;
  return m_element.get_int64().get(out) == simdjson::SUCCESS ? out : 0;
}

bool JsonView::integer_greater_than(std::int64_t than) const {
  if (m_element.is_int64()) return integer() > than;
  // Held as uint64 only when above the int64 range.
  return m_element.is_uint64();
}

std::string JsonView::dump() const { return simdjson::minify(m_element); }

std::optional<JsonDocument> JsonDocument::parse(std::string_view text, bool padded, JsonError* error) {
  JsonDocument document;
  document.m_parser = std::make_unique<simdjson::dom::parser>();
  auto parsed = document.m_parser->parse(text.data(), text.size(), !padded).get(document.m_root);
  if (parsed == simdjson::SUCCESS) return document;
  if (error) {
    // simdjson says what is wrong but not where; nlohmann's parser says where, for a file that is not JSON at all.
    // nlohmann's messages begin "[json.exception.parse_error.101] parse error at line 1, column 7: ...".
    auto without_id = [](std::string what) {
      auto from = what.find("] ");
      return from == std::string::npos ? what : what.substr(from + 2);
    };
    try {
      const auto accepted = nlohmann::json::parse(text);
      *error = JsonError{false, simdjson::error_message(parsed)};
    } catch (const nlohmann::json::parse_error& e) {
      *error = JsonError{true, without_id(e.what())};
    } catch (const nlohmann::json::exception& e) {
      // JSON that nlohmann cannot hold either ("number overflow parsing '1e999'").
      *error = JsonError{false, without_id(e.what())};
    } catch (const std::exception&) {
      *error = JsonError{false, simdjson::error_message(parsed)};
    }
  }
  return std::nullopt;
}

}  // namespace trustctl::plans
