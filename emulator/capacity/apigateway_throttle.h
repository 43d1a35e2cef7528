// API Gateway's throttling for the save-metrics method, checked in AWS's documented order
// (aws-fidelity 1.1): usage-plan per-method limits, usage-plan limits (per API key), the
// stage's method settings (or the stage default), then the account. Stage/method limits are
// capped by the account limit because the account bucket is always checked too.
// The usage-plan quota (DAY/WEEK/MONTH, UTC periods) is checked with the usage plan.
// Usage-plan limits and the quota apply only to requests identified by an API key, that is
// when the method requires one (aws-fidelity 1.1); so state is kept per key only then, and the
// front door lets through only the configured key: one entry at most.
//
// ASSUMPTION: each level takes its token as the request passes it, so a request refused by a
// later level has consumed the tokens of the levels before (they are separate buckets, checked
// in sequence); AWS does not document refunds.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/apigateway/gateway_responses.h"
#include "emulator/capacity/token_bucket.h"
#include "emulator/core/config.h"

namespace emu::capacity {

struct ThrottleLimit {
  bool enabled = false;
  double rate = 10000;
  double burst = 5000;
};

struct ThrottleSettings {
  ThrottleLimit account{true, 10000, 5000};
  ThrottleLimit stage;
  ThrottleLimit method{true, 10000, 5000};
  ThrottleLimit usage_plan;
  ThrottleLimit usage_plan_method;
  bool quota_enabled = false;
  std::int64_t quota_limit = 0;
  std::string quota_period = "DAY";  // DAY | WEEK | MONTH
  bool api_key_required = true;      // usage plans identify clients by their key

  static ThrottleSettings from_config(const Config& config);
};

class ApiGatewayThrottle {
 public:
  explicit ApiGatewayThrottle(ThrottleSettings settings);

  // nullopt when the request may proceed; kThrottled or kQuotaExceeded otherwise.
  std::optional<apigateway::GatewayError> admit(const std::string& api_key, Micros now);

  nlohmann::json state(Micros now);
  std::uint64_t throttled() const { return throttled_; }
  std::size_t tracked_keys() const { return keys_.size(); }

 private:
  struct KeyState {
    std::optional<TokenBucket> plan;
    std::optional<TokenBucket> plan_method;
    std::int64_t quota_period_start = INT64_MIN;
    std::int64_t quota_used = 0;
  };
  // Usage-plan throttles and quota for `api_key`; nullopt when they let the request through.
  std::optional<apigateway::GatewayError> admit_key(const std::string& api_key, Micros now);
  bool quota_allows(KeyState& key, Micros now);
  std::int64_t quota_period_start(Micros now) const;

  ThrottleSettings settings_;
  bool per_key_ = false;  // some usage-plan level applies
  TokenBucket account_;
  std::optional<TokenBucket> stage_or_method_;
  std::map<std::string, KeyState> keys_;
  std::uint64_t throttled_ = 0;
  std::uint64_t quota_exceeded_ = 0;
};

}  // namespace emu::capacity
