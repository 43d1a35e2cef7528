#include "loadgen/run_http.h"

#include <cstdio>
#include <deque>
#include <functional>
#include <memory>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "emulator/core/clock.h"
#include "loadgen/emulator_side.h"
#include "loadgen/planner.h"
#include "loadgen/run_virtual.h"
#include "loadgen/trace_access_log.h"

namespace loadgen {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct Job {
  Send send;
  Micros planned_real;  // monotonic µs
  std::string body;
  std::string ip;
  std::string user_agent;
  // An access-log replay (trace_access_log.h) keeps the logged method and path, and sends no
  // API key for a logged 403; it is never resent.
  std::string method = "POST", path = "/save-metrics";
  bool api_key = true, replayed = false;
};

class Driver {
 public:
  using BeforeSend = std::function<void(Micros planned)>;
  Driver(const Scenario& s, Recorder& recorder, const HttpRunOptions& o, std::string api_key,
         const TargetUrl& target, tcp::resolver::results_type endpoints, BeforeSend before_send)
      : s_(s), recorder_(recorder), options_(o), api_key_(std::move(api_key)), target_(target),
        endpoints_(std::move(endpoints)), before_send_(std::move(before_send)),
        population_(s.population, s.seed), planner_(s, population_, o.shard, o.shards), timer_(io_) {}

  void run() {
    origin_ = emu::wall::monotonic_now();
    const Phase& first = s_.schedule.front();
    if (first.type == Phase::Type::kClosed) {
      closed_until_ = origin_ + static_cast<Micros>(static_cast<double>(first.duration) / options_.speed);
      for (int i = 0; i < first.connections; ++i) {
        conns_.push_back(std::make_unique<Conn>(io_));
        closed_next(conns_.back().get());
      }
    } else {
      next_ = planner_.next();
      arm();
    }
    io_.run();
    recorder_.finish();
  }
  std::uint64_t connections_opened() const { return opened_; }
  std::uint64_t max_waiting() const { return max_waiting_; }
  std::uint64_t dropped() const { return dropped_; }
  // Planned sending span over the span it really took (1 when the client kept up).
  double achieved_ratio() const {
    const double planned = static_cast<double>(last_planned_ - origin_);
    const double actual = static_cast<double>(last_sent_ - origin_);
    return actual <= 0 || planned >= actual ? 1.0 : planned / actual;
  }

 private:
  struct Conn {
    explicit Conn(asio::io_context& io) : socket(io) {}
    tcp::socket socket;
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    bhttp::response<bhttp::string_body> res;
    bool open = false;
  };

  Micros real_time_of(Micros planned) const {
    return origin_ + static_cast<Micros>(static_cast<double>(planned - s_.start) / options_.speed);
  }

  void arm() {
    if (!next_) return;
    const Micros at = real_time_of(next_->at);
    timer_.expires_at(asio::steady_timer::time_point(std::chrono::microseconds(at)));
    timer_.async_wait([this](const beast::error_code& ec) {
      if (!ec) on_timer();
    });
  }

  // Closed loop: the connection's next request leaves as soon as the last one is answered.
  void closed_next(Conn* c) {
    const Micros now = emu::wall::monotonic_now();
    if (now >= closed_until_) return;
    Send send;
    send.at = s_.start + static_cast<Micros>(static_cast<double>(now - origin_) * options_.speed);
    send.device = static_cast<std::int64_t>(closed_count_ % static_cast<std::uint64_t>(population_.size()));
    send.entries = population_.device(send.device).queue;
    send.id = closed_count_++;
    recorder_.planned(send.at);
    if (before_send_) before_send_(send.at);
    send_on(c, job_for(send));
  }

  void on_timer() {
    const Micros now = emu::wall::monotonic_now();
    while (next_ && real_time_of(next_->at) <= now) {
      // Lock step (a virtual-clock emulator): the emulator's clock moves to a send's time only
      // once every earlier send has been answered, so each request reaches the emulator at its
      // own scenario time, as in process. Without it a client running behind would move the
      // clock past a batch of overdue sends and deliver them all at the last one's time (a
      // burst the scenario does not have: Lambda concurrency spikes and throttles).
      if (lock_step() && next_->at > clock_at_ && (in_flight_ > 0 || !waiting_.empty())) {
        held_ = true;
        return;
      }
      start(*next_);
      next_ = planner_.next();
    }
    progress(now);
    arm();
  }

