// Test helpers: in-memory aggregate rows and an object sink that records what was written.
#pragma once

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "emulator/etl/catalog.h"
#include "emulator/etl/etl.h"

namespace emu::etl::test {

// An aggregate row that owns its strings.
struct OwnedRow {
  std::string identifier, region = "ON", date, appos = "android", appversion = "1.4.3", count,
      pushnotification, frameworkenabled, with_date, is_user_exposed;
  std::int64_t metric_count = 1;
  AggregateRow view() const {
    return {identifier, region, date, appos, appversion, count, pushnotification,
            frameworkenabled, with_date, is_user_exposed, metric_count};
  }
};

struct MemoryRows : RowSource {
  std::vector<OwnedRow> rows;
  bool fail = false;
  Status scan(const std::function<void(const AggregateRow&)>& visit) override {
    if (fail) return AwsError::server("InternalServerError", "Internal server error");
    for (const auto& r : rows) visit(r.view());
    return ok_status();
  }
};

struct MemoryBucket : ObjectSink {
  std::map<std::string, std::string> objects;  // "bucket/key" -> body
  int fail_after = -1;
  Status put_object(const std::string& bucket, const std::string& key, const std::string& body,
                    const std::string&, Micros) override {
    if (fail_after >= 0 && static_cast<int>(objects.size()) >= fail_after) {
      return AwsError::server("InternalError", "We encountered an internal error.");
    }
    objects[bucket + "/" + key] = body;
    return ok_status();
  }
  const std::string& get(const std::string& bucket, const std::string& metric,
                         const std::string& period) const {
    return objects.at(bucket + "/csv/" + period + "/" + metric + "." + period + ".csv");
  }
};

inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream cells_in(line);
    std::string cell;
    while (std::getline(cells_in, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace emu::etl::test
