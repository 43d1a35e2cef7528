// AlarmEngine::save / restore: alarm states and histories outlive a restart (issue 15).
#include <stdexcept>

#include "emulator/cloudwatch/alarm_engine.h"

namespace emu::cloudwatch {

namespace {

using nlohmann::json;

AlarmState state_of(const std::string& name) {
  if (name == "OK") return AlarmState::kOk;
  if (name == "ALARM") return AlarmState::kAlarm;
  if (name == "INSUFFICIENT_DATA") return AlarmState::kInsufficientData;
  throw std::invalid_argument("unknown alarm state \"" + name + "\"");
}

json save_record(const AlarmRecord& r) {
  json history = json::array();
  for (const auto& h : r.history) {
    history.push_back({{"timestamp", h.timestamp}, {"type", h.type}, {"summary", h.summary}, {"data", h.data}});
  }
  return {{"definition", r.definition.source},
          {"state", state_name(r.state)},
          {"reason", r.reason},
          {"reason_data", r.reason_data},
          {"state_updated", r.state_updated},
          {"configuration_updated", r.configuration_updated},
          {"history", history}};
}

// Everything but the definition.
void restore_record(AlarmRecord& r, const json& saved) {
  r.state = state_of(saved.at("state").get<std::string>());
  r.reason = saved.at("reason").get<std::string>();
  r.reason_data = saved.at("reason_data");
  r.state_updated = saved.at("state_updated").get<Micros>();
  r.configuration_updated = saved.at("configuration_updated").get<Micros>();
  r.history.clear();
  for (const auto& h : saved.at("history")) {
    r.history.push_back({h.at("timestamp").get<Micros>(), h.at("type").get<std::string>(),
                         h.at("summary").get<std::string>(), h.at("data")});
  }
  // Bounded as record() bounds it.
  while (r.history.size() > AlarmEngine::kMaxHistory) r.history.pop_front();
}

}  // namespace

json AlarmEngine::save() const {
  json alarms = json::object();
  for (const auto& [name, record] : alarms_) alarms[name] = save_record(record);
  return {{"alarms", alarms}};
}

void AlarmEngine::restore(const json& saved) {
  try {
    for (const auto& [name, entry] : saved.at("alarms").items()) {
      auto it = alarms_.find(name);
      if (it == alarms_.end()) {
        if (alarms_.size() >= kMaxAlarms) break;
        auto definition = AlarmDefinition::from_json(entry.at("definition"));
        if (!definition) {
          throw std::invalid_argument("alarm " + name + ": " + definition.error().message);
        }
        AlarmRecord record;
        record.definition = std::move(*definition);
        it = alarms_.emplace(name, std::move(record)).first;
        ++alarms_changed_;
      }
      restore_record(it->second, entry);
    }
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("the saved alarms are damaged: ") + e.what());
  }
  ++version_;
}

}  // namespace emu::cloudwatch
