#include "loadgen/emulator_side.h"

#include <cmath>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include "emulator/core/clock.h"
#include "emulator/ledger/ledger.h"

namespace loadgen {

namespace {

using nlohmann::json;

constexpr int kMaxHistoryPages = 1000;  // 100 items each: far past any run's alarm changes

json must_json(HttpClient& client, const std::string& path) {
  const auto answer = client.get(path);
  auto j = answer.json();
  if (answer.status != 200 || !j) {
    throw TargetError("--target " + client.url() + ": GET " + path + " answered " +
                      std::to_string(answer.status) + " " + answer.body.substr(0, 200));
  }
  return *j;
}

std::int64_t count_at(const json& j, const std::string& key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<std::int64_t>() : 0;
}

// end - start for every counter of a saved ledger (Ledger::save()'s shape).
json counters_delta(const json& start, const json& end) {
  json out = json::object();
  for (const auto& [section, counters] : end.items()) {
    json d = json::object();
    for (const auto& [key, n] : counters.items()) {
      d[key] = n.get<std::int64_t>() - count_at(start.value(section, json::object()), key);
    }
    out[section] = d;
  }
  return out;
}

double seconds_of(Micros t) { return static_cast<double>(t) / 1e6; }

}  // namespace

std::optional<json> EmulatorSide::probe(HttpClient& client) {
  const auto answer = client.get("/_emulator/health");
  auto j = answer.json();
  if (answer.status != 200 || !j || !j->is_object() || j->value("status", "") != "ok" ||
      !j->contains("clock_mode")) {
    return std::nullopt;
  }
  return j;
}

EmulatorSide::EmulatorSide(HttpClient& client, json health, const Scenario& s, double speed)
    : client_(client), s_(s), speed_(speed), virtual_clock_(health.value("clock_mode", "") == "virtual") {}

std::optional<std::string> EmulatorSide::api_key() const {
  const auto config = client_.get("/_emulator/config").json();
  if (!config || !config->contains(json::json_pointer("/apigateway/api_key"))) return std::nullopt;
  return (*config)[json::json_pointer("/apigateway/api_key")].get<std::string>();
}

void EmulatorSide::validate() const {
  const auto answer = client_.cloudwatch("DescribeAlarms", json::object());
  const auto j = answer.json();
  if (answer.status != 200 || !j || !j->contains("MetricAlarms")) {
    throw TargetError("--target " + client_.url() + ": CloudWatch DescribeAlarms answered " +
                      std::to_string(answer.status));
  }
  std::set<std::string> names;
  for (const auto& a : (*j)["MetricAlarms"]) names.insert(a.value("AlarmName", ""));
  // Alarms the scenario's emulator block adds are not there yet; it cannot add any at runtime
  // (EmulatorOverrides refuses them), so the emulator's list is the whole list.
  for (std::size_t i = 0; i < s_.expectations.size(); ++i) {
    const std::string& alarm = s_.expectations[i].alarm;
    std::string figure_alarm;
    if (s_.expectations[i].figure.rfind("alarm_fired.", 0) == 0) {
      figure_alarm = s_.expectations[i].figure.substr(12);
    }
    for (const auto& [name, field] : {std::pair{alarm, "alarm"}, std::pair{figure_alarm, "figure"}}) {
      if (name.empty() || names.count(name)) continue;
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      throw ScenarioError(s_.file, "expectations[" + std::to_string(i) + "]." + field,
                          "the name of an alarm the emulator at " + client_.url() + " has (\"" + name +
                              "\" is not one; it has: " + known + ")");
    }
  }
}

void EmulatorSide::apply_overrides() { overrides_.apply(client_, s_); }

void EmulatorSide::restore_overrides() {
  for (const auto& name : overrides_.restore(client_)) {
    std::fprintf(stderr, "loadgen: warning: could not put back %s as it was before the run\n",
                 name.c_str());
  }
}

Micros EmulatorSide::to_emulator(Micros t) const {
  if (virtual_clock_) return emulator_start_ + (t - s_.start);
  return emulator_start_ + static_cast<Micros>(static_cast<double>(t - s_.start) / speed_);
}

Micros EmulatorSide::to_scenario(Micros t) const {
  if (virtual_clock_) return s_.start + (t - emulator_start_);
  return s_.start + static_cast<Micros>(static_cast<double>(t - emulator_start_) * speed_);
}

Micros EmulatorSide::emulator_now() {
  const auto health = must_json(client_, "/_emulator/health");
  const auto now = emu::parse_iso8601(health.value("now", ""));
  if (!now) throw TargetError("--target " + client_.url() + ": /_emulator/health has no \"now\"");
  return *now;
}

void EmulatorSide::set_clock(Micros t) {
  const auto answer = client_.post("/_emulator/clock", json{{"set", emu::format_iso8601(t)}}.dump());
  // Another shard may have moved the clock further meanwhile: time never moves backwards.
  if (answer.status != 200 && answer.body.find("backwards") == std::string::npos) {
    throw TargetError("--target " + client_.url() + ": POST /_emulator/clock answered " +
                      std::to_string(answer.status) + " " + answer.body);
  }
  clock_set_to_ = std::max(clock_set_to_, t);
}

json EmulatorSide::ledger() { return must_json(client_, "/_emulator/ledger"); }

json EmulatorSide::wait_until_idle(double settle_seconds, double& waited, bool& settled) {
  const Micros started = emu::wall::monotonic_now();
  const Micros bound = emu::seconds(settle_seconds);
  for (;;) {
    json l = ledger();
    const auto& e = l["entries"];
    settled = count_at(e, "awaiting_delivery") == 0 && count_at(e, "in_dlq") == 0;
    waited = emu::to_seconds(emu::wall::monotonic_now() - started);
    // A virtual clock does not move on its own: waiting would not change anything.
    if (settled || virtual_clock_ || emu::wall::monotonic_now() - started >= bound) return l;
    // Polling the emulator's own counters (the thing waited for), not a stand-in sleep.
    emu::wall::sleep_for(100 * emu::kMicrosPerMilli);
  }
}

void EmulatorSide::begin(double settle_seconds) {
  const Micros now = emulator_now();
  if (virtual_clock_) {
    // Whole days keep the time of day (midnights, the nightly ETL) where the scenario has it.
    const Micros behind = now > s_.start ? now - s_.start : 0;
    const Micros days = (behind + emu::kMicrosPerDay - 1) / emu::kMicrosPerDay;
    emulator_start_ = s_.start + days * emu::kMicrosPerDay;
    if (emulator_start_ > now) set_clock(emulator_start_);
    clock_set_to_ = emulator_start_;
  }
  double waited = 0;
  bool settled = false;
  ledger_start_ = wait_until_idle(settle_seconds, waited, settled);
  if (!virtual_clock_) emulator_start_ = emulator_now();
  state_start_ = must_json(client_, "/_emulator/state");
  for (const auto& [name, state] : state_start_["alarms"].items()) alarm_states_start_[name] = state.get<std::string>();
  if (!settled) {
    std::fprintf(stderr, "loadgen: warning: the emulator was not idle when the run started (%lld entries "
                         "awaiting the stream, %lld in the DLQ); the run's ledger includes them\n",
                 static_cast<long long>(count_at(ledger_start_["entries"], "awaiting_delivery")),
                 static_cast<long long>(count_at(ledger_start_["entries"], "in_dlq")));
  }
}

void EmulatorSide::follow(Micros at) {
  if (!virtual_clock_) return;
  const Micros t = to_emulator(at);
  if (t > clock_set_to_) set_clock(t);
}

void EmulatorSide::finish(Outcome& o, double settle_seconds) {
  json drain;
  if (virtual_clock_) {
    const Micros end = to_emulator(s_.start + s_.duration + s_.drain);
    if (end > clock_set_to_) set_clock(end);
    drain["how"] = fmt::format("the emulator's virtual clock moved through the scenario's drain "
                               "({:.0f} s) to {}", emu::to_seconds(s_.drain), emu::format_iso8601_seconds(end));
  }
  double waited = 0;
  bool settled = false;
  const json end_ledger = wait_until_idle(virtual_clock_ ? 0 : settle_seconds, waited, settled);
  if (!virtual_clock_) {
    drain["how"] = fmt::format("waited {:.1f} s of at most {:.1f} s for the stream and the DLQ to empty",
                               waited, settle_seconds);
  }
  drain["settled"] = settled;
  drain["waited_seconds"] = waited;
  drain["awaiting_delivery"] = count_at(end_ledger["entries"], "awaiting_delivery");
  drain["in_dlq"] = count_at(end_ledger["entries"], "in_dlq");
  const Micros emulator_end = emulator_now();
  const json end_state = must_json(client_, "/_emulator/state");
  add_ledger(o, end_ledger);
  add_alarms(o, emulator_end);
  add_state_figures(o, end_state);
  add_etl_figures(o, emulator_end);
  o.causes = refusal_causes(o.ledger, end_state.value("lambda", json::object()));
  o.drain = drain;
  o.settings["emulator"] = {{"clock", virtual_clock_ ? "virtual" : "real"},
                            {"run_window", {emu::format_iso8601(emulator_start_), emu::format_iso8601(emulator_end)}},
                            {"drain", drain},
                            {"overrides", overrides_.report()}};
}

void EmulatorSide::add_ledger(Outcome& o, const json& end) {
  if (!end.contains("counters") || !ledger_start_.contains("counters")) {
    throw TargetError("--target " + client_.url() + ": /_emulator/ledger has no \"counters\" (an older emulator)");
  }
  emu::ledger::Ledger run;
  run.restore(counters_delta(ledger_start_["counters"], end["counters"]));
  const std::int64_t table_sum = count_at(end, "aggregate_table_metric_count_sum") -
                                 count_at(ledger_start_, "aggregate_table_metric_count_sum");
  o.ledger = run.report(table_sum);
  o.ledger["scope"] = "this run: the emulator's ledger at its end minus at its start";
  const auto& entries = o.ledger["entries"];
  o.figures["entries_stored"] = entries["stored"].get<double>();
  o.figures["entries_lost"] = entries["lost"].get<double>();
  o.figures["entries_in_dlq"] = entries["in_dlq"].get<double>();
  o.figures["items_stored"] = entries["items_stored"].get<double>();
}

void EmulatorSide::add_alarms(Outcome& o, Micros emulator_end) {
  for (const auto& [name, initial] : alarm_states_start_) {
    AlarmTimeline t;
    t.states.emplace_back(s_.start, initial);
    double from = seconds_of(emulator_start_);
    std::set<std::pair<double, std::string>> seen;
    for (int page = 0; page < kMaxHistoryPages; ++page) {
      const auto answer = client_.cloudwatch(
          "DescribeAlarmHistory", {{"AlarmName", name}, {"HistoryItemType", "StateUpdate"},
                                   {"StartDate", from}, {"EndDate", seconds_of(emulator_end)},
                                   {"ScanBy", "TimestampAscending"}, {"MaxRecords", 100}});
      const auto j = answer.json();
      if (answer.status != 200 || !j) {
        throw TargetError("--target " + client_.url() + ": DescribeAlarmHistory answered " +
                          std::to_string(answer.status));
      }
      const auto& items = (*j)["AlarmHistoryItems"];
      for (const auto& item : items) {
        const double at = item["Timestamp"].get<double>();
        const json data = json::parse(item.value("HistoryData", "{}"), nullptr, false);
        if (!seen.emplace(at, item.value("HistorySummary", "")).second || data.is_discarded()) continue;
        const std::string state = data.value("newState", json::object()).value("stateValue", "");
        t.states.emplace_back(to_scenario(static_cast<Micros>(std::llround(at * 1e6))), state);
        from = at;
      }
      if (items.size() < 100) break;
    }
    double fired = 0;
    for (std::size_t i = 1; i < t.states.size(); ++i) fired += t.states[i].second == "ALARM" ? 1 : 0;
    o.figures["alarm_fired." + name] = fired;
    o.alarms[name] = std::move(t);
  }
}

void EmulatorSide::add_state_figures(Outcome& o, const json& end_state) {
  const auto throttles = [](const json& state) {
    const json fn = state.value("lambda", json::object()).value("functions", json::object())
                        .value("create_metrics", json::object());
    return count_at(fn, "throttles");
  };
  o.figures["lambda_throttles"] = static_cast<double>(throttles(end_state) - throttles(state_start_));
  const auto actions_failed = [](const json& state) {
    return count_at(state.value("notifications", json::object()), "alarm_actions_failed");
  };
  o.figures["alarm_actions_failed"] =
      static_cast<double>(actions_failed(end_state) - actions_failed(state_start_));
}

void EmulatorSide::add_etl_figures(Outcome& o, Micros emulator_end) {
  const json runs = must_json(client_, "/_emulator/etl").value("runs", json::array());
  double csv_rows = 0, csv_files = 0, etl_failures = 0;
  for (const auto& run : runs) {
    const auto started = emu::parse_iso8601(run.value("started_at", ""));
    if (!started || *started < emulator_start_ || *started > emulator_end) continue;
    csv_rows += run.value("csv_rows", 0.0);
    csv_files += run.value("files_written", 0.0);
    etl_failures += run.value("ok", true) ? 0 : 1;
  }
  o.figures["csv_rows"] = csv_rows;
  o.figures["csv_files"] = csv_files;
  o.figures["etl_failures"] = etl_failures;
}

}  // namespace loadgen
