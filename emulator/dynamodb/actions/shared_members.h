// Internal to the DynamoDB actions: the request members several actions read the same way, so
// each is parsed (and checked) in one place. The field tables stay per action, since AWS checks
// the members in a different order for each.
#pragma once

#include <string_view>
#include <utility>

#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"

namespace emu::dynamodb::wire_detail {

// The conditional-write members of PutItem, DeleteItem and UpdateItem: TableName,
// ConditionExpression, the item or key in `item_name` ("Item", "Key"), the placeholders and the
// Return* options.
template <class Request>
Status read_conditional_write(Fields& f, std::string_view item_name, Item& item, Request& r) {
  r.table_name = f.string("TableName").value_or("");
  r.condition_expression = f.string("ConditionExpression");
  auto parsed = item_member(f, item_name);
  if (!parsed) return parsed.error();
  item = std::move(*parsed);
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_values = return_values(f.string("ReturnValues"));
  r.return_consumed_capacity = consumed_mode(f.string("ReturnConsumedCapacity"));
  r.return_old_on_condition_failure = f.string("ReturnValuesOnConditionCheckFailure") == "ALL_OLD";
  return ok_status();
}

// The members Query and Scan share: table and index, filter and projection, Select, Limit,
// ConsistentRead, ExclusiveStartKey (its shape errors prefixed as AWS does), the placeholders
// and ReturnConsumedCapacity.
template <class Request>
Status read_query_or_scan(Fields& f, Request& r) {
  r.table_name = f.string("TableName").value_or("");
  r.index_name = f.string("IndexName");
  r.filter_expression = f.string("FilterExpression");
  r.projection_expression = f.string("ProjectionExpression");
  r.select = select_of(f.string("Select"));
  r.limit = f.integer("Limit");
  r.consistent_read = f.boolean("ConsistentRead").value_or(false);
  if (f.raw("ExclusiveStartKey")) {
    auto esk = item_member(f, "ExclusiveStartKey");
    if (!esk && starting_key_prefixed(esk.error())) {
      return validation_error("The provided starting key is invalid: " + esk.error().message);
    }
    if (!esk) return esk.error();
    r.exclusive_start_key = std::move(*esk);
  }
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_consumed_capacity = consumed_mode(f.string("ReturnConsumedCapacity"));
  return ok_status();
}

}  // namespace emu::dynamodb::wire_detail
