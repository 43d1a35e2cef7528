#include <doctest/doctest.h>

#include "emulator/faults/fault_injector.h"
#include "emulator/lambda/lambda_service.h"

using namespace emu;
using namespace emu::lambda;
using Outcome = InvokeResult::Outcome;

namespace {

// One function, constant 3 s duration, no init time, the given regime.
LambdaSettings settings(ScalingRegime regime = ScalingRegime::k2023, Micros duration_ms = 2000) {
  LambdaSettings s;
  s.regime = regime;
  FunctionSettings f;
  f.name = "create_metrics";
  f.timeout = 3 * kMicrosPerSecond;
  f.duration_ms = Distribution::constant(static_cast<double>(duration_ms));
  s.functions.push_back(f);
  FunctionSettings g = f;
  g.name = "aggregate_metrics";
  g.timeout = 60 * kMicrosPerSecond;
  s.functions.push_back(g);
  return s;
}

struct ServiceFixture {
  VirtualClock clock{0};
  Scheduler scheduler{clock};
  RecordingMetricSink sink;
  LambdaService lambda;
  explicit ServiceFixture(LambdaSettings s)
      : lambda(std::move(s), scheduler, Random(1), &sink, nullptr) {}
  InvokeResult invoke(const char* fn = "create_metrics", HandlerOutcome out = {}) {
    return lambda.invoke(fn, clock.now(), [&] { return out; });
  }
  int admitted(int n, const char* fn = "create_metrics") {
    int ok = 0;
    for (int i = 0; i < n; ++i) ok += invoke(fn).outcome == Outcome::kOk ? 1 : 0;
    return ok;
  }
};

}  // namespace

TEST_CASE("1000 concurrent invocations fill the pool; the 1001st is throttled") {
  ServiceFixture f(settings());
  CHECK(f.admitted(1000) == 1000);
  const auto r = f.invoke();
  CHECK(r.outcome == Outcome::kThrottled);
  CHECK(r.throttle_reason == "ConcurrentInvocationLimitExceeded");
  CHECK(f.lambda.in_use("create_metrics") == 1000);
  CHECK(f.sink.sum("Throttles", {{"FunctionName", "create_metrics"}}) == 1);
  CHECK(f.sink.sum("Invocations", {{"FunctionName", "create_metrics"}}) == 1000);
  // The environments come back when the invocations end (2 s later) and are reused warm.
  f.scheduler.run_until(2 * kMicrosPerSecond);
  CHECK(f.lambda.in_use("create_metrics") == 0);
  const auto warm = f.invoke();
  CHECK(warm.outcome == Outcome::kOk);
  CHECK_FALSE(warm.cold_start);
}

TEST_CASE("other functions in the account reduce the pool") {
  LambdaSettings s = settings();
  s.other_functions_concurrency = 889;
  ServiceFixture f(s);
  CHECK(f.admitted(200) == 111);
}

TEST_CASE("reserved concurrency guarantees and caps; 0 throttles everything") {
  ServiceFixture f(settings());
  CHECK(f.lambda.put_reserved_concurrency("aggregate_metrics", 300).ok());
  CHECK(f.admitted(1000) == 700);  // the unreserved pool is 1000 - 300
  CHECK(f.admitted(400, "aggregate_metrics") == 300);
  const auto capped = f.invoke("aggregate_metrics");
  CHECK(capped.throttle_reason == "ReservedFunctionConcurrentInvocationLimitExceeded");
  CHECK(f.lambda.put_reserved_concurrency("create_metrics", 0).ok());
  f.scheduler.run_until(10 * kMicrosPerSecond);
  CHECK(f.invoke().throttle_reason == "ReservedFunctionConcurrentInvocationLimitExceeded");
  // At least 100 must stay unreserved.
  const auto too_much = f.lambda.put_reserved_concurrency("aggregate_metrics", 901);
  REQUIRE_FALSE(too_much.ok());
  CHECK(too_much.error().code == "InvalidParameterValueException");
  CHECK(f.lambda.delete_reserved_concurrency("create_metrics").ok());
  CHECK(f.invoke().outcome == Outcome::kOk);
  CHECK(f.lambda.put_reserved_concurrency("nope", 1).error().http_status == 404);
}

