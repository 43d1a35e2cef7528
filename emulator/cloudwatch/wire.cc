#include "emulator/cloudwatch/wire.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "emulator/cloudwatch/json_fields.h"
#include "emulator/cloudwatch/wire_errors.h"
#include "emulator/core/errors.h"
#include "emulator/core/json_util.h"
#include "emulator/http/aws_wire.h"
#include "emulator/http/json_shape.h"

namespace emu::cloudwatch {

namespace {

using nlohmann::json;
constexpr std::string_view kTargetPrefix = "GraniteServiceVersion20100801.";

// The JSON protocol's code and __type namespace of a query-protocol code.
std::string json_code(const std::string& query_code) {
  const errors::ErrorCode* code = errors::find(errors::cloudwatch::kAll, query_code);
  return code == nullptr || code->json_name.empty() ? query_code : std::string(code->json_name);
}

std::string_view json_type_prefix(const std::string& query_code) {
  const errors::ErrorCode* code = errors::find(errors::cloudwatch::kAll, query_code);
  return code == nullptr ? "" : code->type_prefix;
}

double seconds_of(Micros t) { return static_cast<double>(t) / kMicrosPerSecond; }

// The request as the JSON shape of its operation, whichever protocol carried it; `op` is set
// first, so that errors can be rendered for it.
Result<json> read_request(const http::HttpRequest& request, bool query, std::string& op) {
  std::string body = request.body;
  if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
      static_cast<unsigned char>(body[1]) == 0x8b) {
    auto inflated = http::gunzip(body, 64 * 1024 * 1024);
    if (!inflated) {
      return query ? http::invalid_query_parameter("the gzip body does not inflate (or inflates "
                                                   "past 64 MiB)")
                   : serialization("Unable to parse the request body: the gzip body does not "
                                   "inflate (or inflates past 64 MiB)");
    }
    body = std::move(*inflated);
  }
  if (query) {
    const http::QueryParams params(body.empty() ? request.query : body);
    op = params.get_or("Action", "");
    auto in = query_params_to_json(params);
    if (!in) return in;
    if (const http::Shape* shape = input_shape(op)) {
      if (auto s = http::conform_query(*in, *shape); !s) return s.error();
    }
    return in;
  }
  op = std::string(request.header("X-Amz-Target").substr(kTargetPrefix.size()));
  auto parsed = parse_json(body.empty() ? "{}" : body);
  if (!parsed) return serialization("Unable to parse the request body as JSON.");
  if (!parsed->is_object()) {
    return serialization(parsed->is_array() ? "Start of list found where not expected"
                                            : "Expected null");
  }
  if (const http::Shape* shape = input_shape(op)) {
    if (auto e = http::conform_json(*parsed, *shape)) return serialization(*e);
  }
  return std::move(*parsed);
}

}  // namespace

bool CloudWatchWire::accepts(const http::HttpRequest& request) const {
  return http::json_or_query_request_for(request, kTargetPrefix, "monitoring");
}

http::HttpResponse CloudWatchWire::handle(const http::HttpRequest& request, Micros now) {
  fault_latency_ = 0;
  http::HttpResponse response = answer(request, now);
  response.delay += fault_latency_;  // latency fault rules
  return response;
}

http::HttpResponse CloudWatchWire::answer(const http::HttpRequest& request, Micros now) {
  const std::string request_id = http::new_request_id(random_);
  const std::string_view target = request.header("X-Amz-Target");
  const bool query = target.substr(0, kTargetPrefix.size()) != kTargetPrefix;
  std::string op;
  const Result<json> in = read_request(request, query, op);
  Result<json> result = in ? dispatch(op, *in, now) : Result<json>(in.error());
  if (!result) {
    const AwsError& e = result.error();
    if (query) return http::query_error(e, request_id, "http://monitoring.amazonaws.com/doc/2010-08-01/");
    AwsError typed = e;
    typed.code = json_code(e.code);
    // Errors of AWS's JSON front end (SerializationException) carry no query code.
    const std::string query_code = e.code == errors::cloudwatch::kSerialization
                                       ? ""
                                       : e.code + (e.sender_fault ? ";Sender" : ";Receiver");
    return http::json_error(typed, json_type_prefix(e.code), request_id,
                            "application/x-amz-json-1.0", query_code);
  }
  http::HttpResponse r =
      query ? http::HttpResponse::with_body(200, "text/xml", result_to_xml(op, *result, request_id))
            : http::HttpResponse::with_body(200, "application/x-amz-json-1.0", dump_compact(*result));
  r.set_header("x-amzn-RequestId", request_id);
  return r;
}

