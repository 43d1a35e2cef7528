#include <doctest/doctest.h>

#include "emulator/functions/create_metrics.h"
#include "emulator/functions/js.h"
#include "tests/functions/fakes.h"
#include "tests/test_support.h"

using namespace emu;
using namespace emu::functions;
using namespace emu::functions::test;

namespace {

const Micros kCreateNow = 1621957249091LL * kMicrosPerMilli + 500;

struct CreateMetricsFixture {
  FakeTable table;
  FakeBucket bucket;
  CreateMetricsSettings settings;
  CreateMetricsReport run(const std::optional<std::string>& body, std::int64_t threshold) {
    settings.split_threshold_bytes = threshold;
    CreateMetrics f(settings, table, bucket, Random(3));
    return f.handle(body, kCreateNow);
  }
};

std::string payload(const char* name) {
  return emu::test::read_data(std::string("payloads/metrics-terraform-test_payload_") + name +
                              ".json");
}

// Concatenation of every stored chunk's payload, and each chunk's size.
nlohmann::ordered_json stored_entries(const FakeTable& table, std::int64_t threshold) {
  auto all = nlohmann::ordered_json::array();
  for (const auto& put : table.puts) {
    CHECK(static_cast<std::int64_t>(put.raw.size()) < threshold);
    const auto chunk = js::parse(put.raw);
    for (const auto& e : chunk->at("payload")) all.push_back(e);
  }
  return all;
}

}  // namespace

TEST_CASE("a body at or below the threshold is stored unmodified with a UUID and a 24 h TTL") {
  CreateMetricsFixture f;
  const std::string body = payload("small");
  const auto r = f.run(body, 307200);
  CHECK(r.status_code == 200);
  CHECK(r.body == R"({"status":"RECORD CREATED"})");
  CHECK(r.proxy_result() == nlohmann::json{{"isBase64Encoded", false}, {"statusCode", 200},
                                            {"body", R"({"status":"RECORD CREATED"})"}});
  REQUIRE(f.table.puts.size() == 1);
  CHECK(f.table.puts[0].raw == body);
  CHECK(f.table.puts[0].table == "raw_metrics");
  CHECK(f.table.puts[0].expdate == std::to_string(1621957249 + 86400));
  // DEVIATION (create_metrics.cc): a time-ordered UUID (version 7) of the request's
  // millisecond, 1621957249091 = 0x0179a42f8843.
  CHECK(f.table.puts[0].uuid.size() == 36);
  CHECK(f.table.puts[0].uuid.substr(0, 15) == "0179a42f-8843-7");
  CHECK(f.run(std::string(102400, 'x'), 102400).result == CreateMetricsReport::Result::kCreated);
}

TEST_CASE("JS test cases: empty body, PutItem and PutObject failures") {
  CreateMetricsFixture ok;
  CHECK(ok.run(std::string(), 102400).status_code == 200);  // "" is stored as an empty string
  CreateMetricsFixture null_body;
  CHECK(null_body.run(std::nullopt, 102400).status_code == 500);
  CreateMetricsFixture failing;
  failing.table.fail_from_call = 0;
  const auto failed = failing.run(std::string(), 102400);
  CHECK(failed.status_code == 500);
  CHECK(failed.body == R"({"status":"UPLOAD FAILED"})");
  CreateMetricsFixture s3_fails;
  s3_fails.bucket.fail = true;
  CHECK(s3_fails.run(payload("small"), 1).status_code == 500);
  CreateMetricsFixture split_fails;
  split_fails.table.fail_from_call = 0;
  CHECK(split_fails.run(payload("large"), 50).status_code == 500);
}

