// DynamoDB's JSON wire form of attribute values ({"S": "x"}, {"N": "42"}, {"B": "<base64>"},
// ...), both ways, with the errors DynamoDB returns for malformed values: wrong JSON types are
// SerializationException (com.amazon.coral.service), bad values ValidationException (messages
// as dynalite recorded them from AWS). Used by the wire layers and document.h only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "emulator/core/result.h"
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb {

AwsError serialization_error(std::string message);

Result<AttributeValue> value_from_json(const nlohmann::json& json);
// A JSON object of attribute name -> value (an Item, a Key, ExpressionAttributeValues).
Result<Item> item_from_json(const nlohmann::json& json);

nlohmann::json value_to_json(const AttributeValue& value);
nlohmann::json item_to_json(const Item& item);

}  // namespace emu::dynamodb
