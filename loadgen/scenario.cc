#include "loadgen/scenario.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "loadgen/day_model.h"
#include "loadgen/trace_access_log.h"

namespace loadgen {

namespace {

using nlohmann::json;

// Reads fields of one JSON object, naming the path in every error; unknown keys are errors.
class Reader {
 public:
  Reader(const json& j, std::string file, std::string path, std::set<std::string> known)
      : j_(j), file_(std::move(file)), path_(std::move(path)), known_(std::move(known)) {
    if (!j_.is_object()) fail("", "an object");
    for (const auto& [k, v] : j_.items()) {
      if (!known_.count(k)) fail(k, "one of the known keys (unknown key \"" + k + "\")");
    }
  }
  [[noreturn]] void fail(const std::string& key, const std::string& expected) const {
    throw ScenarioError(file_, path_ + (key.empty() ? "" : (path_.empty() ? "" : ".") + key),
                        expected);
  }
  bool has(const std::string& k) const { return j_.contains(k); }
  const json& raw(const std::string& k) const { return j_.at(k); }
  std::string where(const std::string& k) const { return path_.empty() ? k : path_ + "." + k; }
  const std::string& file() const { return file_; }

  std::string string(const std::string& k, const std::string& fallback, bool required = false) const {
    if (!has(k)) {
      if (required) fail(k, "a string (required)");
      return fallback;
    }
    if (!j_[k].is_string()) fail(k, "a string");
    return j_[k].get<std::string>();
  }
  double number(const std::string& k, double fallback, double lo, double hi, bool required = false) const {
    if (!has(k)) {
      if (required) fail(k, "a number (required)");
      return fallback;
    }
    if (!j_[k].is_number()) fail(k, "a number");
    const double v = j_[k].get<double>();
    if (v < lo || v > hi) fail(k, "a number between " + fmt(lo) + " and " + fmt(hi));
    return v;
  }
  Micros time(const std::string& k, Micros start, bool required = false) const {
    // An ISO-8601 time, or an offset in seconds from the scenario start.
    if (!has(k)) {
      if (required) fail(k, "a time (required)");
      return start;
    }
    if (j_[k].is_number()) return start + emu::seconds(j_[k].get<double>());
    if (j_[k].is_string()) {
      if (const auto t = emu::parse_iso8601(j_[k].get<std::string>())) return *t;
    }
    fail(k, "an ISO-8601 UTC time or seconds after the start");
  }
  std::map<std::string, double> shares(const std::string& k) const {
    std::map<std::string, double> out;
    if (!has(k)) return out;
    if (!j_[k].is_object() || j_[k].empty()) fail(k, "an object of name -> weight");
    for (const auto& [name, w] : j_[k].items()) {
      if (!w.is_number() || w.get<double>() < 0) fail(k + "." + name, "a weight >= 0");
      out[name] = w.get<double>();
    }
    return out;
  }

