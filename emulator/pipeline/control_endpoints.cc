// The /_emulator/ control API (architecture section 2).
#include "emulator/core/json_util.h"
#include "emulator/pipeline/control_clock.h"
#include "emulator/pipeline/pipeline.h"

namespace emu {

namespace {

using http::HttpRequest;

std::optional<nlohmann::json> json_body(const HttpRequest& request) {
  if (request.body.empty()) return nlohmann::json::object();
  auto body = parse_json(request.body);
  if (!body || !body->is_object()) return std::nullopt;
  return body;
}

}  // namespace

void Pipeline::add_control_endpoints() {
  control_.add("GET", "/_emulator/health", [this](const HttpRequest&, Micros now) {
    // The server answers health on its I/O thread (server/health.h) with the same body.
    return ControlService::json_response(
        200, ControlService::health(env_.clock.is_virtual(), now, options_.uptime_seconds(),
                                    env_.data_dir.string()));
  });
  control_.add("GET", "/_emulator/config", [this](const HttpRequest&, Micros) {
    return ControlService::json_response(200, env_.config.json());
  });
  control_.add("GET", "/_emulator/state", [this](const HttpRequest&, Micros) {
    return ControlService::json_response(200, state());
  });
  control_.add("GET", "/_emulator/ledger", [this](const HttpRequest&, Micros) {
    // The raw counters too, so that a client can take the difference of two readings (a load
    // run's own share of the ledger: loadgen/emulator_side.h) and check it with Ledger::report.
    auto report = ledger_report();
    report["counters"] = ledger_.save();
    return ControlService::json_response(200, report);
  });
  // The endpoint owns the advance in progress; the lambda (kept by control_) keeps it alive.
  auto clock = std::make_shared<ClockControl>(env_.scheduler);
  control_.add("POST", "/_emulator/clock", [clock](const HttpRequest& request, Micros now) {
    return clock->handle(request, now);
  });
  control_.add("GET", "/_emulator/etl", [this](const HttpRequest&, Micros) {
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& r : etl_->history()) runs.push_back(r.to_json());
    return ControlService::json_response(200, {{"runs", runs}});
  });
  control_.add("POST", "/_emulator/etl", [this](const HttpRequest& request, Micros now) {
    const auto body = json_body(request);
    if (!body || !body->contains("task") || !body->at("task").is_string()) {
      return ControlService::error(
          400, R"(expected {"task": "masked_inapp_metrics", "date": "YYYY-MM-DD"} (date: the )"
               R"(last day to publish; default yesterday))");
    }
    std::int64_t through = floor_to(now, kMicrosPerDay) / kMicrosPerDay - 1;
    if (body->contains("date")) {
      const auto date = body->at("date").is_string()
                            ? parse_date(body->at("date").get<std::string>())
                            : std::nullopt;
      if (!date) return ControlService::error(400, "\"date\" must be YYYY-MM-DD");
      through = days_from_civil(*date);
      if (const auto refused = etl::refuse_through_day(through, now)) {
        return ControlService::error(400, "\"date\": " + *refused);
      }
    }
    const auto report = etl_->run(body->at("task").get<std::string>(), through, now);
    return ControlService::json_response(report.ok ? 200 : 500, report.to_json());
  });
}

}  // namespace emu
