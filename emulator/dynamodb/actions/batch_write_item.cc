// BatchWriteItem (API_BatchWriteItem): the request's fields in dynalite's (AWS's) order, parse,
// handler. The per-table write lists are checked here (25 writes, one of Put/Delete each).
#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"
#include "emulator/dynamodb/wire_schema.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

namespace {

const RequestSchema kBatchWriteItemSchema = {
    {.name = "ReturnConsumedCapacity", .allowed = kReturnConsumedValues},
    {.name = "ReturnItemCollectionMetrics", .allowed = kReturnItemCollectionMetricsValues},
    {.name = "RequestItems",
     .type = FieldType::kMap,
     .element_class = "java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>",
     .not_null = true,
     .min_length = 1},
};

Result<WriteRequest> parse_write(const json& w, const std::string& table) {
  Fields wf(w);
  const json* put = wf.object("PutRequest");
  const json* del = wf.object("DeleteRequest");
  if (auto e = wf.error()) return *e;
  if ((put == nullptr) == (del == nullptr)) {
    return validation_error(
        "Supplied AttributeValue has more than one datatypes set, must "
        "contain exactly one of the supported datatypes");
  }
  const char* member = put ? "Item" : "Key";
  const json& request = put ? *put : *del;
  const json* inner = request.contains(member) ? &request[member] : nullptr;
  if (inner == nullptr || inner->is_null()) {
    return validation_error("1 validation error detected: Value null at 'requestItems." + table +
                            ".member." + (put ? "putRequest.item" : "deleteRequest.key") +
                            "' failed to satisfy constraint: Member must not be null");
  }
  auto item = item_from_json(*inner);
  if (!item) return item.error();
  return WriteRequest{put != nullptr, std::move(*item)};
}

}  // namespace

Result<BatchWriteItemRequest> parse_batch_write_item(const json& body) {
  if (auto e = check_request(kBatchWriteItemSchema, body)) return *e;
  Fields f(body);
  BatchWriteItemRequest r;
  for (const auto& [table, writes] : body["RequestItems"].items()) {
    if (!writes.is_array()) {
      // What DynamoDB's Java deserializer says of a non-list where it wants List<WriteRequest>.
      return serialization_error(
          writes.is_object()
              ? "Start of structure or map found where not expected"
              : "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast "
                "to class java.lang.Class (sun.reflect.generics.reflectiveObjects."
                "ParameterizedTypeImpl and java.lang.Class are in module java.base of loader "
                "'bootstrap')");
    }
    f.constraint(!writes.empty() && writes.size() <= 25, &writes, "requestItems",
                 "Map value must satisfy constraint: [Member must have length less than or "
                 "equal to 25, Member must have length greater than or equal to 1]");
    std::vector<WriteRequest> list;
    for (const auto& w : writes) {
      auto write = parse_write(w, table);
      if (!write) return write.error();
      list.push_back(std::move(*write));
    }
    r.request_items.emplace_back(table, std::move(list));
  }
  if (auto e = f.error()) return *e;
  r.return_consumed_capacity = consumed_mode(f.string("ReturnConsumedCapacity"));
  return r;
}

Result<json> batch_write_item_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_batch_write_item,
      [&](const BatchWriteItemRequest& r) { return db.batch_write_item(r, now); },
      render_batch_write);
}

}  // namespace emu::dynamodb
