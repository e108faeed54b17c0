#pragma once
// Where a model object came from in the site file, so any later error (even one found during apply) can point at
// "site.toml:12:5".

#include <memory>
#include <string>

namespace trustctl {

struct SourceRegion {
  std::shared_ptr<const std::string> file;  // shared: thousands of regions point at one path
  int line = 0;
  int column = 0;

  std::string describe() const {
    std::string out = file ? *file : std::string("<site>");
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    return out;
  }
};

}  // namespace trustctl
