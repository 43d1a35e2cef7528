// A Database with its wire services over a data dir's file, opened and closed like the
// server's: for tests that talk to the emulator as clients do and restart it on the same data.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "emulator/dynamodb/wire.h"
#include "tests/dynamodb/fixture.h"

namespace emu::dynamodb::test {

inline const char* kAuth =
    "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/dynamodb/aws4_request, "
    "SignedHeaders=host, Signature=abc";

// A cache of `cache_bytes`, written behind (as in-process runs).
inline DatabaseOptions written_behind(std::size_t cache_bytes) {
  DatabaseOptions o;
  o.cache_bytes = cache_bytes;
  o.write_through = false;
  return o;
}

struct Side {
  Side(std::filesystem::path file, DatabaseOptions o)
      : path(std::move(file)), options(o), clock(kStart), scheduler(clock) {
    open();
  }
  ~Side() { close(); }

  void open() {
    storage = std::make_unique<Storage>(path.string(), "OFF");
    db = std::make_unique<Database>(*storage, scheduler, options);
    service = std::make_unique<DynamoDbService>(*db, Random(7));
    streams = std::make_unique<DynamoDbStreamsService>(*db, Random(8), "ca-central-1");
  }
  void close() {
    streams.reset();
    service.reset();
    db.reset();  // flushes what is pending into the open transaction
    if (storage) storage->commit();
    storage.reset();
  }

  // (status, body) of one call; commits afterwards as the server's loop does.
  std::pair<int, nlohmann::json> call(const std::string& target, const nlohmann::json& body) {
    http::HttpRequest r;
    r.method = "POST";
    r.path = "/";
    r.headers.emplace("X-Amz-Target", target);
    r.headers.emplace("Content-Type", "application/x-amz-json-1.0");
    r.headers.emplace("Authorization", kAuth);
    r.body = body.dump();
    const bool stream = target.rfind("DynamoDBStreams", 0) == 0;
    const auto response =
        stream ? streams->handle(r, clock.now()) : service->handle(r, clock.now());
    storage->commit();
    return {response.status, nlohmann::json::parse(response.body)};
  }

  std::filesystem::path path;
  DatabaseOptions options;
  VirtualClock clock;
  Scheduler scheduler;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<Database> db;
  std::unique_ptr<DynamoDbService> service;
  std::unique_ptr<DynamoDbStreamsService> streams;
};

// A temporary directory, removed with everything in it at the end of its scope.
struct TempDir {
  explicit TempDir(const std::string& prefix) {
    path = std::filesystem::temp_directory_path() /
           (prefix + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path;
};

}  // namespace emu::dynamodb::test
