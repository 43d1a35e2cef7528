// JSON -> DynamoDB request: the first byte picks the operation (X-Amz-Target), the rest is the
// body, answered by the DynamoDB and DynamoDB Streams wire layers (per-action validators and
// parsers) against the pipeline's tables.
#include <iterator>

#include "bench/fuzz/fuzz_pipeline.h"
#include "bench/fuzz/fuzz_target.h"

namespace {

const char* const kOperations[] = {
    "DynamoDB_20120810.PutItem",
    "DynamoDB_20120810.GetItem",
    "DynamoDB_20120810.UpdateItem",
    "DynamoDB_20120810.DeleteItem",
    "DynamoDB_20120810.Query",
    "DynamoDB_20120810.Scan",
    "DynamoDB_20120810.BatchGetItem",
    "DynamoDB_20120810.BatchWriteItem",
    "DynamoDB_20120810.CreateTable",
    "DynamoDB_20120810.DescribeTable",
    "DynamoDB_20120810.DeleteTable",
    "DynamoDB_20120810.ListTables",
    "DynamoDB_20120810.UpdateTimeToLive",
    "DynamoDB_20120810.DescribeTimeToLive",
    "DynamoDBStreams_20120810.ListStreams",
    "DynamoDBStreams_20120810.DescribeStream",
    "DynamoDBStreams_20120810.GetShardIterator",
    "DynamoDBStreams_20120810.GetRecords",
};

}  // namespace

EMU_FUZZ_TARGET(dynamodb) {
  if (input.empty()) return;
  const auto* target = kOperations[static_cast<unsigned char>(input[0]) % std::size(kOperations)];
  auto request = emu::fuzz::aws_request("POST", "/", "dynamodb");
  request.headers.emplace("X-Amz-Target", target);
  request.headers.emplace("Content-Type", "application/x-amz-json-1.0");
  request.body = std::string(input.substr(1));
  emu::fuzz::route(request);
}
