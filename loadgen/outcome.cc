#include "loadgen/outcome.h"

#include <cmath>
#include <sstream>

#include <fmt/format.h>

namespace loadgen {

void Outcome::add_recorder_figures(const Recorder& r) {
  const auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
  figures["planned"] = static_cast<double>(r.total_planned());
  figures["requests"] = static_cast<double>(r.total_answered());
  figures["late_sends"] = static_cast<double>(r.total_late());
  figures["achieved_ratio"] =
      r.total_planned() ? static_cast<double>(r.total_answered()) / static_cast<double>(r.total_planned()) : 1.0;
  for (const double p : {50.0, 90.0, 99.0, 99.9}) {
    const std::string name = p == 99.9 ? "99.9" : fmt::format("{:.0f}", p);
    figures["latency_p" + name + "_ms"] = ms(r.latency().percentile(p));
    figures["service_p" + name + "_ms"] = ms(r.service().percentile(p));
  }
  figures["latency_max_ms"] = ms(r.latency().max());
  double by_class[6] = {0, 0, 0, 0, 0, 0};
  for (const auto& [code, n] : r.statuses()) {
    figures["status." + std::to_string(code)] = static_cast<double>(n);
    by_class[std::min(code / 100, 5)] += static_cast<double>(n);
  }
  figures["status.2xx"] = by_class[2];
  figures["status.4xx"] = by_class[4];
  figures["status.5xx"] = by_class[5];
  figures["transport_errors"] = by_class[0];
  const double answered = static_cast<double>(r.total_answered());
  figures["error_rate"] = answered > 0 ? (answered - by_class[2]) / answered : 0;
}

namespace {

std::string state_at(const AlarmTimeline& t, Micros at) {
  std::string state = t.states.empty() ? "INSUFFICIENT_DATA" : t.states.front().second;
  for (const auto& [since, s] : t.states) {
    if (since <= at) state = s;
  }
  return state;
}

Outcome::Checked check_alarm(const Expectation& e, const std::map<std::string, AlarmTimeline>& alarms,
                             Micros run_start, Micros run_end) {
  Outcome::Checked c;
  const auto it = alarms.find(e.alarm);
  const std::string window = e.between_from ? " between " + emu::format_iso8601_seconds(*e.between_from) +
                                                  " and " + emu::format_iso8601_seconds(*e.between_to)
                                            : "";
  c.description = e.description.empty()
                      ? "alarm " + e.alarm + " " + (e.mode == "never" ? "never " : e.mode == "throughout" ? "throughout " : "") +
                            e.state + window
                      : e.description;
  if (it == alarms.end()) {
    c.detail = "the run has no alarm named " + e.alarm;
    return c;
  }
  const Micros from = e.between_from.value_or(run_start), to = e.between_to.value_or(run_end);
  bool seen = state_at(it->second, from) == e.state, always = seen;
  for (const auto& [since, s] : it->second.states) {
    if (since <= from || since > to) continue;
    seen = seen || s == e.state;
    always = always && s == e.state;
  }
  c.passed = e.mode == "never" ? !seen : e.mode == "throughout" ? always : seen;
  std::string history;
  for (const auto& [since, s] : it->second.states) {
    history += (history.empty() ? "" : ", ") + emu::format_iso8601_seconds(since) + " " + s;
  }
  c.detail = "states: " + history;
  return c;
}

}  // namespace

std::vector<std::string> refusal_causes(const nlohmann::json& ledger, const nlohmann::json& lambda_state) {
  std::vector<std::string> out;
  if (!ledger.is_object() || !ledger.contains("requests")) return out;
  const nlohmann::json by_outcome = ledger["requests"].value("by_outcome", nlohmann::json::object());
  for (const auto& [outcome, count] : by_outcome.items()) {
    const auto n = count.get<std::int64_t>();
    if (outcome == "created" || n <= 0) continue;
    if (outcome.rfind("lambda:", 0) == 0) {
      const auto fn = lambda_state.value("functions", nlohmann::json::object())
                          .value("create_metrics", nlohmann::json::object());
      const auto reserved = fn.value("reserved_concurrency", std::int64_t{-1});
      const std::string limit =
          reserved >= 0 ? fmt::format("reserved concurrency {}", reserved)
                        : fmt::format("account concurrency {} (unreserved {}), scaling regime {}",
                                      lambda_state.value("account_concurrency", std::int64_t{0}),
                                      lambda_state.value("unreserved_limit", std::int64_t{0}),
                                      lambda_state.value("scaling_regime", std::string("?")));
      out.push_back(fmt::format("create_metrics {} {}: {}", outcome.substr(7), n, limit));
    } else {
      out.push_back(fmt::format("{} {}", outcome, n));
    }
  }
  return out;
}

namespace {

Outcome::Checked check_figure(const Expectation& e, const std::map<std::string, double>& figures) {
  Outcome::Checked c;
  std::string range = e.min ? fmt::format(">= {}", *e.min) : "";
  if (e.max) range += (range.empty() ? "" : " and ") + fmt::format("<= {}", *e.max);
  c.description = e.description.empty() ? e.figure + " " + range : e.description;
  const auto it = figures.find(e.figure);
  // A status that never occurred is a count of 0, and so is an alarm that never fired.
  const bool zero_default = e.figure.rfind("status.", 0) == 0 || e.figure.rfind("alarm_fired.", 0) == 0;
  if (it == figures.end() && !zero_default) {
    c.detail = "this run does not know " + e.figure;
  } else {
    const double v = it == figures.end() ? 0 : it->second;
    c.passed = (!e.min || v >= *e.min) && (!e.max || v <= *e.max);
    c.detail = fmt::format("{} = {}", e.figure, v);
  }
  return c;
}

Outcome::Checked check_ledger(const Expectation& e, const nlohmann::json& ledger) {
  Outcome::Checked c;
  c.description = e.description.empty() ? "ledger " + e.ledger : e.description;
  if (!ledger.is_object() || !ledger.contains(e.ledger)) {
    c.detail = "the run has no ledger";
  } else {
    c.passed = ledger[e.ledger].get<bool>() == *e.equals;
    c.detail = "ledger says " + ledger[e.ledger].dump() + " (" + ledger.value("verdict", "") + ")";
  }
  return c;
}

bool needs_emulator(const Expectation& e) {
  return !e.alarm.empty() || !e.ledger.empty() || is_emulator_figure(e.figure);
}

}  // namespace

bool Outcome::check(const Scenario& s) {
  bool all = true;
  for (const auto& e : s.expectations) {
    Checked c;
    if (!emulator_unknown.empty() && needs_emulator(e)) {
      c = !e.alarm.empty() ? check_alarm(e, {}, s.start, s.start) : !e.ledger.empty() ? check_ledger(e, nullptr)
                                                                                      : check_figure(e, {});
      c.skipped = true;
      c.passed = !strict;
      c.detail = emulator_unknown + (strict ? " (--strict: a skip fails the run)" : "");
    } else if (!e.alarm.empty()) {
      c = check_alarm(e, alarms, s.start, s.start + s.duration + s.drain);
    } else if (!e.ledger.empty()) {
      c = check_ledger(e, ledger);
    } else {
      c = check_figure(e, figures);
    }
    all = all && c.passed;
    checked.push_back(std::move(c));
  }
  return all;
}

nlohmann::json Outcome::summary(const Scenario& s, const Recorder& r) const {
  nlohmann::json expectations = nlohmann::json::array();
  for (const auto& c : checked) {
    expectations.push_back({{"description", c.description}, {"passed", c.passed},
                            {"skipped", c.skipped}, {"detail", c.detail}});
  }
  nlohmann::json timelines = nlohmann::json::object(), definitions = nlohmann::json::object();
  for (const auto& [name, t] : alarms) {
    nlohmann::json states = nlohmann::json::array();
    for (const auto& [since, state] : t.states) states.push_back({emu::format_iso8601(since), state});
    timelines[name] = states;
    definitions[name] = t.definition;
  }
  bool passed = true;
  int skipped = 0;
  for (const auto& c : checked) {
    passed = passed && c.passed;
    skipped += c.skipped ? 1 : 0;
  }
  return {{"scenario", s.name},
          {"description", s.description},
          {"mode", mode},
          {"passed", passed},
          {"skipped", skipped},
          {"digest", fmt::format("{:016x}", r.digest())},
          {"wall_seconds", wall_seconds},
          {"settings", settings},
          {"figures", figures},
          {"expectations", expectations},
          {"alarms", timelines},
          {"alarm_definitions", definitions},
          {"lambda_limits", lambda_limits},
          {"ledger", ledger},
          {"drain", drain},
          {"row_cache", row_cache},
          {"causes", causes},
          {"recorder", r.to_json()}};
}

std::string text_summary(const Scenario& s, const Recorder& r, const Outcome& o) {
  std::ostringstream out;
  const auto f = [&](const std::string& k) { return o.figures.count(k) ? o.figures.at(k) : 0.0; };
  out << fmt::format("scenario {} ({} run, {:.1f} s of wall time, digest {:016x})\n", s.name,
                     o.mode, o.wall_seconds, r.digest());
  out << fmt::format("  requests {:.0f} of {:.0f} planned; 2xx {:.0f}, 4xx {:.0f}, 5xx {:.0f}, "
                     "transport errors {:.0f}\n",
                     f("requests"), f("planned"), f("status.2xx"), f("status.4xx"), f("status.5xx"),
                     f("transport_errors"));
  out << fmt::format("  latency from planned time: p50 {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms; "
                     "service p99 {:.2f} ms\n",
                     f("latency_p50_ms"), f("latency_p99_ms"), f("latency_max_ms"), f("service_p99_ms"));
  if (o.ledger.is_object() && o.ledger.contains("verdict")) {
    out << fmt::format("  Lambda throttles (create_metrics) {:.0f}; entries stored {:.0f}, lost {:.0f}; "
                       "ledger: {}\n",
                       f("lambda_throttles"), f("entries_stored"), f("entries_lost"),
                       o.ledger.is_object() ? o.ledger.value("verdict", "?") : "? (merged runs)");
    for (const auto& [name, t] : o.alarms) {
      std::string fired;
      for (const auto& [since, state] : t.states) {
        if (state == "ALARM") fired += (fired.empty() ? "" : ", ") + emu::format_iso8601_seconds(since);
      }
      if (!fired.empty()) out << "  alarm " << name << " -> ALARM at " << fired << "\n";
    }
  }
  if (o.drain.is_object() && o.drain.contains("how")) {
    out << "  drain: " << o.drain["how"].get<std::string>()
        << (o.drain.value("settled", false) ? "" : " (not settled: entries still in flight)") << "\n";
  }
  if (!o.causes.empty()) {
    std::string causes;
    for (const auto& c : o.causes) causes += (causes.empty() ? "" : "; ") + c;
    out << "  refused by the emulator: " << causes << "\n";
  }
  for (const auto& c : o.checked) {
    out << (c.skipped ? (c.passed ? "  SKIPPED " : "  FAIL (skipped) ") : c.passed ? "  PASS " : "  FAIL ") << c.description << "  [" << c.detail << "]\n";
  }
  return out.str();
}

}  // namespace loadgen
