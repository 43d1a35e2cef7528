#include "emulator/cloudwatch/alarm_engine.h"

#include "emulator/core/errors.h"

namespace emu::cloudwatch {

namespace {
constexpr Micros kHistoryRetention = 14 * kMicrosPerDay;
}  // namespace

AlarmEngine::AlarmEngine(MetricStore& store, Scheduler& scheduler, Notifier* notifier,
                         std::string region, std::string account_id)
    : store_(store),
      scheduler_(scheduler),
      notifier_(notifier),
      region_(std::move(region)),
      account_id_(std::move(account_id)) {
  schedule(floor_to(scheduler_.now(), kMicrosPerMinute) + kMicrosPerMinute);
}

void AlarmEngine::schedule(Micros at) {
  scheduler_.at(at, [this, at] {
    evaluate_all(at);
    store_.flush();
    if (at % kMicrosPerHour == 0) store_.prune(at - 15 * kMicrosPerDay);
    store_.keep_in_memory(at, memory_windows());
    schedule(at + kMicrosPerMinute);
  });
}

std::string AlarmEngine::arn_of(const std::string& name) const {
  return "arn:aws:cloudwatch:" + region_ + ":" + account_id_ + ":alarm:" + name;
}

Status AlarmEngine::put(AlarmDefinition definition, Micros now) {
  ++alarms_changed_;
  ++version_;
  const std::string name = definition.name;
  auto it = alarms_.find(name);
  if (it == alarms_.end()) {
    if (alarms_.size() >= kMaxAlarms) {
      return errors::cloudwatch::kLimitExceeded(
          "The quota for alarms for this customer has already been reached.");
    }
    AlarmRecord record;
    record.definition = std::move(definition);
    record.state_updated = now;
    record.configuration_updated = now;
    record.history.push_back({now, "ConfigurationUpdate", "Alarm \"" + name + "\" created",
                              {{"type", "Create"}}});
    alarms_.emplace(name, std::move(record));
    return ok_status();
  }
  it->second.definition = std::move(definition);  // the state stays (aws-fidelity 6.2)
  it->second.configuration_updated = now;
  record(it->second, {now, "ConfigurationUpdate", "Alarm \"" + name + "\" updated",
                      {{"type", "Update"}}});
  return ok_status();
}

// Appends to the history, which keeps the newest kMaxHistory items of the last 14 days.
void AlarmEngine::record(AlarmRecord& alarm, HistoryItem item) {
  ++version_;
  const Micros now = item.timestamp;
  alarm.history.push_back(std::move(item));
  while (alarm.history.size() > kMaxHistory ||
         (!alarm.history.empty() && alarm.history.front().timestamp < now - kHistoryRetention)) {
    alarm.history.pop_front();
  }
}

bool AlarmEngine::remove(const std::string& name) {
  ++alarms_changed_;
  ++version_;
  return alarms_.erase(name) > 0;
}

AlarmRecord* AlarmEngine::find(const std::string& name) {
  const auto it = alarms_.find(name);
  return it == alarms_.end() ? nullptr : &it->second;
}

void AlarmEngine::set_state(AlarmRecord& alarm, AlarmState state, const std::string& reason,
                            Micros now) {
  change_state(alarm, state, reason, now);
}

void AlarmEngine::evaluate_all(Micros now) {
  for (auto& [name, alarm] : alarms_) evaluate(alarm, now);
}

std::optional<Series> AlarmEngine::series_for(const MetricDataQuery& q, Micros start,
                                              Micros end) const {
  Series s;
  s.period = q.period;
  const auto id = store_.find(q.metric.name_space, q.metric.name, q.metric.dimensions, q.metric.unit);
  if (!id) return s;  // a metric with no data yet is an empty series
  for (const auto& d : store_.query(*id, start, end, q.period)) {
    if (const auto v = d.stats.statistic(q.stat)) s.points[d.timestamp] = *v;
  }
  return s;
}

std::vector<std::pair<Micros, std::optional<double>>> AlarmEngine::datapoints(
    const AlarmDefinition& a, Micros now) const {
  // The evaluation range: more windows than N (aws-fidelity 6.3 step 1), ending now.
  const std::int64_t windows = a.evaluation_periods + 2;
  const Micros start = now - windows * a.period;
  std::map<Micros, double> values;
  if (a.math()) {
    std::map<std::string, Series> memo;
    std::function<std::optional<Series>(const std::string&)> lookup;
    lookup = [&](const std::string& id) -> std::optional<Series> {
      if (const auto it = memo.find(id); it != memo.end()) return it->second;
      for (const auto& q : a.metrics) {
        if (q.id != id) continue;
        std::optional<Series> s;
        if (q.expression.empty()) {
          s = series_for(q, start, now);
        } else {
          auto r = evaluate_expression(q.expression, lookup);
          if (r) s = *r;
        }
        if (s) memo[id] = *s;
        return s;
      }
      return std::nullopt;
    };
    for (const auto& q : a.metrics) {
      if (!q.return_data) continue;
      if (const auto s = lookup(q.id)) values = s->points;
    }
  } else {
    MetricDataQuery q;
    q.metric = a.metric;
    q.stat = a.statistic;
    q.period = a.period;
    if (const auto s = series_for(q, start, now)) values = s->points;
  }
  std::vector<std::pair<Micros, std::optional<double>>> out;
  for (std::int64_t k = windows; k >= 1; --k) {
    const Micros t = now - k * a.period;
    const auto it = values.find(t);
    out.emplace_back(t, it == values.end() ? std::nullopt : std::optional<double>(it->second));
  }
  return out;
}

const std::vector<Micros>& AlarmEngine::memory_windows() {
  if (windows_.alarms_changed == alarms_changed_ && windows_.metrics == store_.size()) {
    return windows_.by_metric;
  }
  windows_.alarms_changed = alarms_changed_;
  windows_.metrics = store_.size();
  std::vector<Micros>& windows = windows_.by_metric;
  windows.assign(store_.size(), 0);
  for (const auto& [name, alarm] : alarms_) {
    const AlarmDefinition& a = alarm.definition;
    // datapoints() reads (N + 2) alarm periods back from now, in whole query periods.
    const Micros range = (a.evaluation_periods + 2) * a.period;
    const auto need = [&](const MetricKey& m, Micros period) {
      const auto id = store_.find(m.name_space, m.name, m.dimensions, m.unit);
      if (!id || period <= 0) return;
      const Micros read = (range + period - 1) / period * period;
      windows[*id] =
          std::max(windows[*id], read + kMicrosPerMinute);  // + the next evaluation's minute
    };
    if (!a.math()) need(a.metric, a.period);
    for (const auto& q : a.metrics) {
      if (q.expression.empty()) need(q.metric, q.period);
    }
  }
  return windows;
}

void AlarmEngine::evaluate(AlarmRecord& alarm, Micros now) {
  const AlarmDefinition& a = alarm.definition;
  const auto points = datapoints(a, now);
  const bool dynamodb = !a.math() && a.metric.name_space == "AWS/DynamoDB";
  const Evaluation e = evaluate_points(a, points, dynamodb);
  nlohmann::json recent = nlohmann::json::array();
  for (const auto& [t, v] : points) {
    if (v) recent.push_back(*v);
  }
  alarm.reason_data = {{"version", "1.0"},
                       {"queryDate", format_iso8601(now)},
                       {"startDate", format_iso8601(points.empty() ? now : points.front().first)},
                       {"statistic", a.statistic},
                       {"period", a.period / kMicrosPerSecond},
                       {"recentDatapoints", recent},
                       {"threshold", a.threshold}};
  if (e.keep_state || e.state == alarm.state) return;
  change_state(alarm, e.state, e.reason, now);
}

void AlarmEngine::change_state(AlarmRecord& alarm, AlarmState state, const std::string& reason,
                               Micros now) {
  const AlarmState old = alarm.state;
  alarm.state = state;
  alarm.reason = reason;
  alarm.state_updated = now;
  const std::string summary =
      std::string("Alarm updated from ") + state_name(old) + " to " + state_name(state);
  record(alarm, {now, "StateUpdate", summary,
                 {{"version", "1.0"},
                  {"oldState", {{"stateValue", state_name(old)}}},
                  {"newState", {{"stateValue", state_name(state)},
                                {"stateReason", reason},
                                {"stateReasonData", alarm.reason_data}}}}});
  const AlarmDefinition& a = alarm.definition;
  if (notifier_ == nullptr || !a.actions_enabled || old == state) return;
  const auto& actions = state == AlarmState::kAlarm ? a.alarm_actions
                        : state == AlarmState::kOk  ? a.ok_actions
                                                    : a.insufficient_data_actions;
  for (const auto& topic : actions) {
    nlohmann::json message = {{"AlarmName", a.name},
                              {"AlarmDescription", a.description},
                              {"AWSAccountId", account_id_},
                              {"NewStateValue", state_name(state)},
                              {"NewStateReason", reason},
                              {"StateChangeTime", format_iso8601(now)},
                              {"Region", "Canada (Central)"},
                              {"AlarmArn", arn_of(a.name)},
                              {"OldStateValue", state_name(old)},
                              {"Trigger", a.source}};
    notifier_->publish(topic, message);
  }
}

}  // namespace emu::cloudwatch
