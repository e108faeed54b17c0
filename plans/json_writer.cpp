#include "plans/json_writer.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

namespace trustctl::plans {

void JsonSink::value(std::string_view text) {
  if (m_from.empty() || text.find(m_from) == std::string_view::npos) {
    string(text);
    return;
  }
  m_rewritten.assign(text);
  for (auto at = m_rewritten.find(m_from); at != std::string::npos; at = m_rewritten.find(m_from, at + m_to.size())) {
    m_rewritten.replace(at, m_from.size(), m_to);
  }
  string(m_rewritten);
}

void JsonSink::value(const nlohmann::json& tree) {
  switch (tree.type()) {
    case nlohmann::json::value_t::object:
      begin_object();
      for (const auto& [name, member] : tree.items()) {
        key(name);
        value(member);
      }
      end_object();
      return;
    case nlohmann::json::value_t::array:
      begin_array();
      for (const auto& element : tree) value(element);
      end_array();
      return;
    case nlohmann::json::value_t::string: value(std::string_view(tree.get_ref<const std::string&>())); return;
    case nlohmann::json::value_t::boolean: value(tree.get<bool>()); return;
    case nlohmann::json::value_t::number_integer: value(tree.get<std::int64_t>()); return;
    case nlohmann::json::value_t::number_unsigned: value(tree.get<std::uint64_t>()); return;
    case nlohmann::json::value_t::number_float: value(tree.get<double>()); return;
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
    case nlohmann::json::value_t::binary: null(); return;
  }
}

void JsonSink::set_rewrite(std::string from, std::string to) {
  m_from = std::move(from);
  m_to = std::move(to);
}

// Text.

void JsonTextWriter::newline_indent(std::size_t depth) {
  if (!m_indented) return;
  m_out.push_back('\n');
  m_out.append(depth * 2, ' ');
}

// Where a value goes: after its key, as an array's next element, or as the document.
void JsonTextWriter::before_value() {
  if (m_after_key) {
    m_after_key = false;
    return;
  }
  if (m_depth == 0) return;
  Frame& frame = m_frames[m_depth - 1];
  if (frame.object) throw std::logic_error("json writer: a value inside an object without a key");
  if (!frame.empty) m_out.push_back(',');
  frame.empty = false;
  newline_indent(m_depth);
}

void JsonTextWriter::key(std::string_view name) {
  if (m_depth == 0 || !m_frames[m_depth - 1].object || m_after_key) {
    throw std::logic_error("json writer: key '" + std::string(name) + "' outside an object");
  }
  Frame& frame = m_frames[m_depth - 1];
  // nlohmann's objects are sorted by key: a member out of order here would not be where dump() puts it.
  if (!frame.empty && !(frame.last_key < name)) {
    throw std::logic_error("json writer: key '" + std::string(name) + "' written after '" + frame.last_key +
                           "' (members must be written in ascending key order)");
  }
  if (!frame.empty) m_out.push_back(',');
  frame.empty = false;
  frame.last_key.assign(name);
  newline_indent(m_depth);
  m_out.push_back('"');
  escaped(name);
  m_out.append(m_indented ? "\": " : "\":");
  m_after_key = true;
}

void JsonTextWriter::begin_object() {
  before_value();
  m_out.push_back('{');
  if (m_frames.size() == m_depth) m_frames.emplace_back();
  Frame& frame = m_frames[m_depth++];
  frame.object = true;
  frame.empty = true;
}

void JsonTextWriter::begin_array() {
  before_value();
  m_out.push_back('[');
  if (m_frames.size() == m_depth) m_frames.emplace_back();
  Frame& frame = m_frames[m_depth++];
  frame.object = false;
  frame.empty = true;
}

void JsonTextWriter::close(char bracket, bool object) {
  if (m_depth == 0 || m_frames[m_depth - 1].object != object || m_after_key) {
    throw std::logic_error(std::string("json writer: unbalanced '") + bracket + "'");
  }
  bool empty = m_frames[m_depth - 1].empty;
  --m_depth;
  if (!empty) newline_indent(m_depth);
  m_out.push_back(bracket);
  if (m_drain && m_out.size() >= m_drain_at) m_drain(m_out);
}

void JsonTextWriter::end_object() { close('}', true); }
void JsonTextWriter::end_array() { close(']', false); }

void JsonTextWriter::value(bool flag) {
  before_value();
  m_out.append(flag ? "true" : "false");
}

void JsonTextWriter::value(std::int64_t number) {
  before_value();
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, number).ptr;
  m_out.append(buf, end);
}

void JsonTextWriter::value(std::uint64_t number) {
  before_value();
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, number).ptr;
  m_out.append(buf, end);
}

void JsonTextWriter::value(double number) {
  before_value();
  // nlohmann prints floating point its own way ("180.0", "1e+20", "null" for NaN); there are few in a plan.
  m_out.append(nlohmann::json(number).dump());
}

void JsonTextWriter::null() {
  before_value();
  m_out.append("null");
}

void JsonTextWriter::string(std::string_view text) {
  before_value();
  m_out.push_back('"');
  escaped(text);
  m_out.push_back('"');
}

namespace {

// Bytes a JSON string cannot hold as they are (control characters, quote, backslash), and bytes beyond ASCII, which
// go to nlohmann; one table look-up per byte, since nearly every string of a plan is plain.
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> out{};
  for (int c = 0; c < 256; ++c) out[static_cast<std::size_t>(c)] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return out;
}();

}  // namespace

void JsonTextWriter::escaped(std::string_view text) {
  const std::size_t start = m_out.size();
  std::size_t plain = 0;  // the start of the run not yet copied
  for (std::size_t k = 0; k < text.size(); ++k) {
    const unsigned char c = static_cast<unsigned char>(text[k]);
    if (!kSpecial[c]) continue;
    if (c >= 0x80) {
      // Beyond ASCII nlohmann checks the UTF-8 (throwing on a bad byte, or replacing it): it writes such a string
      // itself, so the text and the exception are its own. Names and reasons are ASCII nearly always.
      m_out.resize(start);
      std::string quoted = nlohmann::json(std::string(text)).dump(
          -1, ' ', false,
          m_replace_invalid ? nlohmann::json::error_handler_t::replace : nlohmann::json::error_handler_t::strict);
      m_out.append(quoted, 1, quoted.size() - 2);
      return;
    }
    m_out.append(text.data() + plain, k - plain);
    plain = k + 1;
    switch (c) {
      case '"': m_out.append("\\\""); break;
      case '\\': m_out.append("\\\\"); break;
      case '\b': m_out.append("\\b"); break;
      case '\f': m_out.append("\\f"); break;
      case '\n': m_out.append("\\n"); break;
      case '\r': m_out.append("\\r"); break;
      case '\t': m_out.append("\\t"); break;
      default: {
        static const char* digits = "0123456789abcdef";
        m_out.append("\\u00");
        m_out.push_back(digits[c >> 4]);
        m_out.push_back(digits[c & 0xf]);
      }
    }
  }
  m_out.append(text.data() + plain, text.size() - plain);
}

// Tree.

nlohmann::json& JsonTreeBuilder::place(nlohmann::json v) {
  if (m_stack.empty()) {
    m_root = std::move(v);
    return m_root;
  }
  nlohmann::json& top = *m_stack.back();
  if (top.is_array()) {
    top.push_back(std::move(v));
    return top.back();
  }
  nlohmann::json& slot = top[m_key];
  slot = std::move(v);
  return slot;
}

}  // namespace trustctl::plans
