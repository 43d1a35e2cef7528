// The live dashboard at /_emulator/dashboard: the seed's CloudWatch "MetricsOps" widgets and
// more (API Gateway Count, 4XXError, 5XXError, Latency p95/p99; per function invocations,
// errors, throttles, concurrency, duration; DynamoDB consumed write units and throttle events
// per table; the DLQ's depth and oldest message age; every alarm's state and history), drawn
// from the emulator's own CloudWatch data by a page that polls
// /_emulator/dashboard/data?minutes=N. The range ends at the emulator's clock, so a virtual
// clock moved through POST /_emulator/clock shows at the next poll. The page (dygraphs
// inlined) is compiled into the binary and works offline.
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/core/time.h"

namespace emu {
class Pipeline;
}

namespace emu::dashboard {

// Most minutes a range may cover: what the metric store keeps (15 days).
constexpr int kMaxRangeMinutes = 15 * 24 * 60;
// Most points per series: longer ranges take longer periods (CloudWatch's consoles do too).
constexpr int kMaxPoints = 360;

// GET /_emulator/dashboard and GET /_emulator/dashboard/data on the pipeline's control API.
void add_endpoints(Pipeline& pipeline);

// The widgets' data over the `minutes` before `now` (what /_emulator/dashboard/data answers).
nlohmann::json widgets_data(Pipeline& pipeline, Micros now, int minutes);

}  // namespace emu::dashboard
