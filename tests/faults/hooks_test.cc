// Every hooked (service, operation) takes effect: each test makes the same calls on a pipeline
// without the rule (they succeed) and with it (they fail as AWS would, and the seed's code does
// what it does on that failure). Without the hook the faulty half would succeed too.
#include <doctest/doctest.h>

#include "emulator/faults/hooks.h"
#include "tests/faults/wire_calls.h"

using emu::testing::InProcess;
using namespace emu::faults::test;
using nlohmann::json;

TEST_CASE("sqs: each message operation fails on cue with SQS's error, the others go through") {
  for (const char* op :
       {"SendMessage", "ReceiveMessage", "ChangeMessageVisibility", "DeleteMessage"}) {
    CAPTURE(op);
    InProcess clean;
    InProcess p(rule({{"service", "sqs"}, {"operation", op}, {"error", "InternalFailure"}}));
    for (InProcess* q : {&clean, &p}) {
      const bool faulty = q == &p;
      const auto sent = sqs(*q, "SendMessage", {{"MessageBody", "x"}});
      CHECK(sent.status == (faulty && op == std::string("SendMessage") ? 500 : 200));
      if (sent.status != 200) {
        CHECK(sent.body.find("InternalFailure") != std::string::npos);
        CHECK(dlq_size(*q) == 0);  // nothing stored
        continue;
      }
      const auto received = sqs(*q, "ReceiveMessage", {{"VisibilityTimeout", 60}});
      CHECK(received.status == (faulty && op == std::string("ReceiveMessage") ? 500 : 200));
      if (received.status != 200) continue;
      const auto handle =
          json::parse(received.body)["Messages"][0]["ReceiptHandle"].get<std::string>();
      const auto changed = sqs(*q, "ChangeMessageVisibility",
                               {{"ReceiptHandle", handle}, {"VisibilityTimeout", 30}});
      CHECK(changed.status == (faulty && op == std::string("ChangeMessageVisibility") ? 500 : 200));
      const auto deleted = sqs(*q, "DeleteMessage", {{"ReceiptHandle", handle}});
      CHECK(deleted.status == (faulty && op == std::string("DeleteMessage") ? 500 : 200));
      CHECK(dlq_size(*q) == (deleted.status == 200 ? 0 : 1));
    }
  }
}

TEST_CASE(
    "sqs: a failed DLQ send in aggregate_metrics is the seed's logged loss, named in the ledger") {
  const json failing_update = {{"service", "dynamodb"},
                               {"operation", "UpdateItem"},
                               {"resource", "aggregate_metrics"},
                               {"error", "InternalServerError"}};
  const json failing_send = {
      {"service", "sqs"}, {"operation", "SendMessage"}, {"error", "InternalFailure"}};
  InProcess dlq_only(json{{"faults", json::array({failing_update})}});
  InProcess p(json{{"faults", json::array({failing_update, failing_send})}});
  for (InProcess* q : {&dlq_only, &p}) {
    for (int i = 0; i < 4; ++i) {
      REQUIRE(q->post(metrics_body(i)).status == 200);
      q->advance(10);
    }
  }
  const auto kept = dlq_only.pipeline.ledger_report()["entries"];
  CHECK(kept["sent_to_dlq"] == 12);
  CHECK(kept["lost"] == 0);
  const auto report = p.pipeline.ledger_report();
  INFO(report.dump(2));
  CHECK(report["entries"]["sent_to_dlq"] == 0);
  CHECK(report["entries"]["lost_by_reason"]["dlq send failed"] == 12);
  CHECK(report["nothing_lost"] == false);
  CHECK(report["invariant_holds"] == true);
}

TEST_CASE("sqs: the DLQ poller's failed receives back off and drain once the window ends") {
  InProcess p(json{{"faults",
                    {{{"service", "dynamodb"},
                      {"operation", "UpdateItem"},
                      {"resource", "aggregate_metrics"},
                      {"error", "InternalServerError"},
                      {"to", "+00:00:30"}},
                     {{"service", "sqs"},
                      {"operation", "ReceiveMessage"},
                      {"error", "InternalFailure"},
                      {"to", "+00:05:00"}}}}});
  REQUIRE(p.post(metrics_body(0)).status == 200);
  p.advance(4 * 60);
  CHECK(dlq_size(p) == 3);  // nothing received while ReceiveMessage fails
  CHECK(p.pipeline.state()["event_source_mappings"]["dead_letter_queue"]["failed_receives"] > 0);
  p.advance(10 * 60);
  CHECK(dlq_size(p) == 0);
  CHECK(p.pipeline.ledger_report()["nothing_lost"] == true);
}

