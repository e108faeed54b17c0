#include "engine/state/apply_records.hpp"

namespace trustctl::records {

nlohmann::json apply_start(const ApplyStart& start) {
  return {{"v", kRecordVersion},          {"event", "apply-start"},     {"apply", start.apply_id},
          {"command", start.command},     {"user", start.user},         {"host", start.host},
          {"site", start.site},           {"site_file", start.site_file}, {"site_digest", start.site_digest},
          {"actions", start.actions},     {"restarts", start.restarts}};
}

nlohmann::json action_event(const std::string& apply_id, const std::string& event, const Action& action) {
  nlohmann::json record = {{"v", kRecordVersion}, {"event", event},   {"apply", apply_id},
                           {"action", action.id()}, {"kind", to_string(action.kind)}, {"node", action.node}};
  if (!action.service.empty()) record["service"] = action.service;
  if (action.certificate) record["fingerprint_sha256"] = action.certificate->fingerprint();
  return record;
}

namespace {
nlohmann::json restart_record(const char* event, const std::string& apply_id, const OwedRestart& restart,
                              const std::string& owed_by) {
  return {{"v", kRecordVersion},   {"event", event},           {"apply", apply_id},
          {"action", restart.node + ":restart:" + restart.service},
          {"kind", "restart"},     {"node", restart.node},     {"service", restart.service},
          {"owed_by", owed_by}};
}
}  // namespace

nlohmann::json restart_owed(const std::string& apply_id, const OwedRestart& restart, const std::string& owed_by) {
  return restart_record("restart-owed", apply_id, restart, owed_by);
}

nlohmann::json restart_released(const std::string& apply_id, const OwedRestart& restart, const std::string& owed_by) {
  return restart_record("restart-released", apply_id, restart, owed_by);
}

nlohmann::json apply_end(const ApplyEnd& end) {
  nlohmann::json record = {{"v", kRecordVersion}, {"event", "apply-end"}, {"apply", end.apply_id},
                           {"done", end.done},    {"failed", end.failed}, {"skipped", end.skipped}};
  if (!end.interrupted_by.empty()) record["interrupted_by"] = end.interrupted_by;
  return record;
}

}  // namespace trustctl::records
