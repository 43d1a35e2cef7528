// JSON request bodies -> typed requests for the item operations.
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

Result<PutItemRequest> parse_put_item(const json& body) {
  Fields f(body);
  PutItemRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.not_null("Item", "item");
  f.object("Item");
  r.condition_expression = f.string("ConditionExpression");
  const auto rv = f.string("ReturnValues");
  const auto rcc = f.string("ReturnConsumedCapacity");
  const auto rvf = f.string("ReturnValuesOnConditionCheckFailure");
  f.one_of("ReturnValues", "returnValues", kReturnValues);
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  f.one_of("ReturnValuesOnConditionCheckFailure", "returnValuesOnConditionCheckFailure",
           {"ALL_OLD", "NONE"});
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(f, {"Expected", "ConditionalOperator"}, {"ConditionExpression"})) {
    return *e;
  }
  auto item = item_member(f, "Item");
  if (!item) return item.error();
  r.item = std::move(*item);
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_values = return_values(rv);
  r.return_consumed_capacity = consumed_mode(rcc);
  r.return_old_on_condition_failure = rvf == "ALL_OLD";
  return r;
}

Result<GetItemRequest> parse_get_item(const json& body) {
  Fields f(body);
  GetItemRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.not_null("Key", "key");
  f.object("Key");
  r.consistent_read = f.boolean("ConsistentRead").value_or(false);
  r.projection_expression = f.string("ProjectionExpression");
  const auto rcc = f.string("ReturnConsumedCapacity");
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(f, {"AttributesToGet"}, {"ProjectionExpression"})) return *e;
  auto key = item_member(f, "Key");
  if (!key) return key.error();
  r.key = std::move(*key);
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_consumed_capacity = consumed_mode(rcc);
  return r;
}

Result<UpdateItemRequest> parse_update_item(const json& body) {
  Fields f(body);
  UpdateItemRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.not_null("Key", "key");
  f.object("Key");
  r.update_expression = f.string("UpdateExpression");
  r.condition_expression = f.string("ConditionExpression");
  const auto rv = f.string("ReturnValues");
  const auto rcc = f.string("ReturnConsumedCapacity");
  const auto rvf = f.string("ReturnValuesOnConditionCheckFailure");
  f.one_of("ReturnValues", "returnValues", kReturnValues);
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  f.one_of("ReturnValuesOnConditionCheckFailure", "returnValuesOnConditionCheckFailure",
           {"ALL_OLD", "NONE"});
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(f, {"AttributeUpdates", "Expected", "ConditionalOperator"},
                             {"UpdateExpression", "ConditionExpression"})) {
    return *e;
  }
  auto key = item_member(f, "Key");
  if (!key) return key.error();
  r.key = std::move(*key);
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_values = return_values(rv);
  r.return_consumed_capacity = consumed_mode(rcc);
  r.return_old_on_condition_failure = rvf == "ALL_OLD";
  return r;
}

Result<DeleteItemRequest> parse_delete_item(const json& body) {
  Fields f(body);
  DeleteItemRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.not_null("Key", "key");
  f.object("Key");
  r.condition_expression = f.string("ConditionExpression");
  const auto rv = f.string("ReturnValues");
  const auto rcc = f.string("ReturnConsumedCapacity");
  const auto rvf = f.string("ReturnValuesOnConditionCheckFailure");
  f.one_of("ReturnValues", "returnValues", kReturnValues);
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(f, {"Expected", "ConditionalOperator"}, {"ConditionExpression"})) {
    return *e;
  }
  auto key = item_member(f, "Key");
  if (!key) return key.error();
  r.key = std::move(*key);
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_values = return_values(rv);
  r.return_consumed_capacity = consumed_mode(rcc);
  r.return_old_on_condition_failure = rvf == "ALL_OLD";
  return r;
}

