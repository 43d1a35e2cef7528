// Renders one file's counts as the published CSVs: `date,<dimension columns>,count-nombre`,
// LF line endings, dates YYYY-MM-DD (UTC), one file per period directory:
//   daily-journalier     every day from the file's first day with data to the last day
//   weekly-hebdomadaire  weeks ending Sunday, dated by that Sunday
//   monthly-mensuel      months, dated by their last day
// Only complete weeks and months (ending on or before the last day) are published; a first
// period that starts before the data does is published with the days it has. Weekly and monthly
// values are the sum of the daily rows, or for averaged files their mean truncated to an
// integer (the mean over the rows present, as the published files show for app versions).
// Masked output writes any value below the threshold as `<20`.
#pragma once

#include <string>

#include "emulator/etl/accumulator.h"

namespace emu::etl {

enum class Period { kDaily, kWeekly, kMonthly };

const char* period_dir(Period period);

struct RenderOptions {
  bool mask = true;
  std::int64_t mask_threshold = 20;
};

struct Rendered {
  std::string csv;
  std::size_t rows = 0;
};

Rendered render(const Accumulator& acc, const Accumulator::FileCounts& file, Period period,
                const RenderOptions& options);

// The last day (days since epoch) of the week (ending Sunday) or month containing `day`.
std::int64_t period_end(std::int64_t day, Period period);

}  // namespace emu::etl
