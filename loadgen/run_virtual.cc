#include "loadgen/run_virtual.h"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "emulator/core/clock.h"
#include "emulator/pipeline/pipeline.h"
#include "loadgen/planner.h"
#include "loadgen/progress.h"
#include "loadgen/trace_access_log.h"

namespace loadgen {

bool client_accepts(ClientKind kind, int status) {
  if (kind == ClientKind::kIosSingle) return status == 200;
  return status >= 200 && status < 300;
}

namespace {

emu::http::HttpRequest request_for(const Device& d, std::string body, const std::string& api_key) {
  emu::http::HttpRequest r;
  r.method = "POST";
  r.path = "/save-metrics";
  r.body = std::move(body);
  r.remote_ip = device_ip(d);
  r.headers.emplace("Content-Type", "application/json");
  r.headers.emplace("x-api-key", api_key);
  r.headers.emplace("User-Agent", user_agent(d));
  return r;
}

// What the report shows beside an alarm: its metric (or "metric math"), statistic and period,
// and the comparison with its threshold.
nlohmann::json definition_of(const emu::cloudwatch::AlarmDefinition& d) {
  return {{"metric", d.math() ? std::string("metric math") : d.metric.name_space + " " + d.metric.name},
          {"statistic", d.statistic},
          {"period_seconds", d.period / emu::kMicrosPerSecond},
          {"evaluation_periods", d.evaluation_periods},
          {"datapoints_to_alarm", d.datapoints_to_alarm},
          {"comparison", d.comparison},
          {"threshold", d.threshold}};
}

// Before anything is sent: every alarm an expectation names is one the pipeline has.
void check_alarm_names(const Scenario& s, const emu::cloudwatch::AlarmEngine& alarms) {
  for (std::size_t i = 0; i < s.expectations.size(); ++i) {
    const auto& e = s.expectations[i];
    const std::string name = !e.alarm.empty() ? e.alarm
                             : e.figure.rfind("alarm_fired.", 0) == 0 ? e.figure.substr(12) : "";
    if (name.empty() || alarms.alarms().count(name)) continue;
    std::string known;
    for (const auto& [n, a] : alarms.alarms()) known += (known.empty() ? "" : ", ") + n;
    throw ScenarioError(s.file, "expectations[" + std::to_string(i) + "]." + (e.alarm.empty() ? "figure" : "alarm"),
                        "the name of an alarm the emulator has (\"" + name + "\" is not one; it has: " + known + ")");
  }
}

AlarmTimeline timeline_of(const emu::cloudwatch::AlarmRecord& a) {
  AlarmTimeline t;
  t.definition = definition_of(a.definition);
  t.states.emplace_back(a.history.empty() ? 0 : a.history.front().timestamp, "INSUFFICIENT_DATA");
  for (const auto& h : a.history) {
    if (h.type != "StateUpdate") continue;
    t.states.emplace_back(h.timestamp, h.data["newState"]["stateValue"].get<std::string>());
  }
  return t;
}

// The emulator's config for an in-process run: the defaults, the in-process ones, the scenario's.
emu::Config in_process_config(const Scenario& s) {
  emu::Config config = emu::Config::defaults();
  // DEVIATION (in-process runs): stream records are dropped once aggregate_metrics has
  // consumed them, so the run's file does not keep 24 h of records nobody reads. Tables are
  // written behind (when the row cache's dirty rows fill half of it, and when the run ends),
  // not at every commit: nothing in a virtual-time run waits for a write to be durable. The row
  // cache gets 128 MiB instead of serve's 64: the 1/20 day's aggregates (~105 MB in memory) then
  // stay cached (normal-day.json: 7 % less CPU, peak RSS 206 -> 267 MiB, the same digest). A
  // scenario can change any of these in its "emulator" block.
  config.merge(
      {{"dynamodb",
        {{"stream_drop_consumed_records", true}, {"write_through", false}, {"cache_mib", 128}}}},
      "loadgen (in-process defaults)");
  config.merge(s.emulator, s.file + " (emulator)");
  return config;
}

// Sends a scenario's schedule through an in-process pipeline in virtual time.
class VirtualDriver {
 public:
  VirtualDriver(const Scenario& s, Recorder& recorder, emu::Pipeline& pipeline,
                emu::Scheduler& scheduler, emu::Storage& storage, Progress& progress,
                std::string api_key)
      : s_(s),
        recorder_(recorder),
        pipeline_(pipeline),
        scheduler_(scheduler),
        storage_(storage),
        progress_(progress),
        api_key_(std::move(api_key)),
        population_(s.population, s.seed),
        planner_(s, population_),
        next_sample_(s.start) {}

