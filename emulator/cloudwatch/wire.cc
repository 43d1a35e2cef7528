#include "emulator/cloudwatch/wire.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "emulator/cloudwatch/json_fields.h"
#include "emulator/core/json_util.h"
#include "emulator/http/aws_wire.h"

namespace emu::cloudwatch {

namespace {

using nlohmann::json;
constexpr std::string_view kTargetPrefix = "GraniteServiceVersion20100801.";

AwsError invalid(const std::string& message) {
  return AwsError::client("InvalidParameterValue", message);
}
AwsError missing(const std::string& name) {
  return AwsError::client("MissingParameter", "The parameter " + name + " is required.");
}

std::string json_code(const std::string& query_code) {
  if (query_code == "InvalidParameterValue") return "InvalidParameterValueException";
  if (query_code == "MissingParameter") return "MissingRequiredParameterException";
  if (query_code == "InvalidParameterCombination") return "InvalidParameterCombinationException";
  if (query_code == "InvalidAction") return "UnknownOperationException";
  if (query_code == "LimitExceeded") return "LimitExceededFault";
  return query_code;
}

double seconds_of(Micros t) { return static_cast<double>(t) / kMicrosPerSecond; }

}  // namespace

bool CloudWatchWire::accepts(const http::HttpRequest& request) const {
  return http::json_or_query_request_for(request, kTargetPrefix, "monitoring");
}

http::HttpResponse CloudWatchWire::handle(const http::HttpRequest& request, Micros now) {
  const std::string request_id = http::new_request_id(random_);
  std::string body = request.body;
  if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
      static_cast<unsigned char>(body[1]) == 0x8b) {
    auto inflated = http::gunzip(body, 64 * 1024 * 1024);
    if (!inflated) body.clear();
    else body = std::move(*inflated);
  }
  const std::string_view target = request.header("X-Amz-Target");
  const bool query = target.substr(0, kTargetPrefix.size()) != kTargetPrefix;
  std::string op;
  json in;
  if (query) {
    const http::QueryParams params(body.empty() ? request.query : body);
    op = params.get_or("Action", "");
    in = query_params_to_json(params);
  } else {
    op = std::string(target.substr(kTargetPrefix.size()));
    const auto parsed = parse_json(body.empty() ? "{}" : body);
    in = parsed && parsed->is_object() ? *parsed : json();
  }
  Result<json> result = in.is_object()
                            ? dispatch(op, in, now)
                            : Result<json>(AwsError::client("SerializationException",
                                                            "Unable to parse the request body."));
  if (!result) {
    const AwsError& e = result.error();
    if (query) return http::query_error(e, request_id, "http://monitoring.amazonaws.com/doc/2010-08-01/");
    AwsError typed = e;
    typed.code = json_code(e.code);
    return http::json_error(typed, "", request_id, "application/x-amz-json-1.0",
                            e.code + (e.sender_fault ? ";Sender" : ";Receiver"));
  }
  http::HttpResponse r =
      query ? http::HttpResponse::with_body(200, "text/xml", result_to_xml(op, *result, request_id))
            : http::HttpResponse::with_body(200, "application/x-amz-json-1.0", result->dump());
  r.set_header("x-amzn-RequestId", request_id);
  return r;
}

Result<json> CloudWatchWire::dispatch(const std::string& op, const json& in, Micros now) {
  if (op == "PutMetricData") return put_metric_data(in, now);
  if (op == "GetMetricStatistics") return get_metric_statistics(in);
  if (op == "GetMetricData") return get_metric_data(in);
  if (op == "ListMetrics") return list_metrics(in);
  if (op == "DescribeAlarms") return describe_alarms(in);
  if (op == "DescribeAlarmHistory") return describe_alarm_history(in);
  if (op == "SetAlarmState") return set_alarm_state(in, now);
  if (op == "PutMetricAlarm") {
    auto definition = AlarmDefinition::from_json(in);
    if (!definition) return definition.error();
    if (const auto put = alarms_.put(std::move(*definition), now); !put) return put.error();
    return json::object();
  }
  if (op == "DeleteAlarms") {
    for (const auto& name : strings_of(in, "AlarmNames")) alarms_.remove(name);
    return json::object();
  }
  return AwsError::client("InvalidAction", "The action " + op + " is not valid for this web service.");
}

