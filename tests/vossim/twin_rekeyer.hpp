#pragma once
// The twin's copies of live identities on fresh keys (twin.hpp). One copy per live certificate: an identity that
// several nodes hold (a multi-server certificate) gets one new certificate and key, shared as the live one is.

#include "engine/model/site.hpp"
#include "providers/pki/key_pair.hpp"

#include <map>
#include <optional>
#include <string>

namespace vossim {

class TwinRekeyer {
 public:
  struct Copy {
    trustctl::Certificate certificate;
    std::string key_pem;  // secret: written only to the node's state directory
    std::string how;      // for stderr: how it was signed
    bool chains_like_source = true;  // false: signed by a stand-in for a CA whose key the twin lacks
  };
  explicit TwinRekeyer(const trustctl::Site& site) : m_site(site) {}

  // The twin's copy of original (made on first use, then the same one).
  trustctl::Result<Copy> copy_of(const trustctl::Certificate& original);
  // The copy made for a live certificate, by its fingerprint (trust entries that held it hold the copy instead).
  const Copy* made_for(const std::string& fingerprint) const;

 private:
  trustctl::Result<trustctl::pki::KeyPair> fresh_key_like(const trustctl::Certificate& original) const;
  trustctl::Result<const trustctl::pki::KeyPair*> stand_in(const std::string& key_type);

  const trustctl::Site& m_site;
  std::map<std::string, Copy> m_copies;                         // live fingerprint -> copy
  std::map<std::string, trustctl::pki::KeyPair> m_ca_keys;      // [[ca]] name -> its local_key
  std::map<std::string, trustctl::pki::KeyPair> m_stand_ins;    // key type -> stand-in signer
};

}  // namespace vossim
