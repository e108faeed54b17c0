#include "providers/integration_rules.hpp"

namespace trustctl::providers {

const std::vector<IntegrationRule>& integration_rules() {
  using P = Product;
  static const std::vector<IntegrationRule> rules = {
      {.from = P::uccx, .to = P::mediasense, .source = "UCCX -> MediaSense REST: UCCX trusts the MediaSense API nodes"},
      {.from = P::mediasense, .to = P::uccx,
       .source = "MediaSense -> Finesse REST (Search and Play): MediaSense trusts both UCCX nodes"},
      {.from = P::mediasense, .to = P::finesse, .source = "MediaSense -> Finesse REST: MediaSense trusts Finesse"},
      {.from = P::uccx, .to = P::socialminer, .callee_trusts_caller = true,
       .source = "UCCX <-> SocialMiner: UCCX trusts SocialMiner, SocialMiner trusts each UCCX node"},
      {.from = P::uccx, .to = P::cucm, .source = "UCCX -> CUCM (AXL, JTAPI): UCCX trusts CUCM"},
      {.from = P::uccx, .to = P::external, .kind = "script", .whole_chain = true,
       .caller_restarts = {"Cisco Unified CCX Engine"},
       .source = "UCCX scripts -> third-party HTTPS: the whole chain in UCCX tomcat-trust, restart the CCX Engine"},
      {.from = P::uccx, .to = P::external, .whole_chain = true,
       .source = "UCCX -> third-party HTTPS: the whole chain in UCCX tomcat-trust"},
      // Phases: Finesse trusting CUIC (phase 0) is written before CUIC trusting Finesse (phase 1).
      {.from = P::finesse, .to = P::cuic, .callee_trusts_caller = true, .ordering = kPcceCuicRootsFirst,
       .caller_phase = 0, .callee_phase = 1,
       .source = "PCCE Finesse <-> CUIC/Live Data: CUIC roots on Finesse first, then Finesse roots on CUIC"},
      {.from = P::cuic, .to = P::finesse, .callee_trusts_caller = true, .ordering = kPcceCuicRootsFirst,
       .caller_phase = 1, .callee_phase = 0,
       .source = "PCCE Finesse <-> CUIC/Live Data: CUIC roots on Finesse first, then Finesse roots on CUIC"},
      {.from = P::finesse, .to = P::external, .whole_chain = true,
       .source = "Finesse -> gadget host: the gadget host's chain in Finesse tomcat-trust"},
  };
  return rules;
}

}  // namespace trustctl::providers