Result<json> CloudWatchWire::put_metric_data(const json& in, Micros now) {
  const std::string ns = in.value("Namespace", "");
  if (ns.empty()) return missing("Namespace");
  if (ns.rfind("AWS/", 0) == 0) {
    return invalid("The value " + ns + " for parameter Namespace is invalid.");
  }
  if (!in.contains("MetricData") || !in["MetricData"].is_array() || in["MetricData"].empty()) {
    return missing("MetricData");
  }
  if (in["MetricData"].size() > 1000) {
    return invalid("The collection MetricData must not have a size greater than 1000.");
  }
  // Validate everything first: a rejected request stores nothing.
  struct Pending {
    MetricKey key;
    Stats stats;
    Micros at;
  };
  std::vector<Pending> pending;
  for (std::size_t i = 0; i < in["MetricData"].size(); ++i) {
    const json& d = in["MetricData"][i];
    const std::string where = "MetricData.member." + std::to_string(i + 1);
    if (!d.is_object() || d.value("MetricName", "").empty()) return missing(where + ".MetricName");
    Pending p;
    p.key = {ns, d["MetricName"].get<std::string>(), dimensions_of(d.value("Dimensions", json::array())),
             d.value("Unit", "None")};
    if (p.key.dimensions.size() > 30) return invalid("The collection " + where + ".Dimensions must not have a size greater than 30.");
    p.at = now;
    if (d.contains("Timestamp")) {
      const auto t = timestamp_of(d["Timestamp"]);
      if (!t) return invalid("The parameter " + where + ".Timestamp must be a timestamp.");
      if (*t < now - 14 * kMicrosPerDay || *t > now + 2 * 3600 * kMicrosPerSecond) {
        return invalid("The parameter " + where + ".Timestamp must specify a time no more than "
                       "two weeks in the past or two hours in the future.");
      }
      p.at = *t;
    }
    const auto finite = [&](std::optional<double> v, const std::string& field) -> Status {
      if (!v || !std::isfinite(*v) || std::fabs(*v) > 1e108) {
        return invalid("The value for parameter " + where + "." + field + " is invalid.");
      }
      return ok_status();
    };
    if (d.contains("StatisticValues")) {
      const json& s = d["StatisticValues"];
      for (const char* f : {"SampleCount", "Sum", "Minimum", "Maximum"}) {
        auto ok = finite(s.contains(f) ? number_value(s[f]) : std::nullopt, std::string("StatisticValues.") + f);
        if (!ok) return ok.error();
      }
      p.stats.sample_count = *number_value(s["SampleCount"]);
      p.stats.sum = *number_value(s["Sum"]);
      p.stats.minimum = *number_value(s["Minimum"]);
      p.stats.maximum = *number_value(s["Maximum"]);
      // DEVIATION: percentiles of a StatisticSet are taken from its min, mean and max.
      p.stats.histogram.clear();
      Stats shape;
      shape.add(p.stats.minimum);
      shape.add(p.stats.sum / std::max(1.0, p.stats.sample_count), std::max(0.0, p.stats.sample_count - 2));
      shape.add(p.stats.maximum);
      p.stats.histogram = shape.histogram;
    } else if (d.contains("Values")) {
      const json& values = d["Values"];
      const json counts = d.value("Counts", json::array());
      if (!values.is_array() || values.size() > 150) return invalid("The collection " + where + ".Values must not have a size greater than 150.");
      for (std::size_t k = 0; k < values.size(); ++k) {
        auto ok = finite(number_value(values[k]), "Values");
        if (!ok) return ok.error();
        const double count = k < counts.size() ? number_value(counts[k]).value_or(1) : 1;
        p.stats.add(*number_value(values[k]), count);
      }
    } else {
      auto ok = finite(d.contains("Value") ? number_value(d["Value"]) : std::nullopt, "Value");
      if (!ok) return ok.error();
      p.stats.add(*number_value(d["Value"]));
    }
    pending.push_back(std::move(p));
  }
  // DEVIATION: at most kMaxMetrics metrics; AWS has no quota on custom metrics. A request that
  // would register more stores nothing.
  std::set<std::string> added;
  for (const auto& p : pending) {
    const MetricKey& k = p.key;
    if (!store_.find(k.name_space, k.name, k.dimensions, k.unit)) added.insert(canonical(k));
  }
  if (store_.size() + added.size() > kMaxMetrics) {
    return AwsError::client("LimitExceeded",
                            "The emulator holds at most " + std::to_string(kMaxMetrics) +
                                " metrics; this request would add " + std::to_string(added.size()) +
                                " more.");
  }
  for (auto& p : pending) store_.put_statistics(store_.metric(p.key), p.stats, p.at);
  return json::object();
}

