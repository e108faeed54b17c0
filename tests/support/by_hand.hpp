#pragma once
// An administrator's session on a node of a lab, over real SSH with trustctl's own CLI driver: what a person does by
// hand between two trustctl runs (install a certificate, regenerate an identity, restart a service).

#include "engine/config/secrets.hpp"
#include "engine/config/site_loader.hpp"
#include "providers/vos/session_pool.hpp"
#include "support/lab.hpp"
#include "providers/vos/vos_units.hpp"

#include <functional>
#include <memory>

namespace trustctl::testing {

inline Result<void> by_hand(const std::filesystem::path& site_file, const std::string& node,
                            const std::function<Result<void>(transport::CliSession&)>& fn) {
  auto site = config::load_site_or_error(site_file, providers::vos_units());
  if (!site) return fail(site.error());
  auto secrets = providers::resolve_site_secrets(*site);
  if (!secrets) return fail(secrets.error());
  auto shared = std::make_shared<const providers::SecretMap>(std::move(*secrets));
  providers::SessionPool pool({false, providers::ssh_opener(shared, false), shared});
  return pool.with_session(*site->find_node(node), fn);
}

}  // namespace trustctl::testing
