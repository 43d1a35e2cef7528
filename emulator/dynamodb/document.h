// DocumentClient-style conversion (aws-sdk v2 AWS.DynamoDB.DocumentClient): plain JSON values
// <-> attribute values. string -> S, number -> N, boolean -> BOOL, null -> NULL, array -> L,
// object -> M. The seed's aggregate_metrics and backoff_retry functions call
// documentClient.update(params); the DLQ message body is JSON.stringify(params), so
// backoff_retry replays it through update_request_from_document().
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/core/result.h"
#include "emulator/dynamodb/types.h"
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb {

// One plain JSON value as DocumentClient marshals it. Numbers use JavaScript's shortest
// round-trip text and must fit DynamoDB's number rules (ValidationException otherwise).
Result<AttributeValue> value_from_document(const nlohmann::json& value);
Result<Item> item_from_document(const nlohmann::json& object);

// Unmarshalled as DocumentClient returns it: N -> JSON number (precision as a JS double),
// B -> {"type":"Buffer","data":[...]}, sets -> {"wrapperName":"Set","values":[...],"type":...}
// (what JSON.stringify prints for those objects).
nlohmann::json document_from_value(const AttributeValue& value);
nlohmann::json document_from_item(const Item& item);

// The UpdateItem request DocumentClient.update(params) sends: TableName, Key,
// UpdateExpression, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues
// (plain values), ReturnValues, ReturnConsumedCapacity. Malformed params give the
// ValidationException AWS would return for the request the SDK would send.
Result<UpdateItemRequest> update_request_from_document(const nlohmann::json& params);
Result<PutItemRequest> put_request_from_document(const nlohmann::json& params);

}  // namespace emu::dynamodb