TEST_CASE("2023 regime: each function gains at most 1000 environments per 10 s") {
  LambdaSettings s = settings(ScalingRegime::k2023, 600000);
  s.account_concurrency = 5000;
  s.functions[0].timeout = 900 * kMicrosPerSecond;
  s.functions[1].timeout = 900 * kMicrosPerSecond;
  ServiceFixture f(s);
  CHECK(f.admitted(1500) == 1000);                    // the allowance is full at first
  f.scheduler.run_until(5 * kMicrosPerSecond);        // refilled continuously: +500 in 5 s
  CHECK(f.admitted(1000) == 500);
  f.scheduler.run_until(60 * kMicrosPerSecond);       // no banking beyond 1000
  CHECK(f.admitted(3000) == 1000);
  CHECK(f.lambda.environments("create_metrics") == 2500);
  CHECK(f.admitted(600, "aggregate_metrics") == 600);  // its own allowance
}

TEST_CASE("2021 regime: an account-wide burst of 500, then +500 per minute") {
  LambdaSettings s = settings(ScalingRegime::k2021, 600000);
  s.functions[0].timeout = 900 * kMicrosPerSecond;
  s.functions[1].timeout = 900 * kMicrosPerSecond;
  ServiceFixture f(s);
  CHECK(f.admitted(800) == 500);
  CHECK(f.admitted(100, "aggregate_metrics") == 0);  // the burst is shared by the account
  f.scheduler.run_until(30 * kMicrosPerSecond);
  CHECK(f.admitted(800) == 250);                     // half a minute: +250
  f.scheduler.run_until(60 * kMicrosPerSecond);
  CHECK(f.lambda.environments("create_metrics") == 750);
  CHECK(f.admitted(800) == 250);                     // one minute in: 1000 in all
  f.scheduler.run_until(120 * kMicrosPerSecond);
  CHECK(f.admitted(100) == 0);                       // the account limit (1000) binds
}

TEST_CASE("2021 regime: the environment ceiling reads what the next cold start would allow") {
  LambdaSettings s = settings(ScalingRegime::k2021, 600000);
  s.functions[0].timeout = 900 * kMicrosPerSecond;
  ServiceFixture f(s);
  CHECK(f.lambda.environment_ceiling(0) == doctest::Approx(500));  // the initial burst
  CHECK(f.admitted(600) == 500);
  CHECK(f.lambda.throttles("create_metrics") == 100);
  CHECK(f.lambda.environment_ceiling(0) == doctest::Approx(500));
  f.scheduler.run_until(30 * kMicrosPerSecond);
  CHECK(f.lambda.environment_ceiling(f.clock.now()) == doctest::Approx(750));  // +500 a minute
  CHECK(f.admitted(800) == 250);  // reading it changed nothing
  CHECK(f.lambda.environment_ceiling(f.clock.now()) == doctest::Approx(750));
  CHECK(!ServiceFixture(settings(ScalingRegime::k2023)).lambda.environment_ceiling(0));
}

TEST_CASE("cold starts add Init; idle environments are reclaimed") {
  LambdaSettings s = settings(ScalingRegime::k2023, 40);
  s.functions[0].init_ms = Distribution::constant(450);
  s.idle_reclaim = 60 * kMicrosPerSecond;
  ServiceFixture f(s);
  const auto cold = f.invoke();
  CHECK(cold.cold_start);
  CHECK(cold.latency == 490 * kMicrosPerMilli);
  f.scheduler.run_until(kMicrosPerSecond);
  const auto warm = f.invoke();
  CHECK_FALSE(warm.cold_start);
  CHECK(warm.latency == 40 * kMicrosPerMilli);
  f.scheduler.run_until(2 * kMicrosPerMinute);
  CHECK(f.lambda.environments("create_metrics") == 1);
  const auto again = f.invoke();
  CHECK(again.cold_start);  // the warm one idled past the reclaim time
}

