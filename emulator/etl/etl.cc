#include "emulator/etl/etl.h"

#include <cstdio>
#include <stdexcept>
#include <thread>

#include "emulator/etl/accumulator.h"
#include "emulator/etl/csv_writer.h"

namespace emu::etl {

namespace {

Micros parse_time_of_day(const std::string& text, const std::string& where) {
  unsigned h = 0, m = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%u:%u%c", &h, &m, &tail) != 2 || h > 23 || m > 59) {
    throw ConfigError(where, "a UTC time of day \"HH:MM\"");
  }
  return h * kMicrosPerHour + m * kMicrosPerMinute;
}

}  // namespace

EtlSettings EtlSettings::from_config(const Config& c) {
  EtlSettings s;
  s.enabled = c.boolean("/etl/enabled");
  s.mask_threshold = c.integer("/etl/mask_threshold");
  if (s.mask_threshold < 0) throw ConfigError("/etl/mask_threshold", "a non-negative integer");
  const auto first = parse_date(c.string("/etl/first_date"));
  if (!first) throw ConfigError("/etl/first_date", "a date YYYY-MM-DD");
  s.first_day = days_from_civil(*first);
  s.scan_threads = static_cast<int>(c.integer("/etl/scan_threads"));
  if (s.scan_threads < 1 || s.scan_threads > 64) throw ConfigError("/etl/scan_threads", "1..64");
  for (const auto& [name, value] : c.at("/etl/tasks").items()) {
    const std::string base = "/etl/tasks/" + name;
    TaskSettings t;
    t.name = name;
    t.mask = c.boolean(base + "/mask");
    t.bucket = c.string(t.mask ? "/s3/masked_bucket" : "/s3/unmasked_bucket");
    t.time_of_day = parse_time_of_day(c.string(base + "/schedule_utc"), base + "/schedule_utc");
    s.tasks.push_back(t);
  }
  return s;
}

std::optional<std::string> refuse_through_day(std::int64_t through_day, Micros now) {
  const std::int64_t today = floor_to(now, kMicrosPerDay) / kMicrosPerDay;
  if (through_day <= today) return std::nullopt;
  const std::string last = format_date(civil_from_days(today));
  return format_date(civil_from_days(through_day)) + " has not begun; accepted: 0000-01-01 to " +
         last + " (today on the emulator's clock)";
}

nlohmann::json RunReport::to_json() const {
  return {{"task", task},       {"through", through},
          {"started_at", started_at}, {"ok", ok},
          {"error", error},     {"files_written", files_written},
          {"csv_rows", csv_rows}, {"aggregate_rows_scanned", aggregate_rows_scanned}};
}

RunReport RunReport::from_json(const nlohmann::json& j) {
  try {
    RunReport r;
    r.task = j.at("task").get<std::string>();
    r.through = j.at("through").get<std::string>();
    r.started_at = j.at("started_at").get<std::string>();
    r.ok = j.at("ok").get<bool>();
    r.error = j.at("error").get<std::string>();
    r.files_written = j.at("files_written").get<std::size_t>();
    r.csv_rows = j.at("csv_rows").get<std::size_t>();
    r.aggregate_rows_scanned = j.at("aggregate_rows_scanned").get<std::uint64_t>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("the saved ETL run history is damaged: ") + e.what());
  }
}

nlohmann::json Etl::save() const {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& r : history_) runs.push_back(r.to_json());
  return {{"runs", runs}};
}

void Etl::restore(const nlohmann::json& saved) {
  if (!saved.is_object() || !saved.contains("runs") || !saved["runs"].is_array()) {
    throw std::invalid_argument("the saved ETL run history is damaged: expected {\"runs\": [...]}");
  }
  std::vector<RunReport> runs;
  for (const auto& r : saved["runs"]) runs.push_back(RunReport::from_json(r));
  if (runs.size() > kMaxHistory) runs.erase(runs.begin(), runs.end() - static_cast<std::ptrdiff_t>(kMaxHistory));
  history_ = std::move(runs);
  ++version_;
}

Etl::Etl(EtlSettings settings, RowSource& source, ObjectSink& sink, MetricSink* metrics)
    : settings_(std::move(settings)), source_(source), sink_(sink), metrics_(metrics) {}