 private:
  static std::string fmt(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }
  const json& j_;
  std::string file_, path_;
  std::set<std::string> known_;
};

// {"android": {name: share}, "ios": {...}}: both OSes or neither.
std::map<std::string, std::map<std::string, double>> read_by_os(const Reader& r,
                                                                const std::string& key) {
  std::map<std::string, std::map<std::string, double>> out;
  if (!r.has(key)) return out;
  const json& j = r.raw(key);
  if (!j.is_object() || j.size() != 2 || !j.contains("android") || !j.contains("ios")) {
    r.fail(key, "an object with \"android\" and \"ios\", each of name -> weight");
  }
  for (const std::string os : {"android", "ios"}) {
    Reader inner(j, r.file(), r.where(key), {"android", "ios"});
    out[os] = inner.shares(os);
  }
  return out;
}

Population read_population(const json& j, const std::string& file) {
  Population p;
  p.provinces = {{"ON", 0.387}, {"QC", 0.225}, {"BC", 0.135}, {"AB", 0.115}, {"MB", 0.036},
                 {"SK", 0.030}, {"NS", 0.026}, {"NB", 0.021}, {"NL", 0.014}, {"PE", 0.004},
                 {"YT", 0.001}, {"NT", 0.001}, {"NU", 0.001}};
  // ASSUMPTION: summer (daylight) offsets, the season of the seed's incidents.
  p.utc_offset_hours = {{"ON", -4}, {"QC", -4}, {"BC", -7}, {"AB", -6}, {"MB", -5}, {"SK", -6},
                        {"NS", -3}, {"NB", -3}, {"NL", -2.5}, {"PE", -3}, {"YT", -7}, {"NT", -6},
                        {"NU", -4}};
  p.app_versions = {{"1.4.4", 0.6}, {"1.4.3", 0.25}, {"1.3.2", 0.15}};
  p.identifiers = {{"active-user", 3}, {"background-check", 4}, {"scheduled-check-started-today", 2},
                   {"scheduled-check-successful-today", 2}, {"exposed", 0.1}, {"installed", 0.05},
                   {"onboarded", 0.05}, {"otk-entered-v2", 0.02}, {"qr-code-successfully-scanned", 0.05},
                   {"error-400-keys-download", 0.2}};
  if (j.is_null()) return p;
  Reader r(j, file, "population",
           {"devices", "provinces", "utc_offset_hours", "ios_share", "app_versions", "identifiers",
            "queue_min", "queue_max", "resend_after_seconds", "max_resends", "growth_per_resend",
            "provinces_by_os", "app_versions_by_os", "day"});
  p.devices = static_cast<std::int64_t>(r.number("devices", 10000, 1, 2e7));
  if (r.has("provinces")) p.provinces = r.shares("provinces");
  if (r.has("utc_offset_hours")) {
    // Offsets west of UTC are negative: not weights.
    const json& offsets = r.raw("utc_offset_hours");
    if (!offsets.is_object()) r.fail("utc_offset_hours", "an object of province -> hours from UTC");
    for (const auto& [k, v] : offsets.items()) {
      if (!v.is_number() || v.get<double>() < -12 || v.get<double>() > 14) {
        r.fail("utc_offset_hours." + k, "hours from UTC, -12 to 14");
      }
      p.utc_offset_hours[k] = v.get<double>();
    }
  }
  p.ios_share = r.number("ios_share", p.ios_share, 0, 1);
  if (r.has("app_versions")) p.app_versions = r.shares("app_versions");
  if (r.has("identifiers")) p.identifiers = r.shares("identifiers");
  p.queue_min = static_cast<int>(r.number("queue_min", p.queue_min, 1, 5000));
  p.queue_max = static_cast<int>(r.number("queue_max", p.queue_max, p.queue_min, 5000));
  p.resend_after_seconds = static_cast<int>(r.number("resend_after_seconds", p.resend_after_seconds, 1, 86400));
  p.max_resends = static_cast<int>(r.number("max_resends", p.max_resends, 0, 100));
  p.growth_per_resend = static_cast<int>(r.number("growth_per_resend", p.growth_per_resend, 0, 1000));
  p.provinces_by_os = read_by_os(r, "provinces_by_os");
  p.app_versions_by_os = read_by_os(r, "app_versions_by_os");
  if (r.has("day")) p.day = DayModel::from_json(r.raw("day"), file, r.where("day"));
  for (const auto& [province, share] : p.provinces) {
    if (!p.utc_offset_hours.count(province)) {
      r.fail("utc_offset_hours." + province, "an offset for every province in provinces");
    }
  }
  for (const auto& [os, provinces] : p.provinces_by_os) {
    for (const auto& [province, share] : provinces) {
      if (!p.utc_offset_hours.count(province)) {
        r.fail("utc_offset_hours." + province, "an offset for every province in provinces_by_os");
      }
    }
  }
  return p;
}

ClientKind kind_of(const Reader& r, const std::string& text) {
  if (text == "js") return ClientKind::kJsBatch;
  if (text == "ios_single") return ClientKind::kIosSingle;
  if (text == "android_forced") return ClientKind::kAndroidForced;
  r.fail("kind", "\"js\", \"ios_single\" or \"android_forced\"");
}

// A file named by a scenario: relative to the scenario's directory.
std::string resolve(const std::string& scenario_file, const std::string& name) {
  std::filesystem::path path(name);
  if (path.is_relative()) path = std::filesystem::path(scenario_file).parent_path() / path;
  return path.string();
}

// A trace file: one send per line, "<seconds after the phase start>[,<anything>]", in any
// order; '#' starts a comment. Offsets are divided by `speed`.
std::vector<Micros> read_trace(const Reader& r, const std::string& scenario_file,
                               const std::string& trace_file, double speed) {
  const std::filesystem::path path = resolve(scenario_file, trace_file);
  std::ifstream in(path);
  if (!in) r.fail("file", "a readable trace file (" + path.string() + ")");
  std::vector<Micros> out;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    const auto comma = line.find(',');
    const std::string field = line.substr(0, comma);
    if (field.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      std::size_t used = 0;
      const double seconds = std::stod(field, &used);
      if (seconds < 0) throw std::invalid_argument("negative");
      out.push_back(emu::seconds(seconds / speed));
    } catch (...) {
      throw ScenarioError(path.string(), "line " + std::to_string(number),
                          "seconds after the phase start (a number >= 0)");
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Phase read_phase(const json& j, const std::string& file, std::size_t index, Micros start) {
  const std::string path = "schedule[" + std::to_string(index) + "]";
  Reader r(j, file, path, {"type", "from", "duration", "rate", "to_rate", "midnight", "within",
                           "share", "kind", "connections", "file", "speed", "interval", "format"});
  Phase p;
  const std::string type = r.string("type", "", true);
  p.from = r.time("from", start) - start;
  p.kind = kind_of(r, r.string("kind", "js"));
  if (type == "constant" || type == "ramp") {
    p.type = type == "constant" ? Phase::Type::kConstant : Phase::Type::kRamp;
    p.duration = emu::seconds(r.number("duration", 0, 0.001, 30 * 86400.0, true));
    p.rate = r.number("rate", 0, 0, 1e6, true);
    p.to_rate = p.type == Phase::Type::kRamp ? r.number("to_rate", 0, 0, 1e6, true) : p.rate;
  } else if (type == "midnight") {
    p.type = Phase::Type::kMidnight;
    const std::string which = r.string("midnight", "local");
    if (which != "local" && which != "utc") r.fail("midnight", "\"local\" or \"utc\"");
    p.local_midnight = which == "local";
    p.within = emu::seconds(r.number("within", 600, 1, 86400));
    p.share = r.number("share", 1.0, 0, 1);
  } else if (type == "background") {
    // The app's periodic background task: every participating device posts once per interval
    // (240 minutes in the app), each at its own offset, until the scenario ends.
    p.type = Phase::Type::kBackground;
    p.interval = emu::seconds(r.number("interval", 14400, 60, 7 * 86400.0));
    p.share = r.number("share", 1.0, 0, 1);
  } else if (type == "trace") {
    p.type = Phase::Type::kTrace;
    const double speed = r.number("speed", 1, 1e-6, 1e6);
    const std::string format = r.string("format", "offsets");
    if (format == "apigw-access-log") {
      p.access_log = read_access_log(resolve(file, r.string("file", "", true)), speed, file, r.where("file"));
      for (const auto& line : p.access_log->lines) p.trace.push_back(line.offset);
    } else if (format == "offsets") {
      p.trace = read_trace(r, file, r.string("file", "", true), speed);
    } else {
      r.fail("format", "\"offsets\" (CSV of seconds) or \"apigw-access-log\"");
    }
  } else if (type == "closed") {
    // Closed loop (wrk-style, for measuring a target's ceiling): no planned times, so latency
    // here is service time and coordinated omission is not corrected. HTTP runs only.
    p.type = Phase::Type::kClosed;
    p.duration = emu::seconds(r.number("duration", 0, 0.001, 86400.0, true));
    p.connections = static_cast<int>(r.number("connections", 0, 1, 10000, true));
  } else {
    r.fail("type", "\"constant\", \"ramp\", \"midnight\", \"background\", \"trace\" or \"closed\"");
  }
  return p;
}

bool is_status_figure(const std::string& f) {
  if (f.rfind("status.", 0) != 0) return false;
  const std::string code = f.substr(7);
  if (code == "2xx" || code == "4xx" || code == "5xx") return true;
  return code.size() == 3 && code[0] >= '1' && code[0] <= '5' && std::isdigit(static_cast<unsigned char>(code[1])) &&
         std::isdigit(static_cast<unsigned char>(code[2]));
}

bool is_known_figure(const std::string& f) {
  static const std::set<std::string> names = {
      "planned", "requests", "late_sends", "achieved_ratio", "latency_max_ms", "transport_errors",
      "error_rate", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "latency_p99.9_ms",
      "service_p50_ms", "service_p90_ms", "service_p99_ms", "service_p99.9_ms"};
  return names.count(f) || is_status_figure(f) || is_emulator_figure(f) || !figure_only_in(f).empty();
}

Expectation read_expectation(const json& j, const std::string& file, std::size_t index) {
  const std::string path = "expectations[" + std::to_string(index) + "]";
  Reader r(j, file, path, {"description", "figure", "alarm", "state", "between", "mode", "ledger",
                           "min", "max", "equals"});
  Expectation e;
  e.description = r.string("description", "");
  e.figure = r.string("figure", "");
  e.alarm = r.string("alarm", "");
  e.ledger = r.string("ledger", "");
  const int kinds = !e.figure.empty() + !e.alarm.empty() + !e.ledger.empty();
  if (kinds != 1) r.fail("", "exactly one of \"figure\", \"alarm\" or \"ledger\"");
  if (r.has("min")) e.min = r.number("min", 0, -1e18, 1e18);
  if (r.has("max")) e.max = r.number("max", 0, -1e18, 1e18);
  if (r.has("equals")) {
    if (!r.raw("equals").is_boolean()) r.fail("equals", "true or false");
    e.equals = r.raw("equals").get<bool>();
  }
  if (!e.figure.empty() && !e.min && !e.max) r.fail("min", "\"min\" and/or \"max\" for a figure");
  if (!e.figure.empty() && !is_known_figure(e.figure)) {
    r.fail("figure", e.figure.rfind("status.", 0) == 0
                         ? "status.<code> (three digits, e.g. status.503) or status.2xx, status.4xx, "
                           "status.5xx (got \"" + e.figure + "\")"
                         : "a figure of scenarios/README.md (planned, requests, achieved_ratio, "
                           "latency_p99_ms, status.500, status.5xx, lambda_throttles, entries_lost, "
                           "alarm_fired.<alarm>, ...; got \"" + e.figure + "\")");
  }
  if (!e.ledger.empty()) {
    if (e.ledger != "nothing_lost" && e.ledger != "invariant_holds") {
      r.fail("ledger", "\"nothing_lost\" or \"invariant_holds\"");
    }
    if (!e.equals) e.equals = true;
  }
  if (!e.alarm.empty()) {
    e.state = r.string("state", "ALARM");
    if (e.state != "ALARM" && e.state != "OK" && e.state != "INSUFFICIENT_DATA") {
      r.fail("state", "\"ALARM\", \"OK\" or \"INSUFFICIENT_DATA\"");
    }
    e.mode = r.string("mode", "at_some_point");
    if (e.mode != "at_some_point" && e.mode != "throughout" && e.mode != "never") {
      r.fail("mode", "\"at_some_point\", \"throughout\" or \"never\"");
    }
    if (r.has("between")) {
      const auto& b = r.raw("between");
      if (!b.is_array() || b.size() != 2 || !b[0].is_string() || !b[1].is_string()) {
        r.fail("between", "[\"<ISO-8601 from>\", \"<ISO-8601 to>\"]");
      }
      e.between_from = emu::parse_iso8601(b[0].get<std::string>());
      e.between_to = emu::parse_iso8601(b[1].get<std::string>());
      if (!e.between_from || !e.between_to || *e.between_to < *e.between_from) {
        r.fail("between", "two ISO-8601 UTC times, the first not after the second");
      }
    }
  }
  return e;
}

}  // namespace

bool is_emulator_figure(const std::string& f) {
  static const std::set<std::string> names = {
      "lambda_throttles", "entries_stored", "entries_lost", "entries_in_dlq",      "items_stored",
      "csv_rows",         "csv_files",      "etl_failures", "alarm_actions_failed"};
  return names.count(f) || (f.rfind("alarm_fired.", 0) == 0 && f.size() > 12);
}

std::string figure_only_in(const std::string& f) {
  if (f == "connections_opened" || f == "max_waiting_for_a_connection" || f == "dropped_client_overloaded") {
    return "http";
  }
  if (f == "simulated_requests_per_wall_second") return "virtual";
  return "";
}

void check_mode(const Scenario& s, bool http) {
  const std::string mode = http ? "http" : "virtual";
  for (std::size_t i = 0; i < s.schedule.size(); ++i) {
    if (!http && s.schedule[i].type == Phase::Type::kClosed) {
      throw ScenarioError(s.file, "schedule[" + std::to_string(i) + "].type",
                          "a planned phase for an in-process run (\"closed\" has no planned times: "
                          "it needs --target)");
    }
  }
  for (std::size_t i = 0; i < s.expectations.size(); ++i) {
    const std::string only = figure_only_in(s.expectations[i].figure);
    if (!only.empty() && only != mode) {
      throw ScenarioError(s.file, "expectations[" + std::to_string(i) + "].figure",
                          "a figure this run has (" + s.expectations[i].figure + " exists only in " +
                              (only == "http" ? "HTTP runs, with --target" : "in-process runs, without --target") + ")");
    }
  }
}

const char* kind_name(ClientKind k) {
  switch (k) {
    case ClientKind::kJsBatch: return "js";
    case ClientKind::kIosSingle: return "ios_single";
    default: return "android_forced";
  }
}

Scenario Scenario::from_json(const json& j, const std::string& file) {
  Reader r(j, file, "", {"name", "description", "seed", "start", "duration", "drain", "emulator",
                         "population", "schedule", "expectations"});
  Scenario s;
  s.file = file;
  s.source = j;
  s.name = r.string("name", "", true);
  s.description = r.string("description", "");
  s.seed = static_cast<std::uint64_t>(r.number("seed", 1, 0, 9e15));
  const std::string start = r.string("start", "2021-06-27T00:00:00Z");
  const auto t = emu::parse_iso8601(start);
  if (!t || start.find('T') == std::string::npos) {
    r.fail("start", "an ISO-8601 UTC time with a time of day, e.g. 2021-06-27T00:00:00Z (got \"" + start + "\")");
  }
  s.start = *t;
  s.duration = emu::seconds(r.number("duration", 0, 1, 30 * 86400.0, true));
  s.drain = emu::seconds(r.number("drain", 600, 0, 7 * 86400.0));
  if (r.has("emulator")) {
    if (!r.raw("emulator").is_object()) r.fail("emulator", "an object of emulator config overrides");
    s.emulator = r.raw("emulator");
  }
  s.population = read_population(r.has("population") ? r.raw("population") : json(), file);
  if (s.population.day && s.start < s.population.day->day_start + emu::kMicrosPerDay) {
    throw ScenarioError(file, "population.day.date",
                        "a day that has ended when the scenario starts (its metrics travel in the "
                        "next day's pushes; start is " +
                            start + ")");
  }
  if (!r.has("schedule") || !r.raw("schedule").is_array() || r.raw("schedule").empty()) {
    r.fail("schedule", "a non-empty array of phases");
  }
  for (std::size_t i = 0; i < r.raw("schedule").size(); ++i) {
    s.schedule.push_back(read_phase(r.raw("schedule")[i], file, i, s.start));
    if (s.schedule.back().type == Phase::Type::kClosed && r.raw("schedule").size() != 1) {
      r.fail("schedule", "a \"closed\" phase alone (a closed loop cannot mix with planned sends)");
    }
  }
  if (r.has("expectations")) {
    if (!r.raw("expectations").is_array()) r.fail("expectations", "an array");
    for (std::size_t i = 0; i < r.raw("expectations").size(); ++i) {
      s.expectations.push_back(read_expectation(r.raw("expectations")[i], file, i));
    }
  }
  return s;
}

namespace {

// YAML scenarios are read into the same JSON shape. Scalars become numbers or booleans when
// they read as such (YAML 1.2 core schema), strings otherwise.
json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string text = node.Scalar();
      if (node.Tag() == "!") return text;  // quoted: always a string
      if (text == "true" || text == "false") return text == "true";
      if (text == "null" || text == "~") return nullptr;
      const json number = json::parse(text, nullptr, false);
      if (!number.is_discarded() && number.is_number()) return number;
      return text;
    }
    default:
      return nullptr;
  }
}

// nlohmann counts bytes from 1, up to and including the one that failed.
std::pair<std::size_t, std::size_t> line_and_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while
// parsing object - unexpected '}'; expected string literal" -> the part after the position.
std::string json_error_reason(const json::parse_error& e) {
  const std::string what = e.what();
  const auto colon = what.find(": ", what.find("parse error"));
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

Scenario Scenario::from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(path, "(file)", "a readable scenario file");
  std::stringstream text;
  text << in.rdbuf();
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".yaml" || ext == ".yml") {
    try {
      return from_json(yaml_to_json(YAML::Load(text.str())), path);
    } catch (const YAML::Exception& e) {
      throw ScenarioError(path, "line " + std::to_string(e.mark.line + 1) + ", column " + std::to_string(e.mark.column + 1),
                          "valid YAML (" + e.msg + ")");
    }
  }
  json j;
  try {
    j = json::parse(text.str());
  } catch (const json::parse_error& e) {
    const auto [line, column] = line_and_column(text.str(), e.byte);
    throw ScenarioError(path, "line " + std::to_string(line) + ", column " + std::to_string(column),
                        "valid JSON (" + json_error_reason(e) + ")");
  } catch (const json::out_of_range& e) {
    // A number too large for a double ("1e999"): nlohmann names no position.
    throw ScenarioError(path, "(file)", std::string("valid JSON (") + e.what() + ")");
  }
  return from_json(j, path);
}

}  // namespace loadgen