TEST_CASE("unsplittable bodies go to the error-samples bucket: RECORD DROPPED") {
  CreateMetricsFixture single;  // payload of exactly one element
  const auto r = single.run(payload("small"), 10);
  CHECK(r.status_code == 200);
  CHECK(r.body == R"({"status":"RECORD DROPPED"})");
  CHECK(single.table.puts.empty());
  REQUIRE(single.bucket.objects.size() == 1);
  CHECK(single.bucket.objects[0].second == payload("small"));
  CHECK(single.bucket.objects[0].first == r.dropped_key);
  CreateMetricsFixture wrapper;  // large_single: no top-level payload array at all
  CHECK(wrapper.run(payload("large_single"), 50).result == CreateMetricsReport::Result::kDropped);
  CreateMetricsFixture not_json;
  CHECK(not_json.run(std::string(200, 'x'), 100).status_code == 500);  // JSON.parse throws
  CreateMetricsFixture null_json;
  CHECK(null_json.run("null" + std::string(200, ' '), 100).status_code == 500);
}

TEST_CASE("the JS tests' chunk counts: large at 1000 -> 2, gigantic at 10000 -> 32, 307200 -> 1") {
  CreateMetricsFixture large;
  large.run(payload("large"), 1000);
  CHECK(large.table.puts.size() == 2);
  CreateMetricsFixture gigantic;
  gigantic.run(payload("gigantic"), 10000);
  CHECK(gigantic.table.puts.size() == 32);
  CreateMetricsFixture whole;
  whole.run(payload("large"), 307200);
  CHECK(whole.table.puts.size() == 1);
}

TEST_CASE("every payload entry lands in exactly one chunk, each chunk below the threshold") {
  for (std::int64_t threshold : {1000, 10000, 102400, 204800}) {
    for (const char* name : {"large", "gigantic"}) {
      CreateMetricsFixture f;
      const std::string body = payload(name);
      const auto r = f.run(body, threshold);
      if (static_cast<std::int64_t>(body.size()) <= threshold) continue;
      CHECK(r.split);
      const bool partitioned = stored_entries(f.table, threshold) == js::parse(body)->at("payload");
      CHECK_MESSAGE(partitioned, name << " at " << threshold);
      // Every chunk keeps the body's other fields, in the body's key order.
      const auto first = js::parse(f.table.puts.front().raw);
      const auto original = js::parse(body);
      std::vector<std::string> a, b;
      for (const auto& [k, v] : first->items()) a.push_back(k);
      for (const auto& [k, v] : original->items()) b.push_back(k);
      CHECK(a == b);
    }
  }
  // Golden values from running the seed's splitPayload under Node.js.
  CreateMetricsFixture production;
  production.run(payload("gigantic"), 102400);
  CHECK(production.table.puts.size() == 4);
  CreateMetricsFixture fractional;  // chunk size 9.37...: chunks of 9 and 10 entries
  fractional.run(payload("gigantic"), 1000);
  REQUIRE(fractional.table.puts.size() == 512);
  std::vector<size_t> sizes;
  for (int i = 0; i < 4; ++i) sizes.push_back(js::parse(fractional.table.puts[i].raw)->at("payload").size());
  CHECK(sizes == std::vector<size_t>{9, 9, 9, 10});
}

TEST_CASE("a failing chunk answers 500 and keeps the chunks written before it") {
  CreateMetricsFixture f;
  f.table.fail_from_call = 2;
  const auto r = f.run(payload("gigantic"), 10000);
  CHECK(r.status_code == 500);
  CHECK(f.table.puts.size() == 2);
  CHECK(r.items.size() == 2);
}

TEST_CASE("fractional chunk sizes: slice() truncates, the chunks partition the payload") {
  // A chunk fits only when it has at most one entry: 5 -> 2.5 -> 1.25, then i = 0, 1.25, 2.5,
  // 3.75 slices [0,1) [1,2) [2,3) [3,5).
  const auto bounds = chunk_bounds(5, [](double c) { return c <= 1.25; });
  CHECK(bounds == std::vector<std::pair<size_t, size_t>>{{0, 1}, {1, 2}, {2, 3}, {3, 5}});
  const auto ones = chunk_bounds(3, [](double) { return false; });  // never fits: size 1
  CHECK(ones == std::vector<std::pair<size_t, size_t>>{{0, 1}, {1, 2}, {2, 3}});
  CHECK(chunk_bounds(0, [](double) { return false; }).empty());  // nothing written, still 200
}
