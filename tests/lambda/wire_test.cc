#include <doctest/doctest.h>

#include "emulator/lambda/wire.h"

using namespace emu;
using namespace emu::lambda;

namespace {
struct Fixture {
  VirtualClock clock{0};
  Scheduler scheduler{clock};
  LambdaService service{LambdaSettings::from_config(Config::defaults()), scheduler, Random(1),
                        nullptr, nullptr};
  LambdaWire wire{service, Random(2)};
  http::HttpResponse call(const std::string& method, const std::string& path,
                          const std::string& body = "") {
    http::HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.headers.emplace("Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/lambda/aws4_request");
    REQUIRE(wire.accepts(r));
    return wire.handle(r, 0);
  }
};
}  // namespace

TEST_CASE("list and get the seed's functions") {
  Fixture f;
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
  Fixture f;
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
  Fixture f;
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
