#include "emulator/pipeline/front_door.h"

namespace emu {

using apigateway::GatewayError;

FrontDoorSettings FrontDoorSettings::from_config(const Config& c) {
  FrontDoorSettings s;
  s.resource_path = c.string("/apigateway/resource_path");
  s.method = c.string("/apigateway/method");
  s.api_key = c.string("/apigateway/api_key");
  s.api_key_required = c.boolean("/apigateway/api_key_required");
  s.validate_request_body = c.boolean("/apigateway/validate_request_body");
  const std::int64_t max_payload = c.integer("/apigateway/max_payload_bytes");
  if (max_payload <= 0) throw ConfigError("/apigateway/max_payload_bytes", "a positive integer");
  s.max_payload_bytes = static_cast<std::size_t>(max_payload);
  const std::int64_t timeout_ms = c.integer("/apigateway/integration_timeout_ms");
  if (timeout_ms < 50) throw ConfigError("/apigateway/integration_timeout_ms", "at least 50");
  s.integration_timeout = timeout_ms * kMicrosPerMilli;
  const double overhead_ms = c.number("/apigateway/overhead_ms");
  if (overhead_ms < 0) throw ConfigError("/apigateway/overhead_ms", "a non-negative number");
  s.gateway_overhead = millis(overhead_ms);
  return s;
}

FrontDoor::FrontDoor(FrontDoorSettings settings, waf::WebAcl& waf,
                     apigateway::RequestModel& model, ThrottlePort& throttle, InvokePort& lambda,
                     Random random, apigateway::AccessLog* access_log,
                     FrontDoorObserver* observer)
    : settings_(std::move(settings)),
      waf_(waf),
      model_(model),
      throttle_(throttle),
      lambda_(lambda),
      random_(std::move(random)),
      access_log_(access_log),
      observer_(observer) {}

http::HttpResponse FrontDoor::handle(const http::HttpRequest& request, Micros now) {
  const auto ids = apigateway::RequestIds::generate(random_, now);
  Answer answer = decide(request, ids, now);
  finish(request, ids, answer, now);
  return std::move(answer.response);
}

FrontDoor::Answer FrontDoor::decide(const http::HttpRequest& request,
                                    const apigateway::RequestIds& ids, Micros now) {
  auto refuse = [&](GatewayError error, std::string why) {
    return Answer{apigateway::gateway_error(error, ids), std::move(why)};
  };
  const waf::Verdict verdict = waf_.evaluate(request, now);
  if (verdict.blocked) {
    if (verdict.status == 403) return refuse(GatewayError::kWafFiltered, "waf:" + verdict.rule);
    Answer a;
    a.response.status = verdict.status;  // custom response: empty body, custom headers
    a.response.headers = verdict.headers;
    apigateway::add_standard_headers(a.response, ids);
    a.refusal = "waf:" + verdict.rule;
    return a;
  }
  FaultDecision fault;
  if (faults_ != nullptr) fault = faults_->check("apigateway", "Invoke", request.path, now);
  Answer a = fault.error ? Answer{apigateway::gateway_fault(*fault.error, ids), "apigateway:fault"}
                         : admit(request, ids, now);
  a.fault_latency = fault.extra_latency;
  return a;
}

FrontDoor::Answer FrontDoor::admit(const http::HttpRequest& request,
                                   const apigateway::RequestIds& ids, Micros now) {
  auto refuse = [&](GatewayError error, std::string why) {
    return Answer{apigateway::gateway_error(error, ids), std::move(why)};
  };
  // API Gateway matches resources case-sensitively, after the WAF's lower-cased comparison.
  if (request.path != settings_.resource_path || request.method != settings_.method) {
    return refuse(GatewayError::kMissingAuthenticationToken, "apigateway:no-such-method");
  }
  if (request.body.size() > settings_.max_payload_bytes) {
    return refuse(GatewayError::kRequestTooLarge, "apigateway:request-too-large");
  }
  // ASSUMPTION: the API key is checked before throttling and before body validation (API
  // Gateway authorises a request before it validates it; usage-plan limits need the key).
  const std::string key(request.header("x-api-key"));
  if (settings_.api_key_required && key != settings_.api_key) {
    return refuse(GatewayError::kInvalidApiKey, "apigateway:invalid-api-key");
  }
  if (const auto throttled = throttle_.admit(key, now)) {
    return refuse(*throttled, *throttled == GatewayError::kThrottled ? "apigateway:throttled"
                                                                     : "apigateway:quota");
  }
  if (settings_.validate_request_body &&
      model_.validate(request.header("Content-Type"), request.body) ==
          apigateway::RequestModel::Outcome::kInvalid) {
    return refuse(GatewayError::kBadRequestBody, "apigateway:invalid-body");
  }
  return integrate(request, ids, now);
}

FrontDoor::Answer FrontDoor::integrate(const http::HttpRequest& request,
                                       const apigateway::RequestIds& ids, Micros now) {
  using Outcome = InvokePort::Result::Outcome;
  const InvokePort::Result result = lambda_.invoke_create_metrics(request.body, ids.request_id, now);
  Answer a;
  a.resource_path = settings_.resource_path;
  a.integration_latency = std::min(result.latency, settings_.integration_timeout);
  if (result.latency > settings_.integration_timeout) {
    a.response = apigateway::gateway_error(GatewayError::kIntegrationTimeout, ids);
    a.refusal = "apigateway:integration-timeout";
    return a;
  }
  switch (result.outcome) {
    case Outcome::kThrottled:
      a.response = apigateway::gateway_error(GatewayError::kLambdaRejected, ids);
      a.refusal = "lambda:throttled";
      return a;
    case Outcome::kFunctionError:
    case Outcome::kTimeout:
      a.response = apigateway::gateway_error(GatewayError::kLambdaFunctionError, ids);
      a.refusal = result.outcome == Outcome::kTimeout ? "lambda:timeout" : "lambda:error";
      return a;
    case Outcome::kOk:
      break;
  }
  auto mapped = apigateway::map_proxy_result(result.proxy_result);
  if (!mapped) {
    a.response = apigateway::gateway_error(GatewayError::kLambdaFunctionError, ids);
    a.refusal = "lambda:malformed-proxy-response";
    return a;
  }
  a.response = std::move(*mapped);
  apigateway::add_standard_headers(a.response, ids);
  return a;
}

void FrontDoor::finish(const http::HttpRequest& request, const apigateway::RequestIds& ids,
                       Answer& answer, Micros now) {
  const Micros latency =
      settings_.gateway_overhead + answer.integration_latency + answer.fault_latency;
  answer.response.delay = latency;
  if (access_log_ != nullptr) {
    apigateway::AccessLogEntry entry;
    entry.request_id = ids.request_id;
    entry.ip = waf::WebAcl::client_ip(request);
    entry.request_time = now;
    entry.http_method = request.method;
    entry.resource_path = answer.resource_path;
    entry.status = answer.response.status;
    entry.protocol = request.protocol;
    entry.response_length = answer.response.body.size();
    access_log_->write(entry);
  }
  if (observer_ != nullptr) {
    observer_->on_answer(request, answer.response, answer.refusal, latency,
                         answer.integration_latency, now);
  }
}

}  // namespace emu