  void send_all() {
    while (auto send = planner_.next()) send_one(*send);
  }

  // Lets the pipeline settle until `end`: the stream drains, the DLQ retries, alarms evaluate,
  // the ETL runs.
  void settle(emu::VirtualClock& clock, Micros end) {
    while (next_sample_ < std::min(end, s_.start + s_.duration)) {
      scheduler_.run_until(next_sample_);
      sample_second(next_sample_);
      next_sample_ += emu::kMicrosPerSecond;
      progress_.update(next_sample_, sent_, entries_sent_);
    }
    // In steps of a virtual minute, so that progress shows the drain too (the events run are
    // the same as in one step).
    for (Micros t = clock.now(); t < end;) {
      t = std::min(end, t + emu::kMicrosPerMinute);
      scheduler_.run_until(t);
      progress_.update(t, sent_, entries_sent_);
    }
    scheduler_.run_until(end);
  }

  std::uint64_t sent() const { return sent_; }
  std::uint64_t entries_sent() const { return entries_sent_; }

 private:
  static constexpr const char* kFunction = "create_metrics";
  static constexpr std::uint64_t kSendsPerCommit = 32768;

  // The state at each second's start (seconds without requests included), then after every
  // request: concurrency only rises when an invocation starts, so the per-second maximum of
  // these samples is the true maximum (a sample per second alone missed most of the peak).
  void sample_second(Micros at) {
    auto& lambda = pipeline_.lambda();
    recorder_.sample_concurrency(at, static_cast<double>(lambda.in_use(kFunction)));
    if (const auto ceiling = lambda.environment_ceiling(at))
      recorder_.sample_scaling_ceiling(at, *ceiling);
  }

  void send_one(const Send& send) {
    while (next_sample_ <= send.at) {
      scheduler_.run_until(next_sample_);
      sample_second(next_sample_);
      next_sample_ += emu::kMicrosPerSecond;
    }
    scheduler_.run_until(send.at);
    const Device d = population_.device(send.device);
    recorder_.planned(send.at);
    const std::uint64_t salt = send.id + static_cast<std::uint64_t>(send.attempt);
    const AccessLogTrace* trace = nullptr;
    const ReplayLine* replayed = replay_line_of(s_, send, &trace);
    const auto response = pipeline_.handle(
        replayed != nullptr
            ? replay_request(*trace, *replayed, population_, send.at, salt, api_key_)
            : request_for(d, population_.body(d, send.kind, send.entries, send.at, salt),
                          api_key_));
    recorder_.answered(send.at, response.status, response.delay, response.delay, false);
    auto& lambda = pipeline_.lambda();
    recorder_.sample_concurrency(send.at, static_cast<double>(lambda.in_use(kFunction)));
    if (const auto throttles = lambda.throttles(kFunction); throttles != throttles_seen_) {
      recorder_.lambda_throttled(send.at, throttles - throttles_seen_);
      throttles_seen_ = throttles;
    }
    if (replayed == nullptr && !client_accepts(send.kind, response.status)) planner_.resend(send);
    entries_sent_ += static_cast<std::uint64_t>(send.entries);
    if (++sent_ % 256 == 0) progress_.update(send.at, sent_, entries_sent_);
    // Sends come in time order and are answered at once, so every earlier second is complete.
    // (Closing only every 4,096 sends kept up to 4,096 histograms of 26 KB open through quiet
    // hours: 114 MB of the 1/20 day's peak.)
    recorder_.close_seconds(send.at);
    // A commit writes every page changed since the last one, so fewer commits write each page
    // fewer times. Measured when the raw items' keys were random (each changed another leaf of
    // the key index): the calibrated national day, every 4,096 sends -> every 32,768: 22.3 ->
    // 18.2 s of system time, the same digest and peak RSS. SQLite's page cache bounds what
    // waits, spilling past 64 MiB.
    if (sent_ % kSendsPerCommit == 0) {
      storage_.commit();
      pipeline_.flush();
    }
  }