  bool lock_step() const { return static_cast<bool>(before_send_); }

  Job job_for(const Send& send) const {
    const Device d = population_.device(send.device);
    const std::uint64_t salt = send.id + static_cast<std::uint64_t>(send.attempt);
    const AccessLogTrace* trace = nullptr;
    if (const ReplayLine* line = replay_line_of(s_, send, &trace)) {
      auto r = replay_request(*trace, *line, population_, send.at, salt, api_key_);
      Job job{send, real_time_of(send.at), std::move(r.body), r.remote_ip, std::string(r.header("User-Agent"))};
      job.method = r.method;
      job.path = r.path;
      job.api_key = r.has_header("x-api-key");
      job.replayed = true;
      return job;
    }
    return Job{send, real_time_of(send.at), population_.body(d, send.kind, send.entries, send.at, salt),
               device_ip(d), user_agent(d)};
  }

  void start(const Send& send) {
    recorder_.planned(send.at);
    if (before_send_) before_send_(send.at);
    clock_at_ = std::max(clock_at_, send.at);
    Conn* conn = nullptr;
    if (!idle_.empty()) {
      conn = idle_.back();
      idle_.pop_back();
    } else if (static_cast<int>(conns_.size()) < options_.max_connections) {
      conns_.push_back(std::make_unique<Conn>(io_));
      conn = conns_.back().get();
    }
    if (conn == nullptr) {
      // Every connection is busy: the send waits (its latency keeps counting from the planned
      // time). The queue holds sends, not bodies, and is bounded: past the cap the client is
      // overloaded and the send is dropped and counted, never queued without limit.
      if (waiting_.size() >= kMaxWaiting) {
        ++dropped_;
        return;
      }
      waiting_.push_back(send);
      max_waiting_ = std::max<std::uint64_t>(max_waiting_, waiting_.size());
      return;
    }
    send_on(conn, job_for(send));
  }

  void send_on(Conn* c, Job job) {
    ++in_flight_;
    last_planned_ = std::max(last_planned_, job.planned_real);
    last_sent_ = std::max(last_sent_, emu::wall::monotonic_now());
    send_shared(c, std::make_shared<Job>(std::move(job)), true);
  }

  // `may_retry`: a kept-alive connection the server has closed meanwhile fails at once; the
  // request then goes once more on a fresh connection (as HTTP clients do).
  void send_shared(Conn* c, std::shared_ptr<Job> shared, bool may_retry) {
    c->req = {};
    c->req.method_string(shared->method);
    c->req.target(target_.base + shared->path);
    c->req.version(11);
    c->req.set(bhttp::field::host, target_.host + ":" + target_.port);
    c->req.set(bhttp::field::content_type, "application/json");
    if (shared->api_key) c->req.set("x-api-key", api_key_);
    for (const auto& [name, value] : options_.headers) c->req.set(name, value);
    c->req.set(bhttp::field::user_agent, shared->user_agent);
    c->req.set("X-Forwarded-For", shared->ip);
    c->req.body() = shared->body;
    c->req.prepare_payload();
    if (c->open) return write(c, shared, emu::wall::monotonic_now(), may_retry);
    asio::async_connect(c->socket, endpoints_, [this, c, shared](const beast::error_code& ec, const tcp::endpoint&) {
      const Micros sent_at = emu::wall::monotonic_now();
      if (ec) return done(c, shared, 0, sent_at);
      c->open = true;
      ++opened_;
      beast::error_code ignored;
      c->socket.set_option(tcp::no_delay(true), ignored);
      write(c, shared, sent_at, false);
    });
  }

  void write(Conn* c, std::shared_ptr<Job> job, Micros sent_at, bool may_retry) {
    bhttp::async_write(c->socket, c->req, [this, c, job, sent_at, may_retry](const beast::error_code& ec, std::size_t) {
      if (ec) return failed(c, job, sent_at, may_retry);
      c->res = {};
      bhttp::async_read(c->socket, c->buffer, c->res, [this, c, job, sent_at, may_retry](const beast::error_code& ec2, std::size_t) {
        if (ec2) return failed(c, job, sent_at, may_retry);
        done(c, job, static_cast<int>(c->res.result_int()), sent_at);
      });
    });
  }

