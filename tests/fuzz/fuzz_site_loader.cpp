// libFuzzer target: the site loader (engine/config/site_loader), on the text of a site file. The text is loaded as if
// it were <scratch>/site.toml, an empty directory, so relative references (file:, signed_dir, local_key) find nothing.
// Every problem must come back as an error with a region, never as a crash, a hang or an exception.

#include "engine/config/site_loader.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "providers/vos/vos_units.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trustctl;
  static const std::filesystem::path site_path = fuzz::scratch_dir() / "site.toml";
  config::LoadResult result = config::load_site_text(fuzz::as_text(data, size), site_path, providers::vos_units());
  for (const auto& e : result.errors) (void)e.describe();
  for (const auto& w : result.warnings) (void)w.describe();
  if (result.site) {
    for (const Node* node : result.site->all_nodes()) (void)result.site->find_cluster(node->cluster);
  }
  return 0;
}
