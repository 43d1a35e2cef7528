// The in-app ETL tasks `masked_inapp_metrics` and `unmasked_inapp_metrics` (config "etl"):
// scheduled daily at their UTC times on the emulator's clock (03:00 and 04:00 in production)
// and runnable on demand. A run Scans aggregate_metrics once, aggregates in one pass, renders
// every in-app CSV for the three periods and PutObjects them to the task's bucket at
// `csv/<period-dir>/<metric>.<period-dir>.csv`.
//
// A run at 03:00 on day D publishes data through D-1 (the data repository is "updated nightly
// with data which was received the previous day"). ASSUMPTION: events dated before
// `etl.first_date` (the in-app metrics launch, 2021-02-25) or after the last day are left out.
// A failed Scan or PutObject stops the run (later files are not written, as a crashing task
// would) and emits CovidShieldMetrics/EcsTaskError-<task> = 1 (the seed's log metric filter).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/config.h"
#include "emulator/core/metrics.h"
#include "emulator/core/scheduler.h"
#include "emulator/etl/ports.h"

namespace emu::etl {

class Accumulator;

struct TaskSettings {
  std::string name;
  bool mask = true;
  std::string bucket;
  Micros time_of_day = 3 * kMicrosPerHour;  // UTC
};

struct EtlSettings {
  bool enabled = true;
  std::int64_t mask_threshold = 20;
  std::int64_t first_day = 0;  // days since 1970-01-01
  // Parallel Scan segments (threads) when the source allows it. The workers only read; the
  // simulation thread waits for them, so no emulator state is touched concurrently.
  int scan_threads = 2;
  std::vector<TaskSettings> tasks;

  static EtlSettings from_config(const Config& config);
};

struct RunReport {
  std::string task;
  std::string through;     // last day included, YYYY-MM-DD
  std::string started_at;  // emulated time
  bool ok = true;
  std::string error;
  std::size_t files_written = 0;
  std::size_t csv_rows = 0;
  std::uint64_t aggregate_rows_scanned = 0;
  nlohmann::json to_json() const;
  // Throws std::invalid_argument naming what is wrong when `j` is not a to_json() of a run.
  static RunReport from_json(const nlohmann::json& j);
};

// Why a run asked for on demand may not publish through `through_day` at emulated time `now`, or
// nullopt if it may. The last day must have begun: YYYY-MM-DD from 0000-01-01 to today on the
// emulator's clock. Later days hold no data yet, and the daily CSVs list every day from the first
// day with data to the last day, so a far date would only cost time and memory.
std::optional<std::string> refuse_through_day(std::int64_t through_day, Micros now);

class Etl {
 public:
  Etl(EtlSettings settings, RowSource& source, ObjectSink& sink, MetricSink* metrics);

  // Runs `task` publishing data through `through_day` (days since epoch). Unknown task ->
  // a failed report naming the known tasks.
  RunReport run(const std::string& task, std::int64_t through_day, Micros now);

  // Arms each task's next daily run on `scheduler` (and re-arms after each run).
  void schedule(Scheduler& scheduler);

  const std::vector<RunReport>& history() const { return history_; }
  // The run history, to keep with the data dir (durable_state.h) and back: it outlives a
  // restart. restore() throws std::invalid_argument when `saved` is not a saved history.
  nlohmann::json save() const;
  void restore(const nlohmann::json& saved);
  std::uint64_t version() const { return version_; }
  const EtlSettings& settings() const { return settings_; }

 private:
  void arm(Scheduler& scheduler, std::size_t task_index);
  RunReport fail(RunReport report, const std::string& error, Micros now);
  Status scan_into(Accumulator& acc);

  EtlSettings settings_;
  RowSource& source_;
  ObjectSink& sink_;
  MetricSink* metrics_;
  std::vector<RunReport> history_;  // bounded: the last kMaxHistory runs
  std::uint64_t version_ = 0;       // changes with history_
  static constexpr std::size_t kMaxHistory = 1000;
};

}  // namespace emu::etl
