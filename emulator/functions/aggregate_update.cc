#include "emulator/functions/aggregate_update.h"

#include "emulator/functions/js.h"

namespace emu::functions {

namespace {

constexpr int kMetricVersion = 6;

const JsValue& version_value() {
  static const JsValue v(kMetricVersion);
  return v;
}

const JsValue& start_value() {
  static const JsValue v(0);
  return v;
}

const JsValue& empty_string_value() {
  static const JsValue v("");
  return v;
}

using js::member;

}  // namespace

AggregateUpdate::AggregateUpdate() {
  values[kVersion] = &version_value();
  values[kStart] = &start_value();
}

const std::array<const char*, AggregateUpdate::kSlots> AggregateUpdate::kValueNames = {
    ":metricCount", ":appversion", ":identifier", ":appos", ":region", ":version", ":start",
    ":osversion", ":count", ":pushnotification", ":frameworkenabled", ":state", ":status",
    ":hoursSinceExposureDetectedAt", ":date", ":manufacturer", ":model", ":duration",
    ":androidreleaseversion", ":withDate", ":isUserExposed"};

const char* const AggregateUpdate::kUpdateExpression =
    "\n        SET appversion = :appversion,\n            appos = :appos,\n"
    "            #region = :region,\n            identifier = :identifier,\n"
    "            osversion = :osversion,\n            manufacturer = :manufacturer,\n"
    "            model = :model,\n            androidreleaseversion = :androidreleaseversion,\n"
    "            version = :version,\n            #count = :count,\n"
    "            pushnotification = :pushnotification,\n"
    "            frameworkenabled = :frameworkenabled,\n            #state = :state,\n"
    "            #status = :status,\n"
    "            hoursSinceExposureDetectedAt = :hoursSinceExposureDetectedAt,\n"
    "            #date = :date,\n            #duration = :duration,\n"
    "            withDate = :withDate,\n            isUserExposed = :isUserExposed,\n"
    "            metricCount = if_not_exists(metricCount, :start) + :metricCount";

const std::array<std::pair<const char*, const char*>, 6> AggregateUpdate::kNames = {{
    {"#region", "region"}, {"#count", "count"}, {"#state", "state"},
    {"#status", "status"}, {"#date", "date"},   {"#duration", "duration"}}};

const JsValue* or_empty_string(const JsValue* value) {
  return js::truthy(value) ? value : &empty_string_value();
}

JsValue aggregate_params(const AggregateUpdate& update, const std::string& table) {
  // Every key below is distinct, so members are appended to the ordered objects directly
  // (nlohmann's ordered_map searches linearly on operator[]).
  JsValue values = JsValue::object();
  auto& members = values.get_ref<JsValue::object_t&>();
  for (int slot = 0; slot < AggregateUpdate::kSlots; ++slot) {
    const JsValue* v = update.values[static_cast<std::size_t>(slot)];
    if (v != nullptr) members.emplace_back(AggregateUpdate::kValueNames[slot], *v);
  }
  JsValue key = JsValue::object();
  if (update.pk != nullptr) key.get_ref<JsValue::object_t&>().emplace_back("pk", *update.pk);
  if (update.sk != nullptr) key.get_ref<JsValue::object_t&>().emplace_back("sk", *update.sk);
  JsValue names = JsValue::object();
  for (const auto& [placeholder, name] : AggregateUpdate::kNames) {
    names.get_ref<JsValue::object_t&>().emplace_back(placeholder, name);
  }
  JsValue params = JsValue::object();
  auto& p = params.get_ref<JsValue::object_t&>();
  p.emplace_back("TableName", table);
  p.emplace_back("Key", std::move(key));
  p.emplace_back("UpdateExpression", AggregateUpdate::kUpdateExpression);
  p.emplace_back("ExpressionAttributeValues", std::move(values));
  p.emplace_back("ExpressionAttributeNames", std::move(names));
  return params;
}

AggregateUpdate aggregate_update_of(const JsValue& a) {
  using S = AggregateUpdate;
  AggregateUpdate u;
  u.pk = member(a, "pk");
  u.sk = member(a, "sk");
  auto& v = u.values;
  v[S::kMetricCount] = member(a, "metricCount");
  v[S::kAppversion] = member(a, "appversion");
  v[S::kIdentifier] = member(a, "identifier");
  v[S::kAppos] = member(a, "appos");
  v[S::kRegion] = member(a, "region");
  const std::pair<S::Slot, const char*> wrapped[] = {
      {S::kOsversion, "osversion"},
      {S::kCount, "count"},
      {S::kPushnotification, "pushnotification"},
      {S::kFrameworkenabled, "frameworkenabled"},
      {S::kState, "state"},
      {S::kStatus, "status"},
      {S::kHoursSinceExposureDetectedAt, "hoursSinceExposureDetectedAt"},
      {S::kDate, "date"},
      {S::kManufacturer, "manufacturer"},
      {S::kModel, "model"},
      {S::kDuration, "duration"},
      {S::kAndroidreleaseversion, "androidreleaseversion"},
      {S::kWithDate, "withDate"},
      {S::kIsUserExposed, "isUserExposed"}};
  for (const auto& [slot, key] : wrapped) v[slot] = or_empty_string(member(a, key));
  return u;
}

}  // namespace emu::functions
