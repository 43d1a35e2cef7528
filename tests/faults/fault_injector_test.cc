#include <doctest/doctest.h>

#include <tuple>

#include "emulator/core/config.h"
#include "emulator/faults/fault_injector.h"

using namespace emu;
using namespace emu::faults;
using nlohmann::json;

TEST_CASE("UpdateItem on aggregate_metrics fails 00:00-00:10 and only then") {
  const Micros start = *parse_iso8601("2021-06-26T23:50:00Z");
  ConfigFaultInjector f(json::parse(R"([{"service":"dynamodb","operation":"UpdateItem",
      "resource":"aggregate_metrics","error":"InternalServerError",
      "from":"2021-06-27T00:00:00Z","to":"+00:20:00"}])"),
                        start, Random(1));
  const Micros midnight = *parse_iso8601("2021-06-27T00:00:00Z");
  CHECK_FALSE(f.check("dynamodb", "UpdateItem", "aggregate_metrics", midnight - 1).error);
  const auto hit = f.check("dynamodb", "UpdateItem", "aggregate_metrics", midnight);
  REQUIRE(hit.error);
  CHECK(hit.error->code == "InternalServerError");
  CHECK(hit.error->http_status == 500);
  CHECK_FALSE(f.check("dynamodb", "PutItem", "aggregate_metrics", midnight).error);
  CHECK_FALSE(f.check("dynamodb", "UpdateItem", "raw_metrics", midnight).error);
  CHECK_FALSE(f.check("dynamodb", "UpdateItem", "aggregate_metrics",
                      midnight + 10 * kMicrosPerMinute).error);
  CHECK(f.rules()[0].fired == 1);
}

TEST_CASE("probabilities are drawn from the seeded stream: same seed, same faults") {
  const json rules = json::parse(R"([{"service":"*","error":"ThrottlingException",
                                      "probability":0.3}])");
  ConfigFaultInjector a(rules, 0, Random(7)), b(rules, 0, Random(7));
  int hits = 0;
  for (int i = 0; i < 10000; ++i) {
    const bool x = a.check("sqs", "SendMessage", "q", i).error.has_value();
    CHECK(x == b.check("sqs", "SendMessage", "q", i).error.has_value());
    hits += x ? 1 : 0;
  }
  CHECK(hits == doctest::Approx(3000).epsilon(0.05));
}

TEST_CASE("malformed fault entries name the field and what was expected") {
  auto error_of = [](const char* text) {
    try {
      ConfigFaultInjector(json::parse(text), 0, Random(1));
    } catch (const ConfigError& e) {
      return e.field();
    }
    return std::string("no error");
  };
  CHECK(error_of(R"([{"service":"dynamodb","error":"Boom"}])") == "/faults/0/status");
  CHECK(error_of(R"([{"service":"sqs","error":"InternalServerError","probability":2}])") ==
        "/faults/0/probability");
  CHECK(error_of(R"([{}])") == "/faults/0/service");
  CHECK(error_of(R"([{"service":"sqs"}])") == "/faults/0");
  CHECK(
      error_of(
          R"([{"service":"sqs","latency_ms":5},{"service":"s3","error":"SlowDown","from":"soon"}])") ==
      "/faults/1/from");
  CHECK(error_of(R"([{"service":"sqs","latency_ms":5,"colour":"red"}])") == "/faults/0/colour");
  CHECK(error_of(R"({"service":"sqs"})") == "/faults");
  ConfigFaultInjector custom(json::parse(R"([{"service":"s3","error":"NoSuchBucket",
                                              "status":404,"message":"gone"}])"),
                             0, Random(1));
  const auto e = custom.check("s3", "PutObject", "b", 0).error;
  REQUIRE(e);
  CHECK(e->http_status == 404);
  CHECK(e->message == "gone");
}

TEST_CASE("a rule no model consults is refused, naming the field and the allowed values") {
  auto refusal = [](const char* text) -> std::pair<std::string, std::string> {
    try {
      ConfigFaultInjector(json::parse(text), 0, Random(1));
    } catch (const ConfigError& e) {
      return {e.field(), e.expected()};
    }
    return {"no error", ""};
  };
  // A service without hooks (the WAF has none) names the services that have.
  auto [field, expected] = refusal(R"([{"service":"waf","error":"InternalServerError"}])");
  CHECK(field == "/faults/0/service");
  for (const char* s : {"dynamodb", "dynamodbstreams", "lambda", "sqs", "s3", "cloudwatch", "sns",
                        "apigateway", "logs", "storage"}) {
    CHECK(expected.find(s) != std::string::npos);
  }
  // An operation the service's model never asks about names the ones it does.
  std::tie(field, expected) =
      refusal(R"([{"service":"sqs","operation":"PurgeQueue","error":"InternalFailure"}])");
  CHECK(field == "/faults/0/operation");
  CHECK(expected.find("SendMessage, ReceiveMessage, DeleteMessage, ChangeMessageVisibility") !=
        std::string::npos);
  CHECK(refusal(R"([{"service":"*","operation":"Frobnicate","latency_ms":1}])").first ==
        "/faults/0/operation");
  CHECK(refusal(R"([{"service":"lambda","operation":"UpdateItem","error":"ThrottlingException"}])")
            .first == "/faults/0/operation");
  // A disk fails with an I/O error or a full disk, not an AWS throttle.
  std::tie(field, expected) =
      refusal(R"([{"service":"storage","operation":"Write","error":"ThrottlingException"}])");
  CHECK(field == "/faults/0/error");
  CHECK(expected.find("DiskFull") != std::string::npos);
  // The hooked ones load.
  CHECK(refusal(R"([{"service":"storage","operation":"Fsync","latency_ms":50},
                    {"service":"*","operation":"PutObject","error":"SlowDown"},
                    {"service":"sns","error":"InternalFailure"},
                    {"service":"apigateway","operation":"Invoke","error":"InternalServerError"},
                    {"service":"logs","operation":"PutLogEvents","latency_ms":5},
                    {"service":"sns","operation":"HttpDelivery","error":"InternalFailure"}])")
            .first == "no error");
}

TEST_CASE("a storage error is SQLite's, with a 500") {
  ConfigFaultInjector f(
      json::parse(R"([{"service":"storage","operation":"Write","error":"DiskFull"}])"), 0,
      Random(1));
  const auto d = f.check("storage", "Write", "dynamodb", 0);
  REQUIRE(d.error);
  CHECK(d.error->http_status == 500);
  CHECK(d.error->message == "database or disk is full");
}
