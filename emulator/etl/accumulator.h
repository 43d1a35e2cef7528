// One pass over the aggregate rows: each row adds its metricCount to every file its identifier
// feeds, in the cell of its event date and categories. Counts live in dense arrays (days x
// category cells, and one such array per app version for the app-version files, whose rows
// exist only where the count is not zero). Per row: one identifier lookup, each dimension's
// level computed once, one array increment per file.
//
// The arrays cover the days from first_day to the latest day with data, growing as rows arrive
// (not to last_day): memory and time track the data, however far away the last day is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "emulator/etl/catalog.h"

namespace emu::etl {

// A small open-addressing map from strings to dense ids (identifiers, app versions): FNV-1a
// and one comparison per lookup, which beats std::unordered_map on these short keys.
class StringIds {
 public:
  StringIds() : slots_(64, -1) {}
  // The id of `key`, or -1.
  int find(std::string_view key) const;
  // The id of `key`, adding it if new.
  int intern(std::string_view key);
  const std::string& at(int id) const { return keys_[static_cast<std::size_t>(id)]; }
  std::size_t size() const { return keys_.size(); }
  const std::vector<std::string>& keys() const { return keys_; }

 private:
  std::size_t slot_of(std::string_view key) const;
  std::vector<int> slots_;
  std::vector<std::string> keys_;
};

class Accumulator {
 public:
  // Rows dated outside [first_day, last_day] (days since 1970-01-01, inclusive) are ignored.
  Accumulator(std::int64_t first_day, std::int64_t last_day);

  void add(const AggregateRow& row);
  // Adds `other`'s counts (same day range) into this one: for parallel scans.
  void merge(const Accumulator& other);

  struct FileCounts {
    const FileSpec* spec = nullptr;
    bool versioned = false;
    // [day - first_day][cell], up to the latest day with data: slots past the end count 0.
    std::vector<std::int64_t> dense;  // files without versions
    std::vector<std::vector<std::int64_t>> by_version;  // [version][day - first_day][cell]
    std::int64_t first_seen = INT64_MAX;  // earliest day with data
    std::size_t cells = 1;                // product of the fixed dimensions' level counts
    std::vector<std::size_t> radices;     // level counts of the fixed dimensions, in order
  };
  const std::vector<FileCounts>& files() const { return files_; }
  const std::vector<std::string>& versions() const { return versions_.keys(); }
  std::int64_t first_day() const { return first_day_; }
  std::int64_t last_day() const { return last_day_; }
  std::uint64_t rows_seen() const { return rows_seen_; }

 private:
  std::int64_t day_of(std::string_view date);

  std::int64_t first_day_, last_day_;
  std::vector<FileCounts> files_;
  StringIds identifiers_;
  std::vector<std::vector<int>> files_by_identifier_;  // identifier id -> file indexes
  StringIds versions_;
  std::string last_date_text_;
  std::int64_t last_date_day_ = -1;
  std::uint64_t rows_seen_ = 0;
};

}  // namespace emu::etl