RunReport Etl::fail(RunReport report, const std::string& error, Micros now) {
  report.ok = false;
  report.error = error;
  if (metrics_ != nullptr) {
    metrics_->put(MetricKey{"CovidShieldMetrics", "EcsTaskError-" + report.task, {}, "None"}, 1,
                  now);
  }
  return report;
}

RunReport Etl::run(const std::string& task, std::int64_t through_day, Micros now) {
  RunReport report;
  report.task = task;
  report.through = format_date(civil_from_days(through_day));
  report.started_at = format_iso8601(now);
  const TaskSettings* settings = nullptr;
  for (const auto& t : settings_.tasks) {
    if (t.name == task) settings = &t;
  }
  if (settings == nullptr) {
    std::string known;
    for (const auto& t : settings_.tasks) known += (known.empty() ? "" : ", ") + t.name;
    report.ok = false;
    report.error = "no ETL task \"" + task + "\" (tasks: " + known + ")";
    return report;
  }
  Accumulator acc(settings_.first_day, through_day);
  const Status scanned = scan_into(acc);
  report.aggregate_rows_scanned = acc.rows_seen();
  if (!scanned.ok()) {
    report = fail(report, "Error scanning aggregate_metrics: " + scanned.error().message, now);
  } else {
    const RenderOptions options{settings->mask, settings_.mask_threshold};
    for (const auto& file : acc.files()) {
      for (Period p : {Period::kDaily, Period::kWeekly, Period::kMonthly}) {
        const Rendered r = render(acc, file, p, options);
        const std::string key = std::string("csv/") + period_dir(p) + "/" + file.spec->name +
                                "." + period_dir(p) + ".csv";
        const Status put = sink_.put_object(settings->bucket, key, r.csv, "text/csv", now);
        if (!put.ok()) {
          report = fail(report, "Error writing " + key + ": " + put.error().message, now);
          break;
        }
        ++report.files_written;
        report.csv_rows += r.rows;
      }
      if (!report.ok) break;
    }
  }
  history_.push_back(report);
  if (history_.size() > kMaxHistory) history_.erase(history_.begin());
  ++version_;
  return report;
}

Status Etl::scan_into(Accumulator& acc) {
  const int segments = std::min(settings_.scan_threads, source_.max_segments());
  if (segments <= 1) return source_.scan([&](const AggregateRow& row) { acc.add(row); });
  std::vector<Accumulator> partials(static_cast<std::size_t>(segments - 1),
                                    Accumulator(acc.first_day(), acc.last_day()));
  std::vector<Status> results(static_cast<std::size_t>(segments), ok_status());
  std::vector<std::thread> workers;
  for (int s = 1; s < segments; ++s) {
    workers.emplace_back([&, s] {
      Accumulator& mine = partials[static_cast<std::size_t>(s - 1)];
      results[static_cast<std::size_t>(s)] =
          source_.scan_segment(s, segments, [&](const AggregateRow& row) { mine.add(row); });
    });
  }
  results[0] = source_.scan_segment(0, segments, [&](const AggregateRow& row) { acc.add(row); });
  for (auto& w : workers) w.join();
  for (const auto& p : partials) acc.merge(p);
  for (const auto& r : results) {
    if (!r.ok()) return r;
  }
  return ok_status();
}

void Etl::arm(Scheduler& scheduler, std::size_t index) {
  const TaskSettings& t = settings_.tasks[index];
  const Micros now = scheduler.now();
  Micros next = utc_midnight(now) + t.time_of_day;
  if (next <= now) next += kMicrosPerDay;
  scheduler.at(next, [this, &scheduler, index, next] {
    const std::int64_t yesterday = floor_to(next, kMicrosPerDay) / kMicrosPerDay - 1;
    run(settings_.tasks[index].name, yesterday, next);
    arm(scheduler, index);
  });
}

void Etl::schedule(Scheduler& scheduler) {
  if (!settings_.enabled) return;
  for (std::size_t i = 0; i < settings_.tasks.size(); ++i) arm(scheduler, i);
}

}  // namespace emu::etl