namespace {

constexpr std::int64_t kMaxMetricDataPoints = 100800;

// PutMetricAlarm's periods (at least 1 second: the rules) cover at most a day (a week for
// hourly periods) of evaluation, for metric math alarms too (the alarm engine walks every
// period of it).
std::optional<AwsError> alarm_range_error(const json& in) {
  std::vector<std::int64_t> periods;
  if (in.contains("Period")) periods.push_back(in["Period"].get<std::int64_t>());
  const json metrics = in.value("Metrics", json::array());
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].contains("MetricStat") && metrics[i]["MetricStat"].contains("Period")) {
      periods.push_back(metrics[i]["MetricStat"]["Period"].get<std::int64_t>());
    }
  }
  if (periods.empty() && !metrics.empty()) periods.push_back(60);  // the math alarm default
  const std::int64_t evaluations = in.value("EvaluationPeriods", std::int64_t{1});
  for (const std::int64_t p : periods) {
    const std::int64_t limit = p < 3600 ? 86400 : 604800;
    if (evaluations > 0 && p * evaluations > limit) {
      return invalid("Metrics cannot be checked across more than a day (EvaluationPeriods * "
                     "Period must be <= " + std::to_string(limit) + ")");
    }
  }
  return std::nullopt;
}

}  // namespace

Result<json> CloudWatchWire::dispatch(const std::string& op, const json& in, Micros now) {
  // The action's documented request rules, in one table (wire_rules.cc), before its work.
  if (auto invalid = check_request(op, in)) return *invalid;
  if (op == "PutMetricData") return put_metric_data(in, now);
  if (op == "GetMetricStatistics") return get_metric_statistics(in);
  if (op == "GetMetricData") return get_metric_data(in);
  if (op == "ListMetrics") return list_metrics(in);
  if (op == "DescribeAlarms") return describe_alarms(in);
  if (op == "DescribeAlarmHistory") return describe_alarm_history(in);
  if (op == "SetAlarmState") return set_alarm_state(in, now);
  if (op == "PutMetricAlarm") {
    if (auto bad = alarm_range_error(in)) return *bad;
    auto definition = AlarmDefinition::from_json(in);
    if (!definition) return definition.error();
    if (const auto put = alarms_.put(std::move(*definition), now); !put) return put.error();
    return json::object();
  }
  if (op == "DeleteAlarms") {
    for (const auto& name : strings_of(in, "AlarmNames")) alarms_.remove(name);
    return json::object();
  }
  return errors::cloudwatch::kInvalidAction("The action " + op +
                                            " is not valid for this web service.");
}


