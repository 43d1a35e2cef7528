#include "emulator/capacity/apigateway_throttle.h"

namespace emu::capacity {

namespace {

ThrottleLimit read_limit(const Config& c, const std::string& level) {
  const std::string base = "/apigateway/throttle/" + level;
  ThrottleLimit limit;
  limit.enabled = c.boolean(base + "/enabled");
  limit.rate = c.number(base + "/rate");
  limit.burst = c.number(base + "/burst");
  if (limit.rate < 0) throw ConfigError(base + "/rate", "a non-negative number (requests/s)");
  if (limit.burst < 0) throw ConfigError(base + "/burst", "a non-negative number (requests)");
  return limit;
}

}  // namespace

ThrottleSettings ThrottleSettings::from_config(const Config& c) {
  ThrottleSettings s;
  s.account = read_limit(c, "account");
  s.stage = read_limit(c, "stage");
  s.method = read_limit(c, "method");
  s.usage_plan = read_limit(c, "usage_plan");
  s.usage_plan_method = read_limit(c, "usage_plan_method");
  s.quota_enabled = c.boolean("/apigateway/quota/enabled");
  s.quota_limit = c.integer("/apigateway/quota/limit");
  s.quota_period = c.string("/apigateway/quota/period");
  if (s.quota_period != "DAY" && s.quota_period != "WEEK" && s.quota_period != "MONTH") {
    throw ConfigError("/apigateway/quota/period", "DAY, WEEK or MONTH");
  }
  if (s.quota_limit < 0) throw ConfigError("/apigateway/quota/limit", "a non-negative integer");
  s.api_key_required = c.boolean("/apigateway/api_key_required");
  return s;
}

ApiGatewayThrottle::ApiGatewayThrottle(ThrottleSettings settings)
    : settings_(std::move(settings)),
      account_(settings_.account.enabled ? settings_.account.rate : 1e18,
               settings_.account.enabled ? settings_.account.burst : 1e18) {
  // A method's own settings replace the stage default for that method.
  const ThrottleLimit& level = settings_.method.enabled ? settings_.method : settings_.stage;
  if (level.enabled) stage_or_method_.emplace(level.rate, level.burst);
  per_key_ = settings_.api_key_required && (settings_.usage_plan.enabled ||
                                            settings_.usage_plan_method.enabled ||
                                            settings_.quota_enabled);
}

std::int64_t ApiGatewayThrottle::quota_period_start(Micros now) const {
  const std::int64_t day = floor_to(now, kMicrosPerDay) / kMicrosPerDay;
  if (settings_.quota_period == "DAY") return day;
  if (settings_.quota_period == "WEEK") {
    // ASSUMPTION: weeks start on Sunday (UTC) with no offset.
    return day - static_cast<std::int64_t>(weekday_from_days(day));
  }
  const CivilDate date = civil_from_days(day);
  return days_from_civil({date.year, date.month, 1});
}

bool ApiGatewayThrottle::quota_allows(KeyState& key, Micros now) {
  if (!settings_.quota_enabled) return true;
  const std::int64_t period = quota_period_start(now);
  if (period != key.quota_period_start) {
    key.quota_period_start = period;
    key.quota_used = 0;
  }
  if (key.quota_used >= settings_.quota_limit) return false;
  ++key.quota_used;
  return true;
}

std::optional<apigateway::GatewayError> ApiGatewayThrottle::admit_key(const std::string& api_key,
                                                                      Micros now) {
  using apigateway::GatewayError;
  KeyState& key = keys_[api_key];
  if (settings_.usage_plan_method.enabled) {
    if (!key.plan_method) {
      key.plan_method.emplace(settings_.usage_plan_method.rate, settings_.usage_plan_method.burst);
    }
    if (!key.plan_method->try_take(now)) return GatewayError::kThrottled;
  }
  if (settings_.usage_plan.enabled) {
    if (!key.plan) key.plan.emplace(settings_.usage_plan.rate, settings_.usage_plan.burst);
    if (!key.plan->try_take(now)) return GatewayError::kThrottled;
  }
  if (!quota_allows(key, now)) return GatewayError::kQuotaExceeded;
  return std::nullopt;
}

std::optional<apigateway::GatewayError> ApiGatewayThrottle::admit(const std::string& api_key,
                                                                  Micros now) {
  using apigateway::GatewayError;
  if (per_key_) {
    if (const auto refused = admit_key(api_key, now)) {
      ++(*refused == GatewayError::kThrottled ? throttled_ : quota_exceeded_);
      return refused;
    }
  }
  if ((stage_or_method_ && !stage_or_method_->try_take(now)) || !account_.try_take(now)) {
    ++throttled_;
    return GatewayError::kThrottled;
  }
  return std::nullopt;
}

nlohmann::json ApiGatewayThrottle::state(Micros now) {
  nlohmann::json j = {{"throttled", throttled_}, {"quota_exceeded", quota_exceeded_}};
  if (settings_.account.enabled) {
    j["account"] = {{"tokens", account_.available(now)}, {"rate", account_.rate()},
                    {"burst", account_.burst()}};
  }
  if (stage_or_method_) {
    j[settings_.method.enabled ? "method" : "stage"] = {
        {"tokens", stage_or_method_->available(now)},
        {"rate", stage_or_method_->rate()},
        {"burst", stage_or_method_->burst()}};
  }
  nlohmann::json keys = nlohmann::json::object();
  for (auto& [name, k] : keys_) {
    nlohmann::json entry = {{"quota_used", k.quota_used}};
    if (k.plan) entry["usage_plan_tokens"] = k.plan->available(now);
    if (k.plan_method) entry["usage_plan_method_tokens"] = k.plan_method->available(now);
    keys[name.empty() ? "(none)" : name] = entry;
  }
  j["api_keys"] = keys;
  return j;
}

}  // namespace emu::capacity
