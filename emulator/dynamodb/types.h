// Typed requests and results of the DynamoDB model, mirroring the AWS API (member names are
// the AWS names in snake_case). The wire layer (wire.cc) fills requests from JSON and renders
// results; in-process callers (the pipeline's Lambda functions) build them directly.
//
// Optional AWS parameters are std::optional; absent means "not sent" (which matters for
// DynamoDB's validation, e.g. an empty ExpressionAttributeNames map is an error).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/time.h"
#include "emulator/dynamodb/expr/eval.h"
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb {

enum class BillingMode { kPayPerRequest, kProvisioned };
enum class ProjectionType { kAll, kKeysOnly, kInclude };
enum class StreamViewType { kKeysOnly, kNewImage, kOldImage, kNewAndOldImages };
enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };
enum class ReturnConsumedCapacity { kNone, kTotal, kIndexes };
enum class Select { kAllAttributes, kAllProjectedAttributes, kSpecificAttributes, kCount };

struct KeySchemaElement {
  std::string attribute_name;
  std::string key_type;  // "HASH" or "RANGE" (validated by the model)
};

struct AttributeDefinition {
  std::string attribute_name;
  Type attribute_type = Type::kS;  // S, N or B
};

struct ProvisionedThroughput {
  std::int64_t read_capacity_units = 0;
  std::int64_t write_capacity_units = 0;
};

struct GlobalSecondaryIndex {
  std::string index_name;
  std::vector<KeySchemaElement> key_schema;
  ProjectionType projection_type = ProjectionType::kAll;
  // A request's Projection without a ProjectionType, which CreateTable refuses.
  bool projection_type_missing = false;
  std::vector<std::string> non_key_attributes;
  std::optional<ProvisionedThroughput> provisioned_throughput;
};

// A local secondary index has the same members, except that it never has a throughput of its
// own (it uses the table's).
using LocalSecondaryIndex = GlobalSecondaryIndex;

struct StreamSpecification {
  bool stream_enabled = false;
  std::optional<StreamViewType> stream_view_type;
};

struct CreateTableRequest {
  std::string table_name;
  std::vector<AttributeDefinition> attribute_definitions;
  std::vector<KeySchemaElement> key_schema;
  std::vector<GlobalSecondaryIndex> global_secondary_indexes;
  bool has_global_secondary_indexes = false;  // the list was sent (an empty one is an error)
  std::vector<LocalSecondaryIndex> local_secondary_indexes;
  bool has_local_secondary_indexes = false;  // likewise
  std::optional<BillingMode> billing_mode;
  std::optional<ProvisionedThroughput> provisioned_throughput;
  std::optional<StreamSpecification> stream_specification;
  // Emulator extension (not an AWS parameter): keep this table in memory only, never in SQLite.
  // For large virtual-time runs. Default: persisted.
  bool persist = true;
};

struct UpdateTableRequest {
  std::string table_name;
  std::optional<BillingMode> billing_mode;
  std::optional<ProvisionedThroughput> provisioned_throughput;
  std::optional<StreamSpecification> stream_specification;
  // One entry per GlobalSecondaryIndexUpdates element: its Update's ProvisionedThroughput, if
  // any. The emulator refuses index updates after AWS's first checks of them (DEVIATION: see
  // Database::update_table).
  std::vector<std::optional<ProvisionedThroughput>> index_update_throughputs;
};

struct IndexDescription {
  GlobalSecondaryIndex definition;
  std::string index_arn;
  std::int64_t item_count = 0;
  std::int64_t index_size_bytes = 0;
};

struct TableDescription {
  std::string table_name;
  std::string table_arn;
  std::string table_id;
  std::string table_status;  // "CREATING", "ACTIVE", "DELETING"
  Micros creation_date_time = 0;
  std::vector<AttributeDefinition> attribute_definitions;
  std::vector<KeySchemaElement> key_schema;
  std::vector<IndexDescription> global_secondary_indexes;
  std::vector<IndexDescription> local_secondary_indexes;
  BillingMode billing_mode = BillingMode::kPayPerRequest;
  ProvisionedThroughput provisioned_throughput;
  std::int64_t item_count = 0;
  std::int64_t table_size_bytes = 0;
  std::optional<StreamSpecification> stream_specification;
  std::string latest_stream_arn;
  std::string latest_stream_label;
};

struct ListTablesRequest {
  std::optional<std::string> exclusive_start_table_name;
  std::optional<std::int64_t> limit;  // 1..100, default 100
};

struct ListTablesResult {
  std::vector<std::string> table_names;
  std::optional<std::string> last_evaluated_table_name;
};

struct TimeToLiveDescription {
  std::string time_to_live_status;  // "ENABLED" or "DISABLED"
  std::optional<std::string> attribute_name;
};