Result<json> CloudWatchWire::get_metric_statistics(const json& in) {
  const auto start_at = in.contains("StartTime") ? timestamp_of(in["StartTime"]) : std::nullopt;
  const auto end_at = in.contains("EndTime") ? timestamp_of(in["EndTime"]) : std::nullopt;
  // Present (the rules): so not a timestamp.
  if (!start_at) return invalid("The parameter StartTime must be a timestamp.");
  if (!end_at) return invalid("The parameter EndTime must be a timestamp.");
  const std::int64_t period = in["Period"].get<std::int64_t>();
  // Plain values from here (GCC 12 misreads later reads of the optionals as uninitialised).
  const Micros start = *start_at, end = *end_at;
  if (start >= end) return invalid("The parameter StartTime must be less than the parameter EndTime.");
  const std::int64_t requested = (end - start) / (period * kMicrosPerSecond);
  if (requested > 1440) {
    return errors::cloudwatch::kInvalidParameterCombination(
        "You have requested up to " + std::to_string(requested) +
        " datapoints, which exceeds the limit of 1440. You may reduce the "
        "datapoints requested by increasing Period, or decreasing the "
        "time range.");
  }
  const auto stats = strings_of(in, "Statistics");
  const auto extended = strings_of(in, "ExtendedStatistics");
  if (stats.empty() && extended.empty()) {
    return errors::cloudwatch::kMissingParameter(
        "Must specify either Statistics or ExtendedStatistics.");
  }
  const std::string name = in.value("MetricName", "");
  json out = {{"Label", name}, {"Datapoints", json::array()}};
  const auto id = store_.find(in.value("Namespace", ""), name,
                              dimensions_of(in.value("Dimensions", json::array())),
                              in.value("Unit", ""));
  if (!id) return out;
  const Micros p = period * kMicrosPerSecond;
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
  if (!start_at) return invalid("The parameter StartTime must be a timestamp.");
  if (!end_at) return invalid("The parameter EndTime must be a timestamp.");
  const Micros start = *start_at, end = *end_at;  // plain values: see get_metric_statistics
  if (start >= end)
    return invalid("The parameter StartTime must be less than the parameter EndTime.");
  // An alarm-shaped definition reuses the alarm engine's query code.
  json shaped = {{"AlarmName", "GetMetricData"}, {"EvaluationPeriods", 1}, {"Threshold", 0},
                 {"ComparisonOperator", "GreaterThanThreshold"}, {"Metrics", in["MetricDataQueries"]}};
  json results = json::array();
  std::int64_t requested = 0;  // datapoints over all the queries that return data
  for (const auto& q : in["MetricDataQueries"]) {
    if (q.contains("ReturnData") && (q["ReturnData"] == false || q["ReturnData"] == "false")) continue;
    json one = shaped;
    for (auto& m : one["Metrics"]) m["ReturnData"] = m.value("Id", "") == q.value("Id", "");
    auto definition = AlarmDefinition::from_json(one);
    if (!definition) return invalid(definition.error().message);
    const std::int64_t windows = std::max<std::int64_t>(1, (end - start) / definition->period);
    requested += windows;
    if (requested > kMaxMetricDataPoints) {
      // DEVIATION: AWS returns the first 100,800 datapoints and a NextToken; the emulator does
      // not paginate GetMetricData and refuses the request instead.
      return errors::cloudwatch::kInvalidParameterCombination(
          "You have requested up to " + std::to_string(requested) +
          " datapoints, which exceeds the limit of 100800 (the emulator "
          "does not paginate GetMetricData). You may reduce the datapoints "
          "requested by increasing Period, or decreasing the time range.");
    }
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
  const std::int64_t max = in.value("MaxRecords", std::int64_t{100});  // 1-100: the rules
  json out = json::array();
  for (std::size_t i = 0; i < items.size() && i < static_cast<std::size_t>(max); ++i) {
    out.push_back(items[i].second);
  }
  return json{{"AlarmHistoryItems", out}};
}

Result<json> CloudWatchWire::set_alarm_state(const json& in, Micros now) {
  // StateValue is one of the three (the rules, checked before the lookup, as on AWS).
  const std::string value = in.value("StateValue", "");
  const AlarmState state = value == "OK"      ? AlarmState::kOk
                           : value == "ALARM" ? AlarmState::kAlarm
                                              : AlarmState::kInsufficientData;
  AlarmRecord* alarm = alarms_.find(in.value("AlarmName", ""));
  if (alarm == nullptr) {
    return errors::cloudwatch::kResourceNotFound("Alarm " + in.value("AlarmName", "") +
                                                 " not found");
  }
  alarms_.set_state(*alarm, state, in.value("StateReason", ""), now);
  return json::object();
}

}  // namespace emu::cloudwatch
