// POST /save-metrics end to end, in the real order (seed spec 2, aws-fidelity 1):
//   WAF web ACL -> API Gateway resource/method match -> payload limit -> API key -> throttling
//   -> request model validation -> Lambda proxy integration (create_metrics) -> response.
// Every request gets exactly one answer, one access-log line, one count in the API Gateway
// metrics and one ledger entry. Nothing queues: the Lambda port either admits the invocation
// or refuses it at once.
//
// The front door talks to the capacity models and the function through the small ports below,
// so it can be tested with fakes and reused by the in-process scenario runner.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/apigateway/access_log.h"
#include "emulator/apigateway/gateway_responses.h"
#include "emulator/apigateway/proxy_integration.h"
#include "emulator/apigateway/request_model.h"
#include "emulator/core/faults.h"
#include "emulator/http/router.h"
#include "emulator/waf/web_acl.h"

namespace emu {

// API Gateway's throttle chain and usage-plan quota for one request.
class ThrottlePort {
 public:
  virtual ~ThrottlePort() = default;
  // nullopt when admitted; kThrottled or kQuotaExceeded otherwise.
  virtual std::optional<apigateway::GatewayError> admit(const std::string& api_key,
                                                        Micros now) = 0;
};

// The Lambda service running create_metrics for the proxy integration.
class InvokePort {
 public:
  struct Result {
    enum class Outcome { kOk, kThrottled, kFunctionError, kTimeout } outcome = Outcome::kOk;
    nlohmann::json proxy_result;  // the function's return value when kOk
    Micros latency = 0;           // until the function returned (init + duration, <= timeout)
  };
  virtual ~InvokePort() = default;
  virtual Result invoke_create_metrics(const std::string& body, const std::string& request_id,
                                       Micros now) = 0;
};

// Per-request observers: CloudWatch metrics and the ledger.
class FrontDoorObserver {
 public:
  virtual ~FrontDoorObserver() = default;
  // Called once per request. `refusal` names who refused it ("waf:<rule>", "apigateway:<kind>",
  // "lambda:throttled", ...) or is empty when the function answered.
  virtual void on_answer(const http::HttpRequest& request, const http::HttpResponse& response,
                         const std::string& refusal, Micros latency, Micros integration_latency,
                         Micros now) = 0;
};

struct FrontDoorSettings {
  std::string resource_path = "/save-metrics";
  std::string method = "POST";
  std::string api_key;
  bool api_key_required = true;
  bool validate_request_body = true;
  std::size_t max_payload_bytes = 10 * 1024 * 1024;
  Micros integration_timeout = 29 * kMicrosPerSecond;
  // Modelled time API Gateway itself adds to every response (routing, auth, validation).
  Micros gateway_overhead = 3 * kMicrosPerMilli;

  static FrontDoorSettings from_config(const Config& config);
};

class FrontDoor final : public http::Service {
 public:
  FrontDoor(FrontDoorSettings settings, waf::WebAcl& waf, apigateway::RequestModel& model,
            ThrottlePort& throttle, InvokePort& lambda, Random random,
            apigateway::AccessLog* access_log, FrontDoorObserver* observer);

  std::string_view name() const override { return "save-metrics"; }
  // Everything not claimed by the AWS services or the control API: that is what the phones'
  // public endpoint receives.
  bool accepts(const http::HttpRequest&) const override { return true; }
  http::HttpResponse handle(const http::HttpRequest& request, Micros now) override;
  // Fault rules for "apigateway" Invoke (resource: the request's path), consulted after the WAF
  // admits a request: an error is API Gateway's own 5xx (apigateway::gateway_fault), nothing
  // reaches the function; a latency lengthens the answer. May be null.
  void set_fault_injector(FaultInjector* faults) { faults_ = faults; }

 private:
  struct Answer {
    http::HttpResponse response;
    std::string refusal;
    std::string resource_path = "-";
    Micros integration_latency = 0;
    Micros fault_latency = 0;
  };
  Answer decide(const http::HttpRequest& request, const apigateway::RequestIds& ids, Micros now);
  // API Gateway's own checks, after the WAF and the fault rules.
  Answer admit(const http::HttpRequest& request, const apigateway::RequestIds& ids, Micros now);
  Answer integrate(const http::HttpRequest& request, const apigateway::RequestIds& ids,
                   Micros now);
  void finish(const http::HttpRequest& request, const apigateway::RequestIds& ids, Answer& answer,
              Micros now);

  FrontDoorSettings settings_;
  waf::WebAcl& waf_;
  apigateway::RequestModel& model_;
  ThrottlePort& throttle_;
  InvokePort& lambda_;
  Random random_;
  apigateway::AccessLog* access_log_;
  FrontDoorObserver* observer_;
  FaultInjector* faults_ = nullptr;
};

}  // namespace emu
