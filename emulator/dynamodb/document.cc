#include "emulator/dynamodb/document.h"

#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/http/aws_wire.h"

namespace emu::dynamodb {

namespace {

using nlohmann::json;

constexpr int kMaxDocumentDepth = 32;

Result<AttributeValue> convert(const json& v, int depth) {
  if (depth > kMaxDocumentDepth)
    return validation_error("Nesting Levels have exceeded supported limits");
  switch (v.type()) {
    case json::value_t::string:
      return AttributeValue::string(v.get<std::string>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: {
      auto n = canonical_number(v.dump());
      if (!n) return n.error();
      return AttributeValue::number(std::move(*n));
    }
    case json::value_t::boolean:
      return AttributeValue::boolean(v.get<bool>());
    case json::value_t::null:
      return AttributeValue::null();
    case json::value_t::array: {
      std::vector<AttributeValue> list;
      for (const auto& e : v) {
        auto ev = convert(e, depth + 1);
        if (!ev) return ev;
        list.push_back(std::move(*ev));
      }
      return AttributeValue::list(std::move(list));
    }
    case json::value_t::object: {
      Item members;
      for (const auto& [k, e] : v.items()) {
        auto ev = convert(e, depth + 1);
        if (!ev) return ev;
        members.emplace(k, std::move(*ev));
      }
      return AttributeValue::map(std::move(members));
    }
    default:
      return serialization_error("Unexpected value type in payload");
  }
}

// Turns a DocumentClient params object into the low-level JSON request the SDK sends, then
// reuses the wire parser (so validation is identical to a real request).
Result<json> low_level(const json& params, std::initializer_list<const char*> item_members) {
  if (!params.is_object()) return serialization_error("Unexpected value type in payload");
  json out = params;
  for (const char* member : item_members) {
    auto it = params.find(member);
    if (it == params.end() || it->is_null()) continue;
    if (!it->is_object()) return serialization_error("Unexpected field type");
    auto item = item_from_document(*it);
    if (!item) return item.error();
    out[member] = item_to_json(*item);
  }
  return out;
}

}  // namespace

Result<AttributeValue> value_from_document(const json& value) { return convert(value, 0); }

Result<Item> item_from_document(const json& object) {
  if (!object.is_object()) return serialization_error("Unexpected field type");
  Item item;
  for (const auto& [k, v] : object.items()) {
    auto av = convert(v, 1);
    if (!av) return av.error();
    item.emplace(k, std::move(*av));
  }
  return item;
}

json document_from_value(const AttributeValue& v) {
  switch (v.type()) {
    case Type::kS:
      return v.scalar();
    case Type::kN:
      return json::parse(v.scalar(), nullptr, false);
    case Type::kB: {
      json data = json::array();
      for (unsigned char c : v.scalar()) data.push_back(c);
      return {{"type", "Buffer"}, {"data", std::move(data)}};
    }
    case Type::kBool:
      return v.bool_value();
    case Type::kNull:
      return nullptr;
    case Type::kL: {
      json out = json::array();
      for (const auto& e : v.list_value()) out.push_back(document_from_value(e));
      return out;
    }
    case Type::kM:
      return document_from_item(v.map_value());
    default: {
      json values = json::array();
      const char* type = v.type() == Type::kSS   ? "String"
                         : v.type() == Type::kNS ? "Number"
                                                 : "Binary";
      for (const auto& e : v.set_value()) {
        if (v.type() == Type::kNS) {
          values.push_back(json::parse(e, nullptr, false));
        } else if (v.type() == Type::kBS) {
          values.push_back(document_from_value(AttributeValue::binary(e)));
        } else {
          values.push_back(e);
        }
      }
      return {{"wrapperName", "Set"}, {"values", std::move(values)}, {"type", type}};
    }
  }
}

json document_from_item(const Item& item) {
  json out = json::object();
  for (const auto& [k, v] : item) out[k] = document_from_value(v);
  return out;
}

Result<UpdateItemRequest> update_request_from_document(const json& params) {
  auto request = low_level(params, {"Key", "ExpressionAttributeValues"});
  if (!request) return request.error();
  return parse_update_item(*request);
}

Result<PutItemRequest> put_request_from_document(const json& params) {
  auto request = low_level(params, {"Item", "ExpressionAttributeValues"});
  if (!request) return request.error();
  return parse_put_item(*request);
}

}  // namespace emu::dynamodb
