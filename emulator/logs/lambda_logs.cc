#include "emulator/logs/lambda_logs.h"

#include <algorithm>

#include <fmt/format.h>

namespace emu::logs {

std::string lambda_log_group(std::string_view function) {
  return "/aws/lambda/" + std::string(function);
}

std::string lambda_log_stream(Micros environment_created, std::string_view environment_id) {
  const CivilDate d = utc_date(environment_created);
  return fmt::format("{:04d}/{:02d}/{:02d}/[$LATEST]{}", d.year, d.month, d.day, environment_id);
}

std::int64_t billed_millis(Micros duration) {
  return (duration + kMicrosPerMilli - 1) / kMicrosPerMilli;
}

std::int64_t max_memory_used_mb(Micros duration, std::int64_t memory_mb) {
  return std::min<std::int64_t>(memory_mb, 68 + duration / (2 * kMicrosPerMilli));
}

void LambdaLogWriter::on_invocation(const lambda::FunctionSettings& function,
                                    const lambda::InvokeResult& result,
                                    const lambda::HandlerOutcome& outcome, Micros start) {
  if (!store_.enabled()) return;
  const std::string group = lambda_log_group(function.name);
  const std::string stream = lambda_log_stream(result.environment_created, result.environment_id);
  const std::string id = random_.uuid_v4();
  const Micros began = start + result.init_duration;
  const Micros ended = began + result.duration;
  FaultDecision fault;
  if (faults_ != nullptr) fault = faults_->check("logs", "PutLogEvents", group, start);
  if (fault.error) {
    // START, the console lines, a timeout line, END and REPORT: all of them lost.
    const std::size_t lines = 3 + outcome.console.size() +
                              (result.outcome == lambda::InvokeResult::Outcome::kTimeout ? 1 : 0);
    store_.count_lost_to_faults(lines);
    return;
  }
  const Micros ingested = start + fault.extra_latency;
  store_.put(group, stream, began, "START RequestId: " + id + " Version: $LATEST\n", ingested);
  for (const std::string& line : outcome.console) {
    const auto tab = line.find('\t');
    const std::string level = tab == std::string::npos ? "INFO" : line.substr(0, tab);
    const std::string text = tab == std::string::npos ? line : line.substr(tab + 1);
    store_.put(group, stream, began,
               format_iso8601(began) + "\t" + id + "\t" + level + "\t" + text + "\n", ingested);
  }
  if (result.outcome == lambda::InvokeResult::Outcome::kTimeout) {
    store_.put(group, stream, ended,
               fmt::format("{} {} Task timed out after {:.2f} seconds\n\n", format_iso8601(ended),
                           id, to_seconds(function.timeout)),
               ingested);
  }
  store_.put(group, stream, ended, "END RequestId: " + id + "\n", ingested);
  std::string report = fmt::format(
      "REPORT RequestId: {}\tDuration: {:.2f} ms\tBilled Duration: {} ms\tMemory Size: {} MB\t"
      "Max Memory Used: {} MB\t",
      id, to_millis(result.duration), billed_millis(result.duration), function.memory_mb,
      max_memory_used_mb(result.duration, function.memory_mb));
  if (result.cold_start) report += fmt::format("Init Duration: {:.2f} ms\t", to_millis(result.init_duration));
  store_.put(group, stream, ended, report + "\n", ingested);
}

}  // namespace emu::logs
