// The seed's raw-write Lambda `create_metrics` (MT create_metric.js, final form 2021-10-01):
//   ttl = floor(now_ms / 1000) + 86400 (a string, for DynamoDB N)
//   body <= SPLIT_THRESHOLD bytes: one PutItem with the body unmodified (never parsed)
//   otherwise JSON.parse it; payload not an array, or of length 1: the body goes to the
//     error-samples bucket under a new UUID and the answer is 200 RECORD DROPPED
//   otherwise split the payload with the halving algorithm (chunk size may become fractional)
//     and PutItem each chunk as JSON.stringify({...body, payload: chunk}), in order, awaiting
//     each; the first failure answers 500 UPLOAD FAILED and earlier chunks stay written
//   any exception (JSON.parse, PutItem, PutObject) -> 500 UPLOAD FAILED.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/config.h"
#include "emulator/core/random.h"
#include "emulator/functions/js.h"
#include "emulator/functions/ports.h"

namespace emu::functions {

struct CreateMetricsSettings {
  std::string table_name = "raw_metrics";
  std::string bucket_name = "error-samples-tdvfd-production";
  std::int64_t split_threshold_bytes = 102400;
  std::int64_t ttl_seconds = 86400;

  static CreateMetricsSettings from_config(const Config& config);
};

// What happened, for the response and the ledger.
struct CreateMetricsReport {
  enum class Result { kCreated, kDropped, kUploadFailed } result = Result::kCreated;
  int status_code = 200;
  std::string body;                     // {"status":"..."}
  std::vector<std::string> items;       // raw bodies written to the table, in order
  std::string dropped_key;              // error-samples key when dropped
  bool split = false;
  std::string error;                    // why it failed, when it did
  // What the JS writes with console.info / console.error, in order, as "INFO\t<text>" or
  // "ERROR\t<text>" (the Lambda runtime's level column), for CloudWatch Logs.
  std::vector<std::string> console;
  // The proxy integration result: {"isBase64Encoded":false,"statusCode":..,"body":".."}.
  nlohmann::json proxy_result() const;
};

class CreateMetrics {
 public:
  CreateMetrics(CreateMetricsSettings settings, RawTablePort& table, ObjectPort& bucket,
                Random random);

  // `body` is event.body: nullopt when API Gateway passes null (no body).
  CreateMetricsReport handle(const std::optional<std::string>& body, Micros now);

 private:
  CreateMetricsReport write_split(const std::string& body, const std::string& ttl, Micros now);
  void log_drop(CreateMetricsReport& report, const js::Value* payload,
                const std::string& size) const;
  Status write(const std::string& raw, const std::string& ttl, Micros now,
               CreateMetricsReport& report);

  CreateMetricsSettings settings_;
  RawTablePort& table_;
  ObjectPort& bucket_;
  Random random_;
};

// splitPayload: the chunk boundaries [begin, end) of `payload_length` entries given the chunk
// size the halving loop chose. Exposed for tests; `fits(c)` says whether a chunk of
// payload.slice(0, c) serialises below the threshold.
std::vector<std::pair<std::size_t, std::size_t>> chunk_bounds(
    std::size_t payload_length, const std::function<bool(double)>& fits);

}  // namespace emu::functions
