#include <doctest/doctest.h>

#include "emulator/core/config.h"
#include "emulator/waf/web_acl.h"

using namespace emu;
using namespace emu::waf;

namespace {

http::HttpRequest post(std::string path = "/save-metrics", std::string body = "{}") {
  http::HttpRequest r;
  r.method = "POST";
  r.path = std::move(path);
  r.body = std::move(body);
  r.remote_ip = "10.0.0.1";
  r.headers.emplace("User-Agent", "CovidShield/1.4.5 CFNetwork");
  return r;
}

WebAcl production() { return WebAcl(WafSettings::from_config(Config::defaults())); }

}  // namespace

TEST_CASE("a well-formed request passes every rule") {
  WebAcl acl = production();
  const Verdict v = acl.evaluate(post(), 0);
  CHECK_FALSE(v.blocked);
  CHECK(v.counted.empty());
}

TEST_CASE("invalid path: exact match after whitespace compression and lowercasing -> 204") {
  WebAcl acl = production();
  CHECK_FALSE(acl.evaluate(post("/SAVE-METRICS"), 0).blocked);  // lowercased before matching
  for (const char* path : {"/", "/save-metrics/", "/production/save-metrics", "/save-metric",
                           "/save%2Dmetrics", "/save-metrics/../x"}) {
    const Verdict v = acl.evaluate(post(path), 0);
    CHECK_MESSAGE(v.blocked, path);
    CHECK(v.status == 204);
    CHECK(v.rule == "metrics_collection_invalid_path");
  }
  CHECK(normalize_uri_path("/A\t\t B") == "/a b");
}

TEST_CASE("any query string -> 204; a bare '?' has nothing for .+ to match") {
  WebAcl acl = production();
  auto r = post();
  r.query = "a=1";
  r.has_query = true;
  const Verdict v = acl.evaluate(r, 0);
  CHECK(v.blocked);
  CHECK(v.status == 204);
  CHECK(v.rule == "metrics_collection_query_strings");
  r.query = "";
  CHECK_FALSE(acl.evaluate(r, 0).blocked);
}

TEST_CASE("rules apply in priority order: path before query string before body size") {
  WebAcl acl = production();
  auto r = post("/other", std::string(200000, 'x'));
  r.query = "x";
  CHECK(acl.evaluate(r, 0).rule == "metrics_collection_invalid_path");
  r.path = "/save-metrics";
  CHECK(acl.evaluate(r, 0).rule == "metrics_collection_query_strings");
  r.query.clear();
  CHECK(acl.evaluate(r, 0).rule == "metrics_collection_max_body_size");
}

TEST_CASE("max body size: > 120000 bytes gets the custom 200 with the waf-block header") {
  WebAcl acl = production();
  CHECK_FALSE(acl.evaluate(post("/save-metrics", std::string(120000, 'x')), 0).blocked);
  const Verdict v = acl.evaluate(post("/save-metrics", std::string(120001, 'x')), 0);
  CHECK(v.blocked);
  CHECK(v.status == 200);
  REQUIRE(v.headers.count("waf-block") == 1);
  CHECK(v.headers.find("waf-block")->second == "metrics_collection_max_body_size");
}

TEST_CASE("the 2021 settings: 20480 in count mode passes and counts; 10240 managed rule -> 403") {
  Config config = Config::defaults();
  config.merge({{"waf",
                 {{"max_body_size", {{"limit_bytes", 20480}, {"mode", "count"}}},
                  {"common_size_restrictions_body", {{"enabled", true}}}}}},
               "test");
  WebAcl acl(WafSettings::from_config(config));
  const Verdict counted = acl.evaluate(post("/save-metrics", std::string(9000, 'x')), 0);
  CHECK_FALSE(counted.blocked);
  const Verdict over = acl.evaluate(post("/save-metrics", std::string(10241, 'x')), 0);
  CHECK(over.blocked);
  CHECK(over.status == 403);
  CHECK(over.rule == "AWSManagedRulesCommonRuleSet:SizeRestrictions_BODY");
  Config count_only = Config::defaults();
  count_only.merge({{"waf", {{"max_body_size", {{"limit_bytes", 20480}, {"mode", "count"}}}}}},
                   "test");
  WebAcl acl2(WafSettings::from_config(count_only));
  const Verdict v = acl2.evaluate(post("/save-metrics", std::string(30000, 'x')), 0);
  CHECK_FALSE(v.blocked);
  CHECK(v.counted == std::vector<std::string>{"metrics_collection_max_body_size"});
}

TEST_CASE("rate rule: more than 10000 requests per IP in 5 minutes -> 403, per client") {
  WebAcl acl = production();
  for (int i = 0; i < 10000; ++i) {
    REQUIRE_FALSE(acl.evaluate(post(), i * 10 * kMicrosPerMilli).blocked);
  }
  const Micros t = 100 * kMicrosPerSecond;
  const Verdict v = acl.evaluate(post(), t);
  CHECK(v.blocked);
  CHECK(v.status == 403);
  CHECK(v.rule == "metrics_collection_rate_limit");
  auto other = post();
  other.remote_ip = "10.0.0.2";
  CHECK_FALSE(acl.evaluate(other, t).blocked);
  // X-Forwarded-For names the client when present.
  auto forwarded = post();
  forwarded.headers.emplace("X-Forwarded-For", "203.0.113.9, 10.0.0.1");
  CHECK(WebAcl::client_ip(forwarded) == "203.0.113.9");
  CHECK_FALSE(acl.evaluate(forwarded, t).blocked);
  // Once the window has slid past the burst, the client is allowed again.
  CHECK_FALSE(acl.evaluate(post(), t + 6 * kMicrosPerMinute).blocked);
}

TEST_CASE("requests blocked before the rate rule do not count towards it") {
  Config config = Config::defaults();
  config.merge({{"waf", {{"rate_limit", {{"limit", 5}}}}}}, "test");
  WebAcl acl(WafSettings::from_config(config));
  for (int i = 0; i < 100; ++i) acl.evaluate(post("/nope"), 0);
  for (int i = 0; i < 5; ++i) CHECK_FALSE(acl.evaluate(post(), 0).blocked);
  CHECK(acl.evaluate(post(), 0).blocked);
  CHECK(acl.state(0)["blocked_by_rule"]["metrics_collection_invalid_path"] == 100);
}

TEST_CASE("IP reputation list and the NoUserAgent managed rule -> 403") {
  Config config = Config::defaults();
  config.merge({{"waf", {{"ip_reputation", {{"blocked_ips", {"10.0.0.1"}}}}}}}, "test");
  WebAcl acl(WafSettings::from_config(config));
  CHECK(acl.evaluate(post(), 0).rule == "AWSManagedRulesAmazonIpReputationList");
  WebAcl plain = production();
  auto no_agent = post();
  no_agent.headers.clear();
  const Verdict v = plain.evaluate(no_agent, 0);
  CHECK(v.blocked);
  CHECK(v.status == 403);
}

TEST_CASE("bad WAF settings name the key") {
  Config config = Config::defaults();
  config.merge({{"waf", {{"max_body_size", {{"mode", "maybe"}}}}}}, "test");
  CHECK_THROWS_WITH_AS(WafSettings::from_config(config),
                       doctest::Contains("/waf/max_body_size/mode"), ConfigError);
  Config bad_status = Config::defaults();
  bad_status.merge({{"waf", {{"rate_limit", {{"status", 42}}}}}}, "test");
  CHECK_THROWS_AS(WafSettings::from_config(bad_status), ConfigError);
}
