#include "emulator/pipeline/control_clock.h"

#include <cmath>
#include <variant>

#include <fmt/format.h>

#include "emulator/core/json_util.h"
#include "emulator/pipeline/control.h"

namespace emu {

namespace {

const char* const kExpected =
    R"(expected {"advance_seconds": N} (0 <= N <= 31622400, 366 days) )"
    R"(or {"set": "<ISO-8601 UTC>"})";

std::string cap_message(const char* what) {
  return fmt::format("{} must be at most {:.0f} seconds (366 days) ahead of the clock; "
                     "advance in several requests",
                     what, kMaxClockAdvanceSeconds);
}

// The target time a clock request asks for, or the 400 to answer.
std::variant<Micros, http::HttpResponse> parse_target(const http::HttpRequest& request,
                                                      Micros now) {
  auto bad = [](const std::string& message) { return ControlService::error(400, message); };
  const auto body = request.body.empty() ? std::nullopt : parse_json(request.body);
  if (!body || !body->is_object()) return bad(kExpected);
  const bool advance = body->contains("advance_seconds"), set = body->contains("set");
  if (advance == set) return bad(kExpected);
  if (advance) {
    const auto& value = body->at("advance_seconds");
    if (!value.is_number()) {
      return bad(R"("advance_seconds" must be a JSON number of seconds (not a string); )" +
                 std::string(kExpected));
    }
    const double s = value.get<double>();
    if (!std::isfinite(s) || s < 0) return bad(R"("advance_seconds" must be >= 0)");
    if (s > kMaxClockAdvanceSeconds) return bad(cap_message(R"("advance_seconds")"));
    return now + seconds(s);
  }
  const auto& value = body->at("set");
  const auto parsed = value.is_string() ? parse_iso8601(value.get<std::string>()) : std::nullopt;
  if (!parsed) return bad(R"("set" must be an ISO-8601 UTC time)");
  if (*parsed < now) return bad("time cannot move backwards");
  if (to_seconds(*parsed - now) > kMaxClockAdvanceSeconds) return bad(cap_message(R"("set")"));
  return *parsed;
}

}  // namespace

http::HttpResponse ClockControl::handle(const http::HttpRequest& request, Micros now) {
  if (!scheduler_.clock().is_virtual()) {
    return ControlService::error(409, "the clock is real; start with --clock virtual to move it");
  }
  if (target_) {
    return ControlService::error(409, "an advance to " + format_iso8601(*target_) +
                                          " is in progress; retry when it answers");
  }
  auto parsed = parse_target(request, now);
  if (auto* error = std::get_if<http::HttpResponse>(&parsed)) return std::move(*error);
  target_ = std::get<Micros>(parsed);
  events_run_ = 0;
  // What a caller that does not resume would send: the loop in server/sim_loop.cc always does.
  http::HttpResponse pending = ControlService::error(500, "the advance was not run");
  pending.resume = [this](Micros) { return advance_slice(); };
  return pending;
}

std::optional<http::HttpResponse> ClockControl::advance_slice() {
  const std::size_t ran = scheduler_.run_until(*target_, kEventsPerSlice);
  events_run_ += ran;
  if (ran == kEventsPerSlice) return std::nullopt;  // more may be due before the target
  target_.reset();
  return ControlService::json_response(
      200, {{"now", format_iso8601(scheduler_.now())}, {"events_run", events_run_}});
}

}  // namespace emu
