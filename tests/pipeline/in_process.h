// The whole pipeline in process on the virtual clock, for tests: requests go straight to the
// router and time moves only when the test says so.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>

#include "emulator/core/clock.h"
#include "emulator/pipeline/pipeline.h"

namespace emu::testing {

inline std::filesystem::path fresh_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() /
             ("emu-test-" + tag + "-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The store opened as loadgen's virtual-time runs open theirs (run_virtual.cc): pages written in
// place, no journal (":memory:" would otherwise copy each page a transaction touches).
inline Storage& written_in_place(Storage& storage) {
  storage.write_in_place();
  return storage;
}

struct InProcess {
  // `overrides` is merged over the embedded defaults, as a --config file would be.
  explicit InProcess(const nlohmann::json& overrides = nlohmann::json::object(),
                     Micros start = *parse_iso8601("2021-06-26T00:00:00Z"),
                     const std::string& tag = "pipeline")
      : config(make_config(overrides)),
        clock(start),
        scheduler(clock),
        dir(fresh_dir(tag)),
        storage(":memory:", "OFF"),
        env{config, clock, scheduler, written_in_place(storage), Random(42), dir},
        pipeline(env, options()) {}
  ~InProcess() { std::filesystem::remove_all(dir); }

  static Config make_config(const nlohmann::json& overrides) {
    Config c = Config::defaults();
    c.merge(overrides, "test");
    return c;
  }
  static PipelineOptions options() {
    PipelineOptions o;
    o.access_log = false;
    return o;
  }

  http::HttpResponse post(const std::string& body, const std::string& ip = "10.0.0.1") {
    http::HttpRequest r;
    r.method = "POST";
    r.path = "/save-metrics";
    r.body = body;
    r.remote_ip = ip;
    r.headers.emplace("Content-Type", "application/json");
    r.headers.emplace("x-api-key", config.string("/apigateway/api_key"));
    r.headers.emplace("User-Agent", "CovidShield/1.4.5 test");
    auto response = pipeline.handle(r);
    storage.commit();
    return response;
  }
  void advance(double secs) {
    scheduler.run_until(clock.now() + seconds(secs));
    storage.commit();
  }

  Config config;
  VirtualClock clock;
  Scheduler scheduler;
  std::filesystem::path dir;
  Storage storage;
  Env env;
  Pipeline pipeline;
};

}  // namespace emu::testing
