// One day's rows of a published (or ETL-written) daily CSV: `date,<categories...>,count-nombre`,
// counts as numbers or masked (`<20`). Shared by `loadgen compare` and `loadgen calibrate`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace loadgen {

// Bad input (a missing directory, an unreadable or malformed CSV): exit 2, naming the file.
class CompareInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr const char* kDailySuffix = ".daily-journalier.csv";

struct Cell {
  bool masked = false;
  std::int64_t value = 0;  // 0 when masked
};

// The category columns of a row, joined by "," ("" for a file without categories).
struct DayTable {
  std::vector<std::string> header;
  std::map<std::string, Cell> rows;
};

// The rows of `date` (YYYY-MM-DD) in the CSV at `path`; throws CompareInputError naming the file
// and line when it is unreadable or malformed.
DayTable read_day(const std::filesystem::path& path, const std::string& date);

std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace loadgen
