#include "emulator/lambda/settings.h"

namespace emu::lambda {

namespace {

std::int64_t non_negative(const Config& c, const std::string& pointer) {
  const std::int64_t v = c.integer(pointer);
  if (v < 0) throw ConfigError(pointer, "a non-negative integer");
  return v;
}

FunctionSettings read_function(const Config& c, const std::string& name) {
  const std::string base = "/lambda/functions/" + name;
  FunctionSettings f;
  f.name = name;
  const std::int64_t timeout_ms = c.integer(base + "/timeout_ms");
  if (timeout_ms < 1 || timeout_ms > 900000) {
    throw ConfigError(base + "/timeout_ms", "1..900000 (Lambda's 15-minute maximum)");
  }
  f.timeout = timeout_ms * kMicrosPerMilli;
  f.memory_mb = c.integer(base + "/memory_mb");
  if (f.memory_mb < 128 || f.memory_mb > 10240) {
    throw ConfigError(base + "/memory_mb", "128..10240");
  }
  f.reserved_concurrency = c.integer(base + "/reserved_concurrency");
  if (f.reserved_concurrency < -1) {
    throw ConfigError(base + "/reserved_concurrency", "-1 (none) or a non-negative integer");
  }
  f.init_ms = Distribution::from_json(c.at(base + "/init_ms"), base + "/init_ms");
  f.duration_ms = Distribution::from_json(c.at(base + "/duration_ms"), base + "/duration_ms");
  return f;
}

}  // namespace

LambdaSettings LambdaSettings::from_config(const Config& c) {
  LambdaSettings s;
  s.account_concurrency = non_negative(c, "/lambda/account_concurrency");
  s.minimum_unreserved = non_negative(c, "/lambda/minimum_unreserved");
  s.other_functions_concurrency = non_negative(c, "/lambda/other_functions_concurrency");
  const std::string regime = c.string("/lambda/scaling/regime");
  if (regime != "2021" && regime != "2023") {
    throw ConfigError("/lambda/scaling/regime", "\"2021\" (account burst + 500/min) or \"2023\"");
  }
  s.regime = regime == "2021" ? ScalingRegime::k2021 : ScalingRegime::k2023;
  s.initial_burst = non_negative(c, "/lambda/scaling/initial_burst");
  s.burst_per_minute = non_negative(c, "/lambda/scaling/burst_per_minute");
  s.per_function_per_10s = non_negative(c, "/lambda/scaling/per_function_per_10s");
  s.idle_reclaim = non_negative(c, "/lambda/idle_reclaim_seconds") * kMicrosPerSecond;
  s.region = c.string("/region");
  s.account_id = c.string("/account_id");
  for (const auto& [name, value] : c.at("/lambda/functions").items()) {
    s.functions.push_back(read_function(c, name));
  }
  std::int64_t reserved = 0;
  for (const auto& f : s.functions) reserved += std::max<std::int64_t>(0, f.reserved_concurrency);
  if (s.account_concurrency - s.other_functions_concurrency - reserved < s.minimum_unreserved) {
    throw ConfigError("/lambda/functions", "reserved concurrency leaving at least " +
                                               std::to_string(s.minimum_unreserved) +
                                               " unreserved (AWS's minimum)");
  }
  return s;
}

}  // namespace emu::lambda
