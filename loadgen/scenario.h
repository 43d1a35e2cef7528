// Scenario files (JSON; schema in scenarios/README.md): what to send, when, to whom, with which
// emulator settings, and what must be true afterwards. Parsing validates everything up front: a
// bad file raises ScenarioError naming the file, the field and what was expected (exit 2).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/time.h"

namespace loadgen {

using emu::Micros;

class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(const std::string& file, const std::string& field, const std::string& expected)
      : std::runtime_error(file + ": " + field + ": expected " + expected) {}
};

struct AccessLogTrace;  // trace_access_log.h
struct DayModel;        // day_model.h

enum class ClientKind { kJsBatch, kIosSingle, kAndroidForced };
const char* kind_name(ClientKind k);

struct Population {
  std::int64_t devices = 10000;
  std::map<std::string, double> provinces;      // province -> share
  std::map<std::string, double> utc_offset_hours;  // province -> offset (summer time by default)
  double ios_share = 0.55;
  std::map<std::string, double> app_versions;   // version -> share
  std::map<std::string, double> identifiers;    // identifier -> weight (JS batches)
  int queue_min = 3, queue_max = 20;            // metrics queued per device (JS batch size)
  int resend_after_seconds = 14400;             // next background run after a failure (240 min)
  int max_resends = 6;                          // per original send
  int growth_per_resend = 2;                    // metrics added to the queue per missed run
  // Calibrated populations (`loadgen calibrate`); when absent every device draws from the
  // shares above. By OS: a device's province and app version given its OS ("android", "ios").
  std::map<std::string, std::map<std::string, double>> provinces_by_os, app_versions_by_os;
  // What each device's daily JS push carries (day_model.h); null = `identifiers` weights.
  std::shared_ptr<const DayModel> day;
};

struct Phase {
  enum class Type { kConstant, kRamp, kMidnight, kBackground, kClosed, kTrace } type = Type::kConstant;
  Micros from = 0;            // offset from the scenario start
  Micros duration = 0;        // constant / ramp
  double rate = 0;            // constant; ramp start
  double to_rate = 0;         // ramp end
  bool local_midnight = true; // midnight: device's local midnight, or UTC
  Micros within = 0;          // midnight: spread after midnight
  Micros interval = 0;        // background: each device posts once per interval, at its own phase
  double share = 1.0;         // midnight: share of devices taking part
  ClientKind kind = ClientKind::kJsBatch;
  int connections = 0;        // closed: each connection sends again as soon as it is answered
  std::vector<Micros> trace;  // trace: send offsets from `from` (already divided by its speed)
  std::shared_ptr<const AccessLogTrace> access_log;  // trace, format apigw-access-log: its lines
};

struct Expectation {
  std::string description;     // for the report
  std::string figure;          // "latency_p99_ms", "status.500", "achieved_ratio", ... or ""
  std::string alarm;           // alarm name (with state / between)
  std::string state;           // "ALARM" | "OK" | "INSUFFICIENT_DATA"
  std::optional<Micros> between_from, between_to;  // absolute times
  std::string ledger;          // "nothing_lost" | "invariant_holds"
  std::optional<double> min, max;
  std::optional<bool> equals;
  std::string mode = "at_some_point";  // alarm: "at_some_point" | "throughout" | "never"
};

struct Scenario {
  std::string file;
  std::string name, description;
  std::uint64_t seed = 1;
  Micros start = 0;                 // absolute virtual (or labelled) start time
  Micros duration = 0;
  Micros drain = 0;                 // in-process: time to let the pipeline settle after the load
  nlohmann::json emulator = nlohmann::json::object();  // config overrides (in-process runs)
  Population population;
  std::vector<Phase> schedule;
  std::vector<Expectation> expectations;
  nlohmann::json source;            // the file as read

  static Scenario from_file(const std::string& path);
  static Scenario from_json(const nlohmann::json& j, const std::string& file);
};

// Figures the emulator knows (its ledger, Lambda, alarms, ETL): in-process runs and HTTP runs
// against an emulator have them; against any other target they are SKIPPED.
bool is_emulator_figure(const std::string& figure);
// "" when every run can have `figure`, else the only mode that has it ("http" or "virtual").
std::string figure_only_in(const std::string& figure);
// Checks, before anything runs, that the scenario can run in the chosen mode (phases and
// figures); throws ScenarioError naming the field.
void check_mode(const Scenario& scenario, bool http);

}  // namespace loadgen
