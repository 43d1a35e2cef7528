// report.html: one self-contained file (inline SVG, no scripts or network) with per-second
// charts of planned/sent, answers by class, latency percentiles, Lambda concurrency, alarm
// state bands, the latency percentile spectrum, the figures and the expectations.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "loadgen/outcome.h"

namespace loadgen {

namespace {

struct Line {
  std::string name, color;
  std::vector<double> values;
};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

// Downsamples to at most `width` points (max of each bucket, so spikes stay visible).
std::vector<double> fit(const std::vector<double>& v, std::size_t width) {
  if (v.size() <= width) return v;
  std::vector<double> out(width, 0);
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto& slot = out[i * width / v.size()];
    slot = std::max(slot, v[i]);
  }
  return out;
}

std::string chart(const std::string& title, const std::string& unit, const std::vector<Line>& lines,
                  double seconds) {
  constexpr double W = 900, H = 220, L = 60, B = 30;
  double top = 0;
  std::size_t n = 0;
  std::vector<std::vector<double>> fitted;
  for (const auto& l : lines) {
    fitted.push_back(fit(l.values, 900));
    for (double v : fitted.back()) top = std::max(top, v);
    n = std::max(n, fitted.back().size());
  }
  if (top <= 0) top = 1;
  std::ostringstream svg;
  svg << "<h3>" << escape(title) << "</h3><svg width='" << W + L << "' height='" << H + B
      << "' style='background:#fafafa;border:1px solid #ddd'>";
  for (int g = 0; g <= 4; ++g) {
    const double y = H - H * g / 4.0;
    svg << fmt::format("<line x1='{}' x2='{}' y1='{}' y2='{}' stroke='#e4e4e4'/>", L, L + W, y, y)
        << fmt::format("<text x='2' y='{}' font-size='10'>{:.4g}{}</text>", y + 3, top * g / 4.0, unit);
  }
  svg << fmt::format("<text x='{}' y='{}' font-size='10'>0 s</text><text x='{}' y='{}' font-size='10'>{:.0f} s</text>",
                     L, H + 15, L + W - 40, H + 15, seconds);
  int legend = 0;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const auto& v = fitted[k];
    if (v.empty()) continue;
    std::string points;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double x = L + (n > 1 ? W * static_cast<double>(i) / static_cast<double>(n - 1) : 0);
      points += fmt::format("{:.1f},{:.1f} ", x, H - H * v[i] / top);
    }
    svg << "<polyline fill='none' stroke-width='1.5' stroke='" << lines[k].color << "' points='" << points << "'/>";
    svg << fmt::format("<text x='{}' y='{}' font-size='11' fill='{}'>{}</text>", L + 10 + legend * 120,
                       H + 27, lines[k].color, escape(lines[k].name));
    ++legend;
  }
  svg << "</svg>";
  return svg.str();
}

std::string alarm_bands(const Outcome& o, Micros start, Micros end) {
  std::ostringstream out;
  out << "<h3>Alarm states</h3><svg width='960' height='" << 22 * std::max<std::size_t>(1, o.alarms.size()) + 10
      << "'>";
  int row = 0;
  const double span = static_cast<double>(std::max<Micros>(1, end - start));
  for (const auto& [name, t] : o.alarms) {
    const double y = 5 + 22 * row++;
    for (std::size_t i = 0; i < t.states.size(); ++i) {
      const Micros from = std::max(start, t.states[i].first);
      const Micros to = i + 1 < t.states.size() ? t.states[i + 1].first : end;
      if (to <= from) continue;
      const std::string& s = t.states[i].second;
      const char* color = s == "ALARM" ? "#d62728" : s == "OK" ? "#2ca02c" : "#bbbbbb";
      out << fmt::format("<rect x='{:.1f}' y='{}' width='{:.1f}' height='16' fill='{}'><title>{} {}</title></rect>",
                         360 + 600 * static_cast<double>(from - start) / span, y,
                         std::max(1.0, 600 * static_cast<double>(to - from) / span), color, s,
                         emu::format_iso8601_seconds(from));
    }
    out << fmt::format("<text x='0' y='{}' font-size='11'>{}</text>", y + 12, escape(name));
  }
  out << "</svg><p style='font-size:12px'>green OK, red ALARM, grey INSUFFICIENT_DATA</p>";
  return out.str();
}

