// Configuration of the Lambda service model (config section "lambda"; defaults are the seed's:
// account concurrency 1000, no reserved concurrency, timeouts 3 s / 60 s / 3 s).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/config.h"
#include "emulator/core/distribution.h"
#include "emulator/core/time.h"

namespace emu::lambda {

// How fast concurrency may grow (aws-fidelity 2.2).
enum class ScalingRegime {
  k2021,  // account-wide: an initial burst (500 in ca-central-1), then +500 per minute
  k2023,  // per function: +1000 environments per 10 s, refilled continuously, no banking
};

struct FunctionSettings {
  std::string name;
  Micros timeout = 3 * kMicrosPerSecond;
  std::int64_t memory_mb = 128;
  std::int64_t reserved_concurrency = -1;  // -1: none (uses the unreserved pool)
  Distribution init_ms = Distribution::constant(0);
  Distribution duration_ms = Distribution::constant(0);
  // When UpdateFunctionConfiguration last changed it (GetFunctionConfiguration's LastModified);
  // unset: as deployed.
  std::optional<Micros> last_modified;
};

struct LambdaSettings {
  std::int64_t account_concurrency = 1000;
  std::int64_t minimum_unreserved = 100;
  // Concurrency used by the account's other functions (not emulated), taken off the pool.
  std::int64_t other_functions_concurrency = 0;
  ScalingRegime regime = ScalingRegime::k2021;
  std::int64_t initial_burst = 500;
  std::int64_t burst_per_minute = 500;
  std::int64_t per_function_per_10s = 1000;
  Micros idle_reclaim = 420 * kMicrosPerSecond;
  std::string region = "ca-central-1";
  std::string account_id = "000000000000";
  std::vector<FunctionSettings> functions;

  static LambdaSettings from_config(const Config& config);
};

}  // namespace emu::lambda
