#include "emulator/lambda/lambda_service.h"

#include <algorithm>
#include <cmath>

#include "emulator/core/errors.h"

namespace emu::lambda {

using Outcome = InvokeResult::Outcome;

LambdaService::LambdaService(LambdaSettings settings, Scheduler& scheduler, const Random& random,
                             MetricSink* metrics, FaultInjector* faults)
    : settings_(std::move(settings)), scheduler_(scheduler), metrics_(metrics), faults_(faults) {
  for (const auto& fs : settings_.functions) {
    Function f{fs, random.derive("lambda." + fs.name),
               random.derive("lambda.environments." + fs.name)};
    if (settings_.regime == ScalingRegime::k2023) {
      const auto per_10s = static_cast<double>(settings_.per_function_per_10s);
      f.scaling.emplace(per_10s / 10.0, per_10s);
    }
    if (metrics_ != nullptr) {
      const Dimensions dims = {{"FunctionName", fs.name}};
      f.invocations = metrics_->metric({"AWS/Lambda", "Invocations", dims, "Count"});
      f.errors = metrics_->metric({"AWS/Lambda", "Errors", dims, "Count"});
      f.throttles = metrics_->metric({"AWS/Lambda", "Throttles", dims, "Count"});
      f.duration = metrics_->metric({"AWS/Lambda", "Duration", dims, "Milliseconds"});
      f.concurrent = metrics_->metric({"AWS/Lambda", "ConcurrentExecutions", dims, "Count"});
    }
    functions_.push_back(std::move(f));
  }
  if (metrics_ != nullptr) {
    account_concurrent_ = metrics_->metric({"AWS/Lambda", "ConcurrentExecutions", {}, "Count"});
    unreserved_concurrent_ =
        metrics_->metric({"AWS/Lambda", "UnreservedConcurrentExecutions", {}, "Count"});
  }
  allowance_ = static_cast<double>(settings_.initial_burst);
}

int LambdaService::index_of(std::string_view name) const {
  for (size_t i = 0; i < functions_.size(); ++i) {
    if (functions_[i].settings.name == name) return static_cast<int>(i);
  }
  return -1;
}

const FunctionSettings* LambdaService::function(std::string_view name) const {
  const int i = index_of(name);
  return i < 0 ? nullptr : &functions_[static_cast<size_t>(i)].settings;
}

std::vector<const FunctionSettings*> LambdaService::functions() const {
  std::vector<const FunctionSettings*> out;
  for (const auto& f : functions_) out.push_back(&f.settings);
  return out;
}

std::int64_t LambdaService::unreserved_limit() const {
  std::int64_t reserved = 0;
  for (const auto& f : functions_) {
    reserved += std::max<std::int64_t>(0, f.settings.reserved_concurrency);
  }
  return settings_.account_concurrency - settings_.other_functions_concurrency - reserved;
}

std::int64_t LambdaService::in_use(std::string_view function) const {
  const int i = index_of(function);
  return i < 0 ? 0 : functions_[static_cast<size_t>(i)].busy;
}

std::int64_t LambdaService::in_use_total() const {
  std::int64_t n = 0;
  for (const auto& f : functions_) n += f.busy;
  return n;
}

std::int64_t LambdaService::environments(std::string_view function) const {
  const int i = index_of(function);
  if (i < 0) return 0;
  const Function& f = functions_[static_cast<size_t>(i)];
  return f.busy + static_cast<std::int64_t>(f.idle.size());
}

std::uint64_t LambdaService::throttles(std::string_view function) const {
  const int i = index_of(function);
  return i < 0 ? 0 : functions_[static_cast<size_t>(i)].total_throttles;
}

std::optional<double> LambdaService::environment_ceiling(Micros now) const {
  if (settings_.regime != ScalingRegime::k2021) return std::nullopt;
  const auto envs = static_cast<double>(environments_total());
  const auto per_minute = static_cast<double>(settings_.burst_per_minute);
  if (scaling_) {  // the same rule as scaling_allows_new_environment, without changing state
    const double ceiling =
        std::min(static_cast<double>(settings_.account_concurrency),
                 scaling_base_ + per_minute * to_seconds(now - scaling_since_) / 60);
    if (ceiling - envs <= per_minute) return ceiling;
  }
  return std::max(static_cast<double>(settings_.initial_burst), envs);
}

std::int64_t LambdaService::environments_total() const {
  std::int64_t n = 0;
  for (const auto& f : functions_) n += f.busy + static_cast<std::int64_t>(f.idle.size());
  return n;
}

// ASSUMPTION: AWS does not document how long an idle environment lives; `idle_reclaim`
// (default 7 minutes) is the commonly observed order of magnitude.
void LambdaService::reclaim_idle(Function& f, Micros now) {
  while (!f.idle.empty() && now - f.idle.front().last_used >= settings_.idle_reclaim) {
    f.idle.pop_front();
  }
}

std::optional<std::string> LambdaService::concurrency_refusal(const Function& f) const {
  if (f.settings.reserved_concurrency >= 0) {
    if (f.busy >= f.settings.reserved_concurrency) {
      return "ReservedFunctionConcurrentInvocationLimitExceeded";
    }
    return std::nullopt;
  }
  std::int64_t unreserved_busy = 0;
  for (const auto& other : functions_) {
    if (other.settings.reserved_concurrency < 0) unreserved_busy += other.busy;
  }
  if (unreserved_busy >= unreserved_limit()) return "ConcurrentInvocationLimitExceeded";
  return std::nullopt;
}

// 2021: the account's environments may reach `initial_burst` at once; beyond that the ceiling
// rises by `burst_per_minute` per minute (continuously) while demand presses on it, until the
// account limit. ASSUMPTION: a scaling episode ends once a full minute of growth is unused, and
// the ceiling then falls back to max(initial burst, environments in existence).
// 2023: each function takes one token per new environment from its own bucket of
// `per_function_per_10s` tokens refilled at that many per 10 s.
bool LambdaService::scaling_allows_new_environment(Function& f, Micros now) {
  if (settings_.regime == ScalingRegime::k2023) return f.scaling->try_take(now);
  const auto envs = static_cast<double>(environments_total());
  const auto limit = static_cast<double>(settings_.account_concurrency);
  const auto per_minute = static_cast<double>(settings_.burst_per_minute);
  if (scaling_) {
    allowance_ = std::min(limit, scaling_base_ + per_minute * to_seconds(now - scaling_since_) / 60);
    if (allowance_ - envs > per_minute) scaling_ = false;
  }
  if (!scaling_) allowance_ = std::max(static_cast<double>(settings_.initial_burst), envs);
  if (envs + 1 <= allowance_) return true;
  if (!scaling_) {
    scaling_ = true;
    scaling_since_ = now;
    scaling_base_ = allowance_;
  }
  return false;
}

InvokeResult LambdaService::throttle(Function& f, std::string reason, Micros now) {
  ++f.total_throttles;
  if (metrics_ != nullptr) metrics_->put(f.throttles, 1, now);
  InvokeResult r;
  r.outcome = Outcome::kThrottled;
  r.throttle_reason = std::move(reason);
  return r;
}

void LambdaService::emit_start_metrics(Function& f, Micros now) {
  if (metrics_ == nullptr) return;
  metrics_->put(f.invocations, 1, now);
  metrics_->put(f.concurrent, static_cast<double>(f.busy), now);
  metrics_->put(account_concurrent_, static_cast<double>(in_use_total()), now);
  std::int64_t unreserved_busy = 0;
  for (const auto& other : functions_) {
    if (other.settings.reserved_concurrency < 0) unreserved_busy += other.busy;
  }
  metrics_->put(unreserved_concurrent_, static_cast<double>(unreserved_busy), now);
}

void LambdaService::release_later(int index, Environment environment) {
  const Micros at = environment.last_used;
  scheduler_.at(at, [this, index, environment = std::move(environment)]() mutable {
    Function& f = functions_[static_cast<size_t>(index)];
    EMU_ASSERT(f.busy > 0);
    --f.busy;
    f.idle.push_back(std::move(environment));
  });
}

InvokeResult LambdaService::invoke(std::string_view name, Micros now,
                                   const std::function<HandlerOutcome()>& body) {
  const int index = index_of(name);
  if (index < 0) {
    InvokeResult r;
    r.outcome = Outcome::kThrottled;  // the Invoke API refused it (ResourceNotFound)
    r.throttle_reason = "FunctionNotFound";
    return r;
  }
  Function& f = functions_[static_cast<size_t>(index)];
  reclaim_idle(f, now);
  if (auto refusal = concurrency_refusal(f)) return throttle(f, std::move(*refusal), now);
  InvokeResult r;
  Environment environment;
  if (!f.idle.empty()) {
    environment = std::move(f.idle.back());  // most recently used first
    f.idle.pop_back();
  } else {
    // ASSUMPTION: throttles caused by the scaling rate report ConcurrentInvocationLimitExceeded.
    if (!scaling_allows_new_environment(f, now)) {
      return throttle(f, "ConcurrentInvocationLimitExceeded", now);
    }
    r.cold_start = true;
    ++f.cold_starts;
    r.init_duration = millis(f.settings.init_ms.sample(f.random));
    environment.created = now;
    environment.id = f.environment_ids.uuid_v4();  // 32 hex digits, as Lambda's stream ids
    environment.id.erase(std::remove(environment.id.begin(), environment.id.end(), '-'),
                         environment.id.end());
  }
  ++f.busy;
  ++f.total_invocations;
  emit_start_metrics(f, now);
  Micros duration = millis(f.settings.duration_ms.sample(f.random));
  FaultDecision fault;
  if (faults_ != nullptr) fault = faults_->check("lambda", "Invoke", f.settings.name, now);
  duration += fault.extra_latency;
  bool error = false;
  HandlerOutcome outcome;
  if (fault.error) {
    error = true;  // a crash before the handler ran: no side effects
    outcome.function_error = true;
  } else {
    outcome = body();
    error = outcome.function_error;
    duration += outcome.extra_duration;
  }
  if (duration > f.settings.timeout) {
    r.outcome = Outcome::kTimeout;
    duration = f.settings.timeout;
  } else {
    r.outcome = error ? Outcome::kFunctionError : Outcome::kOk;
  }
  r.duration = duration;
  r.latency = r.init_duration + duration;
  if (r.outcome != Outcome::kOk) ++f.total_errors;
  if (metrics_ != nullptr) {
    if (r.outcome != Outcome::kOk) metrics_->put(f.errors, 1, now);
    metrics_->put(f.duration, to_millis(duration), now);
  }
  r.environment_id = environment.id;
  r.environment_created = environment.created;
  if (observer_ != nullptr) observer_->on_invocation(f.settings, r, outcome, now);
  environment.last_used = now + r.latency;
  release_later(index, std::move(environment));
  return r;
}

Status LambdaService::put_reserved_concurrency(std::string_view name, std::int64_t reserved) {
  const int index = index_of(name);
  if (index < 0) {
    return errors::lambda::kResourceNotFound(
        "Function not found: arn:aws:lambda:" + settings_.region + ":" + settings_.account_id +
        ":function:" + std::string(name));
  }
  Function& f = functions_[static_cast<size_t>(index)];
  const std::int64_t before = f.settings.reserved_concurrency;
  f.settings.reserved_concurrency = reserved;
  if (reserved < 0 || unreserved_limit() < settings_.minimum_unreserved) {
    f.settings.reserved_concurrency = before;
    return errors::lambda::kInvalidParameterValue(
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [" +
        std::to_string(settings_.minimum_unreserved) + "].");
  }
  return ok_status();
}

Status LambdaService::update_configuration(std::string_view name,
                                           std::optional<std::int64_t> memory_mb,
                                           std::optional<Micros> timeout, Micros now) {
  const int index = index_of(name);
  if (index < 0) return put_reserved_concurrency(name, 0);  // same not-found error
  FunctionSettings& f = functions_[static_cast<size_t>(index)].settings;
  if (memory_mb) f.memory_mb = *memory_mb;
  if (timeout) f.timeout = *timeout;
  if (memory_mb || timeout) f.last_modified = now;
  return ok_status();
}

Status LambdaService::delete_reserved_concurrency(std::string_view name) {
  const int index = index_of(name);
  if (index < 0) return put_reserved_concurrency(name, 0);  // same not-found error
  functions_[static_cast<size_t>(index)].settings.reserved_concurrency = -1;
  return ok_status();
}

nlohmann::json LambdaService::state(Micros now) {
  nlohmann::json fns = nlohmann::json::object();
  for (auto& f : functions_) {
    reclaim_idle(f, now);
    nlohmann::json j = {{"in_use", f.busy},
                        {"warm_idle", f.idle.size()},
                        {"reserved_concurrency", f.settings.reserved_concurrency},
                        {"invocations", f.total_invocations},
                        {"throttles", f.total_throttles},
                        {"errors", f.total_errors},
                        {"cold_starts", f.cold_starts}};
    if (f.scaling) j["scaling_tokens"] = f.scaling->available(now);
    fns[f.settings.name] = j;
  }
  return {{"account_concurrency", settings_.account_concurrency},
          {"unreserved_limit", unreserved_limit()},
          {"in_use", in_use_total()},
          {"environments", environments_total()},
          {"scaling_regime", settings_.regime == ScalingRegime::k2021 ? "2021" : "2023"},
          {"scaling_allowance", settings_.regime == ScalingRegime::k2021
                                    ? nlohmann::json(allowance_)
                                    : nlohmann::json(nullptr)},
          {"functions", fns}};
}

}  // namespace emu::lambda
