#pragma once
// Site file (TOML) -> model. Every problem is reported with file:line:col and the key; all problems of a file are
// collected, not just the first, so one run of `trustctl validate` shows them all.

#include "engine/model/certificate_units.hpp"
#include "engine/model/site.hpp"

#include <filesystem>
#include <string_view>
#include <vector>

namespace trustctl::config {

struct LoadResult {
  std::optional<Site> site;      // set when errors is empty
  std::vector<Error> errors;     // each with a region
  std::vector<Error> warnings;   // deprecated keys and similar
};

// `units` names the certificate units the products have (ProviderLookup::units()): the keys of
// [cluster.identity.<unit>] and the store a [[trust]] rule writes to when it names none.
LoadResult load_site(const std::filesystem::path& path, const CertificateUnits& units);

// The same, for a site already in memory: `path` names it in messages, and relative references (file:, signed_dir,
// local_key) resolve against its directory as if the text had been read from there. Nothing reads `path` itself.
LoadResult load_site_text(std::string_view text, const std::filesystem::path& path, const CertificateUnits& units);

// Convenience: the site, or the first error (callers that print all errors use load_site).
Result<Site> load_site_or_error(const std::filesystem::path& path, const CertificateUnits& units);

}  // namespace trustctl::config
