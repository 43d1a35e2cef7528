#include "emulator/pipeline/pipeline.h"

#include "emulator/core/json_util.h"
#include "emulator/dynamodb/seed_tables.h"

namespace emu {

Pipeline::Pipeline(Env& env, PipelineOptions options) : env_(env), options_(std::move(options)) {
  add_control_endpoints();
  router_.add(control_);
  // DynamoDB (model + JSON wire) and DynamoDB Streams; the seed's two tables exist at start.
  dynamodb_ = std::make_unique<dynamodb::Database>(env_.storage, env_.scheduler, env_.config,
                                                   nullptr, nullptr,
                                                   env_.random.derive("dynamodb"));
  dynamodb::create_seed_tables(*dynamodb_, env_.config, env_.clock.now());
  dynamodb_streams_wire_ = std::make_unique<dynamodb::DynamoDbStreamsService>(
      *dynamodb_, env_.random.derive("dynamodb.streams.wire"), env_.config.string("/region"));
  dynamodb_wire_ = std::make_unique<dynamodb::DynamoDbService>(
      *dynamodb_, env_.random.derive("dynamodb.wire"));
  router_.add(*dynamodb_streams_wire_);
  router_.add(*dynamodb_wire_);
}

Pipeline::~Pipeline() = default;

void Pipeline::add_control_endpoints() {
  control_.add("GET", "/_emulator/health", [this](const http::HttpRequest&, Micros now) {
    return ControlService::json_response(
        200, {{"status", "ok"},
              {"version", EMU_VERSION},
              {"clock_mode", env_.clock.is_virtual() ? "virtual" : "real"},
              {"now", format_iso8601(now)},
              {"uptime_seconds", options_.uptime_seconds()},
              {"data_dir", env_.data_dir.string()}});
  });
  control_.add("GET", "/_emulator/config", [this](const http::HttpRequest&, Micros) {
    return ControlService::json_response(200, env_.config.json());
  });
  control_.add("POST", "/_emulator/clock", [this](const http::HttpRequest& request, Micros now) {
    if (!env_.clock.is_virtual()) {
      return ControlService::error(409, "the clock is real; start with --clock virtual to move it");
    }
    const auto body = parse_json(request.body);
    Micros target = now;
    if (body && body->is_object() && body->contains("advance_seconds") &&
        body->at("advance_seconds").is_number() && body->at("advance_seconds").get<double>() >= 0) {
      target = now + seconds(body->at("advance_seconds").get<double>());
    } else if (body && body->is_object() && body->contains("set") && body->at("set").is_string()) {
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
}

}  // namespace emu
