#include "cli/commands/commands.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/verify_stage.hpp"

#include <iostream>

namespace trustctl::cli {

int run_verify(const CommonOptions& common, const providers::Registry& registry) {
  auto context = load(common, registry);
  if (!context) return kExitError;
  auto outcome = verify(*context);
  if (!outcome) return kExitError;
  if (context->json()) {
    print_json(outcome->json);
  } else if (context->jsonl()) {
    // The endpoints were streamed as "verify" events; the summary counts them.
    EventStream::summary({{"ok", outcome->ok},
                          {"endpoints", outcome->json["endpoints"].size()},
                          {"failing", outcome->json["failing"]},
                          {"exit_code", outcome->ok ? kExitOk : kExitError}});
  } else {
    std::cout << outcome->text;
  }
  return outcome->ok ? kExitOk : kExitError;
}

}  // namespace trustctl::cli
