#pragma once
// Output for people and pipelines: colour only on a terminal and never with NO_COLOR; progress lines carry a
// timestamp when they go to a log instead of a screen.

#include <cstdio>
#include <string>

namespace trustctl::cli {

// --color: auto colours a terminal only, always also colours a pipe (CI logs render ANSI), never never.
enum class ColorMode { automatic, always, never };

struct Terminal {
  bool color = false;        // stdout is a terminal and NO_COLOR is unset (or --color=always)
  bool interactive = false;  // stdin is a terminal (confirmation prompts possible)

  // --no-color and NO_COLOR always win; otherwise the process-wide --color mode decides.
  static Terminal detect(bool no_color_flag);
  // Set once by main from --color, before any command runs.
  static void set_color_mode(ColorMode mode);

  std::string green(const std::string& s) const { return wrap("\033[32m", s); }
  std::string red(const std::string& s) const { return wrap("\033[31m", s); }
  std::string yellow(const std::string& s) const { return wrap("\033[33m", s); }
  std::string bold(const std::string& s) const { return wrap("\033[1m", s); }
  std::string dim(const std::string& s) const { return wrap("\033[2m", s); }

  // One progress line on stderr (stdout stays clean for --format json): "14:02:11 uccx1: restart Cisco Tomcat".
  void progress(const std::string& line) const;

 private:
  std::string wrap(const char* code, const std::string& s) const { return color ? code + s + "\033[0m" : s; }
};

}  // namespace trustctl::cli
