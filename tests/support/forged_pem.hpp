#pragma once
// A PEM CERTIFICATE block around any bytes, certificate or not, and the SHA-256 fingerprint that names them: what it
// takes to forge a saved plan's certificate table (plans/plan_file.hpp) with bytes only decoding can tell apart.

#include "engine/model/certificate.hpp"

#include <openssl/evp.h>

#include <string>

namespace trustctl::testing {

struct ForgedPem {
  std::string pem, fingerprint;
};

inline ForgedPem pem_block_of(const std::string& bytes) {
  std::string b64(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  b64.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                                      static_cast<int>(bytes.size()))));
  return {"-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n",
          Certificate::decoded_on_first_use(bytes).fingerprint()};
}

}  // namespace trustctl::testing