Result<QueryRequest> parse_query(const json& body) {
  Fields f(body);
  QueryRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  r.index_name = f.string("IndexName");
  f.name_rules("IndexName", "indexName", false, 3);
  r.key_condition_expression = f.string("KeyConditionExpression");
  r.filter_expression = f.string("FilterExpression");
  r.projection_expression = f.string("ProjectionExpression");
  r.select = select_of(f.string("Select"));
  f.one_of("Select", "select",
           {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"});
  r.limit = f.integer("Limit");
  f.at_least("Limit", "limit", 1);
  r.consistent_read = f.boolean("ConsistentRead").value_or(false);
  r.scan_index_forward = f.boolean("ScanIndexForward").value_or(true);
  const auto rcc = f.string("ReturnConsumedCapacity");
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  f.object("ExclusiveStartKey");
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(
          f, {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"},
          {"ProjectionExpression", "FilterExpression", "KeyConditionExpression"})) {
    return *e;
  }
  if (f.raw("ExclusiveStartKey")) {
    auto esk = item_member(f, "ExclusiveStartKey");
    if (!esk) return esk.error();
    r.exclusive_start_key = std::move(*esk);
  }
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_consumed_capacity = consumed_mode(rcc);
  return r;
}

Result<ScanRequest> parse_scan(const json& body) {
  Fields f(body);
  ScanRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  r.index_name = f.string("IndexName");
  f.name_rules("IndexName", "indexName", false, 3);
  r.filter_expression = f.string("FilterExpression");
  r.projection_expression = f.string("ProjectionExpression");
  r.select = select_of(f.string("Select"));
  f.one_of("Select", "select",
           {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"});
  r.limit = f.integer("Limit");
  f.at_least("Limit", "limit", 1);
  r.segment = f.integer("Segment");
  f.at_least("Segment", "segment", 0);
  f.at_most("Segment", "segment", 999999);
  r.total_segments = f.integer("TotalSegments");
  f.at_least("TotalSegments", "totalSegments", 1);
  f.at_most("TotalSegments", "totalSegments", 1000000);
  r.consistent_read = f.boolean("ConsistentRead").value_or(false);
  const auto rcc = f.string("ReturnConsumedCapacity");
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  f.object("ExclusiveStartKey");
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(f, {"AttributesToGet", "ScanFilter", "ConditionalOperator"},
                             {"ProjectionExpression", "FilterExpression"})) {
    return *e;
  }
  if (f.raw("ExclusiveStartKey")) {
    auto esk = item_member(f, "ExclusiveStartKey");
    if (!esk) return esk.error();
    r.exclusive_start_key = std::move(*esk);
  }
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_consumed_capacity = consumed_mode(rcc);
  return r;
}

Result<BatchWriteItemRequest> parse_batch_write_item(const json& body) {
  Fields f(body);
  BatchWriteItemRequest r;
  f.not_null("RequestItems", "requestItems");
  const json* items = f.object("RequestItems");
  const auto rcc = f.string("ReturnConsumedCapacity");
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  if (items) {
    f.constraint(!items->empty(), items, "requestItems",
                 "Member must have length greater than or equal to 1");
    for (const auto& [table, writes] : items->items()) {
      if (!writes.is_array()) return serialization_error("Unexpected field type");
      f.constraint(!writes.empty() && writes.size() <= 25, &writes, "requestItems",
                   "Map value must satisfy constraint: [Member must have length less than or "
                   "equal to 25, Member must have length greater than or equal to 1]");
      std::vector<WriteRequest> list;
      for (const auto& w : writes) {
        Fields wf(w);
        const json* put = wf.object("PutRequest");
        const json* del = wf.object("DeleteRequest");
        if (auto e = wf.error()) return *e;
        if ((put == nullptr) == (del == nullptr)) {
          return validation_error(
              "Supplied AttributeValue has more than one datatypes set, must "
              "contain exactly one of the supported datatypes");
        }
        const json* inner = put ? put->contains("Item") ? &(*put)["Item"] : nullptr
                            : del->contains("Key") ? &(*del)["Key"]
                                                   : nullptr;
        if (inner == nullptr || inner->is_null()) {
          return validation_error(std::string("1 validation error detected: Value null at "
                                              "'requestItems.") +
                                  table + ".member." +
                                  (put ? "putRequest.item" : "deleteRequest.key") +
                                  "' failed to satisfy constraint: Member must not be null");
        }
        auto item = item_from_json(*inner);
        if (!item) return item.error();
        list.push_back(WriteRequest{put != nullptr, std::move(*item)});
      }
      r.request_items.emplace_back(table, std::move(list));
    }
  }
  if (auto e = f.error()) return *e;
  r.return_consumed_capacity = consumed_mode(rcc);
  return r;
}

Result<BatchGetItemRequest> parse_batch_get_item(const json& body) {
  Fields f(body);
  BatchGetItemRequest r;
  f.not_null("RequestItems", "requestItems");
  const json* items = f.object("RequestItems");
  const auto rcc = f.string("ReturnConsumedCapacity");
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  if (items) {
    f.constraint(!items->empty(), items, "requestItems",
                 "Member must have length greater than or equal to 1");
    for (const auto& [table, spec] : items->items()) {
      Fields kf(spec);
      KeysAndAttributes ka;
      ka.consistent_read = kf.boolean("ConsistentRead").value_or(false);
      ka.projection_expression = kf.string("ProjectionExpression");
      const json* keys = kf.array("Keys");
      auto attrs = expression_attributes(kf);
      if (!attrs) return attrs.error();
      if (attrs->values) {
        return validation_error(
            "ExpressionAttributeValues can only be specified when using "
            "expressions: ProjectionExpression is null");
      }
      ka.names = std::move(attrs->names);
      if (auto e = legacy_params(kf, {"AttributesToGet"}, {"ProjectionExpression"})) return *e;
      f.constraint(
          keys && !keys->empty() && keys->size() <= 100, keys,
          "requestItems." + table + ".member.keys",
          keys ? "Member must have length greater than or equal to 1" : "Member must not be null");
      if (keys) {
        for (const auto& k : *keys) {
          auto key = item_from_json(k);
          if (!key) return key.error();
          ka.keys.push_back(std::move(*key));
        }
      }
      r.request_items.emplace_back(table, std::move(ka));
    }
  }
  if (auto e = f.error()) return *e;
  r.return_consumed_capacity = consumed_mode(rcc);
  return r;
}

}  // namespace emu::dynamodb
