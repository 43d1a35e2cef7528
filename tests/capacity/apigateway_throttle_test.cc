#include <doctest/doctest.h>

#include "emulator/capacity/apigateway_throttle.h"

using namespace emu;
using namespace emu::capacity;
using apigateway::GatewayError;

namespace {
int admitted(ApiGatewayThrottle& t, int n, Micros at, const std::string& key = "k") {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += t.admit(key, at) ? 0 : 1;
  return ok;
}
}  // namespace

TEST_CASE("the seed's settings: method 10000 rps / burst 5000 under the account's") {
  ApiGatewayThrottle t(ThrottleSettings::from_config(Config::defaults()));
  CHECK(admitted(t, 6000, 0) == 5000);
  CHECK(t.admit("k", 0) == GatewayError::kThrottled);
  CHECK(admitted(t, 2000, kMicrosPerSecond / 10) == 1000);
}

TEST_CASE("a lower method limit binds; the account still caps a higher one") {
  Config c = Config::defaults();
  c.merge({{"apigateway", {{"throttle", {{"method", {{"rate", 10}, {"burst", 2}}}}}}}}, "t");
  ApiGatewayThrottle low(ThrottleSettings::from_config(c));
  CHECK(admitted(low, 5, 0) == 2);
  Config high = Config::defaults();
  high.merge({{"apigateway", {{"throttle", {{"method", {{"rate", 1e6}, {"burst", 1e6}}},
                                            {"account", {{"rate", 100}, {"burst", 10}}}}}}}},
             "t");
  ApiGatewayThrottle capped(ThrottleSettings::from_config(high));
  CHECK(admitted(capped, 50, 0) == 10);
}

TEST_CASE("usage-plan limits apply per API key, before the stage limits") {
  Config c = Config::defaults();
  c.merge({{"apigateway", {{"throttle", {{"usage_plan", {{"enabled", true}, {"rate", 1},
                                                          {"burst", 3}}}}}}}},
          "t");
  ApiGatewayThrottle t(ThrottleSettings::from_config(c));
  CHECK(admitted(t, 5, 0, "a") == 3);
  CHECK(admitted(t, 5, 0, "b") == 3);
  CHECK(t.state(0)["api_keys"]["a"]["usage_plan_tokens"] == doctest::Approx(0));
}

TEST_CASE("a usage-plan quota answers Limit Exceeded until the next UTC day") {
  Config c = Config::defaults();
  c.merge({{"apigateway", {{"quota", {{"enabled", true}, {"limit", 2}, {"period", "DAY"}}}}}},
          "t");
  ApiGatewayThrottle t(ThrottleSettings::from_config(c));
  const Micros day = *parse_iso8601("2021-06-27T10:00:00Z");
  CHECK_FALSE(t.admit("k", day));
  CHECK_FALSE(t.admit("k", day));
  CHECK(t.admit("k", day) == GatewayError::kQuotaExceeded);
  CHECK_FALSE(t.admit("k", *parse_iso8601("2021-06-28T00:00:00Z")));
  Config bad = Config::defaults();
  bad.merge({{"apigateway", {{"quota", {{"period", "YEAR"}}}}}}, "t");
  CHECK_THROWS_AS(ThrottleSettings::from_config(bad), ConfigError);
}

TEST_CASE("per-key state only when a usage plan applies: keys the method never checks cost nothing") {
  // The seed: no usage plan, no quota. Whatever x-api-key values arrive, nothing is kept.
  ApiGatewayThrottle plain(ThrottleSettings::from_config(Config::defaults()));
  for (int i = 0; i < 1000; ++i) CHECK_FALSE(plain.admit("key-" + std::to_string(i), i * kMicrosPerSecond));
  CHECK(plain.tracked_keys() == 0);
  // A usage plan on a method that does not require a key: requests are not identified by a
  // key, so the plan's limits do not apply to them (aws-fidelity 1.1).
  Config open = Config::defaults();
  open.merge({{"apigateway", {{"api_key_required", false},
                              {"throttle", {{"usage_plan", {{"enabled", true}, {"rate", 1}, {"burst", 1}}}}}}}},
             "t");
  ApiGatewayThrottle unkeyed(ThrottleSettings::from_config(open));
  CHECK(admitted(unkeyed, 5, 0, "anything") == 5);
  CHECK(unkeyed.tracked_keys() == 0);
  // With the key required, the plan applies to it: one entry per key let through.
  Config keyed = Config::defaults();
  keyed.merge({{"apigateway", {{"throttle", {{"usage_plan", {{"enabled", true}, {"rate", 1}, {"burst", 1}}}}}}}},
              "t");
  ApiGatewayThrottle plan(ThrottleSettings::from_config(keyed));
  CHECK(admitted(plan, 5, 0, "local-metrics-api-key") == 1);
  CHECK(plan.tracked_keys() == 1);
}
