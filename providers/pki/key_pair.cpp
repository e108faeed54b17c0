#include "providers/pki/key_pair.hpp"

#include "engine/base/openssl_handles.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

namespace trustctl::pki {

KeyPair::KeyPair(EVP_PKEY* key) : m_key(key, EVP_PKEY_free) {}

bool is_valid_key_spec(std::string_view spec) {
  return spec == "rsa-1024" || spec == "rsa-2048" || spec == "rsa-3072" || spec == "rsa-4096" || spec == "ec-256" ||
         spec == "ec-384" || spec == "ec-521";
}

Result<KeyPair> KeyPair::generate(std::string_view spec) {
  if (!is_valid_key_spec(spec)) {
    return fail(ErrorCode::internal, "unknown key type '" + std::string(spec) + "'");
  }
  EVP_PKEY* key = nullptr;
  if (spec.substr(0, 4) == "rsa-") {
    unsigned bits = static_cast<unsigned>(std::stoi(std::string(spec.substr(4))));
    key = EVP_RSA_gen(bits);
  } else {
    const char* curve = spec == "ec-256" ? "P-256" : spec == "ec-384" ? "P-384" : "P-521";
    key = EVP_EC_gen(curve);
  }
  if (!key) return fail(ErrorCode::internal, "OpenSSL could not generate a " + std::string(spec) + " key");
  return KeyPair(key);
}

Result<KeyPair> KeyPair::from_pem(std::string_view pem) {
  ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!key) return fail(ErrorCode::invalid_site, "not a PEM private key (encrypted keys are not supported)");
  return KeyPair(key);
}

Result<KeyPair> KeyPair::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::io, "cannot read key file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  auto key = from_pem(buf.str());
  if (!key) return fail(key.error().code, path + ": " + key.error().message);
  return key;
}

std::string KeyPair::private_pem() const {
  auto bio = ossl::memory_bio();
  PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return ossl::bio_text(bio.get());
}

std::string KeyPair::public_pem() const {
  auto bio = ossl::memory_bio();
  PEM_write_bio_PUBKEY(bio.get(), m_key.get());
  return ossl::bio_text(bio.get());
}

}  // namespace trustctl::pki
