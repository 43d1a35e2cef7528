// The error shapes of the SQS, S3 and CloudWatch wire layers, byte for byte where clients
// depend on them (botocore parsers.py: JSON __type + x-amzn-query-error, query <ErrorResponse>,
// S3 <Error> documents and body-less HEAD errors).
#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "emulator/cloudwatch/wire.h"
#include "emulator/s3/wire.h"
#include "emulator/sqs/wire.h"

using namespace emu;

namespace {

http::HttpRequest signed_request(const std::string& service, std::string method, std::string path,
                                 std::string body = "") {
  http::HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  r.headers.emplace("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/" +
                                         service + "/aws4_request, SignedHeaders=host, Signature=0");
  r.headers.emplace("Host", "127.0.0.1:4566");
  return r;
}

}  // namespace

TEST_CASE("SQS: JSON errors carry __type and the query code header; query errors are XML") {
  sqs::SqsModel model(nullptr, "000000000000", "ca-central-1", "http://127.0.0.1:4566", {}, Random(1));
  sqs::SqsWire wire(model, Random(2));
  auto json_req = signed_request("sqs", "POST", "/", R"({"QueueName":"nope"})");
  json_req.headers.emplace("X-Amz-Target", "AmazonSQS.GetQueueUrl");
  const auto j = wire.handle(json_req, 0);
  CHECK(j.status == 400);
  CHECK(nlohmann::json::parse(j.body)["__type"] == "com.amazonaws.sqs#QueueDoesNotExist");
  CHECK(j.header("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender");
  const auto q = wire.handle(signed_request("sqs", "POST", "/", "Action=GetQueueUrl&QueueName=nope"), 0);
  CHECK(q.status == 400);
  CHECK(q.body.find("<ErrorResponse") != std::string::npos);
  CHECK(q.body.find("<Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>") != std::string::npos);
  const auto unknown = wire.handle(signed_request("sqs", "POST", "/", "Action=Frobnicate"), 0);
  CHECK(unknown.body.find("<Code>InvalidAction</Code>") != std::string::npos);
  auto bad_param = signed_request("sqs", "POST", "/", R"({"QueueName":"q.fifo"})");
  bad_param.headers.emplace("X-Amz-Target", "AmazonSQS.CreateQueue");
  const auto b = wire.handle(bad_param, 0);
  CHECK(nlohmann::json::parse(b.body)["__type"] == "com.amazonaws.sqs#InvalidParameterValueException");
  CHECK(b.header("x-amzn-query-error") == "InvalidParameterValue;Sender");
}

TEST_CASE("S3: XML error documents, body-less HEAD errors, refused keys") {
  const auto root = std::filesystem::temp_directory_path() / "emu-s3-shapes";
  std::filesystem::remove_all(root);
  s3::S3Model model(nullptr, root, "ca-central-1");
  REQUIRE(model.create_bucket("bucket", 0).ok());
  s3::S3Wire wire(model, Random(3));
  const auto get = wire.handle(signed_request("s3", "GET", "/bucket/missing%20key"), 0);
  CHECK(get.status == 404);
  CHECK(get.body.find("<Code>NoSuchKey</Code>") != std::string::npos);
  CHECK(get.body.find("<Key>missing key</Key>") != std::string::npos);
  CHECK(!get.header("x-amz-request-id").empty());
  const auto head = wire.handle(signed_request("s3", "HEAD", "/bucket/missing"), 0);
  CHECK(head.status == 404);
  CHECK(head.body.empty());
  const auto bucket = wire.handle(signed_request("s3", "GET", "/nobucket"), 0);
  CHECK(bucket.body.find("<Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>nobucket</BucketName>") != std::string::npos);
  const auto escape = wire.handle(signed_request("s3", "PUT", "/bucket/a/../../x", "data"), 0);
  CHECK(escape.status == 400);
  CHECK(escape.body.find("<Code>InvalidArgument</Code>") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(root / "x"));
  const auto sub = wire.handle(signed_request("s3", "GET", "/bucket"), 0);
  CHECK(sub.status == 200);
  auto acl = signed_request("s3", "GET", "/bucket");
  acl.query = "acl";
  CHECK(wire.handle(acl, 0).status == 501);
  std::filesystem::remove_all(root);
}

TEST_CASE("CloudWatch: JSON errors with the query header; query errors as XML") {
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  cloudwatch::MetricStore store;
  cloudwatch::AlarmEngine alarms(store, scheduler, nullptr, "ca-central-1", "000000000000");
  cloudwatch::CloudWatchWire wire(store, alarms, Random(4));
  auto json_req = signed_request("monitoring", "POST", "/",
                                 R"({"Namespace":"AWS/Lambda","MetricData":[{"MetricName":"x","Value":1}]})");
  json_req.headers.emplace("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData");
  const auto j = wire.handle(json_req, 0);
  CHECK(j.status == 400);
  CHECK(nlohmann::json::parse(j.body)["__type"] == "InvalidParameterValueException");
  CHECK(j.header("x-amzn-query-error") == "InvalidParameterValue;Sender");
  const auto q = wire.handle(signed_request("monitoring", "POST", "/",
                                            "Action=SetAlarmState&AlarmName=nope&StateValue=OK&StateReason=x"), 0);
  CHECK(q.status == 404);
  CHECK(q.body.find("<Code>ResourceNotFound</Code>") != std::string::npos);
  const auto unknown = wire.handle(signed_request("monitoring", "POST", "/", "Action=Frobnicate"), 0);
  CHECK(unknown.body.find("<Code>InvalidAction</Code>") != std::string::npos);
  CHECK(store.size() == 0);  // the rejected PutMetricData stored nothing
}

// Issue 22: malformed requests get the protocol's 400, never an exception (the router's 500).
TEST_CASE("CloudWatch: malformed query and JSON requests are 400s in the protocol's shape") {
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  cloudwatch::MetricStore store;
  cloudwatch::AlarmEngine alarms(store, scheduler, nullptr, "ca-central-1", "000000000000");
  cloudwatch::CloudWatchWire wire(store, alarms, Random(4));
  const auto overflow = wire.handle(
      signed_request("monitoring", "POST", "/",
                     "Action=PutMetricData&Namespace=T&MetricData.member.99999999999999999999.MetricName=m"),
      0);
  CHECK(overflow.status == 400);
  CHECK(overflow.body.find("<Type>Sender</Type><Code>InvalidQueryParameter</Code><Message>The AWS "
                           "query string is malformed or does not adhere to AWS standards: the "
                           "list index in MetricData.member.99999999999999999999.MetricName must "
                           "be between 1 and 1000000.</Message>") != std::string::npos);
  auto typed = signed_request("monitoring", "POST", "/",
                              R"({"Namespace":5,"MetricData":[{"MetricName":"m","Value":1}]})");
  typed.headers.emplace("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData");
  const auto t = wire.handle(typed, 0);
  CHECK(t.status == 400);
  CHECK(nlohmann::json::parse(t.body) ==
        nlohmann::json{{"__type", "com.amazon.coral.service#SerializationException"},
                       {"message", "class com.amazon.coral.value.json.numbers.TruncatingBigNumber "
                                   "can not be converted to an String"}});
  CHECK(t.header("x-amzn-query-error").empty());
  // Members from both protocols reach the operation with their model types.
  const auto q = wire.handle(
      signed_request("monitoring", "POST", "/",
                     "Action=PutMetricData&Namespace=T&MetricData.member.2.MetricName=b"
                     "&MetricData.member.2.Value=2&MetricData.member.1.MetricName=a"
                     "&MetricData.member.1.Values.member.1=1&MetricData.member.1.Counts.member.1=3"),
      0);
  CHECK(q.status == 200);
  CHECK(store.size() == 2);
  auto bad_target = signed_request("monitoring", "POST", "/", "{}");
  bad_target.headers.emplace("X-Amz-Target", "GraniteServiceVersion20100801.\xff");
  const auto b = wire.handle(bad_target, 0);
  CHECK(b.status == 400);
  CHECK(nlohmann::json::parse(b.body)["__type"] == "UnknownOperationException");
}

TEST_CASE("SQS: wrong JSON types and bad query indices are 400s in the protocol's shape") {
  sqs::SqsModel model(nullptr, "000000000000", "ca-central-1", "http://127.0.0.1:4566", {}, Random(1));
  REQUIRE(model.create_queue("q", {}, 0).ok());
  sqs::SqsWire wire(model, Random(2));
  auto batch = signed_request("sqs", "POST", "/",
                              R"({"QueueUrl":"http://127.0.0.1:4566/000000000000/q","Entries":[5]})");
  batch.headers.emplace("X-Amz-Target", "AmazonSQS.SendMessageBatch");
  const auto j = wire.handle(batch, 0);
  CHECK(j.status == 400);
  CHECK(nlohmann::json::parse(j.body) ==
        nlohmann::json{{"__type", "com.amazon.coral.service#SerializationException"},
                       {"message", "Expected null"}});
  auto target = signed_request("sqs", "POST", "/", "{}");
  target.headers.emplace("X-Amz-Target", "AmazonSQS.\xff");
  const auto t = wire.handle(target, 0);
  CHECK(t.status == 400);
  CHECK(nlohmann::json::parse(t.body)["message"] == "Unknown operation \xef\xbf\xbd.");
  const auto q = wire.handle(
      signed_request("sqs", "POST", "/000000000000/q",
                     "Action=ReceiveMessage&AttributeName.99999999999999999999=All"),
      0);
  CHECK(q.status == 400);
  CHECK(q.body.find("<Code>InvalidQueryParameter</Code>") != std::string::npos);
  const auto n = wire.handle(signed_request("sqs", "POST", "/000000000000/q",
                                            "Action=ReceiveMessage&VisibilityTimeout=9999999999"),
                             0);
  CHECK(n.status == 400);
  CHECK(n.body.find("<Code>InvalidParameterValue</Code>") != std::string::npos);
}

TEST_CASE("S3: keys that are not UTF-8 are InvalidURI; long keys are stored") {
  const auto root = std::filesystem::temp_directory_path() / "emu-s3-shapes-utf8";
  std::filesystem::remove_all(root);
  s3::S3Model model(nullptr, root, "ca-central-1");
  REQUIRE(model.create_bucket("bucket", 0).ok());
  s3::S3Wire wire(model, Random(3));
  const auto bad = wire.handle(signed_request("s3", "PUT", "/bucket/a%FFb", "x"), 0);
  CHECK(bad.status == 400);
  CHECK(bad.body.find("<Code>InvalidURI</Code><Message>Couldn&apos;t parse the specified URI."
                      "</Message>") != std::string::npos);
  const std::string key = "d/" + std::string(300, 's');
  CHECK(wire.handle(signed_request("s3", "PUT", "/bucket/" + key, "long"), 0).status == 200);
  const auto get = wire.handle(signed_request("s3", "GET", "/bucket/" + key), 0);
  CHECK(get.status == 200);
  CHECK(get.body == "long");
  std::filesystem::remove_all(root);
}
