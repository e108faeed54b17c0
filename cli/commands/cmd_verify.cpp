#include "cli/commands/commands.hpp"
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
    std::cout << outcome->json.dump(2) << std::endl;
  } else {
    std::cout << outcome->text;
  }
  return outcome->ok ? kExitOk : kExitError;
}

}  // namespace trustctl::cli
