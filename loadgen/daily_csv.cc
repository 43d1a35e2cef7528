#include "loadgen/daily_csv.h"

#include <fstream>

namespace loadgen {

namespace {

Cell parse_cell(const std::string& text, const std::string& where) {
  Cell c;
  const bool masked = !text.empty() && text[0] == '<';
  const std::string digits = masked ? text.substr(1) : text;
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
    throw CompareInputError(where + ": expected a count or \"<20\", got \"" + text + "\"");
  }
  c.masked = masked;
  c.value = masked ? 0 : std::stoll(digits);
  return c;
}

}  // namespace

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (true) {
    const auto comma = line.find(',', from);
    out.push_back(line.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
    if (comma == std::string::npos) return out;
    from = comma + 1;
  }
}

DayTable read_day(const std::filesystem::path& path, const std::string& date) {
  std::ifstream in(path);
  if (!in) throw CompareInputError(path.string() + ": cannot read the file");
  DayTable t;
  std::string line;
  if (!std::getline(in, line))
    throw CompareInputError(path.string() + ": empty (expected a header)");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  t.header = split_csv_line(line);
  if (t.header.size() < 2 || t.header.front() != "date" || t.header.back() != "count-nombre") {
    throw CompareInputError(path.string() +
                            ": line 1: expected a header \"date,...,count-nombre\"");
  }
  std::size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto fields = split_csv_line(line);
    const std::string where = path.string() + ": line " + std::to_string(number);
    if (fields.size() != t.header.size()) {
      throw CompareInputError(where + ": expected " + std::to_string(t.header.size()) + " fields");
    }
    if (fields.front() != date) continue;
    std::string key;
    for (std::size_t i = 1; i + 1 < fields.size(); ++i) key += (i > 1 ? "," : "") + fields[i];
    if (!t.rows.emplace(key, parse_cell(fields.back(), where)).second) {
      throw CompareInputError(where + ": a second row for " + date + " " + key);
    }
  }
  return t;
}

}  // namespace loadgen
