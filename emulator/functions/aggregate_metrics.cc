#include "emulator/functions/aggregate_metrics.h"

#include <cctype>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "emulator/functions/js.h"

namespace emu::functions {

using js::Value;

namespace {

constexpr int kMetricVersion = 6;

// The UpdateExpression exactly as the template literal in aggregate_values.js writes it
// (newlines and indentation included: the DLQ message body carries it verbatim).
constexpr const char* kUpdateExpression =
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

const Value* member(const Value& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// p(): '' -> '*'; false stays false; anything else falsy -> '*'.
std::string p(const Value* v) {
  if (v != nullptr && v->is_string() && v->get_ref<const std::string&>().empty()) return "*";
  if (v != nullptr && v->is_boolean() && !v->get<bool>()) return "false";
  return js::truthy(v) ? js::to_string(v) : "*";
}

// c(): val || ''
Value c(const Value* v) { return js::truthy(v) ? *v : Value(""); }

// `raw.x || ''`
Value or_empty(const Value& raw, const char* key) { return c(member(raw, key)); }

bool starts_with_error(const std::string& identifier) {
  static constexpr char kError[] = "error";
  if (identifier.size() < 5) return false;
  for (size_t i = 0; i < 5; ++i) {
    if (std::tolower(static_cast<unsigned char>(identifier[i])) != kError[i]) return false;
  }
  return true;
}

void set_or_erase(Value& object, const char* key, const std::optional<Value>& value) {
  if (value) {
    object[key] = *value;
  } else {
    object.erase(key);  // assigning undefined makes the key invisible to JSON and DocumentClient
  }
}

std::optional<Value> optional_of(const Value* v) {
  return v == nullptr ? std::nullopt : std::optional<Value>(*v);
}

void log_error(AggregateReport& report, std::string line) {
  if (report.errors.size() < AggregateReport::kMaxLoggedErrors) report.errors.push_back(line);
}

}  // namespace

AggregateSettings AggregateSettings::from_config(const Config& c, const std::string& dlq_url) {
  AggregateSettings s;
  s.table_name = c.string("/aggregate_metrics/table_name");
  s.dead_letter_queue_url = dlq_url;
  return s;
}

struct AggregateMetrics::Batch {
  std::vector<Value> aggregates;                  // insertion order = dispatch order
  std::unordered_map<std::string, size_t> index;  // sort key -> aggregates[i]
};

AggregateMetrics::AggregateMetrics(AggregateSettings settings, DocumentUpdatePort& table,
                                   QueuePort& queue, ErrorMetricPort& metrics)
    : settings_(std::move(settings)), table_(table), queue_(queue), metrics_(metrics) {}

std::string AggregateMetrics::bucket_count(const Value* count, bool* defined) {
  *defined = count != nullptr;
  if (count == nullptr) return {};
  const double n = js::parse_int(count);
  if (std::isnan(n)) return js::to_string(count);  // caller keeps the original value
  if (n == 0) return "0";
  if (n < 6) return "1-6";
  if (n < 12) return "7-12";
  if (n < 30) return "13-30";
  return "30+";
}

std::string AggregateMetrics::bucket_duration(const Value* duration, bool* defined) {
  *defined = duration != nullptr;
  if (duration == nullptr) return {};
  const double d = js::parse_float(duration);
  if (std::isnan(d)) return js::to_string(duration);
  if (d == 0) return "0";
  if (d < 30) return "< 30";
  if (d < 60) return "30 - 59";
  if (d < 120) return "1:00 min - 1:59 min";
  if (d < 240) return "2:00 min - 3:59 min";
  if (d < 360) return "4:00 min - 5:59 min";
  if (d < 480) return "6:00 min - 7:59 min";
  if (d <= 600) return "8:00 min - 9:59 min";
  return "> 10:00 min";
}

namespace {

// pl.count = bucketCount(pl.count): a label, the original value when it does not parse, or
// undefined when absent.
std::optional<Value> bucketed(const Value* v, bool duration) {
  bool defined = false;
  const std::string label = duration ? AggregateMetrics::bucket_duration(v, &defined)
                                     : AggregateMetrics::bucket_count(v, &defined);
  if (!defined) return std::nullopt;
  const double parsed = duration ? js::parse_float(v) : js::parse_int(v);
  return std::isnan(parsed) ? *v : Value(label);
}

}  // namespace

void AggregateMetrics::aggregate_record(const StreamRecordView& record, Batch& batch,
                                        AggregateReport& report, Micros now) {
  auto fail = [&](const std::string& why) {
    ++report.records_failed;
    log_error(report, "issue parsing event: " + why);
    log_error(report, "payload uuid: " + record.uuid);
  };
  const auto raw = record.raw != nullptr ? js::parse(*record.raw) : std::nullopt;
  if (!raw) return fail("SyntaxError: Unexpected token in JSON");
  const Value* payload = member(*raw, "payload");
  if (payload == nullptr || !payload->is_array()) {
    return fail("TypeError: Cannot read property 'forEach' of undefined");
  }
  report.entries_seen += static_cast<std::int64_t>(payload->size());
  const Value osversion = or_empty(*raw, "osversion");
  const Value manufacturer = or_empty(*raw, "manufacturer");
  const Value androidreleaseversion = or_empty(*raw, "androidreleaseversion");
  const Value model = or_empty(*raw, "model");
  const Value* appos = member(*raw, "appos");
  const Value* appversion = member(*raw, "appversion");
  for (size_t k = 0; k < payload->size(); ++k) {
    const Value& pl = (*payload)[k];
    const auto lost = static_cast<std::int64_t>(payload->size() - k);
    // DEVIATION: an array entry (JS would treat it as an object with extra properties) is
    // handled like any non-object entry: a TypeError that ends the record.
    if (!pl.is_object()) {
      report.entries_lost_in_failed_records += lost;
      return fail("TypeError: Cannot read property 'identifier' of " + js::to_string(&pl));
    }
    const Value* identifier = member(pl, "identifier");
    if (identifier != nullptr && identifier->is_string() &&
        identifier->get_ref<const std::string&>() == "ExposureNotificationCheck") {
      ++report.entries_skipped_debug;
      continue;
    }
    if (identifier == nullptr || !identifier->is_string()) {
      report.entries_lost_in_failed_records += lost;
      return fail("TypeError: pl.identifier.toLowerCase is not a function");
    }
    if (starts_with_error(identifier->get_ref<const std::string&>())) {
      metrics_.put_error_metric(identifier->get<std::string>(), now);
      ++report.error_metrics;
    }
    const auto date = js::pin_date(member(pl, "timestamp"));
    if (!date) {
      report.entries_lost_in_failed_records += lost;
      return fail("RangeError: Invalid time value");
    }
    const std::optional<Value> count = bucketed(member(pl, "count"), false);
    const std::optional<Value> duration = bucketed(member(pl, "durationInSeconds"), true);
    const Value* region_in = member(pl, "region");
    const bool none_region = region_in == nullptr ||
                             (region_in->is_string() && region_in->get<std::string>().empty());
    const Value region = none_region ? Value("None") : *region_in;
    const Value count_v = count.value_or(Value()), duration_v = duration.value_or(Value());
    const std::string sk =
        js::to_string(&region) + "#" + identifier->get<std::string>() + "#" + *date + "#" +
        js::to_string(appos) + "#" + js::to_string(&osversion) + "#" + js::to_string(appversion) +
        "#" + p(&manufacturer) + "#" + p(&model) + "#" + p(&androidreleaseversion) + "#" +
        p(member(pl, "pushnotification")) + "#" + p(member(pl, "frameworkenabled")) + "#" +
        p(member(pl, "state")) + "#" + p(member(pl, "hoursSinceExposureDetectedAt")) + "#" +
        p(count ? &count_v : nullptr) + "#" + p(duration ? &duration_v : nullptr) + "#" +
        p(member(pl, "withDate")) + "#" + p(member(pl, "isUserExposed"));
    ++report.entries_aggregated;
    const auto found = batch.index.find(sk);
    if (found != batch.index.end()) {
      Value& a = batch.aggregates[found->second];
      a["metricCount"] = a["metricCount"].get<std::int64_t>() + 1;
      continue;
    }
    Value a = pl;  // {...pl} after the function's mutations of pl
    set_or_erase(a, "count", count);
    set_or_erase(a, "duration", duration);
    a["region"] = region;
    a["pk"] = region;
    a["sk"] = sk;
    a["date"] = *date;
    set_or_erase(a, "appos", optional_of(appos));
    set_or_erase(a, "appversion", optional_of(appversion));
    a["osversion"] = osversion;
    a["metricCount"] = 1;
    a["manufacturer"] = manufacturer;
    a["model"] = model;
    a["androidreleaseversion"] = androidreleaseversion;
    batch.index.emplace(sk, batch.aggregates.size());
    batch.aggregates.push_back(std::move(a));
  }
}

Value AggregateMetrics::generate_payload(const Value& a) const {
  // Every key below is distinct, so members are appended to the ordered object directly
  // (nlohmann's ordered_map searches linearly on operator[]; this runs once per update).
  Value values = Value::object();
  auto& members = values.get_ref<Value::object_t&>();
  auto put = [&](const char* key, const Value* v) {
    if (v != nullptr) members.emplace_back(key, *v);  // undefined members are dropped
  };
  auto put_c = [&](const char* key, const char* attribute) {
    members.emplace_back(key, c(member(a, attribute)));
  };
  put(":metricCount", member(a, "metricCount"));
  put(":appversion", member(a, "appversion"));
  put(":identifier", member(a, "identifier"));
  put(":appos", member(a, "appos"));
  put(":region", member(a, "region"));
  members.emplace_back(":version", kMetricVersion);
  members.emplace_back(":start", 0);
  put_c(":osversion", "osversion");
  put_c(":count", "count");
  put_c(":pushnotification", "pushnotification");
  put_c(":frameworkenabled", "frameworkenabled");
  put_c(":state", "state");
  put_c(":status", "status");
  put_c(":hoursSinceExposureDetectedAt", "hoursSinceExposureDetectedAt");
  put_c(":date", "date");
  put_c(":manufacturer", "manufacturer");
  put_c(":model", "model");
  put_c(":duration", "duration");
  put_c(":androidreleaseversion", "androidreleaseversion");
  put_c(":withDate", "withDate");
  put_c(":isUserExposed", "isUserExposed");
  Value key = Value::object();
  if (const Value* pk = member(a, "pk")) key["pk"] = *pk;
  if (const Value* sk = member(a, "sk")) key["sk"] = *sk;
  Value params = Value::object();
  params["TableName"] = settings_.table_name;
  params["Key"] = std::move(key);
  params["UpdateExpression"] = kUpdateExpression;
  params["ExpressionAttributeValues"] = std::move(values);
  params["ExpressionAttributeNames"] = {{"#region", "region"}, {"#count", "count"},
                                        {"#state", "state"},   {"#status", "status"},
                                        {"#date", "date"},     {"#duration", "duration"}};
  return params;
}

Value AggregateMetrics::build_dead_letter_message(const Value& params,
                                                  const std::string& error_json) const {
  Value msg = Value::object();
  msg["DelaySeconds"] = 1;
  msg["MessageBody"] = js::stringify(params);
  msg["QueueUrl"] = settings_.dead_letter_queue_url;
  msg["MessageAttributes"] = {
      {"ErrorMsg", {{"DataType", "String"}, {"StringValue", error_json}}},
      {"DelaySeconds", {{"DataType", "Number"}, {"StringValue", "1"}}}};
  return msg;
}

std::string sdk_error_json(const AwsError& error, Micros now) {
  // ASSUMPTION: the enumerable fields aws-sdk v2 puts on a service error.
  Value e = Value::object();
  e["message"] = error.message;
  e["code"] = error.code;
  e["time"] = format_iso8601(now);
  e["statusCode"] = error.http_status;
  e["retryable"] = error.http_status >= 500 || error.code == "ProvisionedThroughputExceededException" ||
                   error.code == "ThrottlingException";
  return js::stringify(e);
}

void AggregateMetrics::dispatch(const Value& aggregate, AggregateReport& report, Micros now) {
  AggregateReport::Update update;
  update.metric_count = aggregate.at("metricCount").get<std::int64_t>();
  const Value params = generate_payload(aggregate);
  const Status result = table_.update(params, now);
  if (result.ok()) {
    update.applied = true;
    report.updates.push_back(std::move(update));
    return;
  }
  update.error = result.error().code + ": " + result.error().message;
  log_error(report, "Failed updating sending to Dead Letter Queue " + update.error);
  const Value msg = build_dead_letter_message(params, sdk_error_json(result.error(), now));
  OutgoingMessage out;
  out.queue_url = settings_.dead_letter_queue_url;
  out.body = msg["MessageBody"].get<std::string>();
  out.delay_seconds = 1;
  out.attributes["ErrorMsg"] = {"String", msg["MessageAttributes"]["ErrorMsg"]["StringValue"]};
  out.attributes["DelaySeconds"] = {"Number", "1"};
  const Status sent = queue_.send_message(out, now);
  update.sent_to_dlq = sent.ok();
  if (!sent.ok()) {
    log_error(report, "Failed sending to Dead Letter Queue: " + sent.error().code + ": " +
                          sent.error().message);
  }
  report.updates.push_back(std::move(update));
}

AggregateReport AggregateMetrics::handle(const std::vector<StreamRecordView>& records,
                                         Micros now) {
  AggregateReport report;
  Batch batch;
  for (const auto& record : records) {
    ++report.records;
    if (record.event_name != "INSERT") {
      ++report.records_not_insert;
      continue;
    }
    aggregate_record(record, batch, report, now);
  }
  for (const auto& aggregate : batch.aggregates) dispatch(aggregate, report, now);
  return report;
}

}  // namespace emu::functions
