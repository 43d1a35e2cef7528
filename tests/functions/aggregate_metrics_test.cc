#include <doctest/doctest.h>

#include <sstream>

#include "emulator/functions/aggregate_metrics.h"
#include "emulator/functions/js.h"
#include "tests/functions/fakes.h"
#include "tests/test_support.h"

using namespace emu;
using namespace emu::functions;
using namespace emu::functions::test;
using js::Value;

namespace {

const Micros kAggregateNow = 1615231884409LL * kMicrosPerMilli;
const char* kDlq = "http://127.0.0.1:4566/000000000000/aggregation-lambda-dead-letter-queue";

struct AggregateFixture {
  FakeDocuments table;
  FakeQueue queue;
  FakeMetrics metrics;
  AggregateMetrics fn{AggregateSettings{"aggregate_metrics", kDlq}, table, queue, metrics};
  std::vector<std::string> raws;  // keeps the strings the views point at alive

  AggregateReport run(const std::vector<std::pair<std::string, Value>>& records) {
    raws.clear();
    raws.reserve(records.size());
    std::vector<StreamRecordView> views;
    for (const auto& [event, raw] : records) {
      raws.push_back(raw.is_string() ? raw.get<std::string>() : js::stringify(raw));
      views.push_back({event, raw.is_null() ? nullptr : &raws.back(), "uuid"});
    }
    return fn.handle(views, kAggregateNow);
  }
};

// The seed's unit-test payload (aggregate_values.test.js "handles empty PK").
Value seed_raw() {
  return Value::parse(R"({"osversion":"a","manufacturer":"b","model":"model",
    "androidreleaseversion":"c","appversion":"d","appos":"e","payload":[{
    "timestamp":1615231884409,"region":"","identifier":"h","pushnotification":"i",
    "frameworkenabled":"j","state":"k","status":"status","hoursSinceExposureDetectedAt":"l",
    "count":"m","durationInSeconds":"1.1","withDate":true,"isUserExposed":false}]})");
}

std::string sk_of(const Value& update) { return update["Key"]["sk"].get<std::string>(); }

}  // namespace

TEST_CASE("bucket edges from the seed's tests (parseInt / parseFloat semantics)") {
  auto count = [](const Value& v) {
    bool defined = false;
    return AggregateMetrics::bucket_count(&v, &defined);
  };
  auto duration = [](const Value& v) {
    bool defined = false;
    return AggregateMetrics::bucket_duration(&v, &defined);
  };
  CHECK(count("0") == "0");
  CHECK(count("5") == "1-6");
  CHECK(count("6") == "7-12");
  CHECK(count("12") == "13-30");
  CHECK(count("30") == "30+");
  CHECK(count("-3") == "1-6");
  CHECK(count("11.9") == "7-12");
  CHECK(count("a") == "a");
  CHECK(duration("0") == "0");
  CHECK(duration("1.1") == "< 30");
  CHECK(duration("-4") == "< 30");
  CHECK(duration("59") == "30 - 59");
  CHECK(duration("119") == "1:00 min - 1:59 min");
  CHECK(duration("239") == "2:00 min - 3:59 min");
  CHECK(duration("359") == "4:00 min - 5:59 min");
  CHECK(duration("479") == "6:00 min - 7:59 min");
  CHECK(duration("600") == "8:00 min - 9:59 min");
  CHECK(duration("601") == "> 10:00 min");
  CHECK(duration("a") == "a");
  bool defined = true;
  AggregateMetrics::bucket_count(nullptr, &defined);
  CHECK_FALSE(defined);
}

TEST_CASE("the seed's sort key, empty region -> None, one update per aggregate") {
  AggregateFixture f;
  const auto r = f.run({{"INSERT", seed_raw()}});
  REQUIRE(f.table.updates.size() == 1);
  const Value& u = f.table.updates[0];
  CHECK(sk_of(u) == "None#h#2021-03-08#e#a#d#b#model#c#i#j#k#l#m#< 30#true#false");
  CHECK(u["Key"]["pk"] == "None");
  CHECK(u["ExpressionAttributeValues"][":version"] == 6);
  CHECK(u["ExpressionAttributeValues"][":metricCount"] == 1);
  CHECK(u["ExpressionAttributeValues"][":isUserExposed"] == "");  // c(false) is ''
  CHECK(u["ExpressionAttributeValues"][":withDate"] == true);
  CHECK(r.entries_aggregated == 1);
  CHECK(r.updates.size() == 1);
  CHECK(r.updates[0].applied);
}

TEST_CASE("two identical entries in one batch -> metricCount 2") {
  AggregateFixture f;
  f.run({{"INSERT", seed_raw()}, {"INSERT", seed_raw()}});
  REQUIRE(f.table.updates.size() == 1);
  CHECK(f.table.updates[0]["ExpressionAttributeValues"][":metricCount"] == 2);
}