// Latency against percentile on the usual log scale of 1 / (1 - p): the tail is visible.
std::string spectrum(const Recorder& r) {
  constexpr double W = 900, H = 220, L = 60, B = 30;
  const double top = std::max<double>(1, static_cast<double>(r.latency().max()) / 1000.0);
  const double x_max = 5;  // up to 99.999 %
  std::ostringstream svg;
  svg << "<h3>Latency percentile spectrum (from the planned time)</h3><svg width='" << W + L
      << "' height='" << H + B << "' style='background:#fafafa;border:1px solid #ddd'>";
  for (int g = 0; g <= 4; ++g) {
    const double y = H - H * g / 4.0;
    svg << fmt::format("<line x1='{}' x2='{}' y1='{}' y2='{}' stroke='#e4e4e4'/>", L, L + W, y, y)
        << fmt::format("<text x='2' y='{}' font-size='10'>{:.4g} ms</text>", y + 3, top * g / 4.0);
  }
  const char* labels[] = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
  for (int d = 0; d <= 5; ++d) {
    svg << fmt::format("<text x='{}' y='{}' font-size='10'>{}</text>", L + W * d / x_max - 10, H + 15, labels[d]);
  }
  for (const auto& [name, color, h] : {std::tuple{"latency", "#d62728", &r.latency()},
                                       std::tuple{"service time", "#1f77b4", &r.service()}}) {
    std::string points;
    for (int i = 0; i <= 500; ++i) {
      const double x = x_max * i / 500.0;
      const double p = 100.0 * (1.0 - std::pow(10.0, -x));
      const double v = static_cast<double>(h->percentile(p)) / 1000.0;
      points += fmt::format("{:.1f},{:.1f} ", L + W * x / x_max, H - H * std::min(v, top) / top);
    }
    svg << "<polyline fill='none' stroke-width='1.5' stroke='" << color << "' points='" << points
        << "'/>" << fmt::format("<text x='{}' y='{}' font-size='11' fill='{}'>{}</text>",
                                L + 10 + (std::string(name) == "latency" ? 0 : 120), H + 27, color, name);
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace

void write_report_html(const std::string& path, const Scenario& s, const Recorder& r, const Outcome& o) {
  std::vector<double> planned, sent, ok, c4, c5, err, p50, p99, conc;
  for (const auto& sec : r.seconds()) {
    planned.push_back(static_cast<double>(sec.planned));
    sent.push_back(static_cast<double>(sec.sent));
    ok.push_back(static_cast<double>(sec.ok2xx));
    c4.push_back(static_cast<double>(sec.c4xx));
    c5.push_back(static_cast<double>(sec.c5xx));
    err.push_back(static_cast<double>(sec.errors));
    p50.push_back(static_cast<double>(sec.p50_us) / 1000.0);
    p99.push_back(static_cast<double>(sec.p99_us) / 1000.0);
    conc.push_back(sec.lambda_concurrency);
  }
  const double secs = static_cast<double>(r.seconds().size());
  std::ostringstream html;
  html << "<!doctype html><html><head><meta charset='utf-8'><title>" << escape(s.name)
       << "</title><style>body{font-family:sans-serif;margin:20px;max-width:1000px}"
          "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}"
          ".pass{color:#2ca02c}.fail{color:#d62728;font-weight:bold}</style></head><body>";
  html << "<h1>" << escape(s.name) << "</h1><p>" << escape(s.description) << "</p>";
  html << "<pre>" << escape(text_summary(s, r, o)) << "</pre>";
  html << "<h2>Expectations</h2><table><tr><th>result</th><th>expectation</th><th>detail</th></tr>";
  for (const auto& c : o.checked) {
    html << "<tr><td class='" << (c.passed ? "pass'>PASS" : "fail'>FAIL") << "</td><td>"
         << escape(c.description) << "</td><td>" << escape(c.detail) << "</td></tr>";
  }
  html << "</table><h2>Per second (x axis: seconds since " << emu::format_iso8601_seconds(s.start) << ")</h2>";
  html << chart("Planned and sent requests per second", "", {{"planned", "#1f77b4", planned}, {"sent", "#ff7f0e", sent}}, secs);
  html << chart("Answers per second by class", "", {{"2xx", "#2ca02c", ok}, {"4xx", "#9467bd", c4},
                                                    {"5xx", "#d62728", c5}, {"transport errors", "#7f7f7f", err}}, secs);
  html << chart("Latency from the planned send time", " ms", {{"p50", "#1f77b4", p50}, {"p99", "#d62728", p99}}, secs);
  if (o.mode == "virtual") {
    html << chart("create_metrics concurrent executions (max per second)", "", {{"concurrency", "#8c564b", conc}}, secs);
    html << alarm_bands(o, s.start, s.start + s.duration + s.drain);
  }
  html << spectrum(r);
  html << "<h2>Latency percentiles</h2><table><tr><th>percentile</th><th>latency (ms)</th><th>service time (ms)</th></tr>";
  for (const double p : {50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    html << fmt::format("<tr><td>{}</td><td>{:.3f}</td><td>{:.3f}</td></tr>", p,
                        static_cast<double>(r.latency().percentile(p)) / 1000.0,
                        static_cast<double>(r.service().percentile(p)) / 1000.0);
  }
  html << "</table><h2>Figures</h2><table>";
  for (const auto& [k, v] : o.figures) html << fmt::format("<tr><td>{}</td><td>{}</td></tr>", escape(k), v);
  html << "</table><h2>Settings</h2><pre>" << escape(o.settings.dump(2)) << "</pre></body></html>\n";
  std::ofstream(path) << html.str();
}

}  // namespace loadgen
