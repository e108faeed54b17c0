#include "engine/model/live_state.hpp"

#include "engine/base/openssl_handles.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace trustctl {

bool NodeState::holds(const std::string& store, const std::string& fingerprint) const {
  return find(store, fingerprint) != nullptr;
}

const StoreEntry* NodeState::find(const std::string& store, const std::string& fingerprint) const {
  auto it = stores.find(store);
  if (it == stores.end()) return nullptr;
  for (const auto& entry : it->second) {
    if (entry.certificate.fingerprint() == fingerprint) return &entry;
  }
  return nullptr;
}

std::string NodeState::digest() const {
  std::vector<std::string> lines;
  for (const auto& [store, entries] : stores) {
    for (const auto& entry : entries) lines.push_back(store + " " + entry.certificate.fingerprint());
  }
  for (const auto& [unit, chain] : identities) {
    if (!chain.empty()) lines.push_back("identity " + unit + " " + chain.front().fingerprint());
  }
  for (const auto& [unit, csr] : pending_csrs) lines.push_back("csr " + unit + " " + csr.public_key_pem);
  std::sort(lines.begin(), lines.end());
  ossl::MdContext ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  for (const auto& line : lines) {
    EVP_DigestUpdate(ctx.get(), line.data(), line.size());
    EVP_DigestUpdate(ctx.get(), "\n", 1);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0xf]);
  }
  return out;
}

}  // namespace trustctl