TEST_CASE("s3: PutObject, GetObject and ListObjectsV2 fail on cue with S3's XML error") {
  for (const char* op : {"PutObject", "GetObject", "ListObjectsV2"}) {
    CAPTURE(op);
    InProcess clean;
    InProcess p(rule({{"service", "s3"}, {"operation", op}, {"error", "InternalError"}}));
    for (InProcess* q : {&clean, &p}) {
      const bool faulty = q == &p;
      const std::string bucket = q->config.string("/s3/masked_bucket");
      const auto put = s3(*q, "PUT", "/" + bucket + "/a.csv", "", "x,y\n");
      CHECK(put.status == (faulty && op == std::string("PutObject") ? 500 : 200));
      if (put.status != 200) {
        CHECK(put.body.find("<Code>InternalError</Code>") != std::string::npos);
        CHECK_FALSE(q->pipeline.s3().head_object(bucket, "a.csv").ok());  // nothing stored
        continue;
      }
      const auto got = s3(*q, "GET", "/" + bucket + "/a.csv");
      CHECK(got.status == (faulty && op == std::string("GetObject") ? 500 : 200));
      const auto listed = s3(*q, "GET", "/" + bucket, "list-type=2");
      CHECK(listed.status == (faulty && op == std::string("ListObjectsV2") ? 500 : 200));
    }
  }
}

TEST_CASE("s3: a failed PutObject in the nightly ETL raises the ECS task error alarm") {
  const std::string alarm = "EcsTaskError-masked_inapp_metrics";
  InProcess clean;
  InProcess p(rule({{"service", "s3"}, {"operation", "PutObject"}, {"error", "InternalError"}}));
  for (InProcess* q : {&clean, &p}) {
    REQUIRE(q->post(metrics_body(0)).status == 200);
    q->advance(3 * 3600 + 180);  // the masked task runs at 03:00 UTC
  }
  CHECK(clean.pipeline.state()["alarms"][alarm] != "ALARM");
  CHECK(p.pipeline.state()["alarms"][alarm] == "ALARM");
}

TEST_CASE("cloudwatch: PutMetricData fails on cue and stores nothing") {
  InProcess clean;
  InProcess p(rule({{"service", "cloudwatch"},
                    {"operation", "PutMetricData"},
                    {"resource", "Custom"},
                    {"error", "InternalFailure"}}));
  const std::string form =
      "Action=PutMetricData&Version=2010-08-01&Namespace=Custom"
      "&MetricData.member.1.MetricName=X&MetricData.member.1.Value=1";
  CHECK(query(clean, "monitoring", form).status == 200);
  const auto failed = query(p, "monitoring", form);
  CHECK(failed.status == 500);
  CHECK(failed.body.find("InternalFailure") != std::string::npos);
}

TEST_CASE("cloudwatch and sns: a failed alarm action or Publish notifies nobody and is counted") {
  const json action = {{"service", "cloudwatch"},
                       {"operation", "AlarmAction"},
                       {"resource", "alert-critical"},
                       {"error", "InternalFailure"}};
  const json publish = {{"service", "sns"},
                        {"operation", "Publish"},
                        {"resource", "alert-critical"},
                        {"error", "InternalFailure"}};
  for (const json& r : {json(), action, publish}) {
    CAPTURE(r.dump());
    InProcess p(r.is_null() ? json::object() : rule(r));
    const auto set = query(p, "monitoring",
                           "Action=SetAlarmState&Version=2010-08-01&StateValue=ALARM&StateReason=t"
                           "&AlarmName=metrics-api-gateway-400-errors-above-threshold");
    REQUIRE(set.status == 200);  // its ALARM action publishes to alert-critical at once
    const auto notifications = p.pipeline.state()["notifications"];
    CHECK(notifications["alarm_actions_failed"] == (r.is_null() ? 0 : 1));
  }
}

