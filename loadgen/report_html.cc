// report.html: one self-contained page that works offline. First the headline an SRE reads in
// ten seconds (requests, throttles, 4xx/5xx, the alarms that fired with time and threshold,
// entries stored and lost, the ledger by outcome), then every per-second chart on one shared
// clock (UTC, the scenario's local zone beside it) drawn by Debian's dygraphs, inlined with
// the page's own script and style (loadgen/report/): ALARM periods shaded, local midnights and
// fault windows marked, zoom and hover values; then alarms (fired first), expectations, the
// latency spectrum and the figures. Everything from the scenario (user input) is escaped.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "emulator/dashboard/web_assets.h"
#include "loadgen/outcome.h"
#include "loadgen/report_data.h"

namespace loadgen {

extern const std::string_view kReportJs;
extern const std::string_view kReportCss;

namespace {

using emu::web::escape_html;

// 111739 -> "111,739"; fractions keep up to 3 significant decimals.
std::string with_commas(double v) {
  if (std::abs(v - std::round(v)) > 1e-9) return fmt::format("{:.4g}", v);
  std::string digits = fmt::format("{:.0f}", std::abs(v)), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

double figure(const Outcome& o, const std::string& name) {
  const auto it = o.figures.find(name);
  return it == o.figures.end() ? 0.0 : it->second;
}

std::string tile(const Outcome& o, const std::string& name, const std::string& label, bool bad_if_nonzero) {
  const double v = figure(o, name);
  return fmt::format("<div class='tile{}'><div class='num' data-figure='{}' data-value='{}'>{}</div>"
                     "<div class='label'>{}</div></div>",
                     bad_if_nonzero && v > 0 ? " bad" : "", escape_html(name), v, with_commas(v), label);
}

std::string clock_time(Micros t, double offset_hours, const std::string& zone) {
  const auto hhmmss = [](Micros at) { return emu::format_iso8601_seconds(at).substr(11, 8); };
  const Micros local = t + static_cast<Micros>(offset_hours * static_cast<double>(emu::kMicrosPerHour));
  return fmt::format("<span title='{}'>{} UTC</span> ({} {})", emu::format_iso8601_seconds(t), hhmmss(t),
                     hhmmss(local), zone);
}

const char* comparison_symbol(const std::string& comparison) {
  if (comparison == "GreaterThanThreshold") return ">";
  if (comparison == "GreaterThanOrEqualToThreshold") return "&ge;";
  if (comparison == "LessThanThreshold") return "<";
  if (comparison == "LessThanOrEqualToThreshold") return "&le;";
  return "outside the band of";
}

std::string alarm_rule(const nlohmann::json& d) {
  if (!d.is_object() || d.empty()) return "";
  return fmt::format("{} of {} {} {} over {} s ({} of {} periods)", escape_html(d.value("statistic", "")),
                     escape_html(d.value("metric", "")), comparison_symbol(d.value("comparison", "")),
                     with_commas(d.value("threshold", 0.0)), d.value("period_seconds", 0),
                     d.value("datapoints_to_alarm", 1), d.value("evaluation_periods", 1));
}

std::string fired_alarms(const Outcome& o, const nlohmann::json& zone) {
  const double offset = zone.value("offset_hours", 0.0);
  const std::string label = emu::web::escape_html(zone_label(offset));
  std::string items;
  for (const auto& [name, t] : o.alarms) {
    std::string times;
    for (std::size_t i = 0; i < t.states.size(); ++i) {
      if (t.states[i].second != "ALARM") continue;
      times += (times.empty() ? "" : "; ") + clock_time(t.states[i].first, offset, label);
      if (i + 1 < t.states.size()) times += " until " + clock_time(t.states[i + 1].first, offset, label);
    }
    if (times.empty()) continue;
    items += fmt::format("<li class='alarm-fired' data-alarm='{}'><b>{}</b> in ALARM at {}<br><span class='rule'>{}</span></li>",
                         escape_html(name), escape_html(name), times, alarm_rule(t.definition));
  }
  if (o.mode != "virtual") return "<p class='muted'>Alarm states are known in in-process runs only.</p>";
  return items.empty() ? "<p id='fired-alarms' class='ok'>No alarm fired.</p>"
                       : "<ul id='fired-alarms'>" + items + "</ul>";
}

std::string ledger_panel(const Outcome& o) {
  if (!o.ledger.is_object() || !o.ledger.contains("requests")) return "";
  std::string rows;
  const auto by_outcome = o.ledger["requests"].value("by_outcome", nlohmann::json::object());
  for (const auto& [outcome, n] : by_outcome.items()) {
    rows += fmt::format("<tr><td>{}</td><td class='n' data-outcome='{}'>{}</td></tr>", escape_html(outcome),
                        escape_html(outcome), with_commas(n.get<double>()));
  }
  const bool holds = o.ledger.value("invariant_holds", false) && o.ledger.value("nothing_lost", false);
  return fmt::format("<div class='ledger'><h3>Ledger: requests by outcome</h3><table>{}</table>"
                     "<p class='{}'>{}</p></div>",
                     rows, holds ? "ok" : "bad", escape_html(o.ledger.value("verdict", "")));
}

std::string headline(const Outcome& o, const nlohmann::json& data) {
  std::ostringstream h;
  std::size_t passed = 0;
  for (const auto& c : o.checked) passed += c.passed ? 1 : 0;
  const bool all = passed == o.checked.size();
  h << "<section id='headline'><p class='verdict " << (all ? "ok'>PASSED" : "bad'>FAILED") << ": " << passed
    << " of " << o.checked.size() << " expectations met</p><div class='tiles'>";
  h << tile(o, "requests", fmt::format("requests answered (of {} planned)", with_commas(figure(o, "planned"))), false);
  if (o.mode == "virtual") h << tile(o, "lambda_throttles", "create_metrics invocations throttled", true);
  h << tile(o, "status.4xx", "4xx answers", true) << tile(o, "status.5xx", "5xx answers", true);
  if (figure(o, "transport_errors") > 0 || o.mode != "virtual") {
    h << tile(o, "transport_errors", "transport errors", true);
  }
  if (o.mode == "virtual") {
    h << tile(o, "entries_stored", "metric entries stored", false) << tile(o, "entries_lost", "entries lost", true);
    if (figure(o, "entries_in_dlq") > 0) h << tile(o, "entries_in_dlq", "entries left in the DLQ", true);
  }
  h << tile(o, "latency_p99_ms", "p99 latency (ms, from the planned time)", false);
  h << "</div><div class='headline-row'><div class='alarms-fired'><h3>Alarms that fired</h3>"
    << fired_alarms(o, data["zone"]) << "</div>" << ledger_panel(o) << "</div></section>";
  return h.str();
}

std::string chart_block(const std::string& id, const std::string& title, const std::string& note) {
  return fmt::format("<div class='chart-block'><h3>{}</h3><p class='note'>{}</p><div class='legend' id='legend-{}'>"
                     "</div><div class='chart' id='chart-{}' data-chart='{}'></div></div>",
                     title, note, id, id, id);
}

std::string charts(const Outcome& o, const nlohmann::json& data) {
  std::ostringstream c;
  c << "<section id='charts'><h2>Per second</h2><p class='clock'>Time in UTC; hover a chart for the "
    << "time in " << escape_html(data["zone"].value("label", "UTC"))
    << " and every value. Drag to zoom (all charts follow), shift-drag to pan, double-click to reset. "
    << "<span class='key alarm'>red: an alarm in ALARM</span> <span class='key fault'>orange: a fault "
    << "window</span> <span class='key midnight'>dashed: a local midnight</span></p>"
    << "<div id='zoom' class='zoom'></div>";
  c << chart_block("requests", "Requests per second", "planned, sent, and answered 2xx");
  c << chart_block("errors", "Errors and throttles per second",
                   o.mode == "virtual" ? "4xx, 5xx and transport errors as clients saw them, and create_metrics "
                                         "invocations Lambda throttled (API Gateway answers them 500)"
                                       : "4xx, 5xx and transport errors as clients saw them");
  c << chart_block("latency", "Latency from the planned send time (ms)", "p50 and p99 of the requests planned in each second");
  if (o.lambda_limits.is_object()) {  // in-process runs (not merged ones)
    c << chart_block("concurrency", "create_metrics concurrent executions",
                     "the most in use during each second, against the account limit, the function's "
                     "reserved concurrency (when set) and the scaling limit on execution environments "
                     "(2021 regime: an initial burst, then +500 a minute)");
  }
  c << "</section>";
  return c.str();
}

std::string alarms_table(const Outcome& o) {
  if (o.alarms.empty()) return "";
  std::ostringstream t;
  t << "<section id='alarms'><h2>Alarms</h2><div class='scroll'><table><tr><th>alarm</th><th>rule</th><th>states (UTC)"
    << "</th></tr>";
  for (const bool fired : {true, false}) {
    for (const auto& [name, a] : o.alarms) {
      const bool in_alarm = std::any_of(a.states.begin(), a.states.end(), [](const auto& st) { return st.second == "ALARM"; });
      if (in_alarm != fired) continue;
      std::string states;
      for (const auto& [since, state] : a.states) {
        states += fmt::format("{}<span class='state {}'>{} {}</span>", states.empty() ? "" : ", ", escape_html(state),
                              emu::format_iso8601_seconds(since).substr(11, 8), escape_html(state));
      }
      t << "<tr" << (fired ? " class='fired'" : "") << "><td>" << escape_html(name) << "</td><td>"
        << alarm_rule(a.definition) << "</td><td>" << states << "</td></tr>";
    }
  }
  t << "</table></div></section>";
  return t.str();
}

std::string expectations(const Outcome& o) {
  std::ostringstream t;
  t << "<section id='expectations'><h2>Expectations</h2><div class='scroll'><table><tr><th>result</th>"
    << "<th>expectation</th><th>detail</th></tr>";
  for (const auto& c : o.checked) {
    // As the text summary words it: a skipped expectation was not evaluated.
    const char* result = c.skipped ? (c.passed ? "skip'>SKIPPED" : "bad'>FAIL (skipped)")
                                   : (c.passed ? "ok'>PASS" : "bad'>FAIL");
    t << "<tr><td class='" << result << "</td><td>" << escape_html(c.description)
      << "</td><td>" << escape_html(c.detail) << "</td></tr>";
  }
  t << "</table></div></section>";
  return t.str();
}

std::string latency_section(const Recorder& r) {
  std::ostringstream t;
  t << "<section id='latency'><h2>Latency percentiles</h2>"
    << chart_block("spectrum", "Latency percentile spectrum (ms)",
                   "latency from the planned time and service time from the actual send, against "
                   "the percentile on a log scale: the tail is visible");
  t << "<div class='scroll'><table><tr><th>percentile</th><th>latency (ms)</th><th>service time (ms)</th></tr>";
  for (const double p : {50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    t << fmt::format("<tr><td>{}</td><td class='n'>{:.3f}</td><td class='n'>{:.3f}</td></tr>", p,
                     static_cast<double>(r.latency().percentile(p)) / 1000.0,
                     static_cast<double>(r.service().percentile(p)) / 1000.0);
  }
  t << "</table></div></section>";
  return t.str();
}

std::string details(const Scenario& s, const Recorder& r, const Outcome& o) {
  std::ostringstream t;
  t << "<section id='figures'><h2>Figures</h2><div class='scroll'><table>";
  for (const auto& [k, v] : o.figures) {
    t << fmt::format("<tr><td>{}</td><td class='n'>{}</td></tr>", escape_html(k), with_commas(v));
  }
  t << "</table></div><h2>Summary</h2><pre id='summary'>" << escape_html(text_summary(s, r, o))
    << "</pre><details><summary>Settings (every effective knob)</summary><pre>" << escape_html(o.settings.dump(2))
    << "</pre></details></section>";
  return t.str();
}

}  // namespace

void write_report_html(const std::string& path, const Scenario& s, const Recorder& r, const Outcome& o) {
  const nlohmann::json data = report_data(s, r, o);
  std::ostringstream html;
  html << "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
       << "<meta name='viewport' content='width=device-width, initial-scale=1'><title>" << escape_html(s.name)
       << "</title><style>" << emu::web::dygraphs_css() << "\n" << kReportCss << "</style>"
       // Records script errors in the page itself, for anyone (and the browser test) to read.
       << "<script>window.reportErrors=[];window.addEventListener('error',function(e){"
       << "window.reportErrors.push(String(e.message));});</script></head><body>";
  html << "<header><h1>" << escape_html(s.name) << "</h1><p class='muted'>" << escape_html(o.mode) << " run from "
       << emu::format_iso8601_seconds(s.start) << " UTC; main local zone "
       << escape_html(data["zone"].value("label", "UTC")) << "</p></header>";
  // The headline first; the scenario's (often long) description after it.
  html << headline(o, data) << "<p class='description'>" << escape_html(s.description) << "</p>" << charts(o, data) << alarms_table(o) << expectations(o) << latency_section(r)
       << details(s, r, o);
  html << "<script type='application/json' id='report-data'>" << emu::web::json_for_script(data.dump())
       << "</script><script>" << emu::web::dygraphs_js() << "\n</script><script>" << kReportJs
       << "\n</script></body></html>\n";
  std::ofstream(path) << html.str();
}

}  // namespace loadgen
