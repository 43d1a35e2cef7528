#include <doctest/doctest.h>

#include "emulator/capacity/api_metrics.h"

using namespace emu;

TEST_CASE("every request counts once in Count, and in 4XX/5XX when it should") {
  RecordingMetricSink sink;
  capacity::ApiGatewayMetrics m(sink, "save-metrics", "production", "POST", "/save-metrics");
  const int statuses[] = {200, 200, 204, 403, 429, 400, 500, 502, 504};
  for (int s : statuses) m.record(s, 5 * kMicrosPerMilli, 2 * kMicrosPerMilli, s != 403, 0);
  const Dimensions api = {{"ApiName", "save-metrics"}};
  const Dimensions method = {{"Method", "POST"}, {"Resource", "/save-metrics"},
                             {"Stage", "production"}};
  CHECK(sink.sum("Count", api) == 18);  // counted under both dimension sets
  CHECK(sink.sum("Count", method) == 9);
  CHECK(sink.sum("4XXError", method) == 3);
  CHECK(sink.sum("5XXError", method) == 3);
  CHECK(sink.count("4XXError", method) == 9);  // a 0 or 1 per request: Average = error rate
  CHECK(sink.sum("Latency", method) == 45);
  CHECK(sink.count("IntegrationLatency", method) == 8);
}
