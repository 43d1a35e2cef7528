// SNS's HTTP/HTTPS deliveries, made by one background thread so that a slow or dead endpoint
// never blocks the simulation: the simulation thread only enqueues. The queue holds at most
// `capacity` deliveries (waiting or between retries); beyond, the oldest waiting one is
// dropped and counted. A failed attempt (no answer, 429, 5xx) is retried as the
// subscription's delivery policy says (AWS's HTTP/S policy: phases of immediate, minimum-delay,
// backoff and maximum-delay retries); other answers end the delivery.
// ASSUMPTION: 2xx is delivered; 4xx other than 429 is a permanent failure (not retried).
// DEVIATION: retry delays run on the wall clock (they concern a real endpoint), scaled by
// `time_scale` (tests shorten them); one endpoint answering slowly delays the others.
//
// Fault rules ("sns" HttpDelivery) are decided by SnsModel on the simulation thread when the
// message is handed over, because the injector's seeded stream belongs to that thread: the
// first `faulted_attempts` attempts fail without a POST, as an endpoint that did not answer
// would (retried by the policy, counted in `faulted`), and the delivery starts `fault_delay`
// (scaled by `time_scale`) later.
// DEVIATION: the rules' window and probability are evaluated at that moment for every attempt
// they fail, not at each retry's own time; the failed attempts are always the first ones.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/config.h"
#include "emulator/core/time.h"

namespace emu::sns {

struct DeliveryPolicy {
  int num_retries = 3;
  int num_no_delay_retries = 0;
  int num_min_delay_retries = 0;
  int num_max_delay_retries = 0;
  double min_delay_seconds = 20;
  double max_delay_seconds = 20;
  std::string backoff_function = "linear";  // linear | arithmetic | geometric | exponential

  static DeliveryPolicy from_json(const nlohmann::json& policy, const std::string& where);
  // Seconds to wait before retry `k` (1-based, k <= num_retries).
  double delay_before_retry(int k) const;
};

struct Delivery {
  std::string subscription_arn;
  std::string endpoint;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  DeliveryPolicy policy;
  int attempts = 0;
  int faulted_attempts = 0;  // the first attempts a fault rule fails (no POST made)
  Micros fault_delay = 0;    // a fault rule's latency before the first attempt
};

struct DeliveryCounts {
  std::uint64_t delivered = 0, failed = 0, dropped = 0, attempts = 0;
  std::uint64_t faulted = 0;  // attempts failed by a fault rule
};

class HttpDelivery {
 public:
  HttpDelivery(std::size_t capacity, double timeout_seconds, double time_scale);
  ~HttpDelivery();
  HttpDelivery(const HttpDelivery&) = delete;
  HttpDelivery& operator=(const HttpDelivery&) = delete;

  // Simulation thread.
  void enqueue(Delivery delivery);
  DeliveryCounts counts(const std::string& subscription_arn) const;
  // Drops the counters of a subscription that is gone (its deliveries already queued still run).
  void forget(const std::string& subscription_arn);
  nlohmann::json state() const;

 private:
  struct Due {
    Micros at;
    std::uint64_t order;
    bool operator>(const Due& o) const { return at != o.at ? at > o.at : order > o.order; }
  };
  void run();
  // Counts for a subscription that still exists (mutex held).
  void count(const std::string& subscription_arn, std::uint64_t DeliveryCounts::*field);
  // One POST; true when the delivery is finished (delivered or permanently failed).
  bool attempt(Delivery& delivery);

  const std::size_t capacity_;
  const double timeout_seconds_;
  const double time_scale_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::map<std::uint64_t, Delivery> waiting_;  // by order
  std::uint64_t next_order_ = 0;
  std::map<std::string, DeliveryCounts> counts_;
  DeliveryCounts total_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace emu::sns
