#include "emulator/dynamodb/wire.h"

#include <doctest/doctest.h>

#include "emulator/core/config.h"
#include "emulator/dynamodb/seed_tables.h"
#include "emulator/http/aws_wire.h"
#include "tests/dynamodb/fixture.h"

using namespace emu;
using namespace emu::dynamodb;
using emu::dynamodb::test::Fixture;
using nlohmann::json;

namespace {

const char* kAuth =
    "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/dynamodb/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abc";

http::HttpRequest request(const std::string& target, const std::string& body,
                          const std::string& content_type = "application/x-amz-json-1.0") {
  http::HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers.emplace("X-Amz-Target", target);
  r.headers.emplace("Content-Type", content_type);
  r.headers.emplace("Authorization", kAuth);
  r.body = body;
  return r;
}

struct WireFixture : Fixture {
  WireFixture() : service(*db, Random(7)), streams(*db, Random(8), "ca-central-1") {
    create_seed_tables(*db, Config::defaults(), now());
  }
  http::HttpResponse call(const std::string& op, const json& body) {
    return service.handle(request("DynamoDB_20120810." + op, body.dump()), now());
  }
  http::HttpResponse stream_call(const std::string& op, const json& body) {
    return streams.handle(request("DynamoDBStreams_20120810." + op, body.dump()), now());
  }
  DynamoDbService service;
  DynamoDbStreamsService streams;
};

void check_crc(const http::HttpResponse& r) {
  CHECK(std::string(r.header("x-amz-crc32")) == std::to_string(http::crc32(r.body)));
  CHECK(r.header("x-amzn-RequestId").size() == 52);
}

json body_of(const http::HttpResponse& r) { return json::parse(r.body); }

}  // namespace

TEST_CASE("wire: routing accepts DynamoDB targets and leaves Streams to its service") {
  WireFixture f;
  CHECK(f.service.accepts(request("DynamoDB_20120810.PutItem", "{}")));
  CHECK_FALSE(f.service.accepts(request("DynamoDBStreams_20120810.GetRecords", "{}")));
  CHECK(f.streams.accepts(request("DynamoDBStreams_20120810.GetRecords", "{}")));
  CHECK_FALSE(f.streams.accepts(request("DynamoDB_20120810.PutItem", "{}")));
}

TEST_CASE("wire: framework errors in dynalite's order") {
  WireFixture f;
  auto big = request("DynamoDB_20120810.PutItem", std::string(16 * 1024 * 1024 + 1, ' '));
  CHECK(f.service.handle(big, f.now()).status == 413);

  auto r = f.service.handle(request("DynamoDB_20120810.ListTables", "{}", "text/plain"), f.now());
  CHECK(r.status == 404);
  CHECK(r.body == "<UnknownOperationException/>\n");
  check_crc(r);

  r = f.service.handle(request("DynamoDB_20120810.ListTables", "{not json"), f.now());
  CHECK(r.status == 400);
  CHECK(body_of(r) == json{{"__type", "com.amazon.coral.service#SerializationException"}});
  check_crc(r);

  r = f.service.handle(request("DynamoDB_20120810.Nope", "{}"), f.now());
  CHECK(r.status == 400);
  CHECK(body_of(r)["__type"] == "com.amazon.coral.service#UnknownOperationException");

  auto unsigned_request = request("DynamoDB_20120810.ListTables", "{}");
  unsigned_request.headers.erase("Authorization");
  r = f.service.handle(unsigned_request, f.now());
  CHECK(body_of(r) ==
        json{{"__type", "com.amazon.coral.service#MissingAuthenticationTokenException"},
             {"message", "Request is missing Authentication Token"}});
}

