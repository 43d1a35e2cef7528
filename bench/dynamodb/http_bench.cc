// DynamoDB over HTTP against a running `emulator serve`: keep-alive connections from native
// clients (cpp-httplib), PutItem and the seed's aggregate UpdateItem.
//   1. closed loop, --threads connections, --seconds each: ops/s, p50, p99
//   2. open loop at a fixed --rate ops/s (latency measured from each request's intended send
//      time, so queueing is not hidden): p50, p99, max
// Every request loop is bounded in time and count and targets only the given loopback URL.
//
// Usage: bench_dynamodb_http --url http://127.0.0.1:PORT [--threads 8] [--seconds 5]
//                            [--rate 1000]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "emulator/core/clock.h"

using emu::Micros;

namespace {

struct Options {
  std::string url;
  int threads = 8;
  double seconds = 5;
  double rate = 1000;
};

const httplib::Headers& headers_for(bool update) {
  static const httplib::Headers put = {
      {"X-Amz-Target", "DynamoDB_20120810.PutItem"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/dynamodb/aws4_request, "
       "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"}};
  static const httplib::Headers upd = {
      {"X-Amz-Target", "DynamoDB_20120810.UpdateItem"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/dynamodb/aws4_request, "
       "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"}};
  return update ? upd : put;
}

std::string body_for(bool update, std::uint64_t n) {
  if (!update) {
    return R"({"TableName":"raw_metrics","Item":{"uuid":{"S":"bench-)" + std::to_string(n) +
           R"("},"expdate":{"N":"1900000000"},"raw":{"S":"{\"metricsPayloadVersion\":1,)"
           R"(\"identifier\":\"Metrics\",\"appOs\":\"android\",\"appVersion\":\"1.2.3\",)"
           R"(\"osVersion\":\"30\",\"manufacturer\":\"Google\",\"model\":\"Pixel 4a\",)"
           R"(\"payload\":[{\"identifier\":\"active_user\",\"region\":\"ON\",)"
           R"(\"timestamp\":1624766400000,\"count\":\"1\"}]}"}}})";
  }
  auto s = [](const char* v) { return std::string(R"({"S":")") + v + R"("})"; };
  return R"({"TableName":"aggregate_metrics","Key":{"pk":{"S":"ON"},"sk":{"S":"bench#)" +
         std::to_string(n % 5000) +
         R"("}},"UpdateExpression":"SET appversion = :appversion, appos = :appos, )"
         R"(#region = :region, identifier = :identifier, osversion = :osversion, )"
         R"(manufacturer = :manufacturer, model = :model, androidreleaseversion = )"
         R"(:androidreleaseversion, version = :version, #count = :count, pushnotification = )"
         R"(:pushnotification, frameworkenabled = :frameworkenabled, #state = :state, )"
         R"(#status = :status, hoursSinceExposureDetectedAt = :hoursSinceExposureDetectedAt, )"
         R"(#date = :date, #duration = :duration, withDate = :withDate, isUserExposed = )"
         R"(:isUserExposed, metricCount = if_not_exists(metricCount, :start) + :metricCount",)"
         R"("ExpressionAttributeNames":{"#region":"region","#count":"count","#state":"state",)"
         R"("#status":"status","#date":"date","#duration":"duration"},)"
         R"("ExpressionAttributeValues":{":metricCount":{"N":"1"},":start":{"N":"0"},)"
         R"(":version":{"N":"6"},":appversion":)" +
         s("1.2.3") + R"(,":appos":)" + s("android") + R"(,":region":)" + s("ON") +
         R"(,":identifier":)" + s("active_user") + R"(,":osversion":)" + s("30") +
         R"(,":manufacturer":)" + s("Google") + R"(,":model":)" + s("Pixel") +
         R"(,":androidreleaseversion":)" + s("11") + R"(,":count":)" + s("1-6") +
         R"(,":pushnotification":)" + s("true") + R"(,":frameworkenabled":)" + s("true") +
         R"(,":state":)" + s("on") + R"(,":status":)" + s("") +
         R"(,":hoursSinceExposureDetectedAt":)" + s("") + R"(,":date":)" + s("2021-06-27") +
         R"(,":duration":)" + s("") + R"(,":withDate":)" + s("") + R"(,":isUserExposed":)" + s("") +
         "}}";
}

