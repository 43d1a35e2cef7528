// DynamoDB Streams wire operations: ListStreams, DescribeStream, GetShardIterator, GetRecords.
//
// Shard iterators are opaque base64 tokens carrying (stream ARN, shard id, position, issue
// time); they expire 15 minutes after issue (ExpiredIteratorException) and a position whose
// records were trimmed gives TrimmedDataAccessException, as AWS does.
#include "emulator/core/errors.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"
#include "emulator/http/aws_wire.h"

namespace emu::dynamodb {

namespace {

using nlohmann::json;

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

AwsError missing(const char* member) {
  return validation_error(std::string("1 validation error detected: Value null at '") + member +
                          "' failed to satisfy constraint: Member must not be null");
}

}  // namespace

Result<json> DynamoDbStreamsService::dispatch(std::string_view op, const json& body, Micros now) {
  if (op == "ListStreams") return list_streams(body);
  if (op == "DescribeStream") return describe_stream(body);
  if (op == "GetShardIterator") return get_shard_iterator(body, now);
  if (op == "GetRecords") return get_records(body, now);
  // DEVIATION: AWS sends no message here; a named operation the emulator lacks says so.
  return errors::dynamodb::kUnknownOperation(
      "Operation " + std::string(op) +
      " is not supported by this emulator's DynamoDB Streams (it serves ListStreams, "
      "DescribeStream, GetShardIterator, GetRecords)");
}

Result<json> DynamoDbStreamsService::list_streams(const json& body) {
  const auto table = string_member(body, "TableName");
  if (table && !db_.has_table(*table)) return not_found("Table: " + *table + " not found");
  json streams = json::array();
  for (Stream* s : db_.streams()) {
    if (table && s->table_name() != *table) continue;
    streams.push_back(
        {{"StreamArn", s->arn()}, {"TableName", s->table_name()}, {"StreamLabel", s->label()}});
  }
  return json{{"Streams", std::move(streams)}};
}

Result<json> DynamoDbStreamsService::describe_stream(const json& body) {
  const auto arn = string_member(body, "StreamArn");
  if (!arn) return missing("streamArn");
  Stream* s = db_.stream_by_arn(*arn);
  if (s == nullptr) return not_found("Stream: " + *arn + " not found");
  json range = {{"StartingSequenceNumber", sequence_number_text(s->first_sequence())}};
  if (!s->enabled()) range["EndingSequenceNumber"] = sequence_number_text(s->latest_sequence());
  json key_schema = json::array();
  if (const Table* t = db_.table(s->table_name())) {
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

Result<json> DynamoDbStreamsService::get_shard_iterator(const json& body, Micros now) {
  const auto arn = string_member(body, "StreamArn");
  const auto shard = string_member(body, "ShardId");
  const auto type = string_member(body, "ShardIteratorType");
  if (!arn) return missing("streamArn");
  if (!shard) return missing("shardId");
  if (!type) return missing("shardIteratorType");
  Stream* s = db_.stream_by_arn(*arn);
  if (s == nullptr) return not_found("Stream: " + *arn + " not found");
  if (*shard != s->shard_id()) return not_found("Shard: " + *shard + " in Stream: " + *arn);
  Iterator it{*arn, *shard, 0, now};
  if (*type == "TRIM_HORIZON") {
    it.after = s->first_sequence() - 1;
  } else if (*type == "LATEST") {
    it.after = s->latest_sequence();
  } else if (*type == "AT_SEQUENCE_NUMBER" || *type == "AFTER_SEQUENCE_NUMBER") {
    const auto text = string_member(body, "SequenceNumber");
    if (!text) {
      return validation_error("Must specify a sequence number for iterator type: " + *type);
    }
    const auto seq = parse_sequence_number(*text);
    if (!seq || *seq > s->latest_sequence()) {
      return validation_error("Invalid SequenceNumber: " + *text);
    }
    if (*seq < s->first_sequence()) {
      return errors::dynamodb::kTrimmedDataAccess(
          "The operation attempted to read past the oldest stream record in "
          "a shard, or it specified a sequence number that is beyond the "
          "retention period.");
    }
    it.after = *type == "AT_SEQUENCE_NUMBER" ? *seq - 1 : *seq;
  } else {
    return validation_error("1 validation error detected: Value '" + *type +
                            "' at 'shardIteratorType' failed to satisfy constraint: Member must "
                            "satisfy enum value set: [AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, "
                            "AT_SEQUENCE_NUMBER, LATEST]");
  }
  return json{{"ShardIterator", encode_iterator(it)}};
}

Result<json> DynamoDbStreamsService::get_records(const json& body, Micros now) {
  const auto text = string_member(body, "ShardIterator");
  if (!text) return missing("shardIterator");
  std::size_t limit = kMaxRecords;
  if (auto l = body.find("Limit"); l != body.end() && !l->is_null()) {
    if (!l->is_number()) return serialization_error(wire_detail::wrong_type(*l, "Integer"));
    const double v = l->get<double>();  // any 64-bit value, compared without overflow
    if (v < 1 || v > 1000) {
      return validation_error(
          "1 validation error detected: Value '" + l->dump() +
          "' at 'limit' failed to satisfy constraint: Member must have value " +
          (v < 1 ? "greater than or equal to 1" : "less than or equal to 1000"));
    }
    limit = static_cast<std::size_t>(v);
  }
  auto it = decode_iterator(*text);
  if (!it) return validation_error("Invalid ShardIterator");
  if (now - it->issued > kIteratorLifetime) {
    return errors::dynamodb::kExpiredIterator(
        "Iterator expired. The iterator was created at time " + format_http_date(it->issued) +
        " while right now it is " + format_http_date(now) +
        " which is further in the future than the "
        "tolerated delay of 900000 milliseconds.");
  }
  Stream* s = db_.stream_by_arn(it->arn);
  if (s == nullptr) return not_found("Stream: " + it->arn + " not found");
  if (it->after + 1 < s->first_sequence()) {
    return errors::dynamodb::kTrimmedDataAccess(
        "The operation attempted to read past the oldest stream record in a "
        "shard, or it specified a sequence number that is beyond the "
        "retention period.");
  }
  json records = json::array();
  std::size_t bytes = 0;
  std::uint64_t last = it->after;
  for (const StreamRecord* r : s->read(it->after, limit)) {
    if (bytes > 0 && bytes + r->size_bytes > kMaxRecordBytes) break;
    bytes += r->size_bytes;
    records.push_back(render_stream_record(*r, *s, region_));
    last = r->sequence;
  }
  json out = {{"Records", std::move(records)}};
  const bool closed = !s->enabled() && last >= s->latest_sequence();
  if (!closed) out["NextShardIterator"] = encode_iterator(Iterator{it->arn, it->shard, last, now});
  return out;
}

}  // namespace emu::dynamodb
