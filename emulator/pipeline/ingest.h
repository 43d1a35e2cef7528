// The save-metrics integration: the Lambda service running the seed's create_metrics for each
// request that API Gateway admits, and the per-request observer that feeds the API Gateway
// metrics and the ledger.
#pragma once

#include "emulator/capacity/api_metrics.h"
#include "emulator/capacity/apigateway_throttle.h"
#include "emulator/functions/create_metrics.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/ledger/ledger.h"
#include "emulator/pipeline/front_door.h"

namespace emu {

class CreateMetricsInvoker final : public InvokePort {
 public:
  CreateMetricsInvoker(lambda::LambdaService& lambda, functions::CreateMetrics& handler,
                       ledger::Ledger& ledger)
      : lambda_(lambda), handler_(handler), ledger_(ledger) {}

  Result invoke_create_metrics(const std::string& body, const std::string& request_id,
                               Micros now) override;
  // The outcome of the last invocation that ran the handler ("created", "dropped",
  // "upload-failed"), for the observer.
  const std::string& last_outcome() const { return last_outcome_; }

 private:
  lambda::LambdaService& lambda_;
  functions::CreateMetrics& handler_;
  ledger::Ledger& ledger_;
  std::string last_outcome_;
};

class IngestObserver final : public FrontDoorObserver {
 public:
  IngestObserver(capacity::ApiGatewayMetrics& metrics, ledger::Ledger& ledger,
                 const CreateMetricsInvoker& invoker)
      : metrics_(metrics), ledger_(ledger), invoker_(invoker) {}
  void on_answer(const http::HttpRequest& request, const http::HttpResponse& response,
                 const std::string& refusal, Micros latency, Micros integration_latency,
                 Micros now) override;

 private:
  capacity::ApiGatewayMetrics& metrics_;
  ledger::Ledger& ledger_;
  const CreateMetricsInvoker& invoker_;
};

}  // namespace emu

namespace emu {

// API Gateway's throttle chain behind the front door's port.
class ThrottleAdapter final : public ThrottlePort {
 public:
  explicit ThrottleAdapter(capacity::ApiGatewayThrottle& throttle) : throttle_(throttle) {}
  std::optional<apigateway::GatewayError> admit(const std::string& api_key, Micros now) override {
    return throttle_.admit(api_key, now);
  }

 private:
  capacity::ApiGatewayThrottle& throttle_;
};

}  // namespace emu
