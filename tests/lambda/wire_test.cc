#include <doctest/doctest.h>

#include "emulator/lambda/wire.h"

using namespace emu;
using namespace emu::lambda;

namespace {
struct WireFixture {
  VirtualClock clock{0};
  Scheduler scheduler{clock};
  LambdaService service{LambdaSettings::from_config(Config::defaults()), scheduler, Random(1),
                        nullptr, nullptr};
  LambdaWire wire{service, Random(2)};
  http::HttpResponse call(const std::string& method, const std::string& path,
                          const std::string& body = "", Micros now = 0) {
    http::HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.headers.emplace("Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/lambda/aws4_request");
    REQUIRE(wire.accepts(r));
    return wire.handle(r, now);
  }
};
}  // namespace

TEST_CASE("list and get the seed's functions") {
  WireFixture f;
  auto list = nlohmann::json::parse(f.call("GET", "/2015-03-31/functions/").body);
  CHECK(list["Functions"].size() == 3);
  auto get = f.call("GET", "/2015-03-31/functions/aggregate_metrics");
  CHECK(get.status == 200);
  auto cfg = nlohmann::json::parse(get.body)["Configuration"];
  CHECK(cfg["Timeout"] == 60);
  CHECK(cfg["FunctionArn"] == "arn:aws:lambda:ca-central-1:000000000000:function:aggregate_metrics");
  auto by_arn = f.call("GET",
                       "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aca-central-1%3A000000000000%3A"
                       "function%3Acreate_metrics/configuration");
  CHECK(nlohmann::json::parse(by_arn.body)["MemorySize"] == 256);
}

TEST_CASE("concurrency round trip changes the model the pipeline uses") {
  WireFixture f;
  auto put = f.call("PUT", "/2017-10-31/functions/create_metrics/concurrency",
                    R"({"ReservedConcurrentExecutions": 0})");
  CHECK(put.status == 200);
  CHECK(f.service.function("create_metrics")->reserved_concurrency == 0);
  CHECK(f.service.invoke("create_metrics", 0, [] { return HandlerOutcome{}; }).outcome ==
        InvokeResult::Outcome::kThrottled);
  auto get = f.call("GET", "/2019-09-30/functions/create_metrics/concurrency");
  CHECK(nlohmann::json::parse(get.body)["ReservedConcurrentExecutions"] == 0);
  auto account = nlohmann::json::parse(f.call("GET", "/2016-08-19/account-settings/").body);
  CHECK(account["AccountLimit"]["ConcurrentExecutions"] == 1000);
  CHECK(f.call("DELETE", "/2017-10-31/functions/create_metrics/concurrency").status == 204);
  CHECK(nlohmann::json::parse(f.call("GET", "/2019-09-30/functions/create_metrics/concurrency").body)
            .empty());
}

TEST_CASE("errors carry the rest-json error type") {
  WireFixture f;
  auto missing = f.call("GET", "/2015-03-31/functions/nope");
  CHECK(missing.status == 404);
  CHECK(missing.header("x-amzn-ErrorType") == "ResourceNotFoundException");
  CHECK(nlohmann::json::parse(missing.body)["message"] ==
        "Function not found: arn:aws:lambda:ca-central-1:000000000000:function:nope");
  auto too_much = f.call("PUT", "/2017-10-31/functions/create_metrics/concurrency",
                         R"({"ReservedConcurrentExecutions": 901})");
  CHECK(too_much.status == 400);
  CHECK(too_much.header("x-amzn-ErrorType") == "InvalidParameterValueException");
  CHECK(f.call("PUT", "/2017-10-31/functions/create_metrics/concurrency", "{").status == 400);
  auto invoke = f.call("POST", "/2015-03-31/functions/create_metrics/invocations", "{}");
  CHECK(invoke.status == 501);
  CHECK_FALSE(invoke.header("x-amzn-ErrorType").empty());
}