Result<json> CloudWatchWire::get_metric_statistics(const json& in) {
  const auto start_at = in.contains("StartTime") ? timestamp_of(in["StartTime"]) : std::nullopt;
  const auto end_at = in.contains("EndTime") ? timestamp_of(in["EndTime"]) : std::nullopt;
  const auto period_of = in.contains("Period") ? number_value(in["Period"]) : std::nullopt;
  if (!start_at) return missing("StartTime");
  if (!end_at) return missing("EndTime");
  const double period = period_of.value_or(0);
  if (period < 1) return missing("Period");
  // Plain values from here (GCC 12 misreads later reads of the optionals as uninitialised).
  const Micros start = *start_at, end = *end_at;
  const auto stats = strings_of(in, "Statistics");
  const auto extended = strings_of(in, "ExtendedStatistics");
  if (stats.empty() && extended.empty()) {
    return AwsError::client("MissingParameter", "Must specify either Statistics or ExtendedStatistics.");
  }
  const std::string name = in.value("MetricName", "");
  json out = {{"Label", name}, {"Datapoints", json::array()}};
  const auto id = store_.find(in.value("Namespace", ""), name,
                              dimensions_of(in.value("Dimensions", json::array())),
                              in.value("Unit", ""));
  if (!id) return out;
  const Micros p = static_cast<Micros>(period) * kMicrosPerSecond;
  // Periods start at StartTime.
  const Micros aligned_end = start + ((end - start + p - 1) / p) * p;
  for (const auto& d : store_.query(*id, start, aligned_end, p)) {
    json point = {{"Timestamp", seconds_of(d.timestamp)}, {"Unit", store_.key(*id).unit}};
    for (const auto& s : stats) {
      if (const auto v = d.stats.statistic(s)) point[s] = *v;
    }
    for (const auto& s : extended) {
      if (const auto v = d.stats.statistic(s)) point["ExtendedStatistics"][s] = *v;
    }
    out["Datapoints"].push_back(point);
  }
  return out;
}

Result<json> CloudWatchWire::get_metric_data(const json& in) {
  const auto start_at = in.contains("StartTime") ? timestamp_of(in["StartTime"]) : std::nullopt;
  const auto end_at = in.contains("EndTime") ? timestamp_of(in["EndTime"]) : std::nullopt;
  if (!start_at || !end_at) return missing(start_at ? "EndTime" : "StartTime");
  const Micros start = *start_at, end = *end_at;  // plain values: see get_metric_statistics
  if (!in.contains("MetricDataQueries") || !in["MetricDataQueries"].is_array()) {
    return missing("MetricDataQueries");
  }
  // An alarm-shaped definition reuses the alarm engine's query code.
  json shaped = {{"AlarmName", "GetMetricData"}, {"EvaluationPeriods", 1}, {"Threshold", 0},
                 {"ComparisonOperator", "GreaterThanThreshold"}, {"Metrics", in["MetricDataQueries"]}};
  json results = json::array();
  for (const auto& q : in["MetricDataQueries"]) {
    if (q.contains("ReturnData") && (q["ReturnData"] == false || q["ReturnData"] == "false")) continue;
    json one = shaped;
    for (auto& m : one["Metrics"]) m["ReturnData"] = m.value("Id", "") == q.value("Id", "");
    auto definition = AlarmDefinition::from_json(one);
    if (!definition) return invalid(definition.error().message);
    const std::int64_t windows = std::max<std::int64_t>(1, (end - start) / definition->period);
    definition->evaluation_periods = static_cast<int>(std::max<std::int64_t>(1, windows - 2));
    const auto points = alarms_.datapoints(*definition, end);
    json timestamps = json::array(), values = json::array();
    for (auto it = points.rbegin(); it != points.rend(); ++it) {  // newest first, as AWS
      if (!it->second || it->first < start) continue;
      timestamps.push_back(seconds_of(it->first));
      values.push_back(*it->second);
    }
    results.push_back({{"Id", q.value("Id", "")}, {"Label", q.value("Label", q.value("Id", ""))},
                       {"Timestamps", timestamps}, {"Values", values}, {"StatusCode", "Complete"}});
  }
  return json{{"MetricDataResults", results}, {"Messages", json::array()}};
}

Result<json> CloudWatchWire::list_metrics(const json& in) {
  const std::string ns = in.value("Namespace", ""), name = in.value("MetricName", "");
  const Dimensions filter = dimensions_of(in.value("Dimensions", json::array()));
  json metrics = json::array();
  std::set<std::string> seen;
  for (MetricId id = 0; id < store_.size(); ++id) {
    const MetricKey& k = store_.key(id);
    if ((!ns.empty() && k.name_space != ns) || (!name.empty() && k.name != name)) continue;
    bool match = true;
    for (const auto& [fk, fv] : filter) {
      bool found = false;
      for (const auto& [kk, kv] : k.dimensions) found = found || (kk == fk && (fv.empty() || kv == fv));
      match = match && found;
    }
    if (!match || !seen.insert(canonical(k, false)).second) continue;
    metrics.push_back({{"Namespace", k.name_space}, {"MetricName", k.name},
                       {"Dimensions", dimensions_json(k.dimensions)}});
  }
  return json{{"Metrics", metrics}};
}

