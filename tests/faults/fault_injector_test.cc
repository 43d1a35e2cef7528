#include <doctest/doctest.h>

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
  CHECK(error_of(R"([{"service":"x","error":"InternalServerError","probability":2}])") ==
        "/faults/0/probability");
  CHECK(error_of(R"([{}])") == "/faults/0/service");
  CHECK(error_of(R"([{"service":"x"}])") == "/faults/0");
  CHECK(error_of(R"([{"service":"x","latency_ms":5},{"service":"y","error":"SlowDown","from":"soon"}])") ==
        "/faults/1/from");
  CHECK(error_of(R"([{"service":"x","latency_ms":5,"colour":"red"}])") == "/faults/0/colour");
  CHECK(error_of(R"({"service":"x"})") == "/faults");
  ConfigFaultInjector custom(json::parse(R"([{"service":"s3","error":"NoSuchBucket",
                                              "status":404,"message":"gone"}])"),
                             0, Random(1));
  const auto e = custom.check("s3", "PutObject", "b", 0).error;
  REQUIRE(e);
  CHECK(e->http_status == 404);
  CHECK(e->message == "gone");
}
