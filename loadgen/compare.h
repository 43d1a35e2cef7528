// `loadgen compare`: an ETL output (the masked daily CSVs a run's 03:00 ETL wrote) against the
// files production published, for one day. Per file: rows on both sides, rows missing or extra,
// masked cells (`<20`) agreeing, the largest error in share within the file and the largest
// relative error of large counts; each judged against a tolerance.
//
// Scale: a run at scale s (0.05 = 1/20 of the population) is compared after dividing its counts
// by s. What s does to each check (docs/calibration.md says why):
//   shares      independent of s; computed over the rows both sides show as numbers (a cell
//               masked on either side is left out of both totals; at s = 1 it is a mask
//               mismatch anyway). At s < 1 a share p of a file whose numbers add up to n run
//               events is allowed max(tolerance, 3 sqrt(p(1-p)/n)): its sampling noise (a file
//               of 90 events cannot show 2 points); at s = 1 the tolerance alone.
//   masking     at s = 1 exact (both `<20` or both numbers). At s < 1 a run cell `<20` also
//               agrees with a published count p when p*s < 20 + 3*sqrt(20): the run could not
//               show it (three standard deviations of Poisson noise above the threshold).
//   rows        at s < 1 a published row the run lacks is excused when it is masked or p*s < 5
//               (a category the run is too small to see); at s = 1 none is.
//   counts      checked relatively when the published count >= min_count and the run's own
//               count is expected to be too (p*s >= min_count): below that Poisson noise alone
//               (1/sqrt(p*s)) exceeds a few percent.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "loadgen/daily_csv.h"

namespace loadgen {

struct CompareOptions {
  std::string date;                  // YYYY-MM-DD
  double scale = 1.0;                // the run's population / the real one
  double max_share_error_pp = 2.0;   // percentage points, within a file
  double max_relative_error = 0.05;  // for counts >= min_count
  double min_count = 1000;
  std::int64_t mask_threshold = 20;
  int max_missing_rows = 0, max_extra_rows = 0, max_mask_mismatches = 0;
};

struct FileComparison {
  std::string file;          // "active_users_pt"
  std::string out_of_scope;  // why the emulator does not produce it ("" = compared)
  bool run_has_file = false;
  std::size_t published_rows = 0, run_rows = 0, both = 0;
  std::size_t missing = 0, missing_excused = 0, extra = 0;
  std::size_t masked_cells = 0, masked_agreeing = 0;  // cells masked on either side
  std::optional<double> max_share_error;  // fraction (0.01 = 1 pp); none when no numbers
  std::string max_share_row;
  // The row whose share is furthest beyond what is allowed (0 = none is).
  double share_excess = 0, share_allowed = 0, share_excess_error = 0;
  std::string share_excess_row;
  std::optional<double> max_relative_error;
  std::string max_relative_row;
  std::size_t counts_checked = 0;
  std::vector<std::string> problems;  // why it fails; empty = passes
  bool ok() const { return problems.empty(); }
  nlohmann::json to_json() const;
};

struct Comparison {
  CompareOptions options;
  std::string run_dir, published_dir;
  std::vector<FileComparison> files;
  bool ok() const;
  nlohmann::json to_json() const;
  // The per-file table and a verdict line, for the terminal.
  std::string table() const;
  // The same as an HTML section for report.html (everything from the files escaped).
  std::string html_section() const;
};

// Puts `c`'s section into the report.html at `path` (replacing one an earlier compare put
// there), before its figures. Returns false when the file cannot be read or written.
bool add_to_report(const std::string& path, const Comparison& c);

// The directory holding a run's masked daily CSVs, given a `loadgen run --out` directory, its
// data dir, an emulator data dir, a bucket directory or the CSV directory itself.
std::string find_run_csv_dir(const std::string& out);

// Compares every published `<file>.daily-journalier.csv` in `published_dir` with the same file
// in `run_csv_dir` for options.date. Throws CompareInputError on unreadable or malformed input.
Comparison compare_published(const std::string& run_csv_dir, const std::string& published_dir,
                             const CompareOptions& options);

// Published files that do not come from phones, and why (empty when `file` does).
std::string out_of_scope_reason(const std::string& file);

}  // namespace loadgen
