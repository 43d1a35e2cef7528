#include <doctest/doctest.h>

#include "emulator/apigateway/proxy_integration.h"

using namespace emu::apigateway;
using nlohmann::json;

TEST_CASE("create_metrics' proxy results map straight through") {
  const auto r = map_proxy_result(
      {{"statusCode", 200}, {"body", R"({"status":"RECORD CREATED"})"}, {"isBase64Encoded", false}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == R"({"status":"RECORD CREATED"})");
  CHECK(r->header("Content-Type") == "application/json");
}

TEST_CASE("AWS's recorded proxy-format cases") {
  CHECK_FALSE(map_proxy_result({{"statusCode", 200}, {"wrongValue", "x"}}));  // unknown key
  CHECK_FALSE(map_proxy_result("justAString"));
  CHECK_FALSE(map_proxy_result({{"statusCode", "test"}}));
  CHECK(map_proxy_result({{"statusCode", "201"}})->status == 201);
  CHECK(map_proxy_result({{"headers", {{"a", "b"}}}})->status == 200);  // no statusCode
  const auto h = map_proxy_result({{"headers", {{"b", true}, {"test-multi", "value-solo"}}},
                                   {"multiValueHeaders", {{"test-multi", {"value-multi"}}}}});
  REQUIRE(h);
  CHECK(h->header("b") == "true");
  CHECK(h->header("test-multi") == "value-multi, value-solo");
  CHECK(map_proxy_result({{"headers", nullptr}}));
  CHECK_FALSE(map_proxy_result({{"multiValueHeaders", {{"x", "plain"}}}}));
  CHECK_FALSE(map_proxy_result({{"body", 5}}));
}
