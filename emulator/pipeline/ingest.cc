#include "emulator/pipeline/ingest.h"

#include "emulator/ledger/entry_counter.h"

namespace emu {

InvokePort::Result CreateMetricsInvoker::invoke_create_metrics(const std::string& body,
                                                               const std::string&, Micros now) {
  using Outcome = lambda::InvokeResult::Outcome;
  functions::CreateMetricsReport report;
  const auto invoked = lambda_.invoke("create_metrics", now, [&] {
    // API Gateway passes a missing body as null.
    report = handler_.handle(body.empty() ? std::nullopt : std::optional<std::string>(body), now);
    for (const auto& raw : report.items) ledger_.raw_item_stored(ledger::count_payload_entries(raw));
    if (report.result == functions::CreateMetricsReport::Result::kDropped) {
      ledger_.body_dropped_to_error_samples(ledger::count_payload_entries(body));
    }
    lambda::HandlerOutcome outcome;
    outcome.console = std::move(report.console);
    return outcome;
  });
  Result r;
  r.latency = invoked.latency;
  switch (invoked.outcome) {
    case Outcome::kThrottled:
      r.outcome = Result::Outcome::kThrottled;
      last_outcome_.clear();
      return r;
    case Outcome::kFunctionError:
      r.outcome = Result::Outcome::kFunctionError;
      break;
    case Outcome::kTimeout:
      r.outcome = Result::Outcome::kTimeout;
      break;
    case Outcome::kOk:
      r.outcome = Result::Outcome::kOk;
      r.proxy_result = report.proxy_result();
      break;
  }
  using R = functions::CreateMetricsReport::Result;
  last_outcome_ = report.result == R::kCreated   ? "created"
                  : report.result == R::kDropped ? "dropped"
                                                 : "upload-failed";
  return r;
}

void IngestObserver::on_answer(const http::HttpRequest&, const http::HttpResponse& response,
                               const std::string& refusal, Micros latency,
                               Micros integration_latency, Micros now) {
  const bool reached = refusal.empty() || refusal.rfind("lambda:", 0) == 0 ||
                       refusal == "apigateway:integration-timeout";
  metrics_.record(response.status, latency, integration_latency, reached, now);
  ledger_.request_answered(refusal.empty() ? invoker_.last_outcome() : refusal, response.status);
}

}  // namespace emu
