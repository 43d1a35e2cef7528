#include "emulator/sns/delivery.h"

#include <algorithm>
#include <cmath>

#include "emulator/core/clock.h"
#include "emulator/sns/http_post.h"

namespace emu::sns {

DeliveryPolicy DeliveryPolicy::from_json(const nlohmann::json& j, const std::string& where) {
  DeliveryPolicy p;
  auto integer = [&](const char* name, int& out) {
    if (!j.contains(name)) return;
    if (!j[name].is_number_integer() || j[name].get<int>() < 0 || j[name].get<int>() > 100) {
      throw ConfigError(where + "/" + name, "an integer 0..100");
    }
    out = j[name].get<int>();
  };
  auto number = [&](const char* name, double& out) {
    if (!j.contains(name)) return;
    if (!j[name].is_number() || j[name].get<double>() < 0 || j[name].get<double>() > 3600) {
      throw ConfigError(where + "/" + name, "seconds, 0..3600");
    }
    out = j[name].get<double>();
  };
  integer("numRetries", p.num_retries);
  integer("numNoDelayRetries", p.num_no_delay_retries);
  integer("numMinDelayRetries", p.num_min_delay_retries);
  integer("numMaxDelayRetries", p.num_max_delay_retries);
  number("minDelayTarget", p.min_delay_seconds);
  number("maxDelayTarget", p.max_delay_seconds);
  if (j.contains("backoffFunction")) {
    const auto f = j["backoffFunction"].is_string() ? j["backoffFunction"].get<std::string>() : "";
    if (f != "linear" && f != "arithmetic" && f != "geometric" && f != "exponential") {
      throw ConfigError(where + "/backoffFunction", "linear, arithmetic, geometric or exponential");
    }
    p.backoff_function = f;
  }
  if (p.num_no_delay_retries + p.num_min_delay_retries + p.num_max_delay_retries > p.num_retries) {
    throw ConfigError(where, "numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries <= numRetries");
  }
  if (p.min_delay_seconds > p.max_delay_seconds) throw ConfigError(where, "minDelayTarget <= maxDelayTarget");
  return p;
}

double DeliveryPolicy::delay_before_retry(int k) const {
  if (k <= num_no_delay_retries) return 0;
  k -= num_no_delay_retries;
  if (k <= num_min_delay_retries) return min_delay_seconds;
  k -= num_min_delay_retries;
  const int backoff = num_retries - num_no_delay_retries - num_min_delay_retries - num_max_delay_retries;
  if (k > backoff || backoff <= 1) return k > backoff ? max_delay_seconds : min_delay_seconds;
  // Position 0..1 through the backoff phase.
  const double x = static_cast<double>(k - 1) / static_cast<double>(backoff - 1);
  double shape = x;  // linear
  if (backoff_function == "arithmetic") shape = x * x;
  if (backoff_function == "geometric") shape = std::sqrt(x);
  if (backoff_function == "exponential") shape = (std::exp(3 * x) - 1) / (std::exp(3.0) - 1);
  return min_delay_seconds + (max_delay_seconds - min_delay_seconds) * shape;
}

HttpDelivery::HttpDelivery(std::size_t capacity, double timeout_seconds, double time_scale)
    : capacity_(capacity), timeout_seconds_(timeout_seconds), time_scale_(time_scale) {}

HttpDelivery::~HttpDelivery() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void HttpDelivery::enqueue(Delivery delivery) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (waiting_.size() >= capacity_) {
      // The oldest waiting delivery makes room (its Due entry is skipped when it comes up).
      auto oldest = waiting_.begin();
      count(oldest->second.subscription_arn, &DeliveryCounts::dropped);
      ++total_.dropped;
      waiting_.erase(oldest);
    }
    counts_.try_emplace(delivery.subscription_arn);  // forgotten with the subscription
    const std::uint64_t order = next_order_++;
    const Micros delay =
        static_cast<Micros>(static_cast<double>(delivery.fault_delay) * time_scale_);
    waiting_.emplace(order, std::move(delivery));
    due_.push({wall::monotonic_now() + delay, order});
    // Started by the first delivery, not with the emulator: most runs subscribe no HTTP(S)
    // endpoint, and a thread fewer to start is a faster `emulator serve` (bench/startup).
    if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
  }
  wake_.notify_one();
}

void HttpDelivery::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    while (!stopping_ && due_.empty()) wake_.wait(lock);
    if (stopping_) return;
    const Due next = due_.top();
    if (next.at > wall::monotonic_now()) {
      wall::wait_until(wake_, lock, next.at);
      continue;
    }
    due_.pop();
    auto it = waiting_.find(next.order);
    if (it == waiting_.end()) continue;  // dropped for room
    Delivery delivery = std::move(it->second);
    waiting_.erase(it);
    lock.unlock();
    const bool finished = attempt(delivery);
    lock.lock();
    ++total_.attempts;
    count(delivery.subscription_arn, &DeliveryCounts::attempts);
    if (finished) continue;
    const int retry = delivery.attempts;  // retries made so far + 1
    if (retry > delivery.policy.num_retries) {
      count(delivery.subscription_arn, &DeliveryCounts::failed);
      ++total_.failed;
      continue;
    }
    const double delay = delivery.policy.delay_before_retry(retry) * time_scale_;
    const std::uint64_t order = next_order_++;
    waiting_.emplace(order, std::move(delivery));
    due_.push({wall::monotonic_now() + static_cast<Micros>(delay * kMicrosPerSecond), order});
  }
}

bool HttpDelivery::attempt(Delivery& delivery) {
  if (delivery.attempts++ < delivery.faulted_attempts) {
    std::lock_guard<std::mutex> lock(mutex_);
    count(delivery.subscription_arn, &DeliveryCounts::faulted);
    ++total_.faulted;
    return false;  // as if the endpoint had not answered: retried by the policy
  }
  PostHeaders headers(delivery.headers.begin(), delivery.headers.end());
  const int status = http_post(delivery.endpoint, headers, delivery.body,
                               "text/plain; charset=UTF-8", timeout_seconds_);
  std::lock_guard<std::mutex> lock(mutex_);
  if (status >= 200 && status < 300) {
    count(delivery.subscription_arn, &DeliveryCounts::delivered);
    ++total_.delivered;
    return true;
  }
  if (status >= 400 && status < 500 && status != 429) {
    count(delivery.subscription_arn, &DeliveryCounts::failed);
    ++total_.failed;
    return true;
  }
  return false;
}

DeliveryCounts HttpDelivery::counts(const std::string& subscription_arn) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = counts_.find(subscription_arn);
  return it == counts_.end() ? DeliveryCounts{} : it->second;
}

void HttpDelivery::count(const std::string& subscription_arn, std::uint64_t DeliveryCounts::*field) {
  const auto it = counts_.find(subscription_arn);
  if (it != counts_.end()) ++(it->second.*field);
}

void HttpDelivery::forget(const std::string& subscription_arn) {
  std::lock_guard<std::mutex> lock(mutex_);
  counts_.erase(subscription_arn);
}

nlohmann::json HttpDelivery::state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {{"capacity", capacity_},    {"waiting", waiting_.size()}, {"delivered", total_.delivered},
          {"failed", total_.failed},  {"dropped", total_.dropped},  {"attempts", total_.attempts},
          {"faulted", total_.faulted}};
}

}  // namespace emu::sns
