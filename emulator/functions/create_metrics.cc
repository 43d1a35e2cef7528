#include "emulator/functions/create_metrics.h"

#include <cmath>

#include "emulator/functions/js.h"

namespace emu::functions {

CreateMetricsSettings CreateMetricsSettings::from_config(const Config& c) {
  CreateMetricsSettings s;
  s.table_name = c.string("/create_metrics/table_name");
  s.bucket_name = c.string("/s3/error_samples_bucket");
  s.split_threshold_bytes = c.integer("/create_metrics/split_threshold_bytes");
  if (s.split_threshold_bytes < 1) {
    throw ConfigError("/create_metrics/split_threshold_bytes", "a positive integer");
  }
  s.ttl_seconds = c.integer("/create_metrics/ttl_seconds");
  if (s.ttl_seconds < 0) throw ConfigError("/create_metrics/ttl_seconds", "a non-negative integer");
  return s;
}

nlohmann::json CreateMetricsReport::proxy_result() const {
  // Key order as the JS builds transactionStatus: isBase64Encoded first.
  return {{"isBase64Encoded", false}, {"statusCode", status_code}, {"body", body}};
}

namespace {

void set_result(CreateMetricsReport& r, CreateMetricsReport::Result result) {
  r.result = result;
  switch (result) {
    case CreateMetricsReport::Result::kCreated:
      r.status_code = 200;
      r.body = R"({"status":"RECORD CREATED"})";
      break;
    case CreateMetricsReport::Result::kDropped:
      r.status_code = 200;
      r.body = R"({"status":"RECORD DROPPED"})";
      break;
    case CreateMetricsReport::Result::kUploadFailed:
      r.status_code = 500;
      r.body = R"({"status":"UPLOAD FAILED"})";
      break;
  }
}

// JSON.stringify({...body, payload: payload.slice(begin, end)}) without copying the body.
std::string stringify_with_slice(const js::Value& body, const js::Value& payload, size_t begin,
                                 size_t end) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, member] : body.items()) {
    if (!first) out.push_back(',');
    first = false;
    out += js::stringify(js::Value(key));
    out.push_back(':');
    if (key != "payload") {
      out += js::stringify(member);
      continue;
    }
    out.push_back('[');
    for (size_t i = begin; i < end; ++i) {
      if (i > begin) out.push_back(',');
      out += js::stringify(payload[i]);
    }
    out.push_back(']');
  }
  out.push_back('}');
  return out;
}

