// Alarms on the Clock: every alarm (the seed's, from config, and those created through
// PutMetricAlarm) is evaluated once a minute, at hh:mm:00, over windows of its period ending at
// that minute. ASSUMPTION: windows roll with the evaluation minute (a 600 s alarm evaluated at
// 00:03 looks at [23:53, 00:03)); AWS does not document the alignment of periods longer than the
// evaluation interval.
//
// New alarms start INSUFFICIENT_DATA ("Unchecked: Initial alarm creation"); updating an alarm
// keeps its state; SetAlarmState lasts until the next evaluation. State changes are recorded
// in the alarm's history (at most kMaxHistory entries, 14 days) and published to the alarm's
// SNS topics through the Notifier.
//
// Each minute, after evaluating, the engine tells the metric store which minutes to keep in
// memory: per metric, the longest range an alarm reading it evaluates ((N + 2) periods).
//
// DEVIATION: at most kMaxAlarms alarms (PutMetricAlarm beyond answers LimitExceeded, as AWS did
// while it had a per-Region alarm quota of 5,000); AWS has no such limit today.
//
// Thread rules: simulation thread only.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "emulator/cloudwatch/alarm.h"
#include "emulator/cloudwatch/metric_math.h"
#include "emulator/cloudwatch/metric_store.h"
#include "emulator/cloudwatch/notifier.h"
#include "emulator/core/scheduler.h"

namespace emu::cloudwatch {

struct HistoryItem {
  Micros timestamp;
  std::string type;     // "StateUpdate" | "ConfigurationUpdate"
  std::string summary;  // "Alarm updated from OK to ALARM"
  nlohmann::json data;
};

struct AlarmRecord {
  AlarmDefinition definition;
  AlarmState state = AlarmState::kInsufficientData;
  std::string reason = "Unchecked: Initial alarm creation";
  nlohmann::json reason_data = nlohmann::json::object();
  Micros state_updated = 0;
  Micros configuration_updated = 0;
  std::deque<HistoryItem> history;  // newest last
};

class AlarmEngine {
 public:
  static constexpr std::size_t kMaxAlarms = 5000;
  static constexpr std::size_t kMaxHistory = 1000;

  AlarmEngine(MetricStore& store, Scheduler& scheduler, Notifier* notifier, std::string region,
              std::string account_id);

  // Creates or replaces (keeping the state) an alarm. LimitExceeded when creating one more
  // than kMaxAlarms.
  Status put(AlarmDefinition definition, Micros now);
  bool remove(const std::string& name);
  AlarmRecord* find(const std::string& name);
  const std::map<std::string, AlarmRecord>& alarms() const { return alarms_; }
  // SetAlarmState: until the next evaluation.
  void set_state(AlarmRecord& alarm, AlarmState state, const std::string& reason, Micros now);

  // The alarms' states, histories and update times, and the alarms PutMetricAlarm made, to
  // keep with the data dir (durable_state.h): they outlive a restart. restore() runs after the
  // configured alarms are installed: their definitions come from the config (it may have
  // changed meanwhile), their state and history from `saved`; an alarm made by PutMetricAlarm
  // comes back whole. DEVIATION: a configured alarm deleted with DeleteAlarms comes back from
  // the config after a restart. Throws std::invalid_argument when `saved` is damaged.
  nlohmann::json save() const;
  void restore(const nlohmann::json& saved);
  // Changes whenever a state, a history or the set of alarms does (not with each minute's
  // evaluation that changes nothing).
  std::uint64_t version() const { return version_; }

  // Evaluates every alarm now (the scheduler calls it each minute).
  void evaluate_all(Micros now);
  std::string arn_of(const std::string& name) const;
  // The datapoints an alarm's evaluation sees at `now`: one per window of its range, oldest
  // first (nullopt = missing).
  std::vector<std::pair<Micros, std::optional<double>>> datapoints(const AlarmDefinition& a,
                                                                    Micros now) const;
  // Per metric id, how far back the alarms reading it look (0 for metrics no alarm reads).
  // Recomputed when the alarms or the metrics change.
  const std::vector<Micros>& memory_windows();

 private:
  void schedule(Micros at);
  void evaluate(AlarmRecord& alarm, Micros now);
  void change_state(AlarmRecord& alarm, AlarmState state, const std::string& reason, Micros now);
  void record(AlarmRecord& alarm, HistoryItem item);
  std::optional<Series> series_for(const MetricDataQuery& q, Micros start, Micros end) const;

  MetricStore& store_;
  Scheduler& scheduler_;
  Notifier* notifier_;
  std::string region_, account_id_;
  std::map<std::string, AlarmRecord> alarms_;
  std::uint64_t alarms_changed_ = 0;  // put() and remove() count here
  std::uint64_t version_ = 0;
  struct Windows {
    std::uint64_t alarms_changed = UINT64_MAX;
    std::size_t metrics = 0;
    std::vector<Micros> by_metric;
  } windows_;
};

}  // namespace emu::cloudwatch
