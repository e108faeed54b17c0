#include "tests/vossim/twin_rekeyer.hpp"

#include "tests/vossim/x509_tools.hpp"

namespace vossim {

using trustctl::Certificate;
using trustctl::ErrorCode;
using trustctl::pki::KeyPair;

trustctl::Result<KeyPair> TwinRekeyer::fresh_key_like(const Certificate& original) const {
  const std::string type = original.key_type();
  const int bits = original.key_bits();
  if (type == "RSA") {
    const int size = bits == 1024 || bits == 3072 || bits == 4096 ? bits : 2048;
    return KeyPair::generate("rsa-" + std::to_string(size));
  }
  if (type == "EC") return KeyPair::generate(bits == 384 ? "ec-384" : bits == 521 ? "ec-521" : "ec-256");
  return trustctl::fail(ErrorCode::invalid_site, original.subject() + " has a " + type +
                                                     " key, which the twin cannot make a copy of (RSA or EC only)");
}

trustctl::Result<const KeyPair*> TwinRekeyer::stand_in(const std::string& key_type) {
  const std::string type = key_type == "EC" ? "EC" : "RSA";
  auto it = m_stand_ins.find(type);
  if (it == m_stand_ins.end()) {
    auto key = KeyPair::generate(type == "EC" ? "ec-256" : "rsa-2048");
    if (!key) return trustctl::fail(key.error());
    it = m_stand_ins.emplace(type, std::move(*key)).first;
  }
  return &it->second;
}

trustctl::Result<TwinRekeyer::Copy> TwinRekeyer::copy_of(const Certificate& original) {
  if (const Copy* made = made_for(original.fingerprint())) return *made;
  auto key = fresh_key_like(original);
  if (!key) return trustctl::fail(key.error());
  trustctl::Result<Certificate> copy = trustctl::fail(ErrorCode::internal, "not signed");
  Copy out{original, key->private_pem(), "", true};
  if (original.is_self_issued()) {
    copy = rekeyed_copy(original, *key, *key, nullptr);
    out.how = "self-signed: signed by its new key";
  } else {
    // The site's own CA, when TWIN.toml gives its key: the copy chains exactly as the live identity does.
    for (const auto& ca : m_site.cas) {
      if (!ca.local_key || ca.certificates.empty() || !ca.certificates.front().issued(original)) continue;
      auto it = m_ca_keys.find(ca.name);
      if (it == m_ca_keys.end()) {
        auto ca_key = KeyPair::load_file(ca.local_key->string());
        if (!ca_key) return trustctl::fail(ca_key.error());
        it = m_ca_keys.emplace(ca.name, std::move(*ca_key)).first;
      }
      copy = rekeyed_copy(original, *key, it->second, &ca.certificates.front());
      out.how = "signed by [[ca]] '" + ca.name + "' with its local_key: it chains as the live one does";
      break;
    }
    if (out.how.empty()) {
      auto signer = stand_in(original.signer_key_type());
      if (!signer) return trustctl::fail(signer.error());
      copy = rekeyed_copy(original, *key, **signer, nullptr);
      out.how = "issued by " + original.issuer() + ", whose key the twin does not have ([[ca]] local_key): signed "
                "by a stand-in key, so it does not chain to that CA";
      out.chains_like_source = false;
    }
  }
  if (!copy) return trustctl::fail(copy.error());
  out.certificate = *copy;
  return m_copies.emplace(original.fingerprint(), out).first->second;
}

const TwinRekeyer::Copy* TwinRekeyer::made_for(const std::string& fingerprint) const {
  auto it = m_copies.find(fingerprint);
  return it == m_copies.end() ? nullptr : &it->second;
}

}  // namespace vossim
