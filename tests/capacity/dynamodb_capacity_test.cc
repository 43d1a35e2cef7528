#include <doctest/doctest.h>

#include "emulator/capacity/dynamodb_capacity.h"

using namespace emu;
using namespace emu::capacity;
using emu::dynamodb::Access;

TEST_CASE("a provisioned table throttles beyond its WCU plus banked burst") {
  RecordingMetricSink sink;
  DynamoCapacityModel model(OnDemandSettings{}, 300, &sink);
  model.configure("t", "", TableCapacity{false, 5, 1}, 0);
  // A brand-new table holds one second of capacity (ASSUMPTION): 1 write, then 1 per second.
  CHECK_FALSE(model.consume("t", "", Access::kWrite, 1, 0));
  const auto refused = model.consume("t", "", Access::kWrite, 1, 0);
  REQUIRE(refused);
  CHECK(refused->code == "ProvisionedThroughputExceededException");
  CHECK(refused->http_status == 400);
  CHECK(refused->message.find("configured provisioned throughput for the table") !=
        std::string::npos);
  // Ten idle minutes bank at most 300 s of unused capacity: 300 writes at once, not 600.
  const Micros later = 600 * kMicrosPerSecond;
  int ok = 0;
  for (int i = 0; i < 400; ++i) ok += model.consume("t", "", Access::kWrite, 1, later) ? 0 : 1;
  CHECK(ok == 300);
  CHECK(sink.sum("ConsumedWriteCapacityUnits", {{"TableName", "t"}}) == 301);
  CHECK(sink.sum("WriteThrottleEvents", {{"TableName", "t"}}) == 101);
}

TEST_CASE("on-demand: 4000 WRU/s on a new table, then up to twice the previous peak") {
  DynamoCapacityModel model(OnDemandSettings{}, 300, nullptr);
  auto writes = [&](int n, Micros at) {
    int ok = 0;
    for (int i = 0; i < n; ++i) ok += model.consume("raw", "", Access::kWrite, 1, at) ? 0 : 1;
    return ok;
  };
  CHECK(writes(5000, 0) == 4000);
  CHECK(writes(9000, kMicrosPerSecond) == 8000);       // peak 4000 -> 8000 allowed
  CHECK(writes(20000, 2 * kMicrosPerSecond) == 16000);  // peak 8000 -> 16000
  CHECK(writes(60000, 3 * kMicrosPerSecond) == 32000);
  CHECK(writes(60000, 4 * kMicrosPerSecond) == 40000);  // the per-table maximum
  const auto msg = model.consume("raw", "", Access::kWrite, 1, 4 * kMicrosPerSecond);
  REQUIRE(msg);
  CHECK(msg->message.find("Throughput exceeds the current capacity") != std::string::npos);
}

TEST_CASE("UpdateTable switches modes and GSIs have their own lanes") {
  DynamoCapacityModel model(OnDemandSettings{}, 300, nullptr);
  model.configure("agg", "", TableCapacity{false, 1, 1}, 0);
  model.configure("agg", "IdentifierIndex", TableCapacity{false, 1, 1}, 0);
  CHECK_FALSE(model.consume("agg", "IdentifierIndex", Access::kWrite, 1, 0));
  const auto gsi = model.consume("agg", "IdentifierIndex", Access::kWrite, 1, 0);
  REQUIRE(gsi);
  CHECK(gsi->message.find("global secondary indexes") != std::string::npos);
  model.configure("agg", "", TableCapacity{true, 0, 0}, 0);
  for (int i = 0; i < 100; ++i) CHECK_FALSE(model.consume("agg", "", Access::kWrite, 1, 0));
  CHECK(model.state(0)["agg"]["billing_mode"] == "PAY_PER_REQUEST");
}

TEST_CASE("the seed's tables are on-demand by default; bad modes name the key") {
  auto model = DynamoCapacityModel::from_config(Config::defaults(), nullptr);
  CHECK(model.state(0)["raw_metrics"]["billing_mode"] == "PAY_PER_REQUEST");
  Config bad = Config::defaults();
  bad.merge({{"dynamodb", {{"tables", {{"raw_metrics", {{"billing_mode", "FREE"}}}}}}}}, "t");
  CHECK_THROWS_WITH_AS(DynamoCapacityModel::from_config(bad, nullptr),
                       doctest::Contains("/dynamodb/tables/raw_metrics/billing_mode"),
                       ConfigError);
}
