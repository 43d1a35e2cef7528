// The /_emulator/ control API (architecture section 2).
#include "emulator/core/json_util.h"
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
    return ControlService::json_response(
        200, {{"status", "ok"},
              {"version", EMU_VERSION},
              {"clock_mode", env_.clock.is_virtual() ? "virtual" : "real"},
              {"now", format_iso8601(now)},
              {"uptime_seconds", options_.uptime_seconds()},
              {"data_dir", env_.data_dir.string()}});
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
  control_.add("POST", "/_emulator/clock", [this](const HttpRequest& request, Micros now) {
    if (!env_.clock.is_virtual()) {
      return ControlService::error(409, "the clock is real; start with --clock virtual to move it");
    }
    const auto body = json_body(request);
    Micros target = now;
    if (body && body->contains("advance_seconds") && body->at("advance_seconds").is_number() &&
        body->at("advance_seconds").get<double>() >= 0) {
      target = now + seconds(body->at("advance_seconds").get<double>());
    } else if (body && body->contains("set") && body->at("set").is_string()) {
      const auto parsed = parse_iso8601(body->at("set").get<std::string>());
      if (!parsed) return ControlService::error(400, "\"set\" must be an ISO-8601 UTC time");
      if (*parsed < now) return ControlService::error(400, "time cannot move backwards");
      target = *parsed;
    } else {
      return ControlService::error(
          400, R"(expected {"advance_seconds": N >= 0} or {"set": "<ISO-8601 UTC>"})");
    }
    const auto ran = env_.scheduler.run_until(target);
    return ControlService::json_response(
        200, {{"now", format_iso8601(env_.clock.now())}, {"events_run", ran}});
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
    }
    const auto report = etl_->run(body->at("task").get<std::string>(), through, now);
    return ControlService::json_response(report.ok ? 200 : 500, report.to_json());
  });
}

}  // namespace emu
