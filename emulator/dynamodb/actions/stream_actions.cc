// The DynamoDB Streams actions (API_streams_*): ListStreams, DescribeStream, GetShardIterator,
// GetRecords, each with its field table (the lengths, ranges and allowed values of the AWS API
// reference) checked by the generic validator of wire_schema.h, then its handler; actions.cc
// registers them.
//
// Shard iterators are opaque base64 tokens carrying (stream ARN, shard id, position, issue
// time); they expire 15 minutes after issue (ExpiredIteratorException) and a position whose
// records were trimmed gives TrimmedDataAccessException, as AWS does.
#include <array>

#include "emulator/core/errors.h"
#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"
#include "emulator/dynamodb/wire_schema.h"
#include "emulator/http/aws_wire.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

namespace {

// Lengths of the Streams API reference: StreamArn 37-1024, ShardId 28-65, SequenceNumber
// 21-40, ShardIterator 1-2048.
constexpr FieldRule stream_arn_rule(std::string_view name, bool not_null) {
  return {.name = name, .not_null = not_null, .min_length = 37, .max_length = 1024};
}
constexpr FieldRule shard_id_rule(std::string_view name, bool not_null) {
  return {.name = name, .not_null = not_null, .min_length = 28, .max_length = 65};
}
constexpr std::array<std::string_view, 4> kShardIteratorTypes = {
    "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "AT_SEQUENCE_NUMBER", "LATEST"};

const RequestSchema kListStreamsSchema = {
    {.name = "TableName", .pattern = kNamePattern, .min_length = 3, .max_length = 255},
    {.name = "Limit", .type = FieldType::kInteger, .min_value = 1, .max_value = 100},
    stream_arn_rule("ExclusiveStartStreamArn", false),
};
const RequestSchema kDescribeStreamSchema = {
    stream_arn_rule("StreamArn", true),
    {.name = "Limit", .type = FieldType::kInteger, .min_value = 1, .max_value = 100},
    shard_id_rule("ExclusiveStartShardId", false),
};
const RequestSchema kGetShardIteratorSchema = {
    stream_arn_rule("StreamArn", true),
    shard_id_rule("ShardId", true),
    {.name = "ShardIteratorType", .not_null = true, .allowed = kShardIteratorTypes},
    {.name = "SequenceNumber", .min_length = 21, .max_length = 40},
};
const RequestSchema kGetRecordsSchema = {
    {.name = "ShardIterator", .not_null = true, .min_length = 1, .max_length = 2048},
    {.name = "Limit", .type = FieldType::kInteger, .min_value = 1, .max_value = 1000},
};

constexpr std::size_t kMaxRecords = 1000;
constexpr std::size_t kMaxRecordBytes = 1024 * 1024;

struct Iterator {
  std::string arn;
  std::string shard;
  std::uint64_t after = 0;  // next record has sequence > after
  Micros issued = 0;
};

std::string encode_iterator(const Iterator& it) {
  return it.arn + "|1|" +
         http::base64_encode(json{{"s", it.shard}, {"a", it.after}, {"t", it.issued}}.dump());
}

std::optional<Iterator> decode_iterator(std::string_view text) {
  const auto bar = text.rfind("|1|");
  if (bar == std::string_view::npos) return std::nullopt;
  auto payload = http::base64_decode(text.substr(bar + 3));
  if (!payload) return std::nullopt;
  auto j = json::parse(*payload, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("s") || !j.contains("a") ||
      !j.contains("t") || !j["s"].is_string() || !j["a"].is_number_unsigned() ||
      !j["t"].is_number_integer()) {
    return std::nullopt;
  }
  return Iterator{std::string(text.substr(0, bar)), j["s"], j["a"], j["t"]};
}

AwsError not_found(const std::string& what) {
  return errors::dynamodb::kResourceNotFound("Requested resource not found: " + what);
}

std::optional<std::string> string_member(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

AwsError trimmed() {
  return errors::dynamodb::kTrimmedDataAccess(
      "The operation attempted to read past the oldest stream record in a shard, or it "
      "specified a sequence number that is beyond the retention period.");
}

// Where an iterator of `type` starts in `s`, for the checked request `body`.
Result<std::uint64_t> iterator_start(const Stream& s, const std::string& type, const json& body) {
  if (type == "TRIM_HORIZON") return s.first_sequence() - 1;
  if (type == "LATEST") return s.latest_sequence();
  const auto text = string_member(body, "SequenceNumber");
  if (!text) return validation_error("Must specify a sequence number for iterator type: " + type);
  const auto seq = parse_sequence_number(*text);
  if (!seq || *seq > s.latest_sequence())
    return validation_error("Invalid SequenceNumber: " + *text);
  if (*seq < s.first_sequence()) return trimmed();
  return type == "AT_SEQUENCE_NUMBER" ? *seq - 1 : *seq;
}

}  // namespace

Result<json> list_streams_action(StreamContext& ctx, const json& body, Micros) {
  if (auto e = check_request(kListStreamsSchema, body)) return *e;
  const auto table = string_member(body, "TableName");
  if (table && !ctx.db.has_table(*table)) return not_found("Table: " + *table + " not found");
  json streams = json::array();
  for (Stream* s : ctx.db.streams()) {
    if (table && s->table_name() != *table) continue;
    streams.push_back(
        {{"StreamArn", s->arn()}, {"TableName", s->table_name()}, {"StreamLabel", s->label()}});
  }
  return json{{"Streams", std::move(streams)}};
}

Result<json> describe_stream_action(StreamContext& ctx, const json& body, Micros) {
  if (auto e = check_request(kDescribeStreamSchema, body)) return *e;
  const std::string arn = body["StreamArn"].get<std::string>();
  Stream* s = ctx.db.stream_by_arn(arn);
  if (s == nullptr) return not_found("Stream: " + arn + " not found");
  json range = {{"StartingSequenceNumber", sequence_number_text(s->first_sequence())}};
  if (!s->enabled()) range["EndingSequenceNumber"] = sequence_number_text(s->latest_sequence());
  json key_schema = json::array();
  if (const Table* t = ctx.db.table(s->table_name())) {
    for (const auto& k : t->schema().key_schema) {
      key_schema.push_back({{"AttributeName", k.attribute_name}, {"KeyType", k.key_type}});
    }
  }
  json shard = {{"ShardId", s->shard_id()}, {"SequenceNumberRange", std::move(range)}};
  return json{{"StreamDescription",
               {{"StreamArn", s->arn()},
                {"StreamLabel", s->label()},
                {"StreamStatus", s->enabled() ? "ENABLED" : "DISABLED"},
                {"StreamViewType", std::string(stream_view_type_text(s->view_type()))},
                {"CreationRequestDateTime", static_cast<double>(s->created()) / kMicrosPerSecond},
                {"TableName", s->table_name()},
                {"KeySchema", std::move(key_schema)},
                {"Shards", json::array({std::move(shard)})}}}};
}

Result<json> get_shard_iterator_action(StreamContext& ctx, const json& body, Micros now) {
  if (auto e = check_request(kGetShardIteratorSchema, body)) return *e;
  const std::string arn = body["StreamArn"].get<std::string>();
  const std::string shard = body["ShardId"].get<std::string>();
  Stream* s = ctx.db.stream_by_arn(arn);
  if (s == nullptr) return not_found("Stream: " + arn + " not found");
  if (shard != s->shard_id()) return not_found("Shard: " + shard + " in Stream: " + arn);
  auto after = iterator_start(*s, body["ShardIteratorType"].get<std::string>(), body);
  if (!after) return after.error();
  return json{{"ShardIterator", encode_iterator(Iterator{arn, shard, *after, now})}};
}

Result<json> get_records_action(StreamContext& ctx, const json& body, Micros now) {
  if (auto e = check_request(kGetRecordsSchema, body)) return *e;
  const auto limit = static_cast<std::size_t>(Fields(body).integer("Limit").value_or(kMaxRecords));
  auto it = decode_iterator(body["ShardIterator"].get<std::string>());
  if (!it) return validation_error("Invalid ShardIterator");
  if (now - it->issued > DynamoDbStreamsService::kIteratorLifetime) {
    return errors::dynamodb::kExpiredIterator(
        "Iterator expired. The iterator was created at time " + format_http_date(it->issued) +
        " while right now it is " + format_http_date(now) +
        " which is further in the future than the "
        "tolerated delay of 900000 milliseconds.");
  }
  Stream* s = ctx.db.stream_by_arn(it->arn);
  if (s == nullptr) return not_found("Stream: " + it->arn + " not found");
  if (it->after + 1 < s->first_sequence()) return trimmed();
  json records = json::array();
  std::size_t bytes = 0;
  std::uint64_t last = it->after;
  for (const StreamRecord* r : s->read(it->after, limit)) {
    if (bytes > 0 && bytes + r->size_bytes > kMaxRecordBytes) break;
    bytes += r->size_bytes;
    records.push_back(render_stream_record(*r, *s, ctx.region));
    last = r->sequence;
  }
  json out = {{"Records", std::move(records)}};
  const bool closed = !s->enabled() && last >= s->latest_sequence();
  if (!closed) out["NextShardIterator"] = encode_iterator(Iterator{it->arn, it->shard, last, now});
  return out;
}

Result<json> DynamoDbStreamsService::dispatch(std::string_view op, const json& body, Micros now) {
  if (const StreamAction* action = find_stream_action(op)) {
    StreamContext ctx{db_, region_};
    return action->handle(ctx, body, now);
  }
  // DEVIATION: AWS sends no message here; a named operation the emulator lacks says so.
  return errors::dynamodb::kUnknownOperation(
      "Operation " + std::string(op) +
      " is not supported by this emulator's DynamoDB Streams (it serves ListStreams, "
      "DescribeStream, GetShardIterator, GetRecords)");
}

}  // namespace emu::dynamodb
