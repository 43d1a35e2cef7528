// The DynamoDB and DynamoDB Streams JSON 1.0 wire layers (X-Amz-Target DynamoDB_20120810.<Op>
// and DynamoDBStreams_20120810.<Op>) over the model in model.h.
//
// Checks run in dynalite's (AWS's) order: body size (> 16 MB -> 413), method and content type
// (-> 404 <UnknownOperationException/>), JSON parse (SerializationException), target
// (UnknownOperationException), authentication present (MissingAuthenticationTokenException),
// then per-operation type checks (SerializationException) and constraints (ValidationException
// "N validation errors detected: ..."), then the model. Every response carries x-amz-crc32
// (CRC32 of the exact body) and x-amzn-RequestId.
//
// DEVIATION: any SigV4 credentials are accepted (the signature is not verified), because
// local clients use arbitrary keys; a request without any Authorization is still refused.
// DEVIATION: the legacy non-expression parameters (Expected, AttributeUpdates, KeyConditions,
// QueryFilter, ScanFilter, AttributesToGet, ConditionalOperator) are refused with a
// ValidationException naming them, because the seed and current SDKs use expressions only.
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/core/random.h"
#include "emulator/dynamodb/model.h"
#include "emulator/http/router.h"

namespace emu::dynamodb {

// ---- JSON <-> typed requests/results (also used by tests and in-process callers) ----
Result<CreateTableRequest> parse_create_table(const nlohmann::json& body);
Result<UpdateTableRequest> parse_update_table(const nlohmann::json& body);
Result<PutItemRequest> parse_put_item(const nlohmann::json& body);
Result<GetItemRequest> parse_get_item(const nlohmann::json& body);
Result<UpdateItemRequest> parse_update_item(const nlohmann::json& body);
Result<DeleteItemRequest> parse_delete_item(const nlohmann::json& body);
Result<QueryRequest> parse_query(const nlohmann::json& body);
Result<ScanRequest> parse_scan(const nlohmann::json& body);
Result<BatchWriteItemRequest> parse_batch_write_item(const nlohmann::json& body);
Result<BatchGetItemRequest> parse_batch_get_item(const nlohmann::json& body);
Result<ListTablesRequest> parse_list_tables(const nlohmann::json& body);
Result<UpdateTimeToLiveRequest> parse_update_time_to_live(const nlohmann::json& body);
// TableName alone (DescribeTable, DeleteTable, DescribeTimeToLive).
Result<std::string> parse_table_name(const nlohmann::json& body);

nlohmann::json render_table_description(const TableDescription& d);
nlohmann::json render_consumed(const ConsumedCapacity& c);
nlohmann::json render_write_result(const WriteResult& r);
nlohmann::json render_query_result(const QueryResult& r);
nlohmann::json render_batch_write(const BatchWriteItemResult& r);
nlohmann::json render_batch_get(const BatchGetItemResult& r);

// The JSON of one stream record as GetRecords and Lambda's DynamoDB event show it (without
// eventSourceARN, which only the Lambda event carries).
nlohmann::json render_stream_record(const StreamRecord& record, const Stream& stream,
                                    const std::string& region);

// Wire-level helpers shared by both services.
std::string_view error_type_prefix(std::string_view code);
http::HttpResponse json_response(int status, std::string body, std::string_view content_type,
                                 const std::string& request_id);
// 52 upper-case alphanumerics, like DynamoDB's request ids.
std::string dynamodb_request_id(Random& random);

class DynamoDbService final : public http::Service {
 public:
  static constexpr std::size_t kMaxBodyBytes = 16 * 1024 * 1024;
  DynamoDbService(Database& db, Random random) : db_(db), random_(random) {}
  std::string_view name() const override { return "dynamodb"; }
  bool accepts(const http::HttpRequest& request) const override;
  http::HttpResponse handle(const http::HttpRequest& request, Micros now) override;
  std::uint64_t requests() const { return requests_; }

 private:
  // The registered action (actions/actions.cc) of that name.
  Result<nlohmann::json> dispatch(std::string_view operation, const nlohmann::json& body,
                                  Micros now);
  Database& db_;
  Random random_;
  std::uint64_t requests_ = 0;
};

class DynamoDbStreamsService final : public http::Service {
 public:
  // Shard iterators expire 15 minutes after they are issued (AWS).
  static constexpr Micros kIteratorLifetime = 15 * kMicrosPerMinute;
  DynamoDbStreamsService(Database& db, Random random, std::string region)
      : db_(db), random_(random), region_(std::move(region)) {}
  std::string_view name() const override { return "dynamodbstreams"; }
  bool accepts(const http::HttpRequest& request) const override;
  http::HttpResponse handle(const http::HttpRequest& request, Micros now) override;

 private:
  // The action of actions/stream_actions.cc registered under that name.
  Result<nlohmann::json> dispatch(std::string_view operation, const nlohmann::json& body,
                                  Micros now);
  Database& db_;
  Random random_;
  std::string region_;
};

}  // namespace emu::dynamodb
