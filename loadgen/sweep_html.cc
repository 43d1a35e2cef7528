// sweep.html: one self-contained page from sweep.json. Every text that comes from the scenario
// or the flags (names, values, expectation details) is HTML-escaped.
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "emulator/dashboard/web_assets.h"
#include "loadgen/sweep.h"

namespace loadgen {

namespace {

using nlohmann::json;

std::string esc(const std::string& s) { return emu::web::escape_html(s); }

std::string figure_text(const json& row, const std::string& name) {
  if (!row.contains("figures") || !row["figures"].contains(name)) return "";
  return fmt::format("{:g}", row["figures"][name].get<double>());
}

std::string verdict_cell(const json& row) {
  if (row.contains("error")) return "<td class='fail'>" + esc(row["error"].get<std::string>()) + "</td>";
  return row.value("passed", false) ? "<td class='pass'>met</td>" : "<td class='fail'>failed</td>";
}

// "04:01:00" from "2021-06-27T04:01:00.000Z" (the date is the scenario's).
std::string clock_time(const std::string& iso) {
  const auto t = iso.find('T');
  return t == std::string::npos ? iso : iso.substr(t + 1, 8);
}

void write_table(std::ostream& html, const json& sweep) {
  const json& rows = sweep["rows"];
  html << "<table><tr><th>#</th>";
  for (const auto& k : sweep["keys"]) html << "<th>" << esc(k["key"].get<std::string>()) << "</th>";
  html << "<th>verdict</th><th>requests</th><th>Lambda throttles</th><th>4xx</th><th>5xx</th>"
          "<th>entries lost</th><th>alarms fired (UTC)</th><th>false alarms</th>";
  for (std::size_t i = 0; i < sweep["expectations"].size(); ++i) {
    const json& e = sweep["expectations"][i];
    const std::string what = e.value("description", e.value("figure", e.value("alarm", e.value("ledger", ""))));
    html << "<th title='" << esc(what) << "'>E" << i + 1 << "</th>";
  }
  html << "<th>report</th></tr>\n";
  for (const auto& row : rows) {
    html << "<tr><td>" << row["index"].get<std::size_t>() + 1 << "</td>";
    for (const auto& k : sweep["keys"]) {
      html << "<td>" << esc(row["values"][k["key"].get<std::string>()].get<std::string>()) << "</td>";
    }
    html << verdict_cell(row);
    for (const char* f : {"requests", "lambda_throttles", "status.4xx", "status.5xx", "entries_lost"}) {
      html << "<td class='n'>" << figure_text(row, f) << "</td>";
    }
    html << "<td>";
    for (const auto& a : row.value("alarms_fired", json::array())) {
      std::string at;
      for (const auto& t : a["at"]) at += (at.empty() ? "" : ", ") + clock_time(t.get<std::string>());
      html << esc(a["alarm"].get<std::string>()) << " @ " << esc(at) << "<br>";
    }
    html << "</td><td>";
    for (const auto& a : row.value("false_alarms", json::array())) html << esc(a.get<std::string>()) << "<br>";
    html << "</td>";
    const json& verdicts = row.value("expectations", json::array());
    for (std::size_t i = 0; i < sweep["expectations"].size(); ++i) {
      if (i >= verdicts.size()) {
        html << "<td></td>";
        continue;
      }
      const bool ok = verdicts[i].value("passed", false);
      html << "<td class='" << (ok ? "pass" : "fail") << "' title='"
           << esc(verdicts[i].value("description", "") + ": " + verdicts[i].value("detail", "")) << "'>"
           << (ok ? "pass" : "FAIL") << "</td>";
    }
    html << "<td><a href='" << esc(row["report"].get<std::string>()) << "'>report</a></td></tr>\n";
  }
  html << "</table>\n";
}

// One heatmap of the first two keys for each combination of the other keys' values.
void write_heatmaps(std::ostream& html, const json& sweep) {
  const json& keys = sweep["keys"];
  if (keys.size() < 2) return;
  const std::string figure = sweep.value("heatmap_figure", "lambda_throttles");
  double max = 0;
  for (const auto& row : sweep["rows"]) {
    if (row.contains("figures") && row["figures"].contains(figure)) max = std::max(max, row["figures"][figure].get<double>());
  }
  const std::string k0 = keys[0]["key"], k1 = keys[1]["key"];
  std::map<std::string, std::map<std::pair<std::string, std::string>, const json*>> panels;
  for (const auto& row : sweep["rows"]) {
    std::string rest;
    for (std::size_t i = 2; i < keys.size(); ++i) {
      const std::string k = keys[i]["key"];
      rest += (rest.empty() ? "" : ", ") + k + "=" + row["values"][k].get<std::string>();
    }
    panels[rest][{row["values"][k0].get<std::string>(), row["values"][k1].get<std::string>()}] = &row;
  }
  html << "<h2>Heatmap: " << esc(figure) << "</h2><p>Colour: " << esc(figure)
       << " (white 0, red the sweep's maximum, " << max << "); a cell links to the point's report; "
       << "&#10003; meets every expectation, &#10007; does not.</p>\n";
  for (const auto& [rest, cells] : panels) {
    if (!rest.empty()) html << "<h3>" << esc(rest) << "</h3>";
    html << "<table class='heat'><tr><th>" << esc(k0) << " \\ " << esc(k1) << "</th>";
    for (const auto& v1 : keys[1]["values"]) html << "<th>" << esc(v1.get<std::string>()) << "</th>";
    html << "</tr>\n";
    for (const auto& v0 : keys[0]["values"]) {
      html << "<tr><th>" << esc(v0.get<std::string>()) << "</th>";
      for (const auto& v1 : keys[1]["values"]) {
        const auto it = cells.find({v0.get<std::string>(), v1.get<std::string>()});
        if (it == cells.end()) {
          html << "<td></td>";
          continue;
        }
        const json& row = *it->second;
        const std::string text = figure_text(row, figure);
        const double v = text.empty() ? 0 : row["figures"][figure].get<double>();
        const int shade = max > 0 ? static_cast<int>(255 - 200 * v / max) : 255;
        html << fmt::format("<td style='background:rgb(255,{},{})'><a href='{}'>{} {}</a></td>", shade, shade,
                            esc(row["report"].get<std::string>()), text.empty() ? "?" : text,
                            row.value("passed", false) ? "&#10003;" : "&#10007;");
      }
      html << "</tr>\n";
    }
    html << "</table>\n";
  }
}

}  // namespace

void write_sweep_html(const std::string& path, const json& sweep) {
  std::ostringstream html;
  const std::string name = sweep.value("scenario", "");
  html << "<!doctype html><html><head><meta charset='utf-8'><title>sweep: " << esc(name) << "</title>"
       << "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin:.5em 0}"
          "td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}td.n{text-align:right}"
          ".pass{background:#dfd}.fail{background:#fdd}table.heat td{text-align:center;min-width:4em}"
          "</style></head><body>";
  html << "<h1>Sweep of " << esc(name) << "</h1>";
  html << fmt::format("<p>{} of {} points meet every expectation; rule: {}: <b>{}</b>. Seed {} at every point.</p>",
                      sweep.value("points_passed", 0), sweep.value("points", 0),
                      esc(sweep.value("rule", "")), sweep.value("passed", false) ? "PASS" : "FAIL",
                      sweep["seed"].dump());
  html << "<h2>Expectations</h2><ol>";
  for (const auto& e : sweep["expectations"]) {
    html << "<li>" << esc(e.value("description", "")) << " <code>" << esc(e.dump()) << "</code></li>";
  }
  html << "</ol>";
  write_heatmaps(html, sweep);
  html << "<h2>Every point</h2>";
  write_table(html, sweep);
  html << "<p>A false alarm is an alarm that fired in a point whose figure and ledger expectations "
          "all held, when no expectation asks for that alarm.</p></body></html>\n";
  std::ofstream(path) << html.str();
}

}  // namespace loadgen
