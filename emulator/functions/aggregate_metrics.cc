#include "emulator/functions/aggregate_metrics.h"

#include <array>
#include <cctype>
#include <cmath>
#include <deque>
#include <map>
#include <unordered_map>

#include "emulator/core/errors.h"
#include "emulator/functions/js.h"

namespace emu::functions {

using js::Value;

namespace {

using js::member;

// `${v}` appended to `out` (no temporary for the common string case).
void append_template(std::string& out, const Value* v) {
  if (v != nullptr && v->is_string()) {
    out += v->get_ref<const std::string&>();
  } else {
    out += js::to_string(v);
  }
}

// `${p(v)}`: '' -> '*'; false stays false; anything else falsy -> '*'.
void append_p(std::string& out, const Value* v) {
  if (v != nullptr && v->is_string()) {
    const auto& text = v->get_ref<const std::string&>();
    out += text.empty() ? "*" : text;
  } else if (v != nullptr && v->is_boolean() && !v->get<bool>()) {
    out += "false";
  } else if (js::truthy(v)) {
    out += js::to_string(v);
  } else {
    out += '*';
  }
}

bool starts_with_error(const std::string& identifier) {
  static constexpr char kError[] = "error";
  if (identifier.size() < 5) return false;
  for (size_t i = 0; i < 5; ++i) {
    if (std::tolower(static_cast<unsigned char>(identifier[i])) != kError[i]) return false;
  }
  return true;
}

void log_error(AggregateReport& report, std::string line) {
  if (report.errors.size() < AggregateReport::kMaxLoggedErrors) report.errors.push_back(line);
}

// The bucket labels as JS values, made once: an aggregate points at them instead of owning a
// copy.
const Value* label_value(const std::string& label) {
  static const std::map<std::string, Value, std::less<>> labels = [] {
    std::map<std::string, Value, std::less<>> m;
    for (const char* l : {"0", "1-6", "7-12", "13-30", "30+", "< 30", "30 - 59",
                          "1:00 min - 1:59 min", "2:00 min - 3:59 min", "4:00 min - 5:59 min",
                          "6:00 min - 7:59 min", "8:00 min - 9:59 min", "> 10:00 min"}) {
      m.emplace(l, Value(l));
    }
    return m;
  }();
  return &labels.find(label)->second;
}

const Value& none_region() {
  static const Value v("None");
  return v;
}

}  // namespace

AggregateSettings AggregateSettings::from_config(const Config& c, const std::string& dlq_url) {
  AggregateSettings s;
  s.table_name = c.string("/aggregate_metrics/table_name");
  s.dead_letter_queue_url = dlq_url;
  return s;
}

namespace {

// The label for a parsed count / duration (the number is not NaN).
const char* count_label(double n) {
  if (n == 0) return "0";
  if (n < 6) return "1-6";
  if (n < 12) return "7-12";
  if (n < 30) return "13-30";
  return "30+";
}

const char* duration_label(double d) {
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

// pl.count = bucketCount(pl.count) (or bucketDuration): undefined stays undefined (nullptr), a
// value that does not parse is kept as it is, anything else becomes its label.
const Value* bucketed(const Value* v, bool duration) {
  if (v == nullptr) return nullptr;
  const double n = duration ? js::parse_float(v) : js::parse_int(v);
  if (std::isnan(n)) return v;
  return label_value(duration ? duration_label(n) : count_label(n));
}

// The members of one payload entry the function reads (nullptr = undefined), found in one
// pass over the entry instead of one search per name.
struct EntryFields {
  enum Field {
    kIdentifier, kTimestamp, kCount, kDurationInSeconds, kRegion, kPushnotification,
    kFrameworkenabled, kState, kStatus, kHoursSinceExposureDetectedAt, kWithDate,
    kIsUserExposed, kFields
  };
  std::array<const Value*, kFields> at{};

  explicit EntryFields(const Value& entry) {
    static const std::unordered_map<std::string_view, Field> kNames = {
        {"identifier", kIdentifier},
        {"timestamp", kTimestamp},
        {"count", kCount},
        {"durationInSeconds", kDurationInSeconds},
        {"region", kRegion},
        {"pushnotification", kPushnotification},
        {"frameworkenabled", kFrameworkenabled},
        {"state", kState},
        {"status", kStatus},
        {"hoursSinceExposureDetectedAt", kHoursSinceExposureDetectedAt},
        {"withDate", kWithDate},
        {"isUserExposed", kIsUserExposed}};
    for (const auto& [key, value] : entry.get_ref<const Value::object_t&>()) {
      const auto it = kNames.find(key);
      if (it != kNames.end()) at[it->second] = &value;  // parsed objects have no duplicates
    }
  }
  const Value* operator[](Field f) const { return at[f]; }
};

}  // namespace

// One aggregate of the batch: the members of `{...pl, pk, sk, date, ...}` that generatePayload
// reads, pointing into the parsed record (kept alive by the batch) or at shared constants.
struct AggregateMetrics::Aggregate {
  std::array<const Value*, EntryFields::kFields> entry{};  // pl's members
  const Value* identifier = nullptr;
  const Value* appos = nullptr;       // raw.appos (nullptr = undefined)
  const Value* appversion = nullptr;  // raw.appversion
  const Value* osversion = nullptr;   // raw.osversion || '' (and the three below)
  const Value* manufacturer = nullptr;
  const Value* model = nullptr;
  const Value* androidreleaseversion = nullptr;
  const Value* count = nullptr;     // bucketCount(pl.count)
  const Value* duration = nullptr;  // bucketDuration(pl.durationInSeconds)
  const Value* region = nullptr;    // pl.region, or "None"
  Value sk;
  Value date;
  Value metric_count;

