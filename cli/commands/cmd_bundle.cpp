#include "cli/commands/commands.hpp"

#include "engine/base/openssl_handles.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/refresh_stage.hpp"
#include "engine/model/printable.hpp"
#include "plans/client_bundle.hpp"
#include "providers/vos/vos_refresh.hpp"

#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <fstream>
#include <iostream>

namespace trustctl::cli {
namespace {

// PKCS#7 certs-only ("p7b"), what Windows group policy imports.
Result<std::string> to_p7b(const std::vector<Certificate>& certs) {
  ossl::Pkcs7 p7(PKCS7_new());
  PKCS7_set_type(p7.get(), NID_pkcs7_signed);
  PKCS7_content_new(p7.get(), NID_pkcs7_data);
  for (const auto& c : certs) PKCS7_add_certificate(p7.get(), c.native());
  auto bio = ossl::memory_bio();
  if (PEM_write_bio_PKCS7(bio.get(), p7.get()) != 1) {
    return fail(ErrorCode::internal, "OpenSSL could not write the PKCS#7 bundle");
  }
  return ossl::bio_text(bio.get());
}

}  // namespace

// Writes what browsers must trust (plans/client_bundle) as PEM or PKCS#7, with a manifest of the URLs each serves.
int run_bundle(const CommonOptions& common, const BundleOptions& options, const providers::Registry& registry) {
  auto context = load(common, registry);
  if (!context || !read_stores(*context)) return kExitError;
  const Terminal& term = context->term;
  const Site* site = &context->site;
  const LiveState* live = &context->live;
  auto bundle = plans::client_bundle(*site, *live, registry);
  if (!bundle.problems.empty()) {
    report_errors(bundle.problems, common, term);
    return kExitError;
  }
  std::vector<Certificate> entries;
  for (const auto& e : bundle.entries) entries.push_back(e.certificate);
  std::string body;
  if (options.format == "p7b") {
    auto p7 = to_p7b(entries);
    if (!p7) {
      report_errors({p7.error()}, common, term);
      return kExitError;
    }
    body = *p7;
  } else {
    for (const auto& c : entries) body += c.pem();
  }
  nlohmann::json manifest = nlohmann::json::array();
  for (const auto& e : bundle.entries) {
    const Certificate& c = e.certificate;
    manifest.push_back({{"subject", c.subject()},
                        {"fingerprint_sha256", c.fingerprint()},
                        {"not_after_days", std::chrono::duration_cast<std::chrono::hours>(
                                               c.not_after() - now_utc()).count() / 24},
                        {"self_signed_identity", e.self_signed_identity},
                        {"serves", e.serves}});
  }
  std::ofstream(options.out) << body;
  std::ofstream(options.out + ".manifest.json") << versioned({{"site", site->name}, {"entries", manifest}}).dump(2)
                                                << "\n";
  if (common.format == "json") {
    print_json({{"file", options.out}, {"entries", manifest}});
  } else {
    std::cout << "wrote " << entries.size() << " certificate(s) to " << options.out << " (" << options.format
              << ") and the manifest to " << options.out << ".manifest.json\n";
    for (const auto& m : manifest) {
      std::cout << "  " << printable(m["subject"].get<std::string>()) << "  serves " << m["serves"].size()
                << " endpoint(s)\n";
    }
  }
  return kExitOk;
}

}  // namespace trustctl::cli