struct UpdateTimeToLiveRequest {
  std::string table_name;
  bool enabled = false;
  std::string attribute_name;
};

struct ConsumedCapacity {
  std::string table_name;
  double capacity_units = 0;
  double read_capacity_units = 0;
  double write_capacity_units = 0;
  bool indexes = false;  // INDEXES: include the per-table and per-index breakdown
  double table_capacity_units = 0;
  std::map<std::string, double> global_secondary_indexes;
  std::map<std::string, double> local_secondary_indexes;
};

// The expression attribute maps every expression-carrying request may send.
struct ExpressionAttributes {
  std::optional<expr::Names> names;
  std::optional<Item> values;
  // The first value that is not a valid AttributeValue (`values` then holds NULL for it): AWS
  // reports it only after its checks of the placeholders' names (Ops::validate_expressions).
  std::optional<AwsError> value_error;
};

struct PutItemRequest {
  std::string table_name;
  Item item;
  std::optional<std::string> condition_expression;
  ExpressionAttributes attributes;
  ReturnValues return_values = ReturnValues::kNone;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  bool return_old_on_condition_failure = false;  // ReturnValuesOnConditionCheckFailure ALL_OLD
};

struct WriteResult {
  std::optional<Item> attributes;
  std::optional<ConsumedCapacity> consumed_capacity;
};
using PutItemResult = WriteResult;
using UpdateItemResult = WriteResult;
using DeleteItemResult = WriteResult;

struct GetItemRequest {
  std::string table_name;
  Item key;
  bool consistent_read = false;
  std::optional<std::string> projection_expression;
  ExpressionAttributes attributes;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

struct GetItemResult {
  std::optional<Item> item;
  std::optional<ConsumedCapacity> consumed_capacity;
};

struct UpdateItemRequest {
  std::string table_name;
  Item key;
  std::optional<std::string> update_expression;
  std::optional<std::string> condition_expression;
  ExpressionAttributes attributes;
  ReturnValues return_values = ReturnValues::kNone;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  bool return_old_on_condition_failure = false;
};

struct DeleteItemRequest {
  std::string table_name;
  Item key;
  std::optional<std::string> condition_expression;
  ExpressionAttributes attributes;
  ReturnValues return_values = ReturnValues::kNone;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  bool return_old_on_condition_failure = false;
};

struct QueryRequest {
  std::string table_name;
  std::optional<std::string> index_name;
  std::optional<std::string> key_condition_expression;
  std::optional<std::string> filter_expression;
  std::optional<std::string> projection_expression;
  ExpressionAttributes attributes;
  std::optional<Select> select;
  std::optional<std::int64_t> limit;
  bool consistent_read = false;
  bool scan_index_forward = true;
  std::optional<Item> exclusive_start_key;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

struct ScanRequest {
  std::string table_name;
  std::optional<std::string> index_name;
  std::optional<std::string> filter_expression;
  std::optional<std::string> projection_expression;
  ExpressionAttributes attributes;
  std::optional<Select> select;
  std::optional<std::int64_t> limit;
  bool consistent_read = false;
  std::optional<std::int64_t> segment;
  std::optional<std::int64_t> total_segments;
  std::optional<Item> exclusive_start_key;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

struct QueryResult {
  std::vector<Item> items;
  bool count_only = false;  // Select COUNT: no Items member on the wire
  std::int64_t count = 0;
  std::int64_t scanned_count = 0;
  std::optional<Item> last_evaluated_key;
  std::optional<ConsumedCapacity> consumed_capacity;
};
using ScanResult = QueryResult;

struct WriteRequest {
  bool is_put = true;
  Item item;  // PutRequest.Item or DeleteRequest.Key
};

struct BatchWriteItemRequest {
  // In request order; a table appears once.
  std::vector<std::pair<std::string, std::vector<WriteRequest>>> request_items;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

struct BatchWriteItemResult {
  std::vector<std::pair<std::string, std::vector<WriteRequest>>> unprocessed_items;
  std::vector<ConsumedCapacity> consumed_capacity;
};

struct KeysAndAttributes {
  std::vector<Item> keys;
  bool consistent_read = false;
  std::optional<std::string> projection_expression;
  std::optional<expr::Names> names;
};

struct BatchGetItemRequest {
  std::vector<std::pair<std::string, KeysAndAttributes>> request_items;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

struct BatchGetItemResult {
  std::vector<std::pair<std::string, std::vector<Item>>> responses;
  std::vector<std::pair<std::string, KeysAndAttributes>> unprocessed_keys;
  std::vector<ConsumedCapacity> consumed_capacity;
};

}  // namespace emu::dynamodb
