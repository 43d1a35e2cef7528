#include "bench/fuzz/fuzz_pipeline.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "emulator/core/clock.h"
#include "emulator/core/scheduler.h"
#include "emulator/core/storage.h"
#include "emulator/core/time.h"

namespace emu::fuzz {

namespace {

// Items of every attribute type, for the expression target's conditions, updates and filters.
const char* const kFuzzItems[] = {
    R"({"pk":{"S":"a"},"sk":{"N":"1"},"n":{"N":"42"},"s":{"S":"text"},"b":{"B":"AAEC"},"t":{"BOOL":true},
        "z":{"NULL":true},"l":{"L":[{"N":"1"},{"S":"x"},{"L":[{"N":"2"}]}]},
        "m":{"M":{"k":{"S":"v"},"n":{"N":"-1.5e3"},"in":{"M":{"deep":{"SS":["a","b"]}}}}},
        "ss":{"SS":["a","b"]},"ns":{"NS":["1","2.5"]},"bs":{"BS":["AA==","AQ=="]}})",
    R"({"pk":{"S":"a"},"sk":{"N":"2"},"n":{"N":"0"},"s":{"S":""},"l":{"L":[]},"m":{"M":{}}})",
};

struct World {
  explicit World(int generation)
      : config(Config::defaults()),
        clock(*parse_iso8601("2021-06-27T03:55:00Z")),
        scheduler(clock),
        dir(std::filesystem::temp_directory_path() /
            ("emu-fuzz-" + std::to_string(::getpid()) + "-" + std::to_string(generation))),
        storage(":memory:", "OFF"),
        env{config,  clock,      scheduler,
            storage, Random(42), (std::filesystem::create_directories(dir), dir)},
        pipeline(env, options()) {
    send_setup("CreateTable",
               R"({"TableName":"fuzz","BillingMode":"PAY_PER_REQUEST",
                   "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},
                                           {"AttributeName":"sk","AttributeType":"N"}],
                   "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},
                                {"AttributeName":"sk","KeyType":"RANGE"}]})");
    for (const char* item : kFuzzItems) {
      send_setup("PutItem", std::string(R"({"TableName":"fuzz","Item":)") + item + "}");
    }
  }
  ~World() { std::filesystem::remove_all(dir); }

  static PipelineOptions options() {
    PipelineOptions o;
    o.access_log = false;
    return o;
  }
  void send_setup(const std::string& action, std::string body) {
    auto request = aws_request("POST", "/", "dynamodb");
    request.headers.emplace("X-Amz-Target", "DynamoDB_20120810." + action);
    request.headers.emplace("Content-Type", "application/x-amz-json-1.0");
    request.body = std::move(body);
    const auto response = pipeline.handle(request);
    if (response.status != 200) {
      std::fprintf(stderr, "fuzz setup: %s failed: %d %s\n", action.c_str(), response.status,
                   response.body.c_str());
      std::abort();
    }
  }

  Config config;
  VirtualClock clock;
  Scheduler scheduler;
  std::filesystem::path dir;
  Storage storage;
  Env env;
  Pipeline pipeline;
};

}  // namespace

http::HttpResponse route(const http::HttpRequest& request) {
  static std::unique_ptr<World> world;
  static int inputs = 0;
  static int generation = 0;
  if (!world || inputs++ % kRebuildEvery == 0) {
    world.reset();
    world = std::make_unique<World>(generation++);
  }
  auto response = world->pipeline.handle(request);
  world->storage.commit();
  // EMU_FUZZ_VERBOSE=1: every answer's status and start, to see how deep a corpus reaches.
  static const bool verbose = std::getenv("EMU_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "%s %.60s -> %d %.160s\n", request.method.c_str(), request.path.c_str(),
                 response.status, response.body.c_str());
  }
  if (response.status == 500 && response.body.find("emulator error") != std::string::npos) {
    std::fprintf(stderr, "fuzz: an exception escaped a wire layer (see the error line above)\n");
    std::abort();
  }
  return response;
}

http::HttpRequest aws_request(std::string method, std::string path, std::string_view service) {
  http::HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.remote_ip = "10.0.0.1";
  r.headers.emplace("Host", "localhost:4566");
  r.headers.emplace("Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20210627/ca-central-1/" +
                        std::string(service) +
                        "/aws4_request, SignedHeaders=host;x-amz-date, Signature=00");
  r.headers.emplace("X-Amz-Date", "20210627T035500Z");
  return r;
}

std::string json_string(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace emu::fuzz
