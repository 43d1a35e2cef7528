// In-process DynamoDB model throughput with SQLite persistence on (group commit every
// --batch operations, as the simulation loop does):
//   put      PutItem of a ~500-byte raw_metrics item (stream NEW_IMAGE + TTL, as the seed)
//   update   the seed's aggregate UpdateItem (SET of 19 attributes + metricCount counter)
// Baselines measured in the same run: the same operations with the table in memory only, and
// a bare SQLite INSERT of the same encoded item (the floor persistence costs).
//
// Usage: bench_dynamodb_model [--ops N] [--batch N] [--dir PATH] [--only CASE]
//   CASE: put-mem, put-disk, update-mem, update-disk, wire-put, wire-update
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "emulator/core/clock.h"
#include "emulator/core/config.h"
#include "emulator/core/scheduler.h"
#include "emulator/core/storage.h"
#include "emulator/dynamodb/document.h"
#include "emulator/dynamodb/model.h"
#include "emulator/dynamodb/seed_tables.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"

using namespace emu;
using namespace emu::dynamodb;

namespace {

constexpr Micros kStart = 1624766400LL * kMicrosPerSecond;

struct Options {
  std::string only;  // run one case: put-mem, put-disk, update-mem, update-disk
  int ops = 200000;
  int batch = 1000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "bench-dynamodb";
};

std::string raw_body(int i) {
  // A ~430-byte metrics body like the seed's small payload.
  return R"({"metricsPayloadVersion":1,"identifier":"Metrics","appOs":"android","appVersion":)"
         R"("1.2.3","osVersion":"30","manufacturer":"Google","model":"Pixel 4a",)"
         R"("androidReleaseVersion":"11","payload":[{"identifier":"active_user","region":"ON",)"
         R"("timestamp":1624766400000,"pushnotification":"true","frameworkenabled":"true",)"
         R"("state":"on","hoursSinceExposureDetectedAt":"","count":"1","seq":)" +
         std::to_string(i) + "}]}";
}

PutItemRequest put_request(int i) {
  PutItemRequest r;
  r.table_name = "raw_metrics";
  char uuid[40];
  std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d", i);
  r.item.emplace("uuid", AttributeValue::string(uuid));
  r.item.emplace("expdate", AttributeValue::number(1624766400 + 86400));
  r.item.emplace("raw", AttributeValue::string(raw_body(i)));
  return r;
}

UpdateItemRequest update_request(int i) {
  nlohmann::json values = {{":metricCount", 1},
                           {":appversion", "1.2.3"},
                           {":identifier", "active_user"},
                           {":appos", "android"},
                           {":region", "ON"},
                           {":version", 6},
                           {":start", 0},
                           {":osversion", "30"},
                           {":count", "1-6"},
                           {":pushnotification", "true"},
                           {":frameworkenabled", "true"},
                           {":state", "on"},
                           {":status", ""},
                           {":hoursSinceExposureDetectedAt", ""},
                           {":date", "2021-06-27"},
                           {":manufacturer", "Google"},
                           {":model", "Pixel 4a"},
                           {":duration", ""},
                           {":androidreleaseversion", "11"},
                           {":withDate", ""},
                           {":isUserExposed", ""}};
  nlohmann::json params = {
      {"TableName", "aggregate_metrics"},
      {"Key", {{"pk", "ON"}, {"sk", "ON#active_user#2021-06-27#" + std::to_string(i % 5000)}}},
      {"UpdateExpression",
       "SET appversion = :appversion, appos = :appos, #region = :region, "
       "identifier = :identifier, osversion = :osversion, manufacturer = :manufacturer, "
       "model = :model, androidreleaseversion = :androidreleaseversion, version = :version, "
       "#count = :count, pushnotification = :pushnotification, "
       "frameworkenabled = :frameworkenabled, #state = :state, #status = :status, "
       "hoursSinceExposureDetectedAt = :hoursSinceExposureDetectedAt, #date = :date, "
       "#duration = :duration, withDate = :withDate, isUserExposed = :isUserExposed, "
       "metricCount = if_not_exists(metricCount, :start) + :metricCount"},
      {"ExpressionAttributeValues", values},
      {"ExpressionAttributeNames",
       {{"#region", "region"},
        {"#count", "count"},
        {"#state", "state"},
        {"#status", "status"},
        {"#date", "date"},
        {"#duration", "duration"}}}};
  auto r = update_request_from_document(params);
  if (!r) {
    std::fprintf(stderr, "bad params: %s\n", r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

template <class Op>
double run(const char* name, Storage& storage, const Options& o, Op op) {
  const Micros t0 = wall::monotonic_now();
  for (int i = 0; i < o.ops; ++i) {
    if (!op(i)) {
      std::fprintf(stderr, "%s failed at %d\n", name, i);
      std::exit(1);
    }
    if ((i + 1) % o.batch == 0) storage.commit();
  }
  storage.commit();
  const double secs = to_seconds(wall::monotonic_now() - t0);
  const double rate = o.ops / secs;
  std::printf("%-44s %9d ops %8.3f s %11.0f ops/s\n", name, o.ops, secs, rate);
  return rate;
}

double bench_db(const Options& o, bool persist, bool update) {
  std::filesystem::remove_all(o.dir);
  std::filesystem::create_directories(o.dir);
  Storage storage((o.dir / "bench.db").string(), "NORMAL");
  VirtualClock clock(kStart);
  Scheduler scheduler(clock);
  Config config = Config::defaults();
  config.merge({{"dynamodb",
                 {{"tables",
                   {{"raw_metrics", {{"persist", persist}}},
                    {"aggregate_metrics", {{"persist", persist}}}}}}}},
               "bench");
  Database db(storage, scheduler, config);
  create_seed_tables(db, config, kStart);
  storage.commit();
  const std::string label =
      std::string(update ? "UpdateItem (seed aggregate)" : "PutItem (raw_metrics ~500 B)") +
      (persist ? ", SQLite" : ", memory only");
  if (update) {
    std::vector<UpdateItemRequest> requests;
    for (int i = 0; i < 5000; ++i) requests.push_back(update_request(i));
    return run(label.c_str(), storage, o, [&](int i) {
      return db.update_item(requests[static_cast<std::size_t>(i) % requests.size()], kStart).ok();
    });
  }
  std::vector<PutItemRequest> requests;
  requests.reserve(static_cast<std::size_t>(o.ops));
  for (int i = 0; i < o.ops; ++i) requests.push_back(put_request(i));
  return run(label.c_str(), storage, o, [&](int i) {
    return db.put_item(requests[static_cast<std::size_t>(i)], kStart).ok();
  });
}

// The JSON wire layer in process (no sockets): parse, validate, run, render, CRC32.
double bench_wire(const Options& o, bool update) {
  std::filesystem::remove_all(o.dir);
  std::filesystem::create_directories(o.dir);
  Storage storage((o.dir / "bench.db").string(), "NORMAL");
  VirtualClock clock(kStart);
  Scheduler scheduler(clock);
  const Config config = Config::defaults();
  Database db(storage, scheduler, config);
  create_seed_tables(db, config, kStart);
  DynamoDbService service(db, Random(1));
  auto make = [&](int i) {
    http::HttpRequest r;
    r.method = "POST";
    r.path = "/";
    r.headers.emplace("X-Amz-Target",
                      update ? "DynamoDB_20120810.UpdateItem" : "DynamoDB_20120810.PutItem");
    r.headers.emplace("Content-Type", "application/x-amz-json-1.0");
    r.headers.emplace("Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/"
                      "dynamodb/aws4_request, Signature=0");
    nlohmann::json body;
    if (update) {
      const auto u = update_request(i);
      body = {{"TableName", u.table_name},
              {"Key", item_to_json(u.key)},
              {"UpdateExpression", *u.update_expression},
              {"ExpressionAttributeNames", *u.attributes.names},
              {"ExpressionAttributeValues", item_to_json(*u.attributes.values)}};
    } else {
      const auto p = put_request(i);
      body = {{"TableName", p.table_name}, {"Item", item_to_json(p.item)}};
    }
    r.body = body.dump();
    return r;
  };
  std::vector<http::HttpRequest> requests;
  const int distinct = update ? 5000 : o.ops;
  for (int i = 0; i < distinct; ++i) requests.push_back(make(i));
  const std::string label = std::string("wire in-process: ") + (update ? "UpdateItem" : "PutItem");
  return run(label.c_str(), storage, o, [&](int i) {
    return service.handle(requests[static_cast<std::size_t>(i % distinct)], kStart).status == 200;
  });
}

double bench_sqlite(const Options& o) {
  std::filesystem::remove_all(o.dir);
  std::filesystem::create_directories(o.dir);
  Storage storage((o.dir / "bench.db").string(), "NORMAL");
  storage.db().exec("CREATE TABLE t (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID");
  SQLite::Statement st(storage.db(), "INSERT INTO t VALUES (?, ?)");
  std::string encoded;
  encode_item(put_request(0).item, encoded);
  return run("baseline: bare SQLite INSERT of the same blob", storage, o, [&](int i) {
    storage.ensure_transaction();
    const std::string key = std::to_string(i);
    st.bind(1, key.data(), static_cast<int>(key.size()));
    st.bind(2, encoded.data(), static_cast<int>(encoded.size()));
    st.exec();
    st.reset();
    return true;
  });
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--ops")) o.ops = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--batch")) o.batch = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) o.dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--only")) o.only = argv[i + 1];
  }
  if (o.only.rfind("wire", 0) == 0) {
    bench_wire(o, o.only == "wire-update");
    return 0;
  }
  if (!o.only.empty()) {
    const bool update = o.only.rfind("update", 0) == 0;
    bench_db(o, o.only.find("disk") != std::string::npos, update);
    return 0;
  }
  const double sqlite = bench_sqlite(o);
  const double put_mem = bench_db(o, false, false);
  const double put_disk = bench_db(o, true, false);
  const double upd_mem = bench_db(o, false, true);
  const double upd_disk = bench_db(o, true, true);
  bench_wire(o, false);
  bench_wire(o, true);
  std::printf(
      "\nratios: PutItem SQLite/memory %.2f, PutItem SQLite/bare INSERT %.2f, "
      "UpdateItem SQLite/memory %.2f\n",
      put_disk / put_mem, put_disk / sqlite, upd_disk / upd_mem);
  std::printf("targets: PutItem >= 200000/s: %s; UpdateItem >= 100000/s: %s\n",
              put_disk >= 200000 ? "met" : "NOT met", upd_disk >= 100000 ? "met" : "NOT met");
  std::filesystem::remove_all(o.dir);
  return 0;
}
