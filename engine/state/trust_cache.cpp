#include "engine/state/trust_cache.hpp"

#include "engine/base/atomic_file.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace trustctl {

std::filesystem::path TrustCache::path_in(const std::filesystem::path& state_dir, const std::string& node) {
  static const char* hex = "0123456789ABCDEF";
  std::string name;
  for (unsigned char c : node) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '_' || (c == '.' && !name.empty());
    if (plain) {
      name += static_cast<char>(c);
    } else {
      name += '%';
      name += hex[c >> 4];
      name += hex[c & 15];
    }
  }
  return dir_in(state_dir) / (name + ".json");
}

Result<KnownTrustFiles> TrustCache::parse(const std::string& text, const std::string& node,
                                          const std::string& origin) {
  auto damaged = [&](const std::string& what) {
    return fail(ErrorCode::io, origin + " is damaged (" + what +
                                        "); it was ignored and the node's trust store is read in full. Remove the "
                                        "file to stop this warning: the next refresh writes it again");
  };
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return damaged("it is not a JSON object");
  auto version = json.find("format_version");
  if (version == json.end() || !version->is_number_integer() || version->get<long long>() != 1) {
    return damaged("format_version is not 1");
  }
  auto named = json.find("node");
  if (named == json.end() || !named->is_string() || named->get<std::string>() != node) {
    return damaged("it is not the file of node " + node);
  }
  auto files = json.find("files");
  if (files == json.end() || !files->is_object()) return damaged("\"files\" is not an object");
  KnownTrustFiles out;
  for (const auto& [path, pems] : files->items()) {
    if (!pems.is_array() || pems.empty()) return damaged("files[" + path + "] is not a list of certificates");
    auto& certificates = out[path];
    for (const auto& pem : pems) {
      // Exactly one certificate per element: anything else was not written by trustctl.
      auto parsed = pem.is_string() ? parse_certificates(pem.get<std::string>())
                                    : fail(ErrorCode::io, "not a string");
      if (!parsed || parsed->size() != 1 || pem.get<std::string>().find("-----BEGIN CERTIFICATE-----") != 0) {
        return damaged("files[" + path + "] holds something that is not one PEM certificate");
      }
      certificates.push_back(std::move(parsed->front()));
    }
  }
  return out;
}

std::string TrustCache::serialize(const std::string& node, const KnownTrustFiles& files) {
  nlohmann::json listed = nlohmann::json::object();
  for (const auto& [path, certificates] : files) {
    auto& pems = listed[path] = nlohmann::json::array();
    for (const auto& certificate : certificates) pems.push_back(certificate.pem());
  }
  return nlohmann::json{{"format_version", 1}, {"node", node}, {"files", listed}}.dump(1) + "\n";
}

TrustCache TrustCache::load(const std::filesystem::path& state_dir, const std::vector<std::string>& nodes,
                            std::vector<std::string>& warnings) {
  TrustCache cache;
  for (const auto& node : nodes) {
    auto path = path_in(state_dir, node);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec) && !ec) continue;
    std::ifstream in(path, std::ios::binary);
    if (ec || !in) {
      warnings.push_back("cannot read " + path.string() + " (" + std::strerror(errno) +
                         "); node " + node + "'s trust store is read in full");
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = parse(text.str(), node, path.string());
    if (!parsed) {
      warnings.push_back(parsed.error().message);
      continue;
    }
    cache.m_nodes[node] = std::move(*parsed);
  }
  return cache;
}

const KnownTrustFiles* TrustCache::find(const std::string& node) const {
  auto it = m_nodes.find(node);
  return it == m_nodes.end() ? nullptr : &it->second;
}

void TrustCache::remember(const LiveState& live) {
  for (const auto& [name, state] : live.nodes) {
    if (state.stores.empty()) continue;  // an external host, or a node read without its stores
    KnownTrustFiles files;
    for (const auto& [store, entries] : state.stores) {
      for (const auto& entry : entries) files[store + "/" + entry.file].push_back(entry.certificate);
    }
    m_nodes[name] = std::move(files);
  }
}

Result<void> TrustCache::save(const std::filesystem::path& state_dir, const LiveState& live) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_in(state_dir), ec);
  if (ec) return fail(ErrorCode::io, "cannot create " + dir_in(state_dir).string() + ": " + ec.message());
  for (const auto& [name, state] : live.nodes) {
    const KnownTrustFiles* files = find(name);
    if (!files) continue;
    auto written = AtomicFile::replace(path_in(state_dir, name), serialize(name, *files), 0644);
    if (!written) return written;
  }
  return {};
}

}  // namespace trustctl
