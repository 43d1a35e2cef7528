// The failure path end to end, in virtual time: UpdateItem on aggregate_metrics fails for ten
// minutes under steady traffic; the DLQ fills and drains through backoff_retry; the ledger
// accounts for every entry (issue 5's fault test).
#include <doctest/doctest.h>

#include <map>

#include "tests/pipeline/in_process.h"

using emu::testing::InProcess;

namespace {

constexpr std::int64_t kDayMs = 1624665600000;  // 2021-06-26T00:00:00Z
const char* const kIdentifiers[] = {"installed", "onboarded", "active-user", "exposed"};

std::string body_for(int i) {
  nlohmann::json payload = nlohmann::json::array();
  for (int k = 0; k < 3; ++k) {
    payload.push_back({{"identifier", kIdentifiers[(i + k) % 4]},
                       {"region", k == 0 ? "ON" : "QC"},
                       {"timestamp", kDayMs + 1000LL * i}});
  }
  return nlohmann::json{{"metricstimestamp", kDayMs},
                        {"appversion", "1.2.10"},
                        {"appos", i % 2 ? "ios" : "android"},
                        {"osversion", "14"},
                        {"manufacturer", "x"},
                        {"model", "y"},
                        {"androidreleaseversion", "11"},
                        {"payload", payload}}
      .dump();
}

std::map<std::string, std::int64_t> table_counts(InProcess& p) {
  std::map<std::string, std::int64_t> out;
  REQUIRE(p.pipeline.dynamodb().has_table("aggregate_metrics"));
  p.pipeline.dynamodb().for_each_row("aggregate_metrics", [&](const emu::dynamodb::Item& item) {
    out[item.at("pk").scalar() + "|" + item.at("sk").scalar()] =
        std::stoll(item.at("metricCount").scalar());
  });
  return out;
}

nlohmann::json fault_config(bool nan_bug) {
  return {{"faults",
           {{{"service", "dynamodb"},
             {"operation", "UpdateItem"},
             {"resource", "aggregate_metrics"},
             {"error", "InternalServerError"},
             {"from", "+00:05:00"},
             {"to", "+00:15:00"}}}},
          {"backoff_retry", {{"faithful_nan_bug", nan_bug}}}};
}

// Posts one request every 10 s for 30 minutes, then lets the pipeline drain for two hours.
void steady_traffic(InProcess& p) {
  for (int i = 0; i < 180; ++i) {
    REQUIRE(p.post(body_for(i)).status == 200);
    p.advance(10);
  }
  p.advance(2 * 3600);
}

std::int64_t sum(const std::map<std::string, std::int64_t>& m) {
  std::int64_t s = 0;
  for (const auto& [k, v] : m) s += v;
  return s;
}

}  // namespace

TEST_CASE("a ten-minute UpdateItem outage drains through the DLQ to the same aggregates") {
  InProcess clean;
  steady_traffic(clean);
  const auto expected = table_counts(clean);
  CHECK(sum(expected) == 180 * 3);
  CHECK(clean.pipeline.ledger_report()["nothing_lost"] == true);

  InProcess faulty(fault_config(false));
  steady_traffic(faulty);
  const auto report = faulty.pipeline.ledger_report();
  INFO(report.dump(2));
  const auto& entries = report["entries"];
  // Ten minutes of one request per 10 s, 3 entries each, all went to the DLQ.
  CHECK(entries["sent_to_dlq"].get<std::int64_t>() >= 55 * 3);
  CHECK(entries["requeued"].get<std::int64_t>() > 0);  // retries during the outage re-enqueued
  CHECK(entries["applied_by_retry"] == entries["sent_to_dlq"]);
  CHECK(entries["lost"] == 0);
  CHECK(entries["in_dlq"] == 0);
  CHECK(report["invariant_holds"] == true);
  CHECK(report["nothing_lost"] == true);
  CHECK(table_counts(faulty) == expected);
  auto queue = faulty.pipeline.sqs().queue("aggregation-lambda-dead-letter-queue");
  REQUIRE(queue.ok());
  CHECK((*queue)->size() == 0);
}

TEST_CASE("with faithful_nan_bug the re-enqueue fails and the ledger names exactly the losses") {
  InProcess clean;
  steady_traffic(clean);
  InProcess faulty(fault_config(true));
  steady_traffic(faulty);
  const auto report = faulty.pipeline.ledger_report();
  INFO(report.dump(2));
  const std::int64_t lost = report["entries"]["lost"].get<std::int64_t>();
  CHECK(lost > 0);
  for (const auto& [reason, n] : report["entries"]["lost_by_reason"].items()) {
    CHECK(reason.rfind("dlq: re-enqueue failed: InvalidParameterValue", 0) == 0);
  }
  CHECK(report["invariant_holds"] == true);
  CHECK(report["nothing_lost"] == false);
  CHECK(sum(table_counts(clean)) - sum(table_counts(faulty)) == lost);
}

TEST_CASE("the DLQ message is the UpdateItem params with DelaySeconds 1 and the seed's attributes") {
  InProcess p(fault_config(false));
  p.advance(6 * 60);  // inside the outage
  REQUIRE(p.post(body_for(0)).status == 200);
  p.advance(0.5);  // the stream delivers at the next 250 ms poll; the message waits 1 s
  auto queue = p.pipeline.sqs().queue("aggregation-lambda-dead-letter-queue");
  REQUIRE(queue.ok());
  CHECK((*queue)->size() == 3);
  CHECK((*queue)->delayed(p.clock.now()) == 3);
  (*queue)->for_each([](const emu::sqs::Message& m) {
    const auto params = nlohmann::json::parse(m.body);
    CHECK(params["TableName"] == "aggregate_metrics");
    CHECK(params["ExpressionAttributeValues"][":metricCount"] == 1);
    CHECK(m.attributes.at("DelaySeconds").string_value == "1");
    CHECK(m.attributes.at("DelaySeconds").data_type == "Number");
    CHECK(m.attributes.at("ErrorMsg").string_value.find("InternalServerError") != std::string::npos);
  });
}
