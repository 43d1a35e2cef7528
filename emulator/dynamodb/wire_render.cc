// Typed results -> JSON response bodies.
#include <cstdio>

#include "emulator/core/random.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"

namespace emu::dynamodb {

namespace {

using nlohmann::json;

double epoch_seconds(Micros t) { return static_cast<double>(t) / kMicrosPerSecond; }

json key_schema_json(const std::vector<KeySchemaElement>& keys) {
  json out = json::array();
  for (const auto& k : keys)
    out.push_back({{"AttributeName", k.attribute_name}, {"KeyType", k.key_type}});
  return out;
}

json throughput_json(const ProvisionedThroughput& pt) {
  return {{"NumberOfDecreasesToday", 0},
          {"ReadCapacityUnits", pt.read_capacity_units},
          {"WriteCapacityUnits", pt.write_capacity_units}};
}

const char* projection_text(ProjectionType p) {
  switch (p) {
    case ProjectionType::kKeysOnly:
      return "KEYS_ONLY";
    case ProjectionType::kInclude:
      return "INCLUDE";
    default:
      return "ALL";
  }
}

// One index of a TableDescription. A local index has no status or throughput of its own.
json index_json(const IndexDescription& i, bool global) {
  json p = {{"ProjectionType", projection_text(i.definition.projection_type)}};
  if (!i.definition.non_key_attributes.empty()) {
    p["NonKeyAttributes"] = i.definition.non_key_attributes;
  }
  json out = {{"IndexName", i.definition.index_name},
              {"KeySchema", key_schema_json(i.definition.key_schema)},
              {"Projection", p},
              {"IndexSizeBytes", i.index_size_bytes},
              {"ItemCount", i.item_count},
              {"IndexArn", i.index_arn}};
  if (global) {
    out["IndexStatus"] = "ACTIVE";
    out["ProvisionedThroughput"] =
        throughput_json(i.definition.provisioned_throughput.value_or(ProvisionedThroughput{}));
  }
  return out;
}

json units_by_index(const std::map<std::string, double>& units) {
  json out = json::object();
  for (const auto& [name, u] : units) out[name] = {{"CapacityUnits", u}};
  return out;
}

json items_json(const std::vector<Item>& items) {
  json out = json::array();
  for (const auto& i : items) out.push_back(item_to_json(i));
  return out;
}

json consumed_list(const std::vector<ConsumedCapacity>& list) {
  json out = json::array();
  for (const auto& c : list) out.push_back(render_consumed(c));
  return out;
}

}  // namespace

json render_table_description(const TableDescription& d) {
  json attrs = json::array();
  for (const auto& a : d.attribute_definitions) {
    attrs.push_back({{"AttributeName", a.attribute_name},
                     {"AttributeType", std::string(type_name(a.attribute_type))}});
  }
  const bool ppr = d.billing_mode == BillingMode::kPayPerRequest;
  json t = {{"AttributeDefinitions", attrs},
            {"TableName", d.table_name},
            {"KeySchema", key_schema_json(d.key_schema)},
            {"TableStatus", d.table_status},
            {"CreationDateTime", epoch_seconds(d.creation_date_time)},
            {"ProvisionedThroughput", throughput_json(d.provisioned_throughput)},
            {"TableSizeBytes", d.table_size_bytes},
            {"ItemCount", d.item_count},
            {"TableArn", d.table_arn},
            {"TableId", d.table_id},
            {"DeletionProtectionEnabled", false}};
  if (ppr) {
    t["BillingModeSummary"] = {
        {"BillingMode", "PAY_PER_REQUEST"},
        {"LastUpdateToPayPerRequestDateTime", epoch_seconds(d.creation_date_time)}};
    t["WarmThroughput"] = {
        {"ReadUnitsPerSecond", 12000}, {"WriteUnitsPerSecond", 4000}, {"Status", "ACTIVE"}};
  }
  if (!d.local_secondary_indexes.empty()) {
    json lsis = json::array();
    for (const auto& i : d.local_secondary_indexes) lsis.push_back(index_json(i, false));
    t["LocalSecondaryIndexes"] = std::move(lsis);
  }
  if (!d.global_secondary_indexes.empty()) {
    json gsis = json::array();
    for (const auto& i : d.global_secondary_indexes) gsis.push_back(index_json(i, true));
    t["GlobalSecondaryIndexes"] = std::move(gsis);
  }
  if (d.stream_specification) {
    t["StreamSpecification"] = {
        {"StreamEnabled", d.stream_specification->stream_enabled},
        {"StreamViewType",
         std::string(stream_view_type_text(
             d.stream_specification->stream_view_type.value_or(StreamViewType::kNewImage)))}};
  }
  if (!d.latest_stream_arn.empty()) {
    t["LatestStreamArn"] = d.latest_stream_arn;
    t["LatestStreamLabel"] = d.latest_stream_label;
  }
  return t;
}

json render_consumed(const ConsumedCapacity& c) {
  json out = {{"TableName", c.table_name}, {"CapacityUnits", c.capacity_units}};
  if (c.read_capacity_units > 0) out["ReadCapacityUnits"] = c.read_capacity_units;
  if (c.write_capacity_units > 0) out["WriteCapacityUnits"] = c.write_capacity_units;
  if (c.indexes) {
    out["Table"] = {{"CapacityUnits", c.table_capacity_units}};
    if (!c.local_secondary_indexes.empty()) {
      out["LocalSecondaryIndexes"] = units_by_index(c.local_secondary_indexes);
    }
    if (!c.global_secondary_indexes.empty()) {
      out["GlobalSecondaryIndexes"] = units_by_index(c.global_secondary_indexes);
    }
  }
  return out;
}

json render_write_result(const WriteResult& r) {
  json out = json::object();
  if (r.attributes) out["Attributes"] = item_to_json(*r.attributes);
  if (r.consumed_capacity) out["ConsumedCapacity"] = render_consumed(*r.consumed_capacity);
  return out;
}

json render_query_result(const QueryResult& r) {
  json out = json::object();
  if (!r.count_only) out["Items"] = items_json(r.items);
  out["Count"] = r.count;
  out["ScannedCount"] = r.scanned_count;
  if (r.last_evaluated_key) out["LastEvaluatedKey"] = item_to_json(*r.last_evaluated_key);
  if (r.consumed_capacity) out["ConsumedCapacity"] = render_consumed(*r.consumed_capacity);
  return out;
}

json render_batch_write(const BatchWriteItemResult& r) {
  json unprocessed = json::object();
  for (const auto& [table, writes] : r.unprocessed_items) {
    json list = json::array();
    for (const auto& w : writes) {
      if (w.is_put) {
        list.push_back({{"PutRequest", {{"Item", item_to_json(w.item)}}}});
      } else {
        list.push_back({{"DeleteRequest", {{"Key", item_to_json(w.item)}}}});
      }
    }
    unprocessed[table] = std::move(list);
  }
  json out = {{"UnprocessedItems", std::move(unprocessed)}};
  if (!r.consumed_capacity.empty()) out["ConsumedCapacity"] = consumed_list(r.consumed_capacity);
  return out;
}

json render_batch_get(const BatchGetItemResult& r) {
  json responses = json::object();
  for (const auto& [table, items] : r.responses) responses[table] = items_json(items);
  json unprocessed = json::object();
  for (const auto& [table, ka] : r.unprocessed_keys) {
    json spec = {{"Keys", items_json(ka.keys)}};
    if (ka.consistent_read) spec["ConsistentRead"] = true;
    if (ka.projection_expression) spec["ProjectionExpression"] = *ka.projection_expression;
    if (ka.names) spec["ExpressionAttributeNames"] = *ka.names;
    unprocessed[table] = std::move(spec);
  }
  json out = {{"Responses", std::move(responses)}, {"UnprocessedKeys", std::move(unprocessed)}};
  if (!r.consumed_capacity.empty()) out["ConsumedCapacity"] = consumed_list(r.consumed_capacity);
  return out;
}

json render_stream_record(const StreamRecord& record, const Stream& stream,
                          const std::string& region) {
  // eventID: 32 hex digits, unique per record and stable across restarts.
  char id[40];
  const std::string seq = sequence_number_text(record.sequence);
  std::snprintf(id, sizeof id, "%016llx%016llx",
                static_cast<unsigned long long>(fnv1a64(stream.arn() + seq)),
                static_cast<unsigned long long>(fnv1a64(seq + stream.arn())));
  json dynamodb = {{"ApproximateCreationDateTime",
                    floor_to(record.created, kMicrosPerSecond) / kMicrosPerSecond},
                   {"Keys", item_to_json(*record.keys)}};
  if (record.new_image) dynamodb["NewImage"] = item_to_json(*record.new_image);
  if (record.old_image) dynamodb["OldImage"] = item_to_json(*record.old_image);
  dynamodb["SequenceNumber"] = seq;
  dynamodb["SizeBytes"] = record.size_bytes;
  dynamodb["StreamViewType"] = std::string(stream_view_type_text(stream.view_type()));
  json out = {{"eventID", id},         {"eventName", std::string(event_name_text(record.event))},
              {"eventVersion", "1.1"}, {"eventSource", "aws:dynamodb"},
              {"awsRegion", region},   {"dynamodb", std::move(dynamodb)}};
  if (record.ttl_delete) {
    out["userIdentity"] = {{"type", "Service"}, {"principalId", "dynamodb.amazonaws.com"}};
  }
  return out;
}

}  // namespace emu::dynamodb
