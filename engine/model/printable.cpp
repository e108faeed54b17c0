#include "engine/model/printable.hpp"

#include <cstdint>

namespace trustctl {
namespace {

// The length of the valid UTF-8 sequence starting at text[at] and its code point; 0 when the bytes there are not
// one (a stray continuation byte, a truncated or overlong sequence, a surrogate).
std::size_t utf8_sequence(std::string_view text, std::size_t at, uint32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  uint32_t minimum = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if ((lead & 0xe0) == 0xc0) {
    length = 2, code_point = lead & 0x1f, minimum = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, code_point = lead & 0x0f, minimum = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, code_point = lead & 0x07, minimum = 0x10000;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(k) & 0x3f);
  }
  if (code_point < minimum || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) return 0;
  return length;
}

bool is_control(uint32_t code_point) {
  return code_point < 0x20 || code_point == 0x7f || (code_point >= 0x80 && code_point <= 0x9f);
}

const char kHex[] = "0123456789abcdef";

void append_hex(std::string& out, const char* prefix, uint32_t value, int digits) {
  out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push_back(kHex[(value >> shift) & 0xf]);
}

}  // namespace

bool has_control_character(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    uint32_t code_point = 0;
    std::size_t length = utf8_sequence(text, at, code_point);
    if (length == 0) {
      ++at;  // not UTF-8: not a character at all, let alone a control one
      continue;
    }
    if (is_control(code_point)) return true;
    at += length;
  }
  return false;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    uint32_t code_point = 0;
    std::size_t length = utf8_sequence(text, at, code_point);
    if (length == 0) {
      append_hex(out, "\\x", static_cast<unsigned char>(text[at]), 2);
      ++at;
      continue;
    }
    if (!is_control(code_point)) {
      out.append(text.substr(at, length));
    } else if (code_point == '\n') {
      out += "\\n";
    } else if (code_point == '\r') {
      out += "\\r";
    } else if (code_point == '\t') {
      out += "\\t";
    } else if (code_point < 0x80) {
      append_hex(out, "\\x", code_point, 2);
    } else {
      append_hex(out, "\\u", code_point, 4);
    }
    at += length;
  }
  return out;
}

}  // namespace trustctl