json CloudWatchWire::render_alarm(const AlarmRecord& r) const {
  const AlarmDefinition& a = r.definition;
  json out = {{"AlarmName", a.name},
              {"AlarmArn", alarms_.arn_of(a.name)},
              {"AlarmDescription", a.description},
              {"AlarmConfigurationUpdatedTimestamp", seconds_of(r.configuration_updated)},
              {"ActionsEnabled", a.actions_enabled},
              {"OKActions", a.ok_actions},
              {"AlarmActions", a.alarm_actions},
              {"InsufficientDataActions", a.insufficient_data_actions},
              {"StateValue", state_name(r.state)},
              {"StateReason", r.reason},
              {"StateReasonData", r.reason_data.dump()},
              {"StateUpdatedTimestamp", seconds_of(r.state_updated)},
              {"StateTransitionedTimestamp", seconds_of(r.state_updated)},
              {"EvaluationPeriods", a.evaluation_periods},
              {"DatapointsToAlarm", a.datapoints_to_alarm},
              {"Threshold", a.threshold},
              {"ComparisonOperator", a.comparison},
              {"TreatMissingData", a.treat_missing}};
  if (a.math()) {
    out["Metrics"] = a.source["Metrics"];
  } else {
    out["Namespace"] = a.metric.name_space;
    out["MetricName"] = a.metric.name;
    out["Dimensions"] = dimensions_json(a.metric.dimensions);
    out["Period"] = a.period / kMicrosPerSecond;
    out[a.statistic.rfind('p', 0) == 0 ? "ExtendedStatistic" : "Statistic"] = a.statistic;
    if (!a.metric.unit.empty()) out["Unit"] = a.metric.unit;
  }
  return out;
}

Result<json> CloudWatchWire::describe_alarms(const json& in) {
  const auto names = strings_of(in, "AlarmNames");
  const std::string prefix = in.value("AlarmNamePrefix", ""), state = in.value("StateValue", "");
  json alarms = json::array();
  for (const auto& [name, record] : alarms_.alarms()) {
    if (!names.empty() && std::find(names.begin(), names.end(), name) == names.end()) continue;
    if (name.rfind(prefix, 0) != 0) continue;
    if (!state.empty() && state != state_name(record.state)) continue;
    alarms.push_back(render_alarm(record));
  }
  return json{{"MetricAlarms", alarms}, {"CompositeAlarms", json::array()}};
}

Result<json> CloudWatchWire::describe_alarm_history(const json& in) {
  const std::string only = in.value("AlarmName", ""), type = in.value("HistoryItemType", "");
  const auto from = in.contains("StartDate") ? timestamp_of(in["StartDate"]) : std::nullopt;
  const auto to = in.contains("EndDate") ? timestamp_of(in["EndDate"]) : std::nullopt;
  std::vector<std::pair<Micros, json>> items;
  for (const auto& [name, record] : alarms_.alarms()) {
    if (!only.empty() && name != only) continue;
    for (const auto& h : record.history) {
      if ((!type.empty() && h.type != type) || (from && h.timestamp < *from) || (to && h.timestamp > *to)) continue;
      items.emplace_back(h.timestamp, json{{"AlarmName", name}, {"AlarmType", "MetricAlarm"},
                                           {"Timestamp", seconds_of(h.timestamp)},
                                           {"HistoryItemType", h.type},
                                           {"HistorySummary", h.summary},
                                           {"HistoryData", h.data.dump()}});
    }
  }
  std::stable_sort(items.begin(), items.end(), [&](const auto& a, const auto& b) {
    return in.value("ScanBy", "TimestampDescending") == "TimestampAscending" ? a.first < b.first
                                                                             : a.first > b.first;
  });
  const std::size_t max = static_cast<std::size_t>(number_value(in.value("MaxRecords", json(100))).value_or(100));
  json out = json::array();
  for (std::size_t i = 0; i < items.size() && i < max; ++i) out.push_back(items[i].second);
  return json{{"AlarmHistoryItems", out}};
}

Result<json> CloudWatchWire::set_alarm_state(const json& in, Micros now) {
  AlarmRecord* alarm = alarms_.find(in.value("AlarmName", ""));
  if (alarm == nullptr) {
    return AwsError::client("ResourceNotFound", "Alarm " + in.value("AlarmName", "") + " not found", 404);
  }
  const std::string value = in.value("StateValue", "");
  AlarmState state;
  if (value == "OK") state = AlarmState::kOk;
  else if (value == "ALARM") state = AlarmState::kAlarm;
  else if (value == "INSUFFICIENT_DATA") state = AlarmState::kInsufficientData;
  else return invalid("The value " + value + " for parameter StateValue is invalid.");
  if (!in.contains("StateReason")) return missing("StateReason");
  alarms_.set_state(*alarm, state, in.value("StateReason", ""), now);
  return json::object();
}

}  // namespace emu::cloudwatch
