#pragma once
// The journal as people read it: one entry per apply (or csr run) with who, when, what was done and what failed, and
// the owed restarts settled by hand (`journal --forget-owed`). `trustctl journal` and the HTML report show the same
// summary, so both read it from here.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace trustctl {

// One apply (or csr run) as the journal tells it. Read with record_text: a record may lack any field, and an apply
// killed before its end has no end record at all.
struct ApplyRun {
  std::string id;
  std::string started, user, host, site_digest;  // from apply-start ("" when its start record is missing)
  std::string finished;                            // the apply-end record's time ("" when interrupted)
  bool ended = false;
  std::string stopped_by;                          // a signal that stopped it ("SIGTERM"), from its end record
  int done = 0, failed = 0, skipped = 0;
  std::vector<std::string> failures;
};

// A `--forget-owed` record: who settled which owed restarts without running them, and when.
struct Forgotten {
  std::string node, service, user, host, ts;  // service "" = every restart of the node
};

struct JournalView {
  std::vector<ApplyRun> applies;  // in the order they started
  std::vector<Forgotten> forgotten;
};

JournalView summarise(const std::vector<nlohmann::json>& records);

}  // namespace trustctl
