// The storage seam (emulator/core/disk_faults.h): a disk that fails or stalls on cue. During the
// window the callers get their service's 500 and nothing is stored; afterwards the emulator
// serves as before, and every request it acknowledged is in the tables.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/faults/wire_calls.h"

using emu::testing::InProcess;
using namespace emu::faults::test;
using nlohmann::json;

TEST_CASE("disk full under raw_metrics: 500s in the window, 200s after, every 200 stored") {
  InProcess p(rule({{"service", "storage"},
                    {"operation", "Write"},
                    {"resource", "dynamodb"},
                    {"error", "DiskFull"},
                    {"from", "+00:01:00"},
                    {"to", "+00:03:00"}}));
  int ok = 0, failed = 0;
  for (int i = 0; i < 30; ++i) {  // one request every 10 s for five minutes
    const int t = i * 10;
    const auto r = p.post(metrics_body(i));
    CAPTURE(t);
    const bool in_window = t >= 60 && t < 180;
    CHECK(r.status == (in_window ? 500 : 200));
    (r.status == 200 ? ok : failed) += 1;
    p.advance(10);
  }
  CHECK(failed == 12);
  CHECK(ok == 18);
  CHECK(rows(p, "raw_metrics") == ok);  // the acknowledged ones, and only those
  p.advance(600);
  CHECK(aggregate_count(p) == ok * 3);
  const auto report = p.pipeline.ledger_report();
  INFO(report.dump(2));
  CHECK(report["nothing_lost"] == true);
  CHECK(p.pipeline.state()["faults"][0]["fired"] == 12);
}

TEST_CASE("an I/O error on the DLQ's writes is SQS's 500 and leaves the queue as it was") {
  InProcess clean;
  InProcess p(rule({{"service", "storage"},
                    {"operation", "Write"},
                    {"resource", "sqs"},
                    {"error", "IOError"},
                    {"to", "+00:01:00"}}));
  CHECK(sqs(clean, "SendMessage", {{"MessageBody", "x"}}).status == 200);
  const auto failed = sqs(p, "SendMessage", {{"MessageBody", "x"}});
  CHECK(failed.status == 500);
  CHECK(failed.body.find("InternalFailure") != std::string::npos);
  CHECK(dlq_size(p) == 0);
  p.advance(60);
  CHECK(sqs(p, "SendMessage", {{"MessageBody", "x"}}).status == 200);
  CHECK(dlq_size(p) == 1);
}

TEST_CASE("a slow fsync delays the reply of the write by the rule's latency") {
  const json put = {{"TableName", "raw_metrics"},
                    {"Item", {{"uuid", {{"S", "u1"}}}, {"raw", {{"S", "{}"}}}}}};
  InProcess clean;
  InProcess p(rule({{"service", "storage"},
                    {"operation", "Fsync"},
                    {"resource", "dynamodb"},
                    {"latency_ms", 250}}));
  const auto fast = dynamodb(clean, "PutItem", put);
  CHECK(fast.status == 200);
  CHECK(fast.delay == 0);
  const auto slow = dynamodb(p, "PutItem", put);
  CHECK(slow.status == 200);
  CHECK(slow.delay == emu::millis(250));
  // Reads do not write: no fsync to wait for.
  const auto read =
      dynamodb(p, "GetItem", {{"TableName", "raw_metrics"}, {"Key", {{"uuid", {{"S", "u1"}}}}}});
  CHECK(read.status == 200);
  CHECK(read.delay == 0);
}

TEST_CASE(
    "an S3 object write failing is S3's 500 with no file; the next write after the window lands") {
  InProcess p(rule({{"service", "storage"},
                    {"operation", "ObjectWrite"},
                    {"error", "DiskFull"},
                    {"to", "+00:01:00"}}));
  const std::string bucket = p.config.string("/s3/unmasked_bucket");
  const auto failed = s3(p, "PUT", "/" + bucket + "/csv/a.csv", "", "a,b\n");
  CHECK(failed.status == 500);
  CHECK(failed.body.find("<Code>InternalError</Code>") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(p.pipeline.s3().path_of(bucket, "csv/a.csv")));
  CHECK(s3(p, "GET", "/" + bucket + "/csv/a.csv").status == 404);
  p.advance(60);
  CHECK(s3(p, "PUT", "/" + bucket + "/csv/a.csv", "", "a,b\n").status == 200);
  CHECK(std::filesystem::exists(p.pipeline.s3().path_of(bucket, "csv/a.csv")));
  CHECK(s3(p, "GET", "/" + bucket + "/csv/a.csv").body == "a,b\n");
}
