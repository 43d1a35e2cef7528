// Fault injection from the configuration's "faults" array (the same JSON in a scenario's
// faults): each entry matches a service, an operation and a resource ("*" for any), optionally
// only inside a time window, and then fails the operation with an AWS error and/or adds
// latency, with a probability drawn from the injector's own seeded stream.
//
//   {"service": "dynamodb", "operation": "UpdateItem", "resource": "aggregate_metrics",
//    "error": "InternalServerError", "probability": 1.0,
//    "from": "2021-06-27T04:00:00Z", "to": "2021-06-27T04:10:00Z"}
//   {"service": "lambda", "operation": "Invoke", "resource": "create_metrics",
//    "latency_ms": {"type": "exponential", "mean": 200}}
//
// `from`/`to` are ISO-8601 UTC times, or offsets "+HH:MM:SS" from the start of the run. The
// window is [from, to). `error` is an AWS error code; the injector knows the status and
// message of common ones, others need "status" (and may give "message"). For Lambda,
// "FunctionError" makes the invocation fail as if the handler crashed. A rule naming a service
// or operation no model consults (hooks.h) is refused; "storage" rules (the disk, see
// emulator/core/disk_faults.h) fail with "IOError" or "DiskFull". docs/faults.md lists them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/distribution.h"
#include "emulator/core/faults.h"
#include "emulator/core/random.h"

namespace emu::faults {

struct FaultRule {
  std::string service, operation, resource;  // "*" matches anything
  std::optional<AwsError> error;
  double probability = 1.0;
  std::optional<Distribution> latency_ms;
  Micros from = INT64_MIN;
  Micros to = INT64_MAX;
  std::uint64_t fired = 0;
};

class ConfigFaultInjector final : public FaultInjector {
 public:
  // Parses `faults` (a JSON array). `run_start` anchors relative times. Throws ConfigError
  // naming "/faults/<i>/<field>" on a malformed entry.
  ConfigFaultInjector(const nlohmann::json& faults, Micros run_start, Random random);

  FaultDecision check(std::string_view service, std::string_view operation,
                      std::string_view resource, Micros now) override;

  const std::vector<FaultRule>& rules() const { return rules_; }
  nlohmann::json state() const;

 private:
  std::vector<FaultRule> rules_;
  Random random_;
};

// The status and message AWS uses for a well-known error code, or nullopt.
std::optional<AwsError> known_error(const std::string& code);

}  // namespace emu::faults
