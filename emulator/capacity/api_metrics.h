// AWS/ApiGateway metrics for the save-metrics API, recorded once per request with the
// dimension sets AWS publishes (aws-fidelity 1.5): {ApiName} and, because the seed enables
// detailed metrics (metrics_enabled on the method), {ApiName, Method, Resource, Stage}.
// Count is 1 per request; 4XXError and 5XXError are 1 or 0 per request, so their Average is the
// error rate, as on AWS; Latency and IntegrationLatency in milliseconds.
#pragma once

#include <string>

#include "emulator/core/metrics.h"

namespace emu::capacity {

class ApiGatewayMetrics {
 public:
  ApiGatewayMetrics(MetricSink& sink, const std::string& api_name, const std::string& stage,
                    const std::string& method, const std::string& resource);

  // `integration_latency` is 0 when the request never reached the integration.
  void record(int status, Micros latency, Micros integration_latency, bool reached_integration,
              Micros now);

 private:
  struct Ids {
    MetricId count, errors_4xx, errors_5xx, latency, integration_latency;
  };
  Ids register_set(const Dimensions& dims);
  void put(const Ids& ids, int status, Micros latency, Micros integration_latency,
           bool reached_integration, Micros now);

  MetricSink& sink_;
  Ids by_api_;
  Ids by_method_;
};

}  // namespace emu::capacity
