#include "emulator/etl/csv_writer.h"

#include <algorithm>
#include <map>

#include "emulator/core/time.h"

namespace emu::etl {

const char* period_dir(Period period) {
  switch (period) {
    case Period::kDaily: return "daily-journalier";
    case Period::kWeekly: return "weekly-hebdomadaire";
    case Period::kMonthly: return "monthly-mensuel";
  }
  return "";
}

std::int64_t period_end(std::int64_t day, Period period) {
  if (period == Period::kDaily) return day;
  if (period == Period::kWeekly) return day + (7 - weekday_from_days(day)) % 7;
  const CivilDate d = civil_from_days(day);
  const CivilDate next = d.month == 12 ? CivilDate{d.year + 1, 1, 1} : CivilDate{d.year, d.month + 1, 1};
  return days_from_civil(next) - 1;
}

namespace {

// A group of daily values that becomes one output row: (period end, cell, version).
struct Group {
  std::int64_t sum = 0;
  std::int64_t days = 0;
};
struct GroupKey {
  std::int64_t end;
  std::size_t cell;
  int version;  // -1 when the file has no version column
};

std::string header(const FileSpec& spec) {
  std::string h = "date";
  for (Dim d : spec.dims) h += std::string(",") + header_of(d);
  return h + ",count-nombre\n";
}

// The category texts of `cell` (mixed radix over the fixed dimensions, in column order).
std::vector<const std::string*> cell_levels(const FileSpec& spec, std::size_t cell) {
  std::vector<const std::string*> out;
  for (auto it = spec.dims.rbegin(); it != spec.dims.rend(); ++it) {
    if (*it == Dim::kAppVersion) continue;
    const auto& levels = levels_of(*it);
    out.push_back(&levels[cell % levels.size()]);
    cell /= levels.size();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

void append_row(std::string& csv, std::int64_t day, const std::vector<const std::string*>& cats,
                const std::string* version, std::int64_t value, const RenderOptions& options) {
  csv += format_date(civil_from_days(day));
  for (const auto* c : cats) {
    csv.push_back(',');
    csv += *c;
  }
  if (version != nullptr) {
    csv.push_back(',');
    csv += *version;
  }
  csv.push_back(',');
  csv += options.mask && value < options.mask_threshold ? "<20" : std::to_string(value);
  csv.push_back('\n');
}

}  // namespace

Rendered render(const Accumulator& acc, const Accumulator::FileCounts& file, Period period,
                const RenderOptions& options) {
  Rendered out;
  out.csv = header(*file.spec);
  if (file.first_seen == INT64_MAX) return out;  // no data yet: header only (ASSUMPTION)
  const std::int64_t first = file.first_seen, last = acc.last_day();
  const bool sparse = file.versioned;
  // Group the daily rows by output row. Dense files have a row for every day and cell.
  std::map<std::tuple<std::int64_t, std::size_t, std::string_view>, std::pair<GroupKey, Group>>
      groups;
  auto add = [&](std::int64_t day, std::size_t cell, int version, std::int64_t value) {
    const std::int64_t end = period_end(day, period);
    if (end > last) return;  // incomplete period
    const std::string_view vtext = version < 0 ? std::string_view{} : acc.versions()[version];
    // Order: date, fixed categories, then version by its numeric parts.
    auto& slot = groups[{end, cell, vtext}];
    slot.first = GroupKey{end, cell, version};
    slot.second.sum += value;
    slot.second.days += 1;
  };
  if (!sparse) {
    for (std::int64_t day = first; day <= last; ++day) {
      const std::size_t base = static_cast<std::size_t>(day - acc.first_day()) * file.cells;
      for (std::size_t cell = 0; cell < file.cells; ++cell) {
        const std::size_t slot = base + cell;  // days after the last with data count 0
        add(day, cell, -1, slot < file.dense.size() ? file.dense[slot] : 0);
      }
    }
  } else {
    // App-version files list only the (categories, version) pairs seen that day.
    for (std::size_t v = 0; v < file.by_version.size(); ++v) {
      const auto& counts = file.by_version[v];
      for (std::size_t slot = 0; slot < counts.size(); ++slot) {
        if (counts[slot] == 0) continue;
        add(acc.first_day() + static_cast<std::int64_t>(slot / file.cells), slot % file.cells,
            static_cast<int>(v), counts[slot]);
      }
    }
  }
  std::vector<std::pair<GroupKey, Group>> rows;
  rows.reserve(groups.size());
  for (auto& [k, v] : groups) rows.push_back(v);
  if (sparse) {
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
      if (a.first.end != b.first.end) return a.first.end < b.first.end;
      if (a.first.cell != b.first.cell) return a.first.cell < b.first.cell;
      return version_less(acc.versions()[a.first.version], acc.versions()[b.first.version]);
    });
  }
  const bool average = file.spec->aggregation == Aggregation::kAverage && period != Period::kDaily;
  for (const auto& [key, group] : rows) {
    const std::int64_t value = average ? group.sum / group.days : group.sum;
    append_row(out.csv, key.end, cell_levels(*file.spec, key.cell),
               key.version < 0 ? nullptr : &acc.versions()[key.version], value, options);
    ++out.rows;
  }
  return out;
}

}  // namespace emu::etl
