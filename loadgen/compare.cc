#include "loadgen/compare.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "emulator/dashboard/web_assets.h"

namespace loadgen {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSuffix = kDailySuffix;

// Whether the masking of a cell agrees (see compare.h).
bool mask_agrees(const Cell& published, const Cell& run, const CompareOptions& o) {
  if (published.masked) return run.masked;
  if (!run.masked) return true;
  const double threshold = static_cast<double>(o.mask_threshold);
  return o.scale < 1 &&
         static_cast<double>(published.value) * o.scale < threshold + 3 * std::sqrt(threshold);
}

void compare_rows(const DayTable& published, const DayTable& run, const CompareOptions& o,
                  FileComparison& f) {
  double published_total = 0, run_total = 0;
  for (const auto& [key, p] : published.rows) {
    const auto it = run.rows.find(key);
    if (it == run.rows.end()) {
      const bool excused = o.scale < 1 && (p.masked || static_cast<double>(p.value) * o.scale < 5);
      ++(excused ? f.missing_excused : f.missing);
      continue;
    }
    ++f.both;
    const Cell& r = it->second;
    if (p.masked || r.masked) {
      ++f.masked_cells;
      f.masked_agreeing += mask_agrees(p, r, o) ? 1 : 0;
      continue;
    }
    published_total += static_cast<double>(p.value);
    run_total += static_cast<double>(r.value);
  }
  for (const auto& [key, r] : run.rows) f.extra += published.rows.count(key) ? 0 : 1;
  for (const auto& [key, p] : published.rows) {
    const auto it = run.rows.find(key);
    if (it == run.rows.end() || p.masked || it->second.masked) continue;
    const double pv = static_cast<double>(p.value), rv = static_cast<double>(it->second.value);
    if (published_total > 0 && run_total > 0) {
      const double share = pv / published_total, error = std::abs(rv / run_total - share);
      // At reduced scale a share of n run events carries sampling noise sqrt(p(1-p)/n).
      const double allowed =
          std::max(o.max_share_error_pp / 100,
                   o.scale < 1 ? 3 * std::sqrt(share * (1 - share) / run_total) : 0.0);
      if (!f.max_share_error || error > *f.max_share_error) {
        f.max_share_error = error;
        f.max_share_row = key.empty() ? "(total)" : key;
      }
      if (error - allowed > f.share_excess) {
        f.share_excess = error - allowed;
        f.share_excess_row = key;
        f.share_allowed = allowed;
        f.share_excess_error = error;
      }
    }
    if (pv >= o.min_count && pv * o.scale >= o.min_count) {
      ++f.counts_checked;
      const double error = std::abs(rv / o.scale - pv) / pv;
      if (!f.max_relative_error || error > *f.max_relative_error) {
        f.max_relative_error = error;
        f.max_relative_row = key.empty() ? "(total)" : key;
      }
    }
  }
}

void judge(FileComparison& f, const CompareOptions& o) {
  if (f.missing > static_cast<std::size_t>(o.max_missing_rows)) {
    f.problems.push_back(fmt::format("{} published rows missing from the run", f.missing));
  }
  if (f.extra > static_cast<std::size_t>(o.max_extra_rows)) {
    f.problems.push_back(fmt::format("{} rows the published file does not have", f.extra));
  }
  const std::size_t mismatches = f.masked_cells - f.masked_agreeing;
  if (mismatches > static_cast<std::size_t>(o.max_mask_mismatches)) {
    f.problems.push_back(fmt::format("{} cells masked on one side only", mismatches));
  }
  if (f.share_excess > 1e-11) {
    f.problems.push_back(fmt::format("share of {} off by {:.2f} pp (allowed {:.2f})",
                                     f.share_excess_row.empty() ? "(total)" : f.share_excess_row,
                                     f.share_excess_error * 100, f.share_allowed * 100));
  }
  if (f.max_relative_error && *f.max_relative_error > o.max_relative_error + 1e-12) {
    f.problems.push_back(fmt::format("count of {} off by {:.1f} %", f.max_relative_row,
                                     *f.max_relative_error * 100));
  }
}

FileComparison compare_file(const std::string& name, const fs::path& published_path,
                            const fs::path& run_dir, const CompareOptions& o) {
  FileComparison f;
  f.file = name;
  const DayTable published = read_day(published_path, o.date);
  f.published_rows = published.rows.size();
  const fs::path run_path = run_dir / (name + kSuffix);
  f.run_has_file = fs::exists(run_path);
  if (!f.run_has_file) {
    f.out_of_scope = out_of_scope_reason(name);
    if (f.out_of_scope.empty()) f.problems.push_back("the run has no such file");
    return f;
  }
  const DayTable run = read_day(run_path, o.date);
  f.run_rows = run.rows.size();
  if (run.header != published.header) {
    f.problems.push_back("columns differ from the published file's");
    return f;
  }
  compare_rows(published, run, o, f);
  judge(f, o);
  return f;
}

}  // namespace

