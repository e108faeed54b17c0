#pragma once
// A private key held by OpenSSL. Its PEM is a secret: only key files and vos-sim's state ever see it.

#include "engine/model/error.hpp"

#include <memory>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace trustctl::pki {

class KeyPair {
 public:
  // spec: "rsa-1024" | "rsa-2048" | "rsa-3072" | "rsa-4096" | "ec-256" | "ec-384" | "ec-521"
  static Result<KeyPair> generate(std::string_view spec);
  static Result<KeyPair> from_pem(std::string_view pem);
  static Result<KeyPair> load_file(const std::string& path);

  EVP_PKEY* native() const { return m_key.get(); }
  std::string private_pem() const;  // secret
  std::string public_pem() const;

 private:
  explicit KeyPair(EVP_PKEY* key);
  std::shared_ptr<EVP_PKEY> m_key;
};

bool is_valid_key_spec(std::string_view spec);

}  // namespace trustctl::pki