  AggregateUpdate update() const {
    using S = AggregateUpdate;
    AggregateUpdate u;
    u.pk = region;
    u.sk = &sk;
    auto& v = u.values;
    v[S::kMetricCount] = &metric_count;
    v[S::kAppversion] = appversion;
    v[S::kIdentifier] = identifier;
    v[S::kAppos] = appos;
    v[S::kRegion] = region;
    v[S::kOsversion] = or_empty_string(osversion);
    v[S::kCount] = or_empty_string(count);
    v[S::kDate] = or_empty_string(&date);
    v[S::kManufacturer] = or_empty_string(manufacturer);
    v[S::kModel] = or_empty_string(model);
    v[S::kDuration] = or_empty_string(duration);
    v[S::kAndroidreleaseversion] = or_empty_string(androidreleaseversion);
    using F = EntryFields;
    const std::pair<S::Slot, F::Field> from_entry[] = {
        {S::kPushnotification, F::kPushnotification},
        {S::kFrameworkenabled, F::kFrameworkenabled},
        {S::kState, F::kState},
        {S::kStatus, F::kStatus},
        {S::kHoursSinceExposureDetectedAt, F::kHoursSinceExposureDetectedAt},
        {S::kWithDate, F::kWithDate},
        {S::kIsUserExposed, F::kIsUserExposed}};
    for (const auto& [slot, field] : from_entry) v[slot] = or_empty_string(entry[field]);
    return u;
  }
};

namespace {
struct SortKeyParts;
}  // namespace

// A batch's working memory, reused by the next batch (nothing of it outlives handle()).
struct AggregateMetrics::Batch {
  // Parsed raw bodies: [0, records_used) are this batch's; a body over kRecycledBodyLimit gets a
  // document of its own, freed with its batch (so one huge body does not stay resident).
  static constexpr std::size_t kRecycledBodyLimit = 64 * 1024;
  std::deque<Value> records;
  std::size_t records_used = 0;
  std::deque<Value> large_records;
  std::deque<Aggregate> aggregates;  // [0, aggregates_used) in insertion order = dispatch order
  std::size_t aggregates_used = 0;
  std::unordered_map<std::string_view, Aggregate*> index;  // sort key (in the aggregate)
  std::string sk;                                          // the key being built

