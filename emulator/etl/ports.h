// What the in-app ETL reads and writes. The real tasks (ECS Fargate, `masked_inapp_metrics` /
// `unmasked_inapp_metrics`) Scan the `aggregate_metrics` table and PutObject CSVs into the
// masked and unmasked buckets; the pipeline adapts these ports to the DynamoDB and S3 models.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "emulator/core/result.h"
#include "emulator/core/time.h"

namespace emu::etl {

// One item of aggregate_metrics as the aggregator writes it (spec section 5). Views are valid
// only during the visit; absent attributes are empty.
struct AggregateRow {
  std::string_view identifier;
  std::string_view region;  // pk: a province code, "None", or anything a client sent
  std::string_view date;    // "YYYY-MM-DD", the event's UTC date
  std::string_view appos;
  std::string_view appversion;
  std::string_view count;  // background-check bucket label: "0", "1-6", "7-12", "13-30", "30+"
  std::string_view pushnotification;
  std::string_view frameworkenabled;
  std::string_view with_date;        // "true" / "false" (BOOL values rendered as text)
  std::string_view is_user_exposed;  // exposed: "true"/"false"; otk: "", "proximity", ...
  std::int64_t metric_count = 0;
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  // Calls `visit` once per aggregate row (a full Scan). Returns an error if the scan fails.
  virtual Status scan(const std::function<void(const AggregateRow&)>& visit) = 0;

  // Parallel Scan (DynamoDB's Segment / TotalSegments): how many segments this source can be
  // read in at once, and the rows of one of them. Segments partition the rows. A source that
  // allows more than one must tolerate concurrent scan_segment calls (read-only).
  virtual int max_segments() const { return 1; }
  virtual Status scan_segment(int segment, int total,
                              const std::function<void(const AggregateRow&)>& visit) {
    return segment == 0 && total >= 1 ? scan(visit) : ok_status();
  }
};

class ObjectSink {
 public:
  virtual ~ObjectSink() = default;
  virtual Status put_object(const std::string& bucket, const std::string& key,
                            const std::string& body, const std::string& content_type,
                            Micros now) = 0;
};

}  // namespace emu::etl