std::string out_of_scope_reason(const std::string& file) {
  static const std::set<std::string> appstore = {"downloads", "downloads_os",
                                                 "cumulative_downloads", "cumulative_downloads_os"};
  static const std::set<std::string> server = {"server_otk_generated", "server_otk_generated_pt",
                                               "server_otk_claimed", "server_otk_claimed_pt"};
  if (appstore.count(file)) {
    return "app-store ETL (masked_appstore_metrics): store download counts, not phones' metrics";
  }
  if (server.count(file)) {
    return "server ETL (masked_server_metrics): the key server's /events, not phones' metrics";
  }
  return "";
}

std::string find_run_csv_dir(const std::string& out) {
  const fs::path root(out);
  if (!fs::is_directory(root)) throw CompareInputError(out + ": not a directory");
  std::vector<fs::path> candidates = {root, root / "csv" / "daily-journalier"};
  std::vector<std::string> buckets = {"masked-metrics-tdvfd-production"};
  // A run's summary names the masked bucket its emulator config used.
  std::ifstream summary(root / "summary.json");
  const auto j = nlohmann::json::parse(summary, nullptr, false);
  const auto pointer =
      nlohmann::json::json_pointer("/settings/effective_emulator_config/s3/masked_bucket");
  if (!j.is_discarded() && j.contains(pointer) && j[pointer].is_string()) {
    buckets.insert(buckets.begin(), j[pointer].get<std::string>());
  }
  for (const auto& bucket : buckets) {
    candidates.push_back(root / "data" / "s3" / bucket / "csv" / "daily-journalier");
    candidates.push_back(root / "s3" / bucket / "csv" / "daily-journalier");
  }
  for (const auto& dir : candidates) {
    if (fs::exists(dir / (std::string("active_users") + kSuffix))) return dir.string();
  }
  throw CompareInputError(out + ": no active_users" + kSuffix +
                          " found in it, its csv/daily-journalier/ or data/s3/<masked bucket>/csv/"
                          "daily-journalier/ (has the run's 03:00 ETL run?)");
}

Comparison compare_published(const std::string& run_csv_dir, const std::string& published_dir,
                             const CompareOptions& o) {
  if (!fs::is_directory(published_dir))
    throw CompareInputError(published_dir + ": not a directory");
  std::vector<fs::path> published;
  for (const auto& entry : fs::directory_iterator(published_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > std::string(kSuffix).size() && name.ends_with(kSuffix))
      published.push_back(entry.path());
  }
  std::sort(published.begin(), published.end());
  if (published.empty()) throw CompareInputError(published_dir + ": no *" + kSuffix + " files");
  Comparison c;
  c.options = o;
  c.run_dir = run_csv_dir;
  c.published_dir = published_dir;
  std::size_t published_rows = 0;
  for (const auto& path : published) {
    const std::string file = path.filename().string();
    c.files.push_back(compare_file(file.substr(0, file.size() - std::string(kSuffix).size()), path,
                                   run_csv_dir, o));
    published_rows += c.files.back().published_rows;
  }
  if (published_rows == 0)
    throw CompareInputError(published_dir + ": no published rows for " + o.date);
  return c;
}

bool Comparison::ok() const {
  return std::all_of(files.begin(), files.end(), [](const FileComparison& f) { return f.ok(); });
}

nlohmann::json FileComparison::to_json() const {
  nlohmann::json j = {{"file", file},
                      {"compared", out_of_scope.empty() && run_has_file},
                      {"published_rows", published_rows},
                      {"run_rows", run_rows},
                      {"rows_both", both},
                      {"rows_missing", missing},
                      {"rows_missing_excused", missing_excused},
                      {"rows_extra", extra},
                      {"masked_cells", masked_cells},
                      {"masked_agreeing", masked_agreeing},
                      {"counts_checked", counts_checked},
                      {"ok", ok()},
                      {"problems", problems}};
  if (!out_of_scope.empty()) j["out_of_scope"] = out_of_scope;
  j["max_share_error_pp"] =
      max_share_error ? nlohmann::json(*max_share_error * 100) : nlohmann::json(nullptr);
  j["max_share_row"] = max_share_row;
  if (share_excess > 0) {
    j["share_beyond_allowed"] = {{"row", share_excess_row},
                                 {"error_pp", share_excess_error * 100},
                                 {"allowed_pp", share_allowed * 100}};
  }
  j["max_relative_error"] =
      max_relative_error ? nlohmann::json(*max_relative_error) : nlohmann::json(nullptr);
  j["max_relative_row"] = max_relative_row;
  return j;
}

nlohmann::json Comparison::to_json() const {
  nlohmann::json j = {{"date", options.date},
                      {"scale", options.scale},
                      {"run_dir", run_dir},
                      {"published_dir", published_dir},
                      {"tolerances",
                       {{"max_share_error_pp", options.max_share_error_pp},
                        {"max_relative_error", options.max_relative_error},
                        {"min_count", options.min_count},
                        {"mask_threshold", options.mask_threshold},
                        {"max_missing_rows", options.max_missing_rows},
                        {"max_extra_rows", options.max_extra_rows},
                        {"max_mask_mismatches", options.max_mask_mismatches}}},
                      {"ok", ok()},
                      {"files", nlohmann::json::array()}};
  for (const auto& f : files) j["files"].push_back(f.to_json());
  return j;
}