// Array.prototype.slice's index conversion for the non-negative values splitPayload uses.
size_t slice_index(double i, size_t length) {
  const double t = std::trunc(i);
  return t >= static_cast<double>(length) ? length : static_cast<size_t>(t);
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> chunk_bounds(
    std::size_t payload_length, const std::function<bool(double)>& fits) {
  double chunk_size = static_cast<double>(payload_length);
  while (true) {
    if (fits(chunk_size)) break;
    chunk_size /= 2;
    if (chunk_size <= 1) {  // can't go smaller than a single element chunk
      chunk_size = 1;
      break;
    }
  }
  std::vector<std::pair<std::size_t, std::size_t>> bounds;
  for (double i = 0; i < static_cast<double>(payload_length); i += chunk_size) {
    bounds.emplace_back(slice_index(i, payload_length), slice_index(i + chunk_size, payload_length));
  }
  return bounds;
}

// The console lines create_metric.js writes before saving an unsplittable body.
void CreateMetrics::log_drop(CreateMetricsReport& report, const js::Value* payload,
                             const std::string& size) const {
  const std::string& key = report.dropped_key;
  report.console.push_back("ERROR\t" + key + " - Upload failed, unable to split large payload: " +
                           size + " > " + std::to_string(settings_.split_threshold_bytes));
  const char* type = payload == nullptr       ? "undefined"
                     : payload->is_string()   ? "string"
                     : payload->is_number()   ? "number"
                     : payload->is_boolean()  ? "boolean"
                                              : "object";
  report.console.push_back("INFO\t" + key + " - Payload type: " + type);
  report.console.push_back("INFO\t" + key + " - Payload isArray: " +
                           (payload != nullptr && payload->is_array() ? "true" : "false"));
  if (js::truthy(payload)) {
    const js::Value* length = payload->is_array() || payload->is_string() ? payload : nullptr;
    const std::string text =
        length == nullptr ? "undefined"
                          : std::to_string(payload->is_array() ? payload->size()
                                                               : payload->get<std::string>().size());
    report.console.push_back("INFO\t" + key + " - Payload length: " + text);
  }
}

CreateMetrics::CreateMetrics(CreateMetricsSettings settings, RawTablePort& table,
                             ObjectPort& bucket, Random random)
    : settings_(std::move(settings)), table_(table), bucket_(bucket), random_(std::move(random)) {}

Status CreateMetrics::write(const std::string& raw, const std::string& ttl, Micros now,
                            CreateMetricsReport& report) {
  // DEVIATION: the seed's items take a random (version 4) UUID; ours take a time-ordered one
  // (version 7: the millisecond, then random bits). AWS hashes a partition key before placing
  // it, so there its bits change nothing; here the key orders the item store's key index, and
  // random keys made every insert and every TTL deletion touch a random leaf of it (the
  // national day: 470.6 -> 354.7 s, system time 81 -> 11 s, the same digest). Nothing in the
  // seed reads the UUID's bits. The same two random draws as before are taken.
  const std::int64_t now_ms = floor_to(now, kMicrosPerMilli) / kMicrosPerMilli;
  Status s = table_.put_item(settings_.table_name, random_.uuid_v7(now_ms), ttl, raw, now);
  if (s.ok()) report.items.push_back(raw);
  return s;
}

CreateMetricsReport CreateMetrics::handle(const std::optional<std::string>& body, Micros now) {
  CreateMetricsReport report;
  const std::int64_t now_ms = floor_to(now, kMicrosPerMilli) / kMicrosPerMilli;
  const std::string ttl = std::to_string(floor_to(now_ms, 1000) / 1000 + settings_.ttl_seconds);
  if (!body) {
    // putItem({raw: {S: null}}) fails the SDK's parameter validation.
    report.error = "InvalidParameterType: Expected params.Item['raw'].S to be a string";
    set_result(report, CreateMetricsReport::Result::kUploadFailed);
    report.console.push_back("ERROR\tUpload failed " + report.error);
    return report;
  }
  if (static_cast<std::int64_t>(body->size()) > settings_.split_threshold_bytes) {
    report = write_split(*body, ttl, now);
  } else {
    const Status s = write(*body, ttl, now, report);
    if (s.ok()) {
      set_result(report, CreateMetricsReport::Result::kCreated);
    } else {
      report.error = s.error().code + ": " + s.error().message;
      set_result(report, CreateMetricsReport::Result::kUploadFailed);
    }
  }
  // catch (err) { console.error(`Upload failed ${err}`) }
  if (report.result == CreateMetricsReport::Result::kUploadFailed) {
    report.console.push_back("ERROR\tUpload failed " + report.error);
  }
  return report;
}

CreateMetricsReport CreateMetrics::write_split(const std::string& body, const std::string& ttl,
                                               Micros now) {
  CreateMetricsReport report;
  const auto parsed = js::parse(body);
  const std::string size = std::to_string(body.size());
  if (parsed) report.console.push_back("INFO\tLarge payload being split; size: " + size);
  if (!parsed || parsed->is_null()) {  // SyntaxError, or TypeError reading null.payload
    report.error = parsed ? "TypeError: Cannot read property 'payload' of null"
                          : "SyntaxError: Unexpected token in JSON";
    set_result(report, CreateMetricsReport::Result::kUploadFailed);
    return report;
  }
  const js::Value* payload = nullptr;
  if (parsed->is_object() && parsed->contains("payload")) payload = &(*parsed)["payload"];
  if (payload == nullptr || !payload->is_array() || payload->size() == 1) {
    report.dropped_key = random_.uuid_v4();
    log_drop(report, payload, size);
    const Status s = bucket_.put_object(settings_.bucket_name, report.dropped_key, body, now);
    if (!s.ok()) {
      report.error = s.error().code + ": " + s.error().message;
      set_result(report, CreateMetricsReport::Result::kUploadFailed);
      return report;
    }
    set_result(report, CreateMetricsReport::Result::kDropped);
    return report;
  }
  report.split = true;
  const size_t length = payload->size();
  const auto fits = [&](double chunk_size) {
    const std::string candidate =
        stringify_with_slice(*parsed, *payload, 0, slice_index(chunk_size, length));
    return static_cast<std::int64_t>(candidate.size()) < settings_.split_threshold_bytes;
  };
  for (const auto& [begin, end] : chunk_bounds(length, fits)) {
    const Status s = write(stringify_with_slice(*parsed, *payload, begin, end), ttl, now, report);
    if (!s.ok()) {
      report.error = s.error().code + ": " + s.error().message;
      set_result(report, CreateMetricsReport::Result::kUploadFailed);
      return report;
    }
  }
  set_result(report, CreateMetricsReport::Result::kCreated);
  return report;
}

}  // namespace emu::functions