  void failed(Conn* c, const std::shared_ptr<Job>& job, Micros sent_at, bool may_retry) {
    beast::error_code ignored;
    c->socket.close(ignored);
    c->open = false;
    c->buffer.clear();
    if (may_retry) return send_shared(c, job, false);
    done(c, job, 0, sent_at);
  }

  void done(Conn* c, const std::shared_ptr<Job>& job, int status, Micros sent_at) {
    --in_flight_;
    const Micros now = emu::wall::monotonic_now();
    const bool late = sent_at - job->planned_real > kMicrosLate;
    recorder_.answered(job->send.at, status, now - job->planned_real, now - sent_at, late);
    if (closed_until_ == 0 && !job->replayed && !client_accepts(job->send.kind, status)) planner_.resend(job->send);
    if (status != 0 && c->res.need_eof()) {
      beast::error_code ignored;
      c->socket.close(ignored);
      c->open = false;
      c->buffer.clear();
    }
    if (closed_until_ != 0) return closed_next(c);
    if (!waiting_.empty()) {
      const Send next = waiting_.front();
      waiting_.pop_front();
      send_on(c, job_for(next));
    } else {
      idle_.push_back(c);
    }
    if (held_ && in_flight_ == 0 && waiting_.empty()) {
      held_ = false;
      return on_timer();
    }
    // A resend may now be due before the timer's target.
    if (!next_) {
      next_ = planner_.next();
      if (next_) arm();
    }
    if (!next_ && in_flight_ == 0 && waiting_.empty()) timer_.cancel();
  }

  void progress(Micros now) {
    if (now - last_progress_ < 500 * emu::kMicrosPerMilli) return;
    last_progress_ = now;
    // Answers arrive within a few seconds of their planned time: rows older than that close.
    // In lock step the sends may be behind the wall-clock schedule: what was sent bounds it.
    Micros reached =
        s_.start + static_cast<Micros>(static_cast<double>(now - origin_) * options_.speed);
    if (lock_step()) reached = std::min(reached, clock_at_);
    recorder_.close_seconds(reached - 10 * emu::kMicrosPerSecond);
    if (!options_.progress) return;
    std::fprintf(stderr, "\r  %.0f s  sent %llu  in flight %llu  waiting %zu  connections %zu   ",
                 emu::to_seconds(now - origin_), static_cast<unsigned long long>(recorder_.total_answered()),
                 static_cast<unsigned long long>(in_flight_), waiting_.size(), conns_.size());
  }

