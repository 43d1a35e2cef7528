#include "emulator/capacity/api_metrics.h"

namespace emu::capacity {

ApiGatewayMetrics::ApiGatewayMetrics(MetricSink& sink, const std::string& api_name,
                                     const std::string& stage, const std::string& method,
                                     const std::string& resource)
    : sink_(sink),
      by_api_(register_set({{"ApiName", api_name}})),
      by_method_(register_set({{"ApiName", api_name},
                               {"Method", method},
                               {"Resource", resource},
                               {"Stage", stage}})) {}

ApiGatewayMetrics::Ids ApiGatewayMetrics::register_set(const Dimensions& dims) {
  auto id = [&](const char* name, const char* unit) {
    return sink_.metric(MetricKey{"AWS/ApiGateway", name, dims, unit});
  };
  return Ids{id("Count", "Count"), id("4XXError", "Count"), id("5XXError", "Count"),
             id("Latency", "Milliseconds"), id("IntegrationLatency", "Milliseconds")};
}

void ApiGatewayMetrics::put(const Ids& ids, int status, Micros latency,
                            Micros integration_latency, bool reached_integration, Micros now) {
  sink_.put(ids.count, 1, now);
  sink_.put(ids.errors_4xx, status >= 400 && status < 500 ? 1 : 0, now);
  sink_.put(ids.errors_5xx, status >= 500 ? 1 : 0, now);
  sink_.put(ids.latency, to_millis(latency), now);
  if (reached_integration) sink_.put(ids.integration_latency, to_millis(integration_latency), now);
}

void ApiGatewayMetrics::record(int status, Micros latency, Micros integration_latency,
                               bool reached_integration, Micros now) {
  put(by_api_, status, latency, integration_latency, reached_integration, now);
  put(by_method_, status, latency, integration_latency, reached_integration, now);
}

}  // namespace emu::capacity
