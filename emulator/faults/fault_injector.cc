#include "emulator/faults/fault_injector.h"

#include <cstdio>

#include "emulator/core/config.h"
#include "emulator/faults/hooks.h"

namespace emu::faults {

std::optional<AwsError> known_error(const std::string& code) {
  if (code == "ProvisionedThroughputExceededException") {
    return AwsError::client(code,
                            "The level of configured provisioned throughput for the table was "
                            "exceeded. Consider increasing your provisioning level with the "
                            "UpdateTable API.");
  }
  if (code == "ThrottlingException") return AwsError::client(code, "Rate exceeded");
  if (code == "RequestLimitExceeded") {
    return AwsError::client(code, "Throughput exceeds the current throughput limit for your "
                                  "account. Please contact AWS Support at "
                                  "https://aws.amazon.com/support request a limit increase");
  }
  if (code == "InternalServerError") return AwsError::server(code, "Internal server error");
  if (code == "ServiceUnavailable") {
    return AwsError::server(code, "Service Unavailable", 503);
  }
  if (code == "ConditionalCheckFailedException") {
    return AwsError::client(code, "The conditional request failed");
  }
  if (code == "AccessDeniedException") return AwsError::client(code, "Access denied");
  if (code == "InternalError") {
    return AwsError::server(code, "We encountered an internal error. Please try again.");
  }
  if (code == "SlowDown") return AwsError::server(code, "Please reduce your request rate.", 503);
  if (code == "FunctionError") return AwsError::client(code, "Unhandled", 200);
  if (code == "InternalFailure") {
    return AwsError::server(code,
                            "The request processing has failed because of an unknown "
                            "error, exception or failure.");
  }
  // The storage seam's errors (SQLite's SQLITE_IOERR and SQLITE_FULL messages); the writer
  // answers its caller with its own service's 500 (emulator/core/disk_faults.h).
  if (code == "IOError") return AwsError::server(code, "disk I/O error");
  if (code == "DiskFull") return AwsError::server(code, "database or disk is full");
  return std::nullopt;
}

namespace {

Micros parse_time(const nlohmann::json& v, Micros run_start, const std::string& where) {
  if (!v.is_string()) throw ConfigError(where, "an ISO-8601 UTC time or \"+HH:MM:SS\"");
  const std::string s = v.get<std::string>();
  if (!s.empty() && s[0] == '+') {
    unsigned h = 0, m = 0, sec = 0;
    char tail = 0;
    if (std::sscanf(s.c_str(), "+%u:%u:%u%c", &h, &m, &sec, &tail) != 3 || m > 59 || sec > 59) {
      throw ConfigError(where, "an offset \"+HH:MM:SS\"");
    }
    return run_start + h * kMicrosPerHour + m * kMicrosPerMinute + sec * kMicrosPerSecond;
  }
  const auto t = parse_iso8601(s);
  if (!t) throw ConfigError(where, "an ISO-8601 UTC time or \"+HH:MM:SS\"");
  return *t;
}

std::string string_field(const nlohmann::json& e, const char* key, const std::string& where,
                         bool required) {
  if (!e.contains(key)) {
    if (required) throw ConfigError(where + "/" + key, "a string");
    return "*";
  }
  if (!e.at(key).is_string()) throw ConfigError(where + "/" + key, "a string");
  return e.at(key).get<std::string>();
}

FaultRule parse_rule(const nlohmann::json& e, const std::string& where, Micros run_start) {
  static const char* kKeys[] = {"service", "operation", "resource", "error", "status",
                                "message", "probability", "latency_ms", "from", "to",
                                "description"};
  if (!e.is_object()) throw ConfigError(where, "an object describing a fault");
  for (const auto& [key, value] : e.items()) {
    if (std::none_of(std::begin(kKeys), std::end(kKeys),
                     [&name = key](const char* k) { return name == k; })) {
      throw ConfigError(where + "/" + key, "one of service, operation, resource, error, status, "
                                           "message, probability, latency_ms, from, to");
    }
  }
  FaultRule rule;
  rule.service = string_field(e, "service", where, true);
  rule.operation = string_field(e, "operation", where, false);
  rule.resource = string_field(e, "resource", where, false);
  // A rule no model consults would silently do nothing: refused, naming what has a hook.
  if (const auto expected = unhooked(rule.service, rule.operation)) {
    const bool service_known = rule.service == "*" || !unhooked(rule.service, "*");
    throw ConfigError(where + (service_known ? "/operation" : "/service"), *expected);
  }
  if (e.contains("error")) {
    const std::string code = string_field(e, "error", where, true);
    rule.error = known_error(code);
    if (e.contains("status")) {
      if (!e.at("status").is_number_integer() || e.at("status").get<int>() < 400 ||
          e.at("status").get<int>() > 599) {
        throw ConfigError(where + "/status", "an HTTP error status 400..599");
      }
      const int status = e.at("status").get<int>();
      rule.error = AwsError{code, rule.error ? rule.error->message : code, status, status < 500};
    }
    if (!rule.error) {
      throw ConfigError(where + "/status", "a status for the unknown error code \"" + code + "\"");
    }
    if (e.contains("message")) rule.error->message = string_field(e, "message", where, true);
    if (rule.service == "storage" && code != "IOError" && code != "DiskFull") {
      throw ConfigError(where + "/error",
                        "\"IOError\" or \"DiskFull\" (what a disk can fail with)");
    }
  }
  if (e.contains("probability")) {
    const auto& p = e.at("probability");
    if (!p.is_number() || p.get<double>() < 0 || p.get<double>() > 1) {
      throw ConfigError(where + "/probability", "a number between 0 and 1");
    }
    rule.probability = p.get<double>();
  }
  if (e.contains("latency_ms")) {
    rule.latency_ms = Distribution::from_json(e.at("latency_ms"), where + "/latency_ms");
  }
  if (!rule.error && !rule.latency_ms) {
    throw ConfigError(where, "an \"error\" or a \"latency_ms\" (a fault must do something)");
  }
  if (e.contains("from")) rule.from = parse_time(e.at("from"), run_start, where + "/from");
  if (e.contains("to")) rule.to = parse_time(e.at("to"), run_start, where + "/to");
  if (rule.to <= rule.from) throw ConfigError(where + "/to", "a time after \"from\"");
  return rule;
}

bool matches(const std::string& pattern, std::string_view value) {
  return pattern == "*" || pattern == value;
}

}  // namespace

ConfigFaultInjector::ConfigFaultInjector(const nlohmann::json& faults, Micros run_start,
                                         Random random)
    : random_(std::move(random)) {
  if (!faults.is_array()) throw ConfigError("/faults", "an array of fault objects");
  for (size_t i = 0; i < faults.size(); ++i) {
    rules_.push_back(parse_rule(faults[i], "/faults/" + std::to_string(i), run_start));
  }
}

FaultDecision ConfigFaultInjector::check(std::string_view service, std::string_view operation,
                                         std::string_view resource, Micros now) {
  FaultDecision decision;
  for (auto& rule : rules_) {
    if (now < rule.from || now >= rule.to || !matches(rule.service, service) ||
        !matches(rule.operation, operation) || !matches(rule.resource, resource)) {
      continue;
    }
    if (!random_.bernoulli(rule.probability)) continue;
    ++rule.fired;
    if (rule.latency_ms) decision.extra_latency += millis(rule.latency_ms->sample(random_));
    if (rule.error && !decision.error) decision.error = rule.error;
  }
  return decision;
}

nlohmann::json ConfigFaultInjector::state() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rules_) {
    out.push_back({{"service", r.service}, {"operation", r.operation}, {"resource", r.resource},
                   {"error", r.error ? r.error->code : ""}, {"fired", r.fired}});
  }
  return out;
}

}  // namespace emu::faults