TEST_CASE("wire: validation and service errors carry AWS's __type and message") {
  WireFixture f;
  auto r = f.call("PutItem", {{"TableName", "x"}, {"Item", {{"a", {{"S", "b"}}}}}});
  CHECK(r.status == 400);
  CHECK(body_of(r)["__type"] == "com.amazon.coral.validate#ValidationException");
  CHECK(body_of(r)["message"] ==
        "1 validation error detected: Value 'x' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3");
  r = f.call("PutItem", json::object());
  CHECK(body_of(r)["message"] ==
        "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null; Value null at 'item' failed to satisfy constraint: Member must "
        "not be null");
  r = f.call("PutItem", {{"TableName", 5}});
  CHECK(body_of(r) == json{{"__type", "com.amazon.coral.service#SerializationException"},
                           {"message", "NUMBER_VALUE cannot be converted to String"}});
  r = f.call("GetItem", {{"TableName", "missing"}, {"Key", {{"a", {{"S", "b"}}}}}});
  CHECK(body_of(r) == json{{"__type", "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"},
                           {"message", "Requested resource not found"}});
  check_crc(r);
  r = f.call("PutItem", {{"TableName", "raw_metrics"},
                         {"Item", {{"uuid", {{"S", "u"}}}}},
                         {"ReturnValues", "ALL_NEWISH"}});
  CHECK(body_of(r)["message"] ==
        "1 validation error detected: Value 'ALL_NEWISH' at 'returnValues' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, "
        "UPDATED_NEW]");
  r = f.call("PutItem", {{"TableName", "raw_metrics"},
                         {"Item", {{"uuid", {{"S", "u"}}}}},
                         {"Expected", {{"uuid", {{"Exists", false}}}}},
                         {"ConditionExpression", "attribute_not_exists(uuid)"}});
  CHECK(body_of(r)["message"] ==
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}");
}

TEST_CASE("wire: ConditionalCheckFailedException returns the old item on request") {
  WireFixture f;
  const json item = {{"uuid", {{"S", "u"}}}, {"raw", {{"S", "first"}}}};
  REQUIRE(f.call("PutItem", {{"TableName", "raw_metrics"}, {"Item", item}}).status == 200);
  auto r = f.call("PutItem", {{"TableName", "raw_metrics"},
                              {"Item", item},
                              {"ConditionExpression", "attribute_not_exists(#u)"},
                              {"ExpressionAttributeNames", {{"#u", "uuid"}}},
                              {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}});
  CHECK(r.status == 400);
  const json body = body_of(r);
  CHECK(body["__type"] == "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException");
  CHECK(body["message"] == "The conditional request failed");
  CHECK(body["Item"] == item);
  check_crc(r);
}