TEST_CASE("UpdateFunctionConfiguration changes memory and timeout for later invocations") {
  WireFixture f;
  const std::string path = "/2015-03-31/functions/create_metrics/configuration";
  auto put = f.call("PUT", path, R"({"MemorySize": 1024, "Timeout": 1})",
                    2 * kMicrosPerDay + 3 * kMicrosPerSecond);
  REQUIRE(put.status == 200);
  auto answer = nlohmann::json::parse(put.body);
  CHECK(answer["MemorySize"] == 1024);
  CHECK(answer["Timeout"] == 1);
  CHECK(answer["LastModified"] == "1970-01-03T00:00:03.000+0000");
  auto got = nlohmann::json::parse(f.call("GET", path).body);
  CHECK(got["MemorySize"] == 1024);
  CHECK(got["Timeout"] == 1);
  CHECK(f.service.function("create_metrics")->memory_mb == 1024);
  // The model enforces the new timeout: a 2-second body now times out at 1 s.
  auto r = f.service.invoke("create_metrics", 0, [] {
    HandlerOutcome o;
    o.extra_duration = 2 * kMicrosPerSecond;
    return o;
  });
  CHECK(r.outcome == InvokeResult::Outcome::kTimeout);
  CHECK(r.duration == kMicrosPerSecond);
  // Only what is sent changes.
  CHECK(nlohmann::json::parse(f.call("PUT", path, R"({"Timeout": 900})").body)["MemorySize"] ==
        1024);
}

TEST_CASE("UpdateFunctionConfiguration validates as AWS does") {
  WireFixture f;
  const std::string path = "/2015-03-31/functions/create_metrics/configuration";
  auto both = f.call("PUT", path, R"({"MemorySize": 100, "Timeout": 0})");
  CHECK(both.status == 400);
  CHECK(both.header("x-amzn-ErrorType") == "ValidationException");
  CHECK(nlohmann::json::parse(both.body)["message"] ==
        "2 validation errors detected: Value '100' at 'memorySize' failed to satisfy constraint: "
        "Member must have value greater than or equal to 128; Value '0' at 'timeout' failed to "
        "satisfy constraint: Member must have value greater than or equal to 1");
  auto long_timeout = f.call("PUT", path, R"({"Timeout": 901})");
  CHECK(long_timeout.status == 400);
  CHECK(nlohmann::json::parse(long_timeout.body)["message"] ==
        "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: "
        "Member must have value less than or equal to 900");
  auto big = f.call("PUT", path, R"({"MemorySize": 10241})");
  CHECK(big.status == 400);
  CHECK(big.header("x-amzn-ErrorType") == "ValidationException");
  CHECK(nlohmann::json::parse(big.body)["message"] ==
        "'MemorySize' value failed to satisfy constraint: Member must have value less than or "
        "equal to 10240");
  CHECK(f.call("PUT", path, R"({"MemorySize": "big"})").header("x-amzn-ErrorType") ==
        "InvalidParameterValueException");
  CHECK(f.call("PUT", path, "[").header("x-amzn-ErrorType") == "InvalidRequestContentException");
  auto handler = f.call("PUT", path, R"({"Handler": "x.handler", "Timeout": 5})");
  CHECK(handler.status == 501);
  CHECK(nlohmann::json::parse(handler.body)["message"].get<std::string>().find("Handler") !=
        std::string::npos);
  auto missing = f.call("PUT", "/2015-03-31/functions/nope/configuration", R"({"Timeout": 5})");
  CHECK(missing.status == 404);
  CHECK(missing.header("x-amzn-ErrorType") == "ResourceNotFoundException");
  // Nothing refused changed anything.
  CHECK(f.service.function("create_metrics")->memory_mb == 256);
  CHECK(f.service.function("create_metrics")->timeout == 3 * kMicrosPerSecond);
  CHECK_FALSE(f.service.function("create_metrics")->last_modified);
}
