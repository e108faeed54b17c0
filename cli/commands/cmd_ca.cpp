#include "cli/commands/commands.hpp"
#include "providers/pki/certificate_builder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace trustctl::cli {
namespace {

// The key file is created 0600 before a byte of the key is written, and never overwritten.
Result<void> write_private(const std::filesystem::path& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorCode::io, "cannot create " + path.string() + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return fail(ErrorCode::io, "cannot write " + path.string());
  return {};
}

}  // namespace

int run_ca_init(const CaInitOptions& options) {
  namespace fs = std::filesystem;
  fs::path dir = options.out_dir;
  fs::path cert_path = dir / (options.name + ".pem");
  fs::path key_path = dir / (options.name + ".key");
  for (const auto& p : {cert_path, key_path}) {
    if (fs::exists(p)) {
      std::cerr << "error: " << p.string() << " exists; trustctl ca init never overwrites a CA (choose another --name "
                   "or --out-dir)\n";
      return kExitError;
    }
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  auto key = pki::KeyPair::generate(options.key);
  if (!key) {
    std::cerr << "error: " << key.error().message << "\n";
    return kExitError;
  }
  auto cert = pki::self_signed({.common_name = options.common_name.empty() ? options.name : options.common_name,
                                .organization = "trustctl lab CA",
                                .is_ca = true,
                                .days = options.days},
                               *key);
  if (!cert) {
    std::cerr << "error: " << cert.error().message << "\n";
    return kExitError;
  }
  if (auto ok = write_private(key_path, key->private_pem()); !ok) {
    std::cerr << "error: " << ok.error().message << "\n";
    return kExitError;
  }
  std::ofstream(cert_path) << cert->pem();
  std::cout << "created lab CA '" << options.name << "'\n  certificate: " << cert_path.string()
            << "\n  key:         " << key_path.string() << " (mode 0600; keep it out of version control)\n"
            << "  SHA-256:     " << cert->fingerprint() << "\n\nUse it in a site file:\n\n[[ca]]\nname = \""
            << options.name << "\"\ncertificate = \"" << cert_path.string() << "\"\nlocal_key = \""
            << key_path.string() << "\"\n";
  return kExitOk;
}

}  // namespace trustctl::cli