TEST_CASE("a handler running past its timeout times out at the timeout") {
  ServiceFixture f(settings(ScalingRegime::k2023, 2000));
  const auto r = f.invoke("create_metrics", HandlerOutcome{false, 5 * kMicrosPerSecond, {}});
  CHECK(r.outcome == Outcome::kTimeout);
  CHECK(r.latency == 3 * kMicrosPerSecond);
  const auto err = f.invoke("create_metrics", HandlerOutcome{true, 0, {}});
  CHECK(err.outcome == Outcome::kFunctionError);
  CHECK(f.sink.sum("Errors", {{"FunctionName", "create_metrics"}}) == 2);
  CHECK(f.sink.count("Duration", {{"FunctionName", "create_metrics"}}) == 2);
}

TEST_CASE("faults: a crash never runs the handler; latency adds to the duration") {
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  faults::ConfigFaultInjector faults(
      nlohmann::json::parse(R"([{"service":"lambda","operation":"Invoke",
        "resource":"create_metrics","error":"FunctionError","from":"+00:00:10"},
        {"service":"lambda","resource":"aggregate_metrics","latency_ms":500}])"),
      0, Random(2));
  LambdaService lambda(settings(ScalingRegime::k2023, 100), scheduler, Random(1), nullptr, &faults);
  int ran = 0;
  auto body = [&] {
    ++ran;
    return HandlerOutcome{};
  };
  CHECK(lambda.invoke("create_metrics", 0, body).outcome == Outcome::kOk);
  CHECK(lambda.invoke("create_metrics", 10 * kMicrosPerSecond, body).outcome ==
        Outcome::kFunctionError);
  CHECK(ran == 1);
  CHECK(lambda.invoke("aggregate_metrics", 0, body).latency == 600 * kMicrosPerMilli);
}

TEST_CASE("the seed's configuration loads; unknown functions are refused") {
  const auto s = LambdaSettings::from_config(Config::defaults());
  CHECK(s.functions.size() == 3);
  CHECK(s.regime == ScalingRegime::k2021);
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  LambdaService lambda(s, scheduler, Random(1), nullptr, nullptr);
  CHECK(lambda.function("aggregate_metrics")->timeout == 60 * kMicrosPerSecond);
  CHECK(lambda.invoke("nope", 0, [] { return HandlerOutcome{}; }).throttle_reason ==
        "FunctionNotFound");
  Config bad = Config::defaults();
  bad.merge({{"lambda", {{"functions", {{"backoff_retry", {{"reserved_concurrency", 950}}}}}}}},
            "t");
  CHECK_THROWS_AS(LambdaSettings::from_config(bad), ConfigError);
}

TEST_CASE("each execution environment has an id: reused warm, new when cold") {
  ServiceFixture f(settings());
  const auto first = f.invoke();
  REQUIRE(first.cold_start);
  CHECK(first.environment_id.size() == 32);
  CHECK(first.environment_created == 0);
  const auto second = f.invoke();  // the first is still busy: a second environment
  CHECK(second.cold_start);
  CHECK(second.environment_id != first.environment_id);
  f.scheduler.run_until(3 * kMicrosPerSecond);
  const auto warm = f.invoke();
  CHECK_FALSE(warm.cold_start);
  CHECK((warm.environment_id == first.environment_id || warm.environment_id == second.environment_id));
  CHECK(warm.environment_created == 0);
}

TEST_CASE("the invocation observer hears of every invocation that ran, with its console lines") {
  struct Recorder final : InvocationObserver {
    std::vector<std::string> lines;
    int calls = 0;
    void on_invocation(const FunctionSettings&, const InvokeResult&, const HandlerOutcome& outcome,
                       Micros) override {
      ++calls;
      lines.insert(lines.end(), outcome.console.begin(), outcome.console.end());
    }
  } recorder;
  LambdaSettings s = settings();
  s.functions[0].reserved_concurrency = 1;
  ServiceFixture f(s);
  f.lambda.set_observer(&recorder);
  HandlerOutcome out;
  out.console = {"INFO\thello"};
  CHECK(f.invoke("create_metrics", out).outcome == Outcome::kOk);
  CHECK(f.invoke("create_metrics", out).outcome == Outcome::kThrottled);  // never ran: no log
  CHECK(recorder.calls == 1);
  CHECK(recorder.lines == std::vector<std::string>{"INFO\thello"});
}
