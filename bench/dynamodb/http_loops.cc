#include "http_loops.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "emulator/core/clock.h"
#include "http_connection.h"

namespace bench {

namespace {

// 4 M latencies are 32 MB; a loop stops sending once it has recorded that many.
constexpr std::size_t kMaxSamples = 4'000'000;
// Answers may arrive this long after a loop's planned end; then its sockets are closed and
// whatever is still unanswered counts as an error, so a stalled server cannot hang the run.
constexpr Micros kGrace = 5 * emu::kMicrosPerSecond;
constexpr int kInitialOpenPool = 4;

// ---------------------------------------------------------------------------------------------
// Latencies

// Exact percentiles: every latency is kept and sorted once at the end. At most kMaxSamples are
// kept (the loops stop sending there); answers beyond that are still counted.
class LatencyRecorder {
 public:
  explicit LatencyRecorder(std::size_t expected) { samples_.reserve(std::min(expected, kMaxSamples)); }
  bool full() const { return samples_.size() >= kMaxSamples; }
  void record(Micros latency) {
    ++count_;
    if (!full()) samples_.push_back(latency);
  }
  std::uint64_t count() const { return count_; }

  void summarize(Summary& s, Micros elapsed) {
    s.ok = count_;
    if (samples_.empty()) return;
    std::sort(samples_.begin(), samples_.end());
    s.ops_per_s = elapsed > 0 ? static_cast<double>(count_) / emu::to_seconds(elapsed) : 0;
    s.p50 = rank(0.50);
    s.p99 = rank(0.99);
    s.p999 = rank(0.999);
    s.max = samples_.back();
  }