  const Scenario& s_;
  Recorder& recorder_;
  emu::Pipeline& pipeline_;
  emu::Scheduler& scheduler_;
  emu::Storage& storage_;
  Progress& progress_;
  const std::string api_key_;
  PopulationModel population_;
  Planner planner_;
  Micros next_sample_;
  std::uint64_t sent_ = 0, entries_sent_ = 0, throttles_seen_ = 0;
};

// The figures the pipeline knows after the run: ledger, Lambda, ETL, alarms.
void add_pipeline_figures(Outcome& o, emu::Pipeline& pipeline) {
  o.ledger = pipeline.ledger_report();
  o.row_cache = pipeline.dynamodb().state()["row_cache"];
  const auto& entries = o.ledger["entries"];
  o.figures["entries_stored"] = entries["stored"].get<double>();
  o.figures["entries_lost"] = entries["lost"].get<double>();
  o.figures["entries_in_dlq"] = entries["in_dlq"].get<double>();
  o.figures["lambda_throttles"] =
      pipeline.metrics().sum("AWS/Lambda", "Throttles", {{"FunctionName", "create_metrics"}});
  o.figures["items_stored"] = entries["items_stored"].get<double>();
  double csv_rows = 0, csv_files = 0, etl_failures = 0;
  for (const auto& run : pipeline.etl().history()) {
    const auto j = run.to_json();
    csv_rows += j.value("csv_rows", 0.0);
    csv_files += j.value("files_written", 0.0);
    etl_failures += j.value("ok", true) ? 0 : 1;
  }
  o.figures["csv_rows"] = csv_rows;
  o.figures["csv_files"] = csv_files;
  o.figures["etl_failures"] = etl_failures;
  // Alarm actions that notified nobody (a fault rule on the action or on SNS Publish).
  o.figures["alarm_actions_failed"] = static_cast<double>(pipeline.alarm_actions_failed());
  for (const auto& [name, alarm] : pipeline.alarms().alarms()) {
    o.alarms[name] = timeline_of(alarm);
    double fired = 0;
    for (const auto& [since, state] : o.alarms[name].states) fired += state == "ALARM" ? 1 : 0;
    o.figures["alarm_fired." + name] = fired;
  }
}

nlohmann::json lambda_limits(emu::lambda::LambdaService& lambda, const std::string& function) {
  const auto* settings = lambda.function(function);
  return {{"function", function},
          {"account_concurrency", lambda.account_limit()},
          {"unreserved_limit", lambda.unreserved_limit()},
          {"reserved_concurrency", settings != nullptr && settings->reserved_concurrency >= 0
                                       ? nlohmann::json(settings->reserved_concurrency)
                                       : nlohmann::json(nullptr)},
          {"scaling_regime",
           lambda.settings().regime == emu::lambda::ScalingRegime::k2021 ? "2021" : "2023"}};
}

}  // namespace

Outcome run_virtual(const Scenario& s, Recorder& recorder, const VirtualRunOptions& options) {
  const Micros wall_start = emu::wall::monotonic_now();
  check_mode(s, false);
  const emu::Config config = in_process_config(s);
  const std::filesystem::path data_dir = std::filesystem::path(options.out_dir) / "data";
  std::filesystem::remove_all(data_dir);
  std::filesystem::create_directories(data_dir);
  emu::VirtualClock clock(s.start);
  emu::Scheduler scheduler(clock);
  emu::Storage storage((data_dir / "emulator.db").string(), "OFF");
  // A run killed half-way may leave an unreadable file (its results are lost with it anyway).
  storage.write_in_place();
  emu::Env env{config, clock, scheduler, storage, emu::Random(s.seed), data_dir};
  emu::PipelineOptions pipeline_options;
  pipeline_options.access_log = false;
  emu::Pipeline pipeline(env, pipeline_options);
  check_alarm_names(s, pipeline.alarms());

  const Micros end = s.start + s.duration + s.drain;
  Progress progress(options.progress, s.start, end);
  progress.update(s.start, 0, 0);
  VirtualDriver driver(s, recorder, pipeline, scheduler, storage, progress,
                       config.string("/apigateway/api_key"));
  driver.send_all();
  driver.settle(clock, end);
  // The tables as the run leaves them (see in_process_config).
  pipeline.dynamodb().flush();
  storage.commit();
  pipeline.flush();
  recorder.finish();
  progress.finish(end, driver.sent(), driver.entries_sent());

  Outcome o;
  o.mode = "virtual";
  o.add_recorder_figures(recorder);
  add_pipeline_figures(o, pipeline);
  o.lambda_limits = lambda_limits(pipeline.lambda(), "create_metrics");
  o.causes = refusal_causes(o.ledger, pipeline.lambda().state(clock.now()));
  o.settings = {{"mode", "virtual"},
                {"scenario", s.source},
                {"effective_emulator_config", config.json()},
                {"data_dir", data_dir.string()}};
  o.wall_seconds = emu::to_seconds(emu::wall::monotonic_now() - wall_start);
  o.figures["simulated_requests_per_wall_second"] =
      o.wall_seconds > 0 ? static_cast<double>(driver.sent()) / o.wall_seconds : 0;
  return o;
}

}  // namespace loadgen