std::string Comparison::table() const {
  std::string out = fmt::format("compare {} (scale {}) with {} for {}\n", run_dir, options.scale,
                                published_dir, options.date);
  out += fmt::format("{:<50} {:>6} {:>6} {:>6} {:>5} {:>5} {:>9} {:>9} {:>9}  {}\n", "file", "pub",
                     "run", "both", "miss", "extra", "masked=", "share pp", "rel err", "verdict");
  std::size_t passed = 0, compared = 0;
  for (const auto& f : files) {
    if (!f.out_of_scope.empty() && !f.run_has_file) {
      out +=
          fmt::format("{:<50} {:>6} {:>6} {:>6} {:>5} {:>5} {:>9} {:>9} {:>9}  out of scope: {}\n",
                      f.file, f.published_rows, "-", "-", "-", "-", "-", "-", "-", f.out_of_scope);
      continue;
    }
    ++compared;
    passed += f.ok() ? 1 : 0;
    const std::string missing = f.missing_excused > 0
                                    ? fmt::format("{}+{}", f.missing, f.missing_excused)
                                    : fmt::format("{}", f.missing);
    out += fmt::format(
        "{:<50} {:>6} {:>6} {:>6} {:>5} {:>5} {:>9} {:>9} {:>9}  {}\n", f.file, f.published_rows,
        f.run_rows, f.both, missing, f.extra,
        fmt::format("{}/{}", f.masked_agreeing, f.masked_cells),
        f.max_share_error ? fmt::format("{:.2f}", *f.max_share_error * 100) : "-",
        f.max_relative_error ? fmt::format("{:.1f}%", *f.max_relative_error * 100) : "-",
        f.ok() ? "ok" : "FAIL: " + fmt::format("{}", fmt::join(f.problems, "; ")));
  }
  out += fmt::format(
      "{}: {}/{} files within tolerance (share <= {} pp{}, counts >= {} within {} %, missing <= "
      "{}, "
      "extra <= {}, mask mismatches <= {}); miss = missing[+excused at this scale]\n",
      ok() ? "PASS" : "FAIL", passed, compared, options.max_share_error_pp,
      options.scale < 1 ? " or 3 standard errors" : "", options.min_count,
      options.max_relative_error * 100, options.max_missing_rows, options.max_extra_rows,
      options.max_mask_mismatches);
  return out;
}

namespace {
constexpr std::string_view kBegin = "<!-- loadgen compare -->", kEnd = "<!-- /loadgen compare -->";
}  // namespace

std::string Comparison::html_section() const {
  using emu::web::escape_html;
  std::string out = fmt::format(
      "{}<section id='calibration'><h2>Compared with the published files ({}, scale {})</h2><p "
      "class='{}'>{}</p>"
      "<div class='scroll'><table><tr><th>file</th><th>published rows</th><th>run "
      "rows</th><th>both</th>"
      "<th>missing (+excused)</th><th>extra</th><th>masked agreeing</th><th>max share error "
      "(pp)</th>"
      "<th>max relative error</th><th>verdict</th></tr>",
      kBegin, escape_html(options.date), options.scale, ok() ? "ok" : "bad",
      escape_html(table().substr(table().rfind('\n', table().size() - 2) + 1)));
  for (const auto& f : files) {
    const bool skipped = !f.out_of_scope.empty() && !f.run_has_file;
    out += fmt::format(
        "<tr><td>{}</td><td class='n'>{}</td><td class='n'>{}</td><td class='n'>{}</td><td "
        "class='n'>{}+{}</td>"
        "<td class='n'>{}</td><td class='n'>{}/{}</td><td class='n'>{}</td><td "
        "class='n'>{}</td><td class='{}'>{}</td></tr>",
        escape_html(f.file), f.published_rows, f.run_rows, f.both, f.missing, f.missing_excused,
        f.extra, f.masked_agreeing, f.masked_cells,
        f.max_share_error ? fmt::format("{:.2f}", *f.max_share_error * 100) : "-",
        f.max_relative_error ? fmt::format("{:.1f} %", *f.max_relative_error * 100) : "-",
        skipped  ? "skip"
        : f.ok() ? "ok"
                 : "bad",
        escape_html(skipped  ? "out of scope: " + f.out_of_scope
                    : f.ok() ? "ok"
                             : fmt::format("{}", fmt::join(f.problems, "; "))));
  }
  return out + "</table></div></section>" + std::string(kEnd);
}

bool add_to_report(const std::string& path, const Comparison& c) {
  std::ifstream in(path);
  if (!in) return false;
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto begin = html.find(kBegin), end = html.find(kEnd);
  if (begin != std::string::npos && end != std::string::npos && end > begin) {
    html.erase(begin, end + kEnd.size() - begin);
  }
  auto at = html.find("<section id='figures'>");
  if (at == std::string::npos) at = html.find("</body>");
  if (at == std::string::npos) return false;
  html.insert(at, c.html_section());
  std::ofstream out(path);
  out << html;
  return static_cast<bool>(out);
}

}  // namespace loadgen