 private:
  // Nearest rank: the smallest latency that at least q of the samples do not exceed.
  Micros rank(double q) const {
    const auto n = static_cast<double>(samples_.size());
    const auto i = static_cast<std::size_t>(std::max(1.0, std::ceil(q * n))) - 1;
    return samples_[std::min(i, samples_.size() - 1)];
  }
  std::vector<Micros> samples_;
  std::uint64_t count_ = 0;
};

Micros cpu_time_now() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto micros = [](const timeval& t) { return static_cast<Micros>(t.tv_sec) * 1'000'000 + t.tv_usec; };
  return micros(u.ru_utime) + micros(u.ru_stime);
}

// Closes every socket when the loop overruns its end by kGrace: pending reads then fail, are
// counted as errors, and io_context::run returns.
class Watchdog {
 public:
  Watchdog(asio::io_context& io, std::vector<std::unique_ptr<Connection>>& conns, std::function<void()> on_fire)
      : timer_(io), conns_(conns), on_fire_(std::move(on_fire)) {}
  void arm(Micros at) {
    timer_.expires_at(asio::steady_timer::time_point(std::chrono::microseconds(at)));
    timer_.async_wait([this](const beast::error_code& ec) {
      if (ec) return;
      on_fire_();
      for (auto& c : conns_) c->close();
    });
  }
  void cancel() { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
  std::vector<std::unique_ptr<Connection>>& conns_;
  std::function<void()> on_fire_;
};

// ---------------------------------------------------------------------------------------------
// What both loops keep of the answers: the latencies of the 200s, when the last answer came,
// and the first error.
struct AnswerLog {
  explicit AnswerLog(std::size_t capacity) : recorder(capacity) {}
  void record(const Connection& c, int status, const std::string& error, Micros now) {
    if (status == 200) {
      recorder.record(now - c.latency_origin);
      last_answer = now;
    } else if (first_error.empty()) {
      first_error = error;
    }
  }
  LatencyRecorder recorder;
  Micros last_answer = 0;
  std::string first_error;
};

// Closed loop

class ClosedLoop {
 public:
  ClosedLoop(const Target& t, const RequestTemplate& tmpl, int connections, Micros duration)
      : target_(t), template_(tmpl), connections_(connections), duration_(duration),
        answers_(static_cast<std::size_t>(emu::to_seconds(duration) * 50'000)),
        watchdog_(io_, conns_, [] {}) {}

  Summary run() {
    endpoints_ = resolve(io_, target_);
    for (int i = 0; i < connections_; ++i) {
      conns_.push_back(std::make_unique<Connection>(io_, template_));
      if (!connect_now(*conns_.back(), endpoints_)) {
        Summary s;
        s.first_error = "cannot connect to " + target_.url;
        s.errors = 1;
        return s;
      }
    }
    const Micros cpu_start = cpu_time_now();
    start_ = emu::wall::monotonic_now();
    end_ = start_ + duration_;
    answers_.last_answer = start_;
    active_ = connections_;
    watchdog_.arm(end_ + kGrace);
    for (auto& c : conns_) next(*c);
    io_.run();
    Summary s;
    answers_.recorder.summarize(s, answers_.last_answer - start_);
    s.errors = attempted_ - answers_.recorder.count();
    s.client_cpu = static_cast<double>(cpu_time_now() - cpu_start) /
                   static_cast<double>(std::max<Micros>(1, emu::wall::monotonic_now() - start_));
    s.first_error = answers_.first_error;
    return s;
  }

 private:
  void next(Connection& c) {
    const Micros now = emu::wall::monotonic_now();
    if (now >= end_ || answers_.recorder.full()) return retire();
    template_.stamp(c.request, counter_++);
    c.latency_origin = now;
    ++attempted_;
    send_request(c, endpoints_, [this, &c](int status, const std::string& error) { on_answer(c, status, error); });
  }

  void on_answer(Connection& c, int status, const std::string& error) {
    answers_.record(c, status, error, emu::wall::monotonic_now());
    // A connection that cannot be reopened retires, so a server that went away does not turn
    // the loop into a spin of refused connects.
    if (c.connect_failed) return retire();
    next(c);
  }

  void retire() {
    if (--active_ == 0) watchdog_.cancel();
  }

  Target target_;
  const RequestTemplate& template_;
  int connections_;
  Micros duration_;
  asio::io_context io_;
  Endpoints endpoints_;
  std::vector<std::unique_ptr<Connection>> conns_;
  AnswerLog answers_;
  Watchdog watchdog_;
  Micros start_ = 0, end_ = 0;
  int active_ = 0;
  std::uint64_t counter_ = 0, attempted_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Open loop at a fixed rate (coordinated-omission safe: latency from the planned send time)

class OpenLoop {
 public:
  OpenLoop(const Target& t, const RequestTemplate& tmpl, double rate, Micros duration, int max_connections)
      : target_(t), template_(tmpl), rate_(rate), max_connections_(max_connections),
        total_(std::min<std::uint64_t>(kMaxSamples, static_cast<std::uint64_t>(rate * emu::to_seconds(duration)))),
        duration_(duration), answers_(total_), send_lag_(total_), timer_(io_),
        watchdog_(io_, conns_, [this] { stop(); }) {}

  Summary run() {
    endpoints_ = resolve(io_, target_);
    for (int i = 0; i < std::min(kInitialOpenPool, max_connections_); ++i) {
      conns_.push_back(std::make_unique<Connection>(io_, template_));
      if (!connect_now(*conns_.back(), endpoints_)) {
        Summary s;
        s.first_error = "cannot connect to " + target_.url;
        s.errors = total_;
        return s;
      }
      idle_.push_back(conns_.back().get());
    }
    const Micros cpu_start = cpu_time_now();
    start_ = emu::wall::monotonic_now();
    answers_.last_answer = start_;
    watchdog_.arm(start_ + duration_ + kGrace);
    arm_schedule();
    io_.run();
    Summary s;
    answers_.recorder.summarize(s, answers_.last_answer - start_);
    s.errors = total_ - answers_.recorder.count();
    Summary lag;
    send_lag_.summarize(lag, 0);
    s.send_lag_p99 = lag.p99;
    s.client_cpu = static_cast<double>(cpu_time_now() - cpu_start) /
                   static_cast<double>(std::max<Micros>(1, emu::wall::monotonic_now() - start_));
    s.first_error = answers_.first_error;
    return s;
  }

  std::size_t connections_used() const { return conns_.size(); }

 private:
  Micros planned(std::uint64_t i) const {
    return start_ + static_cast<Micros>(static_cast<double>(i) * 1e6 / rate_);
  }

  void arm_schedule() {
    if (next_index_ >= total_) return;
    timer_.expires_at(asio::steady_timer::time_point(std::chrono::microseconds(planned(next_index_))));
    timer_.async_wait([this](const beast::error_code& ec) {
      if (!ec) on_schedule();
    });
  }

  // Sends everything that is due (more than one if the timer woke late) and rearms.
  void on_schedule() {
    const Micros now = emu::wall::monotonic_now();
    while (next_index_ < total_ && planned(next_index_) <= now) dispatch(planned(next_index_++));
    arm_schedule();
    finish_if_done();
  }

  // An idle connection if there is one, else a new one while the pool is under its bound,
  // else the request waits for the first connection to free up (its latency keeps counting).
  void dispatch(Micros planned_at) {
    Connection* c = nullptr;
    if (!idle_.empty()) {
      c = idle_.back();
      idle_.pop_back();
    } else if (static_cast<int>(conns_.size()) < max_connections_) {
      conns_.push_back(std::make_unique<Connection>(io_, template_));
      c = conns_.back().get();
    } else {
      waiting_.push_back(planned_at);
      return;
    }
    send(*c, planned_at);
  }

  void send(Connection& c, Micros planned_at) {
    ++in_flight_;
    c.latency_origin = planned_at;
    send_lag_.record(emu::wall::monotonic_now() - planned_at);
    template_.stamp(c.request, counter_++);
    send_request(c, endpoints_, [this, &c](int status, const std::string& error) { on_answer(c, status, error); });
  }

  void on_answer(Connection& c, int status, const std::string& error) {
    --in_flight_;
    const Micros now = emu::wall::monotonic_now();
    answers_.record(c, status, error, now);
    if (!stopped_ && !waiting_.empty()) {
      const Micros planned_at = waiting_.front();
      waiting_.pop_front();
      send(c, planned_at);
    } else {
      idle_.push_back(&c);
    }
    finish_if_done();
  }

  void finish_if_done() {
    if (next_index_ >= total_ && in_flight_ == 0 && waiting_.empty()) watchdog_.cancel();
  }

  // The watchdog fired: nothing more is sent; what was not answered counts as an error.
  void stop() {
    stopped_ = true;
    timer_.cancel();
    if (answers_.first_error.empty()) answers_.first_error = "unanswered at the end of the grace period";
  }

  Target target_;
  const RequestTemplate& template_;
  double rate_;
  int max_connections_;
  std::uint64_t total_;
  Micros duration_;
  asio::io_context io_;
  Endpoints endpoints_;
  std::vector<std::unique_ptr<Connection>> conns_;
  std::vector<Connection*> idle_;
  std::deque<Micros> waiting_;  // planned times; at most total_ of them
  AnswerLog answers_;
  LatencyRecorder send_lag_;
  asio::steady_timer timer_;
  Watchdog watchdog_;
  Micros start_ = 0;
  std::uint64_t next_index_ = 0, counter_ = 0, in_flight_ = 0;
  bool stopped_ = false;
};

}  // namespace

Summary run_closed_loop(const Target& t, const RequestTemplate& tmpl, int connections, Micros duration) {
  return ClosedLoop(t, tmpl, connections, duration).run();
}

OpenLoopResult run_open_loop(const Target& t, const RequestTemplate& tmpl, double rate,
                             Micros duration, int max_connections) {
  OpenLoop loop(t, tmpl, rate, duration, max_connections);
  OpenLoopResult result;
  result.summary = loop.run();
  result.connections_used = loop.connections_used();
  return result;
}

void print(const std::string& label, const Summary& s) {
  std::printf("%-44s %10.0f ops/s  p50 %6.3f ms  p99 %6.3f ms  p99.9 %7.3f ms  max %7.3f ms  "
              "errors %llu  client cpu %3.0f%%",
              label.c_str(), s.ops_per_s, emu::to_millis(s.p50), emu::to_millis(s.p99),
              emu::to_millis(s.p999), emu::to_millis(s.max),
              static_cast<unsigned long long>(s.errors), 100 * s.client_cpu);
  if (s.send_lag_p99) std::printf("  send lag p99 %.3f ms", emu::to_millis(*s.send_lag_p99));
  std::printf("\n");
  if (!s.first_error.empty()) std::printf("  first error: %s\n", s.first_error.c_str());
  std::fflush(stdout);
}

}  // namespace bench
