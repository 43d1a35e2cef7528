#include "emulator/pipeline/adapters.h"

#include "emulator/core/errors.h"
#include "emulator/dynamodb/document.h"

namespace emu {

using dynamodb::AttributeValue;
using dynamodb::Item;

Status DynamoRawTable::put_item(const std::string& table, const std::string& uuid,
                                const std::string& expdate, const std::string& raw, Micros now) {
  dynamodb::PutItemRequest request;
  request.table_name = table;
  auto canonical = dynamodb::canonical_number(expdate);
  if (!canonical) return canonical.error();
  request.item = {{"uuid", AttributeValue::string(uuid)},
                  {"expdate", AttributeValue::number(std::move(*canonical))},
                  {"raw", AttributeValue::string(raw)}};
  auto result = db_.put_item(request, now);
  if (!result.ok()) return result.error();
  return ok_status();
}

namespace {

// `out` = the scalar `v` as DocumentClient marshals it; false when `v` needs the general
// conversion (fractions, big unsigned numbers, lists, maps). `out` is assigned in place.
bool assign_scalar(AttributeValue& out, const nlohmann::ordered_json& v) {
  switch (v.type()) {
    case nlohmann::ordered_json::value_t::string:
      out.assign_string(v.get_ref<const std::string&>());
      return true;
    case nlohmann::ordered_json::value_t::boolean:
      out.assign_boolean(v.get<bool>());
      return true;
    case nlohmann::ordered_json::value_t::null:
      out.assign_null();
      return true;
    case nlohmann::ordered_json::value_t::number_unsigned:
      if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return false;
      out.assign_number(static_cast<std::int64_t>(v.get<std::uint64_t>()));
      return true;
    case nlohmann::ordered_json::value_t::number_integer:
      out.assign_number(v.get<std::int64_t>());
      return true;
    default:
      return false;
  }
}

std::optional<AttributeValue> scalar_value(const nlohmann::ordered_json& v) {
  AttributeValue out;
  if (!assign_scalar(out, v)) return std::nullopt;
  return out;
}

std::optional<Item> scalar_item(const nlohmann::ordered_json& object) {
  if (!object.is_object()) return std::nullopt;
  Item out;
  for (const auto& [k, v] : object.items()) {
    auto value = scalar_value(v);
    if (!value) return std::nullopt;
    out.emplace(k, std::move(*value));
  }
  return out;
}

bool only_keys(const nlohmann::ordered_json& params) {
  for (const auto& [k, v] : params.items()) {
    if (k != "TableName" && k != "Key" && k != "UpdateExpression" &&
        k != "ExpressionAttributeNames" && k != "ExpressionAttributeValues") {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<dynamodb::UpdateItemRequest> update_request_from_params(
    const nlohmann::ordered_json& params) {
  const bool simple = params.is_object() && only_keys(params) &&
                      params.contains("TableName") && params["TableName"].is_string() &&
                      params.contains("UpdateExpression") && params["UpdateExpression"].is_string();
  if (simple) {
    dynamodb::UpdateItemRequest request;
    auto key = params.contains("Key") ? scalar_item(params["Key"]) : std::optional<Item>{};
    auto values = params.contains("ExpressionAttributeValues")
                      ? scalar_item(params["ExpressionAttributeValues"])
                      : std::optional<Item>{};
    bool names_ok = true;
    dynamodb::expr::Names names;
    if (params.contains("ExpressionAttributeNames")) {
      const auto& n = params["ExpressionAttributeNames"];
      names_ok = n.is_object();
      for (const auto& [k, v] : n.items()) {
        names_ok = names_ok && v.is_string();
        if (names_ok) names.emplace(k, v.get<std::string>());
      }
    }
    if (key && values && names_ok) {
      request.table_name = params["TableName"].get<std::string>();
      request.key = std::move(*key);
      request.update_expression = params["UpdateExpression"].get<std::string>();
      request.attributes.values = std::move(*values);
      if (params.contains("ExpressionAttributeNames")) request.attributes.names = std::move(names);
      return request;
    }
  }
  // The general DocumentClient conversion (sets, maps, fractions, other parameters).
  return dynamodb::update_request_from_document(nlohmann::json::parse(params.dump()));
}

Status DynamoDocuments::update(const nlohmann::ordered_json& params, Micros now) {
  auto request = update_request_from_params(params);
  if (!request.ok()) return request.error();
  auto result = db_.update_item(*request, now);
  if (!result.ok()) return result.error();
  return ok_status();
}

bool DynamoDocuments::fill_aggregate_request(const functions::AggregateUpdate& u,
                                             const std::string& table) {
  using functions::AggregateUpdate;
  auto& r = aggregate_request_;
  if (!r.update_expression) {  // first call: the parts that never change
    r.update_expression = AggregateUpdate::kUpdateExpression;
    r.attributes.names.emplace();
    for (const auto& [placeholder, name] : AggregateUpdate::kNames) {
      r.attributes.names->emplace(placeholder, name);
    }
    r.attributes.values.emplace();
    r.key.emplace("pk", AttributeValue());
    r.key.emplace("sk", AttributeValue());
  }
  if (r.table_name != table) r.table_name = table;
  if (u.pk == nullptr || u.sk == nullptr) return false;
  if (!assign_scalar(r.key.find("pk")->second, *u.pk) ||
      !assign_scalar(r.key.find("sk")->second, *u.sk)) {
    return false;
  }
  // Undefined values are left out, as DocumentClient leaves them out. The set of slots present
  // is nearly always the same as last time; only when it changes is the map rebuilt.
  std::array<bool, AggregateUpdate::kSlots> present{};
  for (std::size_t slot = 0; slot < AggregateUpdate::kSlots; ++slot) {
    present[slot] = u.values[slot] != nullptr;
  }
  Item& values = *r.attributes.values;
  if (present != slot_present_ || values.empty()) {
    values.clear();
    for (std::size_t slot = 0; slot < AggregateUpdate::kSlots; ++slot) {
      if (present[slot]) values.emplace(AggregateUpdate::kValueNames[slot], AttributeValue());
    }
    for (std::size_t slot = 0; slot < AggregateUpdate::kSlots; ++slot) {
      slot_values_[slot] =
          present[slot] ? &values.find(AggregateUpdate::kValueNames[slot])->second : nullptr;
    }
    slot_present_ = present;
  }
  for (std::size_t slot = 0; slot < AggregateUpdate::kSlots; ++slot) {
    if (present[slot] && !assign_scalar(*slot_values_[slot], *u.values[slot])) return false;
  }
  return true;
}

Status DynamoDocuments::update_aggregate(const functions::AggregateUpdate& u,
                                         const std::string& table, Micros now) {
  if (!fill_aggregate_request(u, table)) {
    return update(functions::aggregate_params(u, table), now);
  }
  auto result = db_.update_item(aggregate_request_, now);
  if (!result.ok()) return result.error();
  return ok_status();
}

void ErrorMetrics::put_error_metric(const std::string& identifier, Micros now) {
  if (faults_ != nullptr && faults_->check("cloudwatch", "PutMetricData", namespace_, now).error) {
    ++failed_puts_;  // console.error(`Failed writing CloudWatch metric: ...`) in the seed
    return;
  }
  sink_.put(MetricKey{namespace_, "Errors", {{"Identifier", identifier}}, "Count"}, 1, now);
}

namespace {

std::string_view text_of(const Item& item, const char* name) {
  const auto it = item.find(name);
  if (it == item.end()) return {};
  const AttributeValue& v = it->second;
  if (v.type() == dynamodb::Type::kS || v.type() == dynamodb::Type::kN) return v.scalar();
  if (v.type() == dynamodb::Type::kBool) return v.bool_value() ? "true" : "false";
  return {};
}

std::int64_t count_of(const Item& item) {
  const auto it = item.find("metricCount");
  if (it == item.end() || it->second.type() != dynamodb::Type::kN) return 0;
  try {
    return std::stoll(it->second.scalar());
  } catch (...) {
    return 0;  // not an integer: not a count the ETL can add
  }
}

}  // namespace

Status AggregateTableRows::scan(const std::function<void(const etl::AggregateRow&)>& visit) {
  return scan_segment(0, 1, visit);
}

// ASSUMPTION: reading the table's items directly stands in for the ECS task's paginated Scan;
// the read capacity it would consume (on-demand) is not charged.
Status AggregateTableRows::scan_segment(int segment, int total,
                                        const std::function<void(const etl::AggregateRow&)>& visit) {
  if (!db_.has_table(table_)) {
    return errors::dynamodb::kResourceNotFound("Requested resource not found: Table: " + table_ +
                                               " not found");
  }
  std::size_t i = 0;
  db_.for_each_row(table_, [&](const Item& item) {
    if (static_cast<int>(i++ % static_cast<std::size_t>(total)) != segment) return;
    visit(etl::AggregateRow{text_of(item, "identifier"), text_of(item, "pk"),
                            text_of(item, "date"), text_of(item, "appos"),
                            text_of(item, "appversion"), text_of(item, "count"),
                            text_of(item, "pushnotification"), text_of(item, "frameworkenabled"),
                            text_of(item, "withDate"), text_of(item, "isUserExposed"),
                            count_of(item)});
  });
  return ok_status();
}

std::int64_t aggregate_metric_count_sum(dynamodb::Database& db, const std::string& name) {
  std::int64_t sum = 0;
  db.for_each_row(name, [&](const Item& item) { sum += count_of(item); });
  return sum;
}

}  // namespace emu

namespace emu {

Status S3Objects::put_object(const std::string& bucket, const std::string& key,
                             const std::string& body, Micros now) {
  // The Node SDK sends no Content-Type for a string Body: S3 stores its default.
  return put_object(bucket, key, body, "", now);
}

Status S3Objects::put_object(const std::string& bucket, const std::string& key,
                             const std::string& body, const std::string& content_type,
                             Micros now) {
  auto put = s3_.put_object(bucket, key, body, content_type, {}, now);
  if (!put) return put.error();
  return ok_status();
}

}  // namespace emu