struct Stats {
  double ops_per_s = 0;
  Micros p50 = 0, p99 = 0, max = 0;
  std::uint64_t errors = 0;
};

Stats summarize(std::vector<Micros>& lat, double secs, std::uint64_t errors) {
  Stats s;
  s.errors = errors;
  if (lat.empty()) return s;
  std::sort(lat.begin(), lat.end());
  s.ops_per_s = static_cast<double>(lat.size()) / secs;
  s.p50 = lat[lat.size() / 2];
  s.p99 = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
  s.max = lat.back();
  return s;
}

Stats closed_loop(const Options& o, bool update) {
  std::vector<std::vector<Micros>> per_thread(static_cast<std::size_t>(o.threads));
  std::atomic<std::uint64_t> errors{0};
  const Micros start = emu::wall::monotonic_now();
  const Micros end = start + emu::seconds(o.seconds);
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client(o.url);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      auto& lat = per_thread[static_cast<std::size_t>(t)];
      std::uint64_t n = static_cast<std::uint64_t>(t) << 40;
      // Bounded: stops at the deadline or after 10 million requests per thread.
      for (int i = 0; i < 10'000'000 && emu::wall::monotonic_now() < end; ++i) {
        const std::string body = body_for(update, n++);
        const Micros t0 = emu::wall::monotonic_now();
        auto res = client.Post("/", headers_for(update), body, "application/x-amz-json-1.0");
        lat.push_back(emu::wall::monotonic_now() - t0);
        if (!res || res->status != 200) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<Micros> all;
  for (auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
  return summarize(all, emu::to_seconds(emu::wall::monotonic_now() - start), errors);
}

Stats fixed_rate(const Options& o, bool update) {
  httplib::Client client(o.url);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  const auto count = static_cast<std::uint64_t>(o.rate * o.seconds);
  std::vector<Micros> lat;
  lat.reserve(count);
  std::uint64_t errors = 0;
  const Micros start = emu::wall::monotonic_now();
  const Micros deadline = start + emu::seconds(2 * o.seconds);  // bounded even if it falls behind
  for (std::uint64_t i = 0; i < count && emu::wall::monotonic_now() < deadline; ++i) {
    const Micros intended = start + static_cast<Micros>(static_cast<double>(i) * 1e6 / o.rate);
    const Micros now = emu::wall::monotonic_now();
    if (intended > now) emu::wall::sleep_for(intended - now);
    const std::string body = body_for(update, (1ULL << 50) + i);
    auto res = client.Post("/", headers_for(update), body, "application/x-amz-json-1.0");
    lat.push_back(emu::wall::monotonic_now() - intended);
    if (!res || res->status != 200) ++errors;
  }
  return summarize(lat, emu::to_seconds(emu::wall::monotonic_now() - start), errors);
}

void print(const char* what, const Stats& s) {
  std::printf("%-40s %10.0f ops/s  p50 %6.3f ms  p99 %6.3f ms  max %7.3f ms  errors %llu\n", what,
              s.ops_per_s, emu::to_millis(s.p50), emu::to_millis(s.p99), emu::to_millis(s.max),
              static_cast<unsigned long long>(s.errors));
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--url")) o.url = argv[i + 1];
    if (!std::strcmp(argv[i], "--threads")) o.threads = std::max(1, std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--seconds")) o.seconds = std::min(60.0, std::atof(argv[i + 1]));
    if (!std::strcmp(argv[i], "--rate")) o.rate = std::min(100000.0, std::atof(argv[i + 1]));
  }
  if (o.url.rfind("http://127.", 0) != 0 && o.url.rfind("http://localhost", 0) != 0) {
    std::fprintf(stderr, "usage: %s --url http://127.0.0.1:PORT (loopback only)\n", argv[0]);
    return 2;
  }
  for (bool update : {false, true}) {
    const char* op = update ? "UpdateItem" : "PutItem";
    char label[64];
    std::snprintf(label, sizeof label, "%s closed loop, %d conns", op, o.threads);
    print(label, closed_loop(o, update));
    std::snprintf(label, sizeof label, "%s fixed %.0f ops/s", op, o.rate);
    print(label, fixed_rate(o, update));
  }
  return 0;
}
