#include <doctest/doctest.h>

#include <vector>

#include "emulator/pipeline/front_door.h"

using namespace emu;
using apigateway::GatewayError;

namespace {

struct FakeThrottle : ThrottlePort {
  std::optional<GatewayError> answer;
  int calls = 0;
  std::optional<GatewayError> admit(const std::string&, Micros) override {
    ++calls;
    return answer;
  }
};

struct FakeLambda : InvokePort {
  Result result;
  std::vector<std::string> bodies;
  Result invoke_create_metrics(const std::string& body, const std::string&, Micros) override {
    bodies.push_back(body);
    return result;
  }
};

struct Recorder : FrontDoorObserver {
  std::vector<std::pair<int, std::string>> answers;
  void on_answer(const http::HttpRequest&, const http::HttpResponse& r, const std::string& why,
                 Micros, Micros, Micros) override {
    answers.emplace_back(r.status, why);
  }
};

const char* kBody =
    R"({"metricstimestamp":1,"appversion":"1.2.10","appos":"ios","payload":[{"identifier":"a","region":"ON","timestamp":1}]})";

struct Fixture {
  Config config = Config::defaults();
  waf::WebAcl waf{waf::WafSettings::from_config(config)};
  apigateway::RequestModel model = apigateway::RequestModel::seed_metrics_model();
  FakeThrottle throttle;
  FakeLambda lambda;
  Recorder recorder;
  FrontDoor door{FrontDoorSettings::from_config(config), waf, model, throttle, lambda,
                 Random(1), nullptr, &recorder};

  Fixture() {
    lambda.result.proxy_result = {{"statusCode", 200},
                                  {"body", R"({"status":"RECORD CREATED"})"},
                                  {"isBase64Encoded", false}};
    lambda.result.latency = 40 * kMicrosPerMilli;
  }

  http::HttpRequest request(std::string body = kBody) {
    http::HttpRequest r;
    r.method = "POST";
    r.path = "/save-metrics";
    r.body = std::move(body);
    r.headers.emplace("x-api-key", config.string("/apigateway/api_key"));
    r.headers.emplace("Content-Type", "application/json");
    r.headers.emplace("User-Agent", "test");
    return r;
  }
};

}  // namespace

TEST_CASE("a valid request reaches create_metrics and gets its answer with AWS headers") {
  Fixture f;
  const auto r = f.door.handle(f.request(), 0);
  CHECK(r.status == 200);
  CHECK(r.body == R"({"status":"RECORD CREATED"})");
  CHECK_FALSE(r.header("x-amzn-RequestId").empty());
  CHECK_FALSE(r.header("x-amz-apigw-id").empty());
  CHECK(r.delay == 43 * kMicrosPerMilli);  // function latency + gateway overhead
  CHECK(f.lambda.bodies == std::vector<std::string>{kBody});
  REQUIRE(f.recorder.answers.size() == 1);
  CHECK(f.recorder.answers[0].second.empty());
}

TEST_CASE("each refusal happens at its stage, in order, and the function never runs") {
  Fixture f;
  auto r = f.request();
  r.path = "/metrics";
  CHECK(f.door.handle(r, 0).status == 204);  // WAF invalid path
  r = f.request();
  r.query = "x=1";
  CHECK(f.door.handle(r, 0).status == 204);  // WAF query string
  r = f.request(std::string(120001, ' '));
  const auto waf_block = f.door.handle(r, 0);
  CHECK(waf_block.status == 200);
  CHECK(waf_block.body.empty());
  CHECK(waf_block.header("waf-block") == "metrics_collection_max_body_size");
  r = f.request();
  r.path = "/SAVE-METRICS";  // passes the lower-casing WAF, unknown to API Gateway
  auto missing = f.door.handle(r, 0);
  CHECK(missing.status == 403);
  CHECK(missing.body == R"({"message":"Missing Authentication Token"})");
  r = f.request();
  r.method = "GET";
  CHECK(f.door.handle(r, 0).status == 403);
  r = f.request();
  r.headers.erase("x-api-key");
  auto forbidden = f.door.handle(r, 0);
  CHECK(forbidden.status == 403);
  CHECK(forbidden.body == R"({"message":"Forbidden"})");
  CHECK(f.throttle.calls == 0);  // the key is checked before throttling
  f.throttle.answer = GatewayError::kThrottled;
  auto throttled = f.door.handle(f.request("not json"), 0);
  CHECK(throttled.status == 429);  // throttling before validation
  CHECK(throttled.header("x-amzn-ErrorType") == "TooManyRequestsException");
  f.throttle.answer.reset();
  auto invalid = f.door.handle(f.request("not json"), 0);
  CHECK(invalid.status == 400);
  CHECK(invalid.body == R"({"message": "Invalid request body"})");
  CHECK(f.lambda.bodies.empty());
  CHECK(f.recorder.answers.size() == 8);
  for (const auto& [status, why] : f.recorder.answers) CHECK_FALSE(why.empty());
}

TEST_CASE("non-JSON content types skip validation and reach the function") {
  Fixture f;
  auto r = f.request("plain text");
  r.headers.erase("Content-Type");
  r.headers.emplace("Content-Type", "text/plain");
  CHECK(f.door.handle(r, 0).status == 200);
  CHECK(f.lambda.bodies.size() == 1);
}

TEST_CASE("Lambda outcomes map to 500, 502 and 504 as the proxy integration does") {
  Fixture f;
  using Outcome = InvokePort::Result::Outcome;
  f.lambda.result.outcome = Outcome::kThrottled;
  auto throttled = f.door.handle(f.request(), 0);
  CHECK(throttled.status == 500);
  CHECK(throttled.body == R"({"message": "Internal server error"})");
  f.lambda.result.outcome = Outcome::kTimeout;
  f.lambda.result.latency = 3 * kMicrosPerSecond;
  auto timeout = f.door.handle(f.request(), 0);
  CHECK(timeout.status == 502);
  CHECK(timeout.delay == 3 * kMicrosPerSecond + 3 * kMicrosPerMilli);
  f.lambda.result.outcome = Outcome::kFunctionError;
  CHECK(f.door.handle(f.request(), 0).status == 502);
  f.lambda.result.outcome = Outcome::kOk;
  f.lambda.result.proxy_result = {{"wrong", 1}};
  CHECK(f.door.handle(f.request(), 0).status == 502);
  f.lambda.result.proxy_result = {{"statusCode", 200}};
  f.lambda.result.latency = 30 * kMicrosPerSecond;
  auto gateway_timeout = f.door.handle(f.request(), 0);
  CHECK(gateway_timeout.status == 504);
  CHECK(gateway_timeout.delay == 29 * kMicrosPerSecond + 3 * kMicrosPerMilli);
}

TEST_CASE("any bytes of any size get an answer") {
  Fixture f;
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>(i * 37 % 256));
  CHECK(f.door.handle(f.request(garbage), 0).status == 400);
  CHECK(f.door.handle(f.request(std::string(11 * 1024 * 1024, '{')), 0).status == 200);  // WAF
  Config big = Config::defaults();
  big.merge({{"waf", {{"max_body_size", {{"enabled", false}}}}}}, "test");
  waf::WebAcl open_waf(waf::WafSettings::from_config(big));
  FrontDoor door(FrontDoorSettings::from_config(big), open_waf, f.model, f.throttle, f.lambda,
                 Random(2), nullptr, nullptr);
  CHECK(door.handle(f.request(std::string(11 * 1024 * 1024, '{')), 0).status == 413);
  CHECK(door.handle(f.request(std::string(5 * 1024 * 1024, '[')), 0).status == 400);
}
