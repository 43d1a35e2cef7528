#include "emulator/dashboard/dashboard.h"

#include <algorithm>
#include <string>
#include <vector>

#include "emulator/dashboard/web_assets.h"
#include "emulator/pipeline/pipeline.h"

namespace emu::dashboard {

extern const std::string_view kDashboardHtml;
extern const std::string_view kDashboardJs;

namespace {

using nlohmann::json;

struct Line {
  std::string label, name_space, name;
  Dimensions dimensions;
  std::string statistic;  // "Sum", "Maximum", "Average", "p95", ...
};

struct Widget {
  std::string id, title, unit;
  std::vector<Line> lines;
};

std::vector<Widget> widget_list(Pipeline& p) {
  const auto& config = p.env().config;
  const Dimensions api = {{"ApiName", config.string("/apigateway/api_name")}};
  std::vector<Widget> w = {
      {"api-count", "API Gateway Count", "requests", {{"Count", "AWS/ApiGateway", "Count", api, "Sum"}}},
      {"api-errors", "API Gateway 5xx & 4xx errors", "requests",
       {{"5XXError", "AWS/ApiGateway", "5XXError", api, "Sum"}, {"4XXError", "AWS/ApiGateway", "4XXError", api, "Sum"}}},
      {"api-latency", "API Gateway Latency", "ms",
       {{"p95", "AWS/ApiGateway", "Latency", api, "p95"}, {"p99", "AWS/ApiGateway", "Latency", api, "p99"}}},
      {"lambda-invocations", "Lambda Invocations", "invocations", {}},
      {"lambda-errors", "Lambda Errors", "invocations", {}},
      {"lambda-throttles", "Lambda Throttles", "invocations", {}},
      {"lambda-concurrency", "Lambda ConcurrentExecutions (Maximum)", "executions", {}},
      {"lambda-duration", "Lambda Duration (Average)", "ms", {}},
      {"dynamodb-wcu", "DynamoDB ConsumedWriteCapacityUnits", "units", {}},
      {"dynamodb-throttles", "DynamoDB throttle events", "events", {}},
  };
  for (const auto* f : p.lambda().functions()) {
    const Dimensions d = {{"FunctionName", f->name}};
    w[3].lines.push_back({f->name, "AWS/Lambda", "Invocations", d, "Sum"});
    w[4].lines.push_back({f->name, "AWS/Lambda", "Errors", d, "Sum"});
    w[5].lines.push_back({f->name, "AWS/Lambda", "Throttles", d, "Sum"});
    w[6].lines.push_back({f->name, "AWS/Lambda", "ConcurrentExecutions", d, "Maximum"});
    w[7].lines.push_back({f->name, "AWS/Lambda", "Duration", d, "Average"});
  }
  for (const auto& [table, settings] : config.json()["dynamodb"]["tables"].items()) {
    const Dimensions d = {{"TableName", table}};
    w[8].lines.push_back({table, "AWS/DynamoDB", "ConsumedWriteCapacityUnits", d, "Sum"});
    w[9].lines.push_back({table + " write", "AWS/DynamoDB", "WriteThrottleEvents", d, "Sum"});
    w[9].lines.push_back({table + " read", "AWS/DynamoDB", "ReadThrottleEvents", d, "Sum"});
  }
  return w;
}

// DEVIATION: CloudWatch graphs a minute without samples as a gap. Counts (Sum) absent from a
// minute are drawn as 0 here, so that a quiet metric reads as zero, not as a missing chart;
// other statistics keep their gaps (null).
json line_values(const cloudwatch::MetricStore& store, const Line& line, Micros start, Micros end,
                 Micros period) {
  const std::size_t slots = static_cast<std::size_t>((end - start) / period);
  json values = json::array();
  for (std::size_t i = 0; i < slots; ++i) values.push_back(line.statistic == "Sum" ? json(0) : json(nullptr));
  const auto id = store.find(line.name_space, line.name, line.dimensions);
  if (!id) return values;
  for (const auto& point : store.query(*id, start, end, period)) {
    const auto slot = static_cast<std::size_t>((point.timestamp - start) / period);
    if (slot >= slots) continue;
    if (const auto v = point.stats.statistic(line.statistic)) values[slot] = *v;
  }
  return values;
}

// DEVIATION: AWS publishes the AWS/SQS metrics once a minute; the emulator does not emit them,
// so the page samples each queue's depth and oldest message's age at every refresh. Walking the
// queue costs O(messages) per refresh: the DLQ holds only failed updates (and SQS's own
// retention bounds it).
json queues(Pipeline& p, Micros now) {
  json out = json::array();
  for (const auto* q : p.sqs().list_queues("")) {
    Micros oldest = now;
    q->for_each([&](const sqs::Message& m) { oldest = std::min(oldest, m.sent_at); });
    out.push_back({{"name", q->name()},
                   {"depth", q->size()},
                   {"visible", q->visible(now)},
                   {"oldest_age_seconds", q->size() > 0 ? to_seconds(now - oldest) : 0.0}});
  }
  return out;
}

json alarms(Pipeline& p, Micros start) {
  json out = json::array();
  for (const auto& [name, a] : p.alarms().alarms()) {
    json history = json::array();
    std::string before = "INSUFFICIENT_DATA";  // the state at the range's start
    for (const auto& h : a.history) {
      if (h.type != "StateUpdate") continue;
      const std::string state = h.data["newState"]["stateValue"].get<std::string>();
      if (h.timestamp < start) before = state;
      else history.push_back({{"t", h.timestamp / kMicrosPerMilli}, {"state", state}});
    }
    const auto& d = a.definition;
    out.push_back({{"name", name},
                   {"state", cloudwatch::state_name(a.state)},
                   {"since", a.state_updated / kMicrosPerMilli},
                   {"reason", a.reason},
                   {"metric", d.math() ? std::string("metric math") : d.metric.name_space + " " + d.metric.name},
                   {"statistic", d.statistic},
                   {"comparison", d.comparison},
                   {"threshold", d.threshold},
                   {"period_seconds", d.period / kMicrosPerSecond},
                   {"state_at_start", before},
                   {"history", history}});
  }
  return out;
}

http::HttpResponse data_endpoint(Pipeline& p, const http::HttpRequest& request, Micros now) {
  int minutes = 60;
  for (const auto& [key, value] : http::parse_query(request.query)) {
    if (key != "minutes") continue;
    try {
      std::size_t used = 0;
      minutes = std::stoi(value, &used);
      if (used != value.size()) minutes = 0;
    } catch (...) {
      minutes = 0;
    }
    if (minutes < 1 || minutes > kMaxRangeMinutes) {
      return ControlService::error(400, "minutes: expected a whole number from 1 to " + std::to_string(kMaxRangeMinutes));
    }
  }
  return ControlService::json_response(200, widgets_data(p, now, minutes));
}

}  // namespace

json widgets_data(Pipeline& p, Micros now, int minutes) {
  // Whole minutes, the last one the minute in progress (as the metric store keeps them).
  const Micros period = std::max<Micros>(1, (minutes + kMaxPoints - 1) / kMaxPoints) * kMicrosPerMinute;
  const Micros end = floor_to(now, kMicrosPerMinute) + kMicrosPerMinute;
  const Micros start = end - ((minutes * kMicrosPerMinute + period - 1) / period) * period;
  const auto& store = p.metric_store();
  json widgets = json::array(), times = json::array();
  for (Micros t = start; t < end; t += period) times.push_back(t / kMicrosPerMilli);
  for (const auto& w : widget_list(p)) {
    json lines = json::array();
    for (const auto& line : w.lines) {
      lines.push_back({{"label", line.label},
                       {"metric", line.name_space + " " + line.name},
                       {"statistic", line.statistic},
                       {"values", line_values(store, line, start, end, period)}});
    }
    widgets.push_back({{"id", w.id}, {"title", w.title}, {"unit", w.unit}, {"lines", lines}});
  }
  return {{"now", now / kMicrosPerMilli},
          {"clock", p.env().clock.is_virtual() ? "virtual" : "real"},
          {"minutes", minutes},
          {"period_seconds", period / kMicrosPerSecond},
          {"start", start / kMicrosPerMilli},
          {"end", end / kMicrosPerMilli},
          {"times", times},
          {"widgets", widgets},
          {"queues", queues(p, now)},
          {"alarms", alarms(p, start)}};
}

namespace {

// The page with the library and the script inlined, so that it makes no other request but data.
std::string assemble_page() {
  std::string page(kDashboardHtml);
  const auto splice = [&page](const std::string& marker, std::string_view content) {
    const auto at = page.find(marker);
    if (at != std::string::npos) page.replace(at, marker.size(), content);
  };
  splice("/*DYGRAPHS_CSS*/", web::dygraphs_css());
  splice("/*DYGRAPHS_JS*/", web::dygraphs_js());
  splice("/*DASHBOARD_JS*/", kDashboardJs);
  return page;
}

}  // namespace

void add_endpoints(Pipeline& pipeline) {
  pipeline.control().add("GET", "/_emulator/dashboard", [](const http::HttpRequest&, Micros) {
    // Assembled once per process, on the first request rather than at every start: copying
    // ~150 KiB of compiled-in text was a twentieth of `emulator serve`'s start and stayed
    // resident in every emulator, most of which never show the page (bench/startup).
    static const std::string page = assemble_page();
    auto response = http::HttpResponse::with_body(200, "text/html; charset=utf-8", page);
    response.set_header("Cache-Control", "no-store");
    return response;
  });
  pipeline.control().add("GET", "/_emulator/dashboard/data", [&pipeline](const http::HttpRequest& request, Micros now) {
    return data_endpoint(pipeline, request, now);
  });
}

}  // namespace emu::dashboard
