// libFuzzer target: the saved-plan decoder (plans/plan_file), as `trustctl plan --from FILE` and `trustctl apply
// FILE` use it: JSON syntax (simdjson, plans/json_view.hpp), then every field's type, the certificate table and the
// edges. A plan that decodes is rendered the three ways `plan --from` can print it, which walks every action, edge
// and node of the layout.

#include "plans/plan_file.hpp"
#include "plans/render_json.hpp"
#include "plans/render_markdown.hpp"
#include "plans/render_text.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "providers/vos/vos_units.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trustctl;
  const std::string_view text = fuzz::as_text(data, size);
  // Both ways a plan file is read: certificates decoded as read (plan --from), and left for first use (apply, which
  // only compares them); the second is rendered too, so its certificates are decoded as rendering asks.
  for (auto decoding : {plans::CertificateDecoding::names, plans::CertificateDecoding::on_first_use}) {
    auto saved = plans::plan_from_file_text(text, "plan.json", providers::vos_units(), decoding);
    if (!saved) {
      (void)saved.error().describe();
      continue;
    }
    (void)plans::render_text(saved->plan, saved->layout, {.color = false});
    (void)plans::render_markdown(saved->plan, saved->layout);
    (void)plans::plan_to_json(saved->plan).dump();
  }
  return 0;
}