TEST_CASE("wire: happy path bodies") {
  WireFixture f;
  auto r = f.call("UpdateItem",
                  {{"TableName", "aggregate_metrics"},
                   {"Key", {{"pk", {{"S", "ON"}}}, {"sk", {{"S", "k"}}}}},
                   {"UpdateExpression", "SET metricCount = if_not_exists(metricCount, :z) + :n"},
                   {"ExpressionAttributeValues", {{":z", {{"N", "0"}}}, {":n", {{"N", "2"}}}}},
                   {"ReturnValues", "UPDATED_NEW"},
                   {"ReturnConsumedCapacity", "INDEXES"}});
  REQUIRE(r.status == 200);
  check_crc(r);
  const json body = body_of(r);
  CHECK(body["Attributes"] == json{{"metricCount", {{"N", "2"}}}});
  CHECK(body["ConsumedCapacity"]["TableName"] == "aggregate_metrics");
  CHECK(body["ConsumedCapacity"]["CapacityUnits"] == 1.0);
  CHECK(body["ConsumedCapacity"]["Table"]["CapacityUnits"] == 1.0);
  CHECK(std::string(r.header("Content-Type")) == "application/x-amz-json-1.0");

  r = f.call("DescribeTable", {{"TableName", "aggregate_metrics"}});
  const json table = body_of(r)["Table"];
  CHECK(table["TableStatus"] == "ACTIVE");
  CHECK(table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST");
  CHECK(table["GlobalSecondaryIndexes"][0]["IndexName"] == "IdentifierIndex");
  CHECK(table["ItemCount"] == 1);
  r = f.call("DescribeTable", {{"TableName", "raw_metrics"}});
  CHECK(body_of(r)["Table"]["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE");
  CHECK(body_of(r)["Table"]["LatestStreamArn"].get<std::string>().find(
            "arn:aws:dynamodb:ca-central-1:000000000000:table/raw_metrics/stream/") == 0);
}

TEST_CASE("streams wire: list, describe, iterate, expire") {
  WireFixture f;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(f.call("PutItem", {{"TableName", "raw_metrics"},
                               {"Item", {{"uuid", {{"S", "u" + std::to_string(i)}}}}}})
                .status == 200);
  }
  auto r = f.stream_call("ListStreams", {{"TableName", "raw_metrics"}});
  REQUIRE(r.status == 200);
  const std::string arn = body_of(r)["Streams"][0]["StreamArn"];
  r = f.stream_call("DescribeStream", {{"StreamArn", arn}});
  const json desc = body_of(r)["StreamDescription"];
  CHECK(desc["StreamStatus"] == "ENABLED");
  CHECK(desc["StreamViewType"] == "NEW_IMAGE");
  const std::string shard = desc["Shards"][0]["ShardId"];
  r = f.stream_call(
      "GetShardIterator",
      {{"StreamArn", arn}, {"ShardId", shard}, {"ShardIteratorType", "TRIM_HORIZON"}});
  std::string iterator = body_of(r)["ShardIterator"];
  r = f.stream_call("GetRecords", {{"ShardIterator", iterator}, {"Limit", 2}});
  json records = body_of(r)["Records"];
  REQUIRE(records.size() == 2);
  CHECK(records[0]["eventName"] == "INSERT");
  CHECK(records[0]["eventVersion"] == "1.1");
  CHECK(records[0]["eventSource"] == "aws:dynamodb");
  CHECK(records[0]["dynamodb"]["NewImage"]["uuid"]["S"] == "u0");
  iterator = body_of(r)["NextShardIterator"];
  r = f.stream_call("GetRecords", {{"ShardIterator", iterator}});
  records = body_of(r)["Records"];
  REQUIRE(records.size() == 1);
  CHECK(records[0]["dynamodb"]["Keys"]["uuid"]["S"] == "u2");
  const std::string seq = records[0]["dynamodb"]["SequenceNumber"];
  r = f.stream_call("GetShardIterator", {{"StreamArn", arn},
                                         {"ShardId", shard},
                                         {"ShardIteratorType", "AT_SEQUENCE_NUMBER"},
                                         {"SequenceNumber", seq}});
  r = f.stream_call("GetRecords", {{"ShardIterator", body_of(r)["ShardIterator"]}});
  CHECK(body_of(r)["Records"].size() == 1);
  f.clock.advance_to(f.now() + 16 * kMicrosPerMinute);
  r = f.stream_call("GetRecords", {{"ShardIterator", iterator}});
  CHECK(body_of(r)["__type"] == "com.amazonaws.dynamodb.v20120810#ExpiredIteratorException");
  r = f.stream_call("GetRecords", {{"ShardIterator", "garbage"}});
  CHECK(body_of(r)["message"] == "Invalid ShardIterator");
  // After 24 h the records are trimmed; an old position is refused.
  r = f.stream_call(
      "GetShardIterator",
      {{"StreamArn", arn}, {"ShardId", shard}, {"ShardIteratorType", "TRIM_HORIZON"}});
  iterator = body_of(r)["ShardIterator"];
  f.scheduler.run_until(f.now() + 25 * kMicrosPerHour);
  REQUIRE(f.call("PutItem", {{"TableName", "raw_metrics"}, {"Item", {{"uuid", {{"S", "z"}}}}}})
              .status == 200);
  r = f.stream_call("GetShardIterator", {{"StreamArn", arn},
                                         {"ShardId", shard},
                                         {"ShardIteratorType", "AT_SEQUENCE_NUMBER"},
                                         {"SequenceNumber", seq}});
  CHECK(body_of(r)["__type"] == "com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException");
}
