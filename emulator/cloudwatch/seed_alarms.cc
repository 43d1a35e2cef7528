#include "emulator/cloudwatch/seed_alarms.h"

namespace emu::cloudwatch {

void install_seed_alarms(AlarmEngine& engine, const Config& config, Micros now) {
  const std::string profile = config.string("/cloudwatch/alarm_profile");
  if (profile != "production" && profile != "staging") {
    throw ConfigError("/cloudwatch/alarm_profile", "\"production\" or \"staging\"");
  }
  for (const auto& [name, entry] : config.at("/cloudwatch/alarms").items()) {
    const std::string where = "/cloudwatch/alarms/" + name;
    if (!entry.is_object()) throw ConfigError(where, "an object with PutMetricAlarm fields");
    if (entry.contains("enabled") && entry["enabled"] == false) continue;
    nlohmann::json fields = entry;
    fields.erase("enabled");
    fields.erase("staging");
    if (profile == "staging" && entry.contains("staging") && entry["staging"].is_object()) {
      for (const auto& [k, v] : entry["staging"].items()) fields[k] = v;
    }
    fields["AlarmName"] = name;
    auto definition = AlarmDefinition::from_json(fields);
    if (!definition) throw ConfigError(where, definition.error().message);
    if (const auto put = engine.put(std::move(*definition), now); !put) {
      throw ConfigError(where, put.error().message);
    }
  }
}

}  // namespace emu::cloudwatch