TEST_CASE("matches the seed's JavaScript byte for byte (golden output from Node.js)") {
  // The same batch the golden file was produced from (tests/data/golden/README.md).
  Value raw = seed_raw();
  raw["payload"].push_back(Value::parse(
      R"({"timestamp":"1615231884409","region":"ON","identifier":"Error-500-QR-Parse","count":7,"durationInSeconds":601})"));
  raw["payload"].push_back(
      Value::parse(R"({"timestamp":1615231884409,"identifier":"ExposureNotificationCheck"})"));
  raw["payload"].push_back(Value::parse(
      R"({"timestamp":1615231884409,"region":"QC","identifier":"background-check","count":"12","utcDay":"1615161600000"})"));
  AggregateFixture f;
  f.table.fail = true;
  const auto report = f.run({{"INSERT", raw}, {"INSERT", raw}, {"REMOVE", Value()}});
  std::istringstream golden(emu::test::read_data("golden/aggregate_values_updates.jsonl"));
  std::string line;
  size_t i = 0;
  while (std::getline(golden, line)) {
    REQUIRE(i < f.table.updates.size());
    CHECK(js::stringify(f.table.updates[i++]) == line);
  }
  CHECK(i == f.table.updates.size());
  REQUIRE(f.queue.sent.size() == 3);
  CHECK(f.queue.sent[0].body == emu::test::read_data("golden/aggregate_values_dlq_body.json"));
  CHECK(f.queue.sent[0].delay_seconds == 1);
  CHECK(f.queue.sent[0].queue_url == kDlq);
  CHECK(f.queue.sent[0].attributes.at("DelaySeconds").string_value == "1");
  CHECK(f.queue.sent[0].attributes.at("DelaySeconds").data_type == "Number");
  CHECK(f.queue.sent[0].attributes.at("ErrorMsg").data_type == "String");
  CHECK(js::parse(f.queue.sent[0].attributes.at("ErrorMsg").string_value)->at("code") ==
        "ProvisionedThroughputExceededException");
  CHECK(f.metrics.identifiers == std::vector<std::string>{"Error-500-QR-Parse", "Error-500-QR-Parse"});
  CHECK(report.records_not_insert == 1);
  CHECK(report.entries_skipped_debug == 2);
  CHECK(report.entries_aggregated == 6);
  for (const auto& u : report.updates) {
    CHECK_FALSE(u.applied);
    CHECK(u.sent_to_dlq);
    CHECK(u.metric_count == 2);
  }
}

TEST_CASE("a bad record is skipped without stopping the batch; earlier entries stay") {
  AggregateFixture f;
  Value raw = seed_raw();
  raw["payload"].push_back(Value::parse(R"({"timestamp":1,"region":"ON","identifier":5})"));
  raw["payload"].push_back(Value::parse(R"({"timestamp":1,"region":"ON","identifier":"x"})"));
  Value bad_date = seed_raw();
  bad_date["payload"][0].erase("timestamp");
  const auto r = f.run({{"INSERT", "not json"}, {"INSERT", raw}, {"INSERT", bad_date},
                        {"INSERT", Value::parse(R"({"payload":"nope"})")},
                        {"INSERT", Value()}, {"INSERT", seed_raw()}});
  CHECK(r.records_failed == 5);
  CHECK(r.entries_lost_in_failed_records == 3);  // identifier 5 and the entry after; no date
  REQUIRE(f.table.updates.size() == 1);          // the first entry of `raw` and the last record
  CHECK(f.table.updates[0]["ExpressionAttributeValues"][":metricCount"] == 2);
  CHECK(r.errors.size() == 10);
}

TEST_CASE("first entry's attributes win within a batch (status is not in the key)") {
  AggregateFixture f;
  Value a = seed_raw(), b = seed_raw();
  a["payload"][0]["status"] = "success";
  b["payload"][0]["status"] = "fail";
  f.run({{"INSERT", a}, {"INSERT", b}});
  REQUIRE(f.table.updates.size() == 1);
  CHECK(f.table.updates[0]["ExpressionAttributeValues"][":status"] == "success");
}

TEST_CASE("missing appversion renders 'undefined' in the key and is absent from the values") {
  AggregateFixture f;
  Value raw = seed_raw();
  raw.erase("appversion");
  raw.erase("osversion");
  f.run({{"INSERT", raw}});
  REQUIRE(f.table.updates.size() == 1);
  CHECK(sk_of(f.table.updates[0]) == "None#h#2021-03-08#e##undefined#b#model#c#i#j#k#l#m#< 30#true#false");
  CHECK_FALSE(f.table.updates[0]["ExpressionAttributeValues"].contains(":appversion"));
  CHECK(f.table.updates[0]["ExpressionAttributeValues"][":osversion"] == "");
}