TEST_CASE("sns: Publish over the wire fails on cue with SNS's error") {
  InProcess clean;
  InProcess p(rule({{"service", "sns"}, {"operation", "Publish"}, {"error", "InternalFailure"}}));
  const std::string form =
      "Action=Publish&TopicArn=" + clean.pipeline.sns().topic_arn("alert-warning") +
      "&Message=hello";
  CHECK(query(clean, "sns", form).status == 200);
  const auto failed = query(p, "sns", form);
  CHECK(failed.status == 500);
  CHECK(failed.body.find("InternalFailure") != std::string::npos);
}

TEST_CASE("apigateway: Invoke fails on cue with API Gateway's own 500; nothing is stored") {
  InProcess clean;
  InProcess p(rule({{"service", "apigateway"},
                    {"operation", "Invoke"},
                    {"resource", "/save-metrics"},
                    {"error", "InternalServerError"},
                    {"to", "+00:01:00"}}));
  CHECK(clean.post(metrics_body(0)).status == 200);
  const auto failed = p.post(metrics_body(0));
  CHECK(failed.status == 500);
  CHECK(failed.body == R"({"message": "Internal server error"})");
  CHECK(failed.header("x-amzn-ErrorType") == "InternalServerErrorException");
  CHECK_FALSE(failed.header("x-amzn-RequestId").empty());
  CHECK(rows(p, "raw_metrics") == 0);  // the function never ran
  const auto report = p.pipeline.ledger_report();
  CHECK(report["requests"]["by_outcome"]["apigateway:fault"] == 1);
  // The window ends: API Gateway serves again.
  p.advance(61);
  CHECK(p.post(metrics_body(1)).status == 200);
  CHECK(rows(p, "raw_metrics") == 1);
  p.advance(60);
  CHECK(p.pipeline.ledger_report()["nothing_lost"] == true);
}

TEST_CASE("apigateway: a latency rule lengthens the answer and a 503 keeps its status") {
  InProcess clean;
  InProcess slow(rule({{"service", "apigateway"}, {"latency_ms", 250}}));
  const auto fast_answer = clean.post(metrics_body(0));
  const auto slow_answer = slow.post(metrics_body(0));
  REQUIRE(slow_answer.status == 200);
  CHECK(slow_answer.delay == fast_answer.delay + 250 * emu::kMicrosPerMilli);
  InProcess unavailable(
      rule({{"service", "apigateway"}, {"operation", "Invoke"}, {"error", "ServiceUnavailable"}}));
  const auto refused = unavailable.post(metrics_body(0));
  CHECK(refused.status == 503);
  CHECK(refused.body == R"({"message": "Service Unavailable"})");
  CHECK(refused.header("x-amzn-ErrorType") == "ServiceUnavailableException");
}

TEST_CASE("dynamodbstreams: GetRecords failing holds the stream back; it catches up after") {
  InProcess p(rule({{"service", "dynamodbstreams"},
                    {"operation", "GetRecords"},
                    {"resource", "raw_metrics"},
                    {"error", "InternalServerError"},
                    {"to", "+00:05:00"}}));
  REQUIRE(p.post(metrics_body(0)).status == 200);
  p.advance(4 * 60);
  CHECK(aggregate_count(p) == 0);
  CHECK(p.pipeline.state()["event_source_mappings"]["raw_metrics_stream"]["failed_get_records"] >
        0);
  p.advance(5 * 60);
  CHECK(aggregate_count(p) == 3);
  CHECK(p.pipeline.ledger_report()["nothing_lost"] == true);
}

TEST_CASE("every hooked pair is accepted, and the registry names only hooks tested above") {
  for (const auto& service : emu::faults::hooked_services()) {
    for (const auto op : service.operations) {
      CHECK_FALSE(emu::faults::unhooked(std::string(service.service), std::string(op)));
    }
  }
  CHECK(emu::faults::unhooked("waf", "*"));
  CHECK(emu::faults::unhooked("sqs", "PurgeQueue"));
  CHECK(emu::faults::unhooked("logs", "CreateLogGroup"));
}