  static constexpr Micros kMicrosLate = emu::kMicrosPerMilli;
  const Scenario& s_;
  Recorder& recorder_;
  HttpRunOptions options_;
  std::string api_key_;
  TargetUrl target_;
  tcp::resolver::results_type endpoints_;
  BeforeSend before_send_;
  asio::io_context io_;
  PopulationModel population_;
  Planner planner_;
  asio::steady_timer timer_;
  std::optional<Send> next_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<Conn*> idle_;
  std::deque<Send> waiting_;
  static constexpr std::size_t kMaxWaiting = 1'000'000;
  std::uint64_t dropped_ = 0;
  std::uint64_t in_flight_ = 0, opened_ = 0, max_waiting_ = 0;
  Micros origin_ = 0, last_progress_ = 0;
  Micros closed_until_ = 0;
  Micros clock_at_ = 0;  // lock step: the latest scenario time the emulator's clock was moved to
  bool held_ = false;    // lock step: a send waits for every earlier one to be answered
  Micros last_planned_ = 0, last_sent_ = 0;
  std::uint64_t closed_count_ = 0;
};

// The target's endpoints, after checking that it resolves and accepts a connection.
tcp::resolver::results_type reachable_endpoints(const TargetUrl& target,
                                                const HttpRunOptions& options) {
  asio::io_context probe_io;
  tcp::resolver resolver(probe_io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(target.host, target.port, ec);
  if (ec) throw TargetError("--target " + options.target + ": cannot resolve: " + ec.message());
  tcp::socket probe(probe_io);
  asio::connect(probe, endpoints, ec);
  if (ec) throw TargetError("--target " + options.target + ": unreachable: " + ec.message());
  probe.close(ec);
  return endpoints;
}

// Sets `emulator` when the target is an emulator, else says in `not_emulator` why not; refuses
// sharding against an emulator on a virtual clock.
void attach_emulator(HttpClient& control, const Scenario& s, const HttpRunOptions& options,
                     std::optional<EmulatorSide>& emulator, std::string& not_emulator) {
  try {
    if (auto health = EmulatorSide::probe(control)) emulator.emplace(control, *health, s, options.speed);
    else not_emulator = "the target is not an emulator (GET /_emulator/health is not an emulator's answer)";
  } catch (const TargetError& e) {
    not_emulator = std::string("the target is not an emulator (") + e.what() + ")";
  }
  if (emulator && emulator->virtual_clock() && options.shards > 1) {
    // Several processes cannot keep one virtual clock in lock step: each would move it for its
    // own sends (past the others' unanswered ones) and the emulator answers a second clock move
    // while one is running with 409. Refused before anything is sent.
    throw TargetError(fmt::format(
        "--shard {}/{}: the emulator at {} runs a virtual clock, which one loadgen moves in lock "
        "step with its sends; shards cannot share it faithfully. Run unsharded against it, or "
        "shard against an emulator on the real clock",
        options.shard, options.shards, options.target));
  }
}

// The run's figures and settings from the driver that sent it.
void record_http_run(Outcome& o, const Driver& driver, Recorder& recorder, const Scenario& s,
                     const HttpRunOptions& options, double settle, bool lock_step) {
  o.mode = "http";
  o.add_recorder_figures(recorder);
  o.figures["connections_opened"] = static_cast<double>(driver.connections_opened());
  o.figures["max_waiting_for_a_connection"] = static_cast<double>(driver.max_waiting());
  o.figures["dropped_client_overloaded"] = static_cast<double>(driver.dropped());
  // Achieved vs planned rate: the schedule's sending span over the span sending really took,
  // scaled by what was answered (dropped sends count against it). In lock step with a
  // virtual clock every send reached the emulator at its planned time, however long the wall
  // clock took: only what was answered counts.
  if (!lock_step) o.figures["achieved_ratio"] *= driver.achieved_ratio();
  o.settings = {{"mode", "http"},
                {"scenario", s.source},
                {"target", options.target},
                {"speed", options.speed},
                {"max_connections", options.max_connections},
                {"settle_timeout_seconds", settle},
                {"lock_step_with_virtual_clock", lock_step}};
}

}  // namespace

Outcome run_http(const Scenario& s, Recorder& recorder, const HttpRunOptions& options) {
  const TargetUrl target = TargetUrl::parse(options.target);
  const auto endpoints = reachable_endpoints(target, options);
  HttpClient control(options.target, options.headers);
  std::optional<EmulatorSide> emulator;
  std::string not_emulator;
  attach_emulator(control, s, options, emulator, not_emulator);
  std::string api_key = options.api_key.value_or("local-metrics-api-key");
  if (emulator) {
    emulator->validate();
    if (!options.api_key) api_key = emulator->api_key().value_or(api_key);
    emulator->apply_overrides();
  }
  const double settle = options.settle_seconds.value_or(
      std::max(10.0, emu::to_seconds(s.drain) / options.speed));
  Outcome o;
  try {
    if (emulator) emulator->begin(settle);
    const Micros wall_start = emu::wall::monotonic_now();
    Driver::BeforeSend follow;
    if (emulator && emulator->virtual_clock()) follow = [&emulator](Micros at) { emulator->follow(at); };
    Driver driver(s, recorder, options, api_key, target, endpoints, follow);
    driver.run();
    if (options.progress) std::fprintf(stderr, "\r%80s\r", "");
    record_http_run(o, driver, recorder, s, options, settle, static_cast<bool>(follow));
    if (emulator) emulator->finish(o, settle);
    else o.emulator_unknown = not_emulator;
    o.wall_seconds = emu::to_seconds(emu::wall::monotonic_now() - wall_start);
  } catch (...) {
    if (emulator) emulator->restore_overrides();
    throw;
  }
  if (emulator) emulator->restore_overrides();
  return o;
}

}  // namespace loadgen
