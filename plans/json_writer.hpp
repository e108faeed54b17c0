#pragma once
// A JSON document written member by member, either as text or as an nlohmann::json tree, so one piece of code can
// produce both: the saved plan is written straight to text (a fleet's plan is tens of megabytes, and building the
// tree first costs more than the writing), and the same code builds the tree that plan comparison and --format json
// use.
//
// The text is what nlohmann's dump(2) (or, compact, dump()) prints for the tree the same calls build: same
// indentation, same escaping, and object members in nlohmann's order, which is sorted by key. The writer does not
// sort: callers write members in ascending key order, and the text writer refuses (std::logic_error) a key that is
// not greater than the one before it, so a member added in the wrong place fails every test that writes a plan
// instead of changing the file.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace trustctl::plans {

class JsonSink {
 public:
  virtual ~JsonSink() = default;

  virtual void begin_object() = 0;
  virtual void end_object() = 0;
  virtual void begin_array() = 0;
  virtual void end_array() = 0;
  // The next member's name; its value follows (a scalar, or a begin_object/begin_array).
  virtual void key(std::string_view name) = 0;

  void value(std::string_view text);
  void value(const char* text) { value(std::string_view(text)); }
  void value(const std::string& text) { value(std::string_view(text)); }
  virtual void value(bool flag) = 0;
  virtual void value(std::int64_t number) = 0;
  virtual void value(std::uint64_t number) = 0;
  virtual void value(double number) = 0;
  void value(int number) { value(static_cast<std::int64_t>(number)); }
  void value(long long number) { value(static_cast<std::int64_t>(number)); }
  virtual void null() = 0;
  // A tree built elsewhere, written member by member (its objects are already sorted).
  void value(const nlohmann::json& tree);

  // key(name) then value(v), for the common case.
  template <class T>
  void member(std::string_view name, const T& v) {
    key(name);
    value(v);
  }

  // While set, every string value (not keys) has each occurrence of `from` replaced by `to`: the saved plan names
  // the site file relative to itself in reasons and sources (plans/plan_file.hpp).
  void set_rewrite(std::string from, std::string to);
  void clear_rewrite() { m_from.clear(); }

 protected:
  virtual void string(std::string_view text) = 0;

 private:
  std::string m_from, m_to, m_rewritten;
};

// Text exactly as nlohmann::json::dump(2) prints the tree the same calls would build, or, compact, as dump() does.
class JsonTextWriter final : public JsonSink {
 public:
  enum class Layout { indented, compact };
  // What a string that is not UTF-8 becomes: refused as dump() refuses it (nlohmann's type_error), or written with
  // each bad byte replaced by U+FFFD, as dump() does with error_handler_t::replace.
  enum class InvalidUtf8 { refused, replaced };
  // Appends to out.
  explicit JsonTextWriter(std::string& out, Layout layout = Layout::indented,
                          InvalidUtf8 invalid_utf8 = InvalidUtf8::refused)
      : m_out(out), m_indented(layout == Layout::indented), m_replace_invalid(invalid_utf8 == InvalidUtf8::replaced) {}

  // Hands the text written so far to `drain` whenever an object or array closes with at least `bytes` of it in `out`:
  // drain takes what it wants and leaves `out` empty or not, and writing goes on after it. For text too large to
  // hold whole (a fleet's plan file is written to disk while the rest of it is still being made).
  void drain_every(std::size_t bytes, std::function<void(std::string& out)> drain) {
    m_drain_at = bytes;
    m_drain = std::move(drain);
  }

  void begin_object() override;
  void end_object() override;
  void begin_array() override;
  void end_array() override;
  void key(std::string_view name) override;
  using JsonSink::value;
  void value(bool flag) override;
  void value(std::int64_t number) override;
  void value(std::uint64_t number) override;
  void value(double number) override;
  void null() override;

 protected:
  void string(std::string_view text) override;

 private:
  struct Frame {
    bool object = false;
    bool empty = true;
    std::string last_key;
  };
  void before_value();
  void close(char bracket, bool object);
  void newline_indent(std::size_t depth);
  void escaped(std::string_view text);

  std::string& m_out;
  bool m_indented;
  bool m_replace_invalid;
  std::size_t m_drain_at = 0;
  std::function<void(std::string&)> m_drain;
  std::vector<Frame> m_frames;
  std::size_t m_depth = 0;  // frames in use; m_frames keeps the closed ones for their key buffers
  bool m_after_key = false;
};

// The nlohmann::json tree the same calls describe.
class JsonTreeBuilder final : public JsonSink {
 public:
  void begin_object() override { open(nlohmann::json::object()); }
  void end_object() override { m_stack.pop_back(); }
  void begin_array() override { open(nlohmann::json::array()); }
  void end_array() override { m_stack.pop_back(); }
  void key(std::string_view name) override { m_key.assign(name); }
  using JsonSink::value;
  void value(bool flag) override { place(flag); }
  void value(std::int64_t number) override { place(number); }
  void value(std::uint64_t number) override { place(number); }
  void value(double number) override { place(number); }
  void null() override { place(nullptr); }

  nlohmann::json take() { return std::move(m_root); }

 protected:
  void string(std::string_view text) override { place(std::string(text)); }

 private:
  nlohmann::json& place(nlohmann::json v);
  void open(nlohmann::json empty) { m_stack.push_back(&place(std::move(empty))); }

  nlohmann::json m_root;
  std::vector<nlohmann::json*> m_stack;  // the open containers; a child is never added to a parent while it is open
  std::string m_key;
};

}  // namespace trustctl::plans
