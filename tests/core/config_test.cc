#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "emulator/core/config.h"

using namespace emu;

namespace {
std::filesystem::path write_temp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << content;
  return path;
}
}  // namespace

TEST_CASE("defaults carry the seed's production values") {
  const Config c = Config::defaults();
  CHECK(c.integer("/waf/max_body_size/limit_bytes") == 120000);
  CHECK(c.integer("/waf/rate_limit/limit") == 10000);
  CHECK(c.integer("/apigateway/throttle/method/rate") == 10000);
  CHECK(c.integer("/apigateway/throttle/method/burst") == 5000);
  CHECK(c.integer("/lambda/account_concurrency") == 1000);
  CHECK(c.integer("/lambda/functions/create_metrics/timeout_ms") == 3000);
  CHECK(c.integer("/lambda/functions/aggregate_metrics/timeout_ms") == 60000);
  CHECK(c.integer("/create_metrics/split_threshold_bytes") == 102400);
  CHECK(c.integer("/create_metrics/ttl_seconds") == 86400);
  CHECK(c.integer("/lambda/event_source_mappings/raw_metrics_stream/batch_size") == 100);
  CHECK(c.integer("/sqs/dead_letter_queue/message_retention_seconds") == 1209600);
  CHECK(c.string("/sqs/dead_letter_queue/name") == "aggregation-lambda-dead-letter-queue");
  CHECK(c.string("/s3/masked_bucket") == "masked-metrics-tdvfd-production");
}

TEST_CASE("a file overrides a subset of keys and keeps the rest") {
  const auto path = write_temp("emu_cfg_ok.json",
                               R"({"waf": {"max_body_size": {"limit_bytes": 20480,
                                  "mode": "count"}}, "lambda": {"account_concurrency": 500}})");
  const Config c = Config::from_file(path);
  CHECK(c.integer("/waf/max_body_size/limit_bytes") == 20480);
  CHECK(c.string("/waf/max_body_size/mode") == "count");
  CHECK(c.integer("/waf/max_body_size/status") == 200);
  CHECK(c.integer("/lambda/account_concurrency") == 500);
}

TEST_CASE("unknown keys and wrong types name the file and the key") {
  const auto bad_key = write_temp("emu_cfg_badkey.json", R"({"waf": {"rate_limt": {}}})");
  try {
    Config::from_file(bad_key);
    FAIL("expected ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.field() == "/waf/rate_limt");
    CHECK(std::string(e.what()).find("emu_cfg_badkey.json") != std::string::npos);
  }
  const auto bad_type =
      write_temp("emu_cfg_badtype.json", R"({"lambda": {"account_concurrency": "lots"}})");
  try {
    Config::from_file(bad_type);
    FAIL("expected ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.field() == "/lambda/account_concurrency");
    CHECK(e.expected() == "a number, got a string");
  }
  CHECK_THROWS_AS(Config::from_file(write_temp("emu_cfg_json.json", "{not json")), ConfigError);
  CHECK_THROWS_AS(Config::from_file(write_temp("emu_cfg_arr.json", "[1]")), ConfigError);
  CHECK_THROWS_AS(Config::from_file("/nonexistent/emu.json"), ConfigError);
}

TEST_CASE("a distribution is replaced whole, and a failed merge changes nothing") {
  Config c = Config::defaults();
  c.merge({{"lambda", {{"functions", {{"create_metrics",
                                       {{"duration_ms", {{"type", "constant"}, {"value", 0}}}}}}}}}},
          "test");
  CHECK(c.at("/lambda/functions/create_metrics/duration_ms") ==
        nlohmann::json{{"type", "constant"}, {"value", 0}});
  const auto before = c.json();
  CHECK_THROWS_AS(c.merge({{"seed", 1}, {"nope", 2}}, "test"), ConfigError);
  CHECK(c.json() == before);
}

TEST_CASE("copies share the defaults' tree, and a merge changes only the config merged into") {
  const Config defaults = Config::defaults();
  Config copy = defaults;
  CHECK(&copy.json() == &defaults.json());  // shared, not copied (config.h, json_)
  copy.merge({{"seed", 7}}, "test");
  CHECK(copy.integer("/seed") == 7);
  CHECK(defaults.integer("/seed") != 7);
  CHECK(Config::defaults().integer("/seed") == defaults.integer("/seed"));
  CHECK(Config::defaults().json() == defaults.json());
}