  void start() {
    records_used = 0;
    large_records.clear();
    aggregates_used = 0;
    index.clear();
  }
  // Storage for the next record's parsed body (committed by keep_record once it parsed).
  Value& record_slot(std::size_t body_size) {
    if (body_size > kRecycledBodyLimit) return large_records.emplace_back();
    if (records_used == records.size()) records.emplace_back();
    return records[records_used];
  }
  void keep_record(std::size_t body_size) {
    if (body_size <= kRecycledBodyLimit) ++records_used;
  }
  Aggregate& next_aggregate() {
    if (aggregates_used == aggregates.size()) aggregates.emplace_back();
    return aggregates[aggregates_used++];
  }
  void count_entry(const SortKeyParts& parts, const Value* identifier);
};

namespace {

// `target` = the string `text`, reusing target's string when it holds one (assigning a
// std::string to a JSON value allocates a new one).
void assign_text(Value& target, const std::string& text) {
  if (target.is_string()) {
    target.get_ref<std::string&>() = text;
  } else {
    target = text;
  }
}

// The record-level members every entry of a record shares (the seed reads them per record).
struct RecordFields {
  explicit RecordFields(const Value& raw)
      : osversion(or_empty_string(member(raw, "osversion"))),
        manufacturer(or_empty_string(member(raw, "manufacturer"))),
        androidreleaseversion(or_empty_string(member(raw, "androidreleaseversion"))),
        model(or_empty_string(member(raw, "model"))),
        appos(member(raw, "appos")),
        appversion(member(raw, "appversion")) {}
  const Value* osversion;
  const Value* manufacturer;
  const Value* androidreleaseversion;
  const Value* model;
  const Value* appos;
  const Value* appversion;
};

struct SortKeyParts {
  const RecordFields& record;
  const EntryFields& entry;
  const Value* region;
  const std::string& identifier;
  const std::string& date;
  const Value* count;     // bucketed
  const Value* duration;  // bucketed
};

// `sk` = the aggregate's sort key, as the seed's template string and its p() helper spell it:
// region#identifier#date#appos#osversion#appversion#manufacturer#model#...
void build_sort_key(std::string& sk, const SortKeyParts& p) {
  sk.clear();
  append_template(sk, p.region);
  sk += '#';
  sk += p.identifier;
  sk += '#';
  sk += p.date;
  sk += '#';
  append_template(sk, p.record.appos);
  sk += '#';
  append_template(sk, p.record.osversion);
  sk += '#';
  append_template(sk, p.record.appversion);
  using F = EntryFields;
  const EntryFields& e = p.entry;
  for (const Value* v : {p.record.manufacturer, p.record.model, p.record.androidreleaseversion,
                         e[F::kPushnotification], e[F::kFrameworkenabled], e[F::kState],
                         e[F::kHoursSinceExposureDetectedAt], p.count, p.duration, e[F::kWithDate],
                         e[F::kIsUserExposed]}) {
    sk += '#';
    append_p(sk, v);
  }
}

}  // namespace

AggregateMetrics::AggregateMetrics(AggregateSettings settings, DocumentUpdatePort& table,
                                   QueuePort& queue, ErrorMetricPort& metrics)
    : settings_(std::move(settings)),
      table_(table),
      queue_(queue),
      metrics_(metrics),
      batch_(std::make_unique<Batch>()) {}

AggregateMetrics::~AggregateMetrics() = default;

std::string AggregateMetrics::bucket_count(const Value* count, bool* defined) {
  *defined = count != nullptr;
  if (count == nullptr) return {};
  const double n = js::parse_int(count);
  if (std::isnan(n)) return js::to_string(count);  // caller keeps the original value
  return count_label(n);
}

std::string AggregateMetrics::bucket_duration(const Value* duration, bool* defined) {
  *defined = duration != nullptr;
  if (duration == nullptr) return {};
  const double d = js::parse_float(duration);
  if (std::isnan(d)) return js::to_string(duration);
  return duration_label(d);
}

void AggregateMetrics::aggregate_record(const StreamRecordView& record, Batch& batch,
                                        AggregateReport& report, Micros now) {
  auto fail = [&](const std::string& why) {
    ++report.records_failed;
    log_error(report, "issue parsing event: " + why);
    log_error(report, "payload uuid: " + record.uuid);
  };
  if (record.raw == nullptr) return fail("SyntaxError: Unexpected token in JSON");
  Value& slot = batch.record_slot(record.raw->size());
  if (!js::parse_into(*record.raw, slot)) return fail("SyntaxError: Unexpected token in JSON");
  batch.keep_record(record.raw->size());  // a body that failed leaves its slot to the next
  const Value& raw = slot;
  const Value* payload = member(raw, "payload");
  if (payload == nullptr || !payload->is_array()) {
    return fail("TypeError: Cannot read property 'forEach' of undefined");
  }
  report.entries_seen += static_cast<std::int64_t>(payload->size());
  const RecordFields r(raw);
  for (size_t k = 0; k < payload->size(); ++k) {
    const Value& pl = (*payload)[k];
    const auto lost = static_cast<std::int64_t>(payload->size() - k);
    // DEVIATION: an array entry (JS would treat it as an object with extra properties) is
    // handled like any non-object entry: a TypeError that ends the record.
    if (!pl.is_object()) {
      report.entries_lost_in_failed_records += lost;
      return fail("TypeError: Cannot read property 'identifier' of " + js::to_string(&pl));
    }
    const EntryFields fields(pl);
    const Value* identifier = fields[EntryFields::kIdentifier];
    if (identifier != nullptr && identifier->is_string() &&
        identifier->get_ref<const std::string&>() == "ExposureNotificationCheck") {
      ++report.entries_skipped_debug;
      continue;
    }
    if (identifier == nullptr || !identifier->is_string()) {
      report.entries_lost_in_failed_records += lost;
      return fail("TypeError: pl.identifier.toLowerCase is not a function");
    }
    const auto& identifier_text = identifier->get_ref<const std::string&>();
    if (starts_with_error(identifier_text)) {
      metrics_.put_error_metric(identifier_text, now);
      ++report.error_metrics;
    }
    const auto date = js::pin_date(fields[EntryFields::kTimestamp]);
    if (!date) {
      report.entries_lost_in_failed_records += lost;
      return fail("RangeError: Invalid time value");
    }
    const Value* count = bucketed(fields[EntryFields::kCount], false);
    const Value* duration = bucketed(fields[EntryFields::kDurationInSeconds], true);
    const Value* region = fields[EntryFields::kRegion];
    if (region == nullptr || (region->is_string() && region->get_ref<const std::string&>().empty())) {
      region = &none_region();
    }
    const SortKeyParts parts{r, fields, region, identifier_text, *date, count, duration};
    build_sort_key(batch.sk, parts);
    ++report.entries_aggregated;
    batch.count_entry(parts, identifier);
  }
}

// One more entry of the aggregate whose sort key is in `sk`: its count, or a new aggregate (in
// the order the seed dispatches them: first seen, first written).
void AggregateMetrics::Batch::count_entry(const SortKeyParts& parts, const Value* identifier) {
  const auto found = index.find(sk);
  if (found != index.end()) {
    Value& n = found->second->metric_count;
    n = n.get<std::int64_t>() + 1;
    return;
  }
  Aggregate& a = next_aggregate();  // every member is set below
  a.entry = parts.entry.at;
  a.identifier = identifier;
  a.appos = parts.record.appos;
  a.appversion = parts.record.appversion;
  a.osversion = parts.record.osversion;
  a.manufacturer = parts.record.manufacturer;
  a.model = parts.record.model;
  a.androidreleaseversion = parts.record.androidreleaseversion;
  a.count = parts.count;
  a.duration = parts.duration;
  a.region = parts.region;
  assign_text(a.sk, sk);
  assign_text(a.date, parts.date);
  a.metric_count = 1;
  index.emplace(a.sk.get_ref<const std::string&>(), &a);
}

Value AggregateMetrics::generate_payload(const Value& aggregate) const {
  return aggregate_params(aggregate_update_of(aggregate), settings_.table_name);
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
  e["retryable"] = error.http_status >= 500 ||
                   error.code == errors::dynamodb::kProvisionedThroughputExceeded ||
                   error.code == errors::common::kThrottling;
  return js::stringify(e);
}

void AggregateMetrics::dispatch(const Aggregate& aggregate, AggregateReport& report, Micros now) {
  AggregateReport::Update update;
  update.metric_count = aggregate.metric_count.get<std::int64_t>();
  const AggregateUpdate u = aggregate.update();
  const Status result = table_.update_aggregate(u, settings_.table_name, now);
  if (result.ok()) {
    update.applied = true;
    report.updates.push_back(std::move(update));
    return;
  }
  update.error = result.error().code + ": " + result.error().message;
  log_error(report, "Failed updating sending to Dead Letter Queue " + update.error);
  const Value params = aggregate_params(u, settings_.table_name);
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
  Batch& batch = *batch_;
  batch.start();
  for (const auto& record : records) {
    ++report.records;
    if (record.event_name != "INSERT") {
      ++report.records_not_insert;
      continue;
    }
    aggregate_record(record, batch, report, now);
  }
  for (std::size_t i = 0; i < batch.aggregates_used; ++i) {
    dispatch(batch.aggregates[i], report, now);
  }
  return report;
}

}  // namespace emu::functions
