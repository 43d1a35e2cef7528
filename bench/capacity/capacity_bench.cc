// Cost of the capacity model per request (issue 4: the model must not be the bottleneck).
// One request of the seed's ingest path makes three checks: the API Gateway throttle, a Lambda
// invocation (concurrency, scaling, environment reuse and release), and the DynamoDB capacity
// of one PutItem. Google Benchmark, virtual clock, seed production settings with limits that
// admit everything (so the measured path is the common, admitted one).
//
//   build/bench/capacity/bench_capacity [--benchmark_min_time=0.5]
#include <benchmark/benchmark.h>

#include "emulator/capacity/apigateway_throttle.h"
#include "emulator/capacity/dynamodb_capacity.h"
#include "emulator/core/clock.h"
#include "emulator/core/scheduler.h"
#include "emulator/lambda/lambda_service.h"

using namespace emu;

namespace {

Config bench_config() {
  Config c = Config::defaults();
  c.merge({{"apigateway", {{"throttle", {{"account", {{"rate", 1e12}, {"burst", 1e12}}},
                                         {"method", {{"rate", 1e12}, {"burst", 1e12}}}}}}},
           {"dynamodb", {{"on_demand", {{"initial_write_units_per_second", 1e12},
                                        {"table_max_write_units_per_second", 1e12}}}}}},
          "bench");
  return c;
}

constexpr Micros kStep = 1000;  // 1,000 requests per virtual second: all admitted

void BM_ApiGatewayThrottle(benchmark::State& state) {
  capacity::ApiGatewayThrottle throttle(capacity::ThrottleSettings::from_config(bench_config()));
  Micros now = 0;
  for (auto _ : state) benchmark::DoNotOptimize(throttle.admit("local-metrics-api-key", now += kStep));
}
BENCHMARK(BM_ApiGatewayThrottle);

void BM_DynamoDbCapacity(benchmark::State& state) {
  auto model = capacity::DynamoCapacityModel::from_config(bench_config(), nullptr);
  Micros now = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.consume("raw_metrics", "", dynamodb::Access::kWrite, 1, now += kStep));
  }
}
BENCHMARK(BM_DynamoDbCapacity);

void BM_LambdaInvoke(benchmark::State& state) {
  const Config c = bench_config();
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  lambda::LambdaService lambda(lambda::LambdaSettings::from_config(c), scheduler, Random(1),
                               nullptr, nullptr);
  const std::function<lambda::HandlerOutcome()> body = [] { return lambda::HandlerOutcome{}; };
  Micros now = 0;
  double throttled = 0;
  for (auto _ : state) {
    now += kStep;
    scheduler.run_until(now);  // releases environments whose invocations ended
    const auto r = lambda.invoke("create_metrics", now, body);
    throttled += r.outcome == lambda::InvokeResult::Outcome::kThrottled ? 1 : 0;
  }
  state.counters["throttled"] = throttled;  // must be 0: the admitted path is measured
}
BENCHMARK(BM_LambdaInvoke);

// All three, as one request of the ingest path.
void BM_RequestCapacityChecks(benchmark::State& state) {
  const Config c = bench_config();
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  capacity::ApiGatewayThrottle throttle(capacity::ThrottleSettings::from_config(c));
  auto dynamodb = capacity::DynamoCapacityModel::from_config(c, nullptr);
  lambda::LambdaService lambda(lambda::LambdaSettings::from_config(c), scheduler, Random(1),
                               nullptr, nullptr);
  Micros now = 0;
  const std::function<lambda::HandlerOutcome()> body = [&] {
    benchmark::DoNotOptimize(dynamodb.consume("raw_metrics", "", dynamodb::Access::kWrite, 1, now));
    return lambda::HandlerOutcome{};
  };
  for (auto _ : state) {
    now += kStep;
    scheduler.run_until(now);
    benchmark::DoNotOptimize(throttle.admit("local-metrics-api-key", now));
    benchmark::DoNotOptimize(lambda.invoke("create_metrics", now, body));
  }
}
BENCHMARK(BM_RequestCapacityChecks);

// Baseline in the same run: one std::function call and a map lookup by function name, the
// least any per-request dispatch costs.
void BM_Baseline(benchmark::State& state) {
  std::map<std::string, int, std::less<>> names = {{"aggregate_metrics", 1}, {"backoff_retry", 2},
                                                   {"create_metrics", 3}};
  const std::function<int()> f = [] { return 1; };
  for (auto _ : state) {
    benchmark::DoNotOptimize(names.find(std::string_view("create_metrics")));
    benchmark::DoNotOptimize(f());
  }
}
BENCHMARK(BM_Baseline);

}  // namespace

BENCHMARK_MAIN();
