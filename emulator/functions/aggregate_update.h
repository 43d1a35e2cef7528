// One documentClient.update of aggregate_metrics as generatePayload() builds it
// (aggregate_values.js), kept as data: the Key and the ExpressionAttributeValues, each a JS
// value (or undefined), plus the constant UpdateExpression and ExpressionAttributeNames.
//
// Two consumers read the same data, so they cannot drift apart: aggregate_params() renders the
// params object exactly as the JS does (key order included: it is the DLQ message body and what
// golden tests compare byte for byte), and the pipeline's DynamoDB adapter marshals the values
// straight into an UpdateItem request without building that JSON first.
#pragma once

#include <array>
#include <string>

#include <nlohmann/json.hpp>

namespace emu::functions {

using JsValue = nlohmann::ordered_json;

struct AggregateUpdate {
  AggregateUpdate();  // :version = 6 and :start = 0, the two constants; the rest undefined

  // ExpressionAttributeValues in generatePayload's order.
  enum Slot {
    kMetricCount, kAppversion, kIdentifier, kAppos, kRegion, kVersion, kStart, kOsversion,
    kCount, kPushnotification, kFrameworkenabled, kState, kStatus,
    kHoursSinceExposureDetectedAt, kDate, kManufacturer, kModel, kDuration,
    kAndroidreleaseversion, kWithDate, kIsUserExposed, kSlots
  };
  static const std::array<const char*, kSlots> kValueNames;  // ":metricCount", ...
  // The UpdateExpression exactly as the template literal writes it (newlines and indentation
  // included: the DLQ message body carries it verbatim).
  static const char* const kUpdateExpression;
  // ExpressionAttributeNames, in order: {"#region","region"}, ...
  static const std::array<std::pair<const char*, const char*>, 6> kNames;

  // Key.pk and Key.sk (a.pk, a.sk). nullptr = undefined.
  const JsValue* pk = nullptr;
  const JsValue* sk = nullptr;
  // nullptr = undefined: DocumentClient drops the member (only the slots without c() can be).
  std::array<const JsValue*, kSlots> values{};
};

// c(val): val || ''.
const JsValue* or_empty_string(const JsValue* value);

// The params object of generatePayload(a) for `table` (the JS hard-codes "aggregate_metrics").
nlohmann::ordered_json aggregate_params(const AggregateUpdate& update, const std::string& table);

// The AggregateUpdate of a JS aggregate object `a` (as aggregateEvents builds it): reads the
// members generatePayload reads. The result points into `a` and into static constants.
AggregateUpdate aggregate_update_of(const JsValue& a);

}  // namespace emu::functions
