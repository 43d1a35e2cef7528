#include "emulator/server/asio_edge.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <mutex>
#include <vector>

#include "emulator/http/router.h"
#include "emulator/server/beast_request.h"
#include "emulator/server/body_budget.h"
#include "emulator/server/edge_errors.h"

namespace emu::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// A named namespace rather than an anonymous one: AsioEdge::Impl holds an EdgeContext, and a
// class with external linkage holding one with internal linkage draws -Wsubobject-linkage when
// the unity build includes this file into another.
namespace edge_detail {

constexpr auto kIdleTimeout = std::chrono::seconds(2);  // as the httplib edge: keep-alive idle
constexpr auto kReadTimeout = std::chrono::seconds(60);
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr auto kAcceptRetry = std::chrono::milliseconds(20);

class Session;

// Answers travel from the simulation thread to the I/O thread through this outbox. Each
// asio::post from another thread wakes the I/O thread (an eventfd write and an epoll_ctl);
// one post per batch of answers instead of one per answer keeps that cost off the simulation
// thread, which delivers a whole turn's answers at once.
class Outbox {
 public:
  explicit Outbox(asio::io_context& io) : io_(io) {}

  // Simulation thread.
  void deliver(std::shared_ptr<Session> session, http::HttpResponse response) {
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      pending_.emplace_back(std::move(session), std::move(response));
      wake = !flush_posted_;
      flush_posted_ = true;
    }
    if (wake) asio::post(io_, [this] { flush(); });
  }
  void drop_pending() {
    std::lock_guard lock(mutex_);
    pending_.clear();
  }

 private:
  void flush();  // I/O thread

  asio::io_context& io_;
  std::mutex mutex_;
  std::vector<std::pair<std::shared_ptr<Session>, http::HttpResponse>> pending_, writing_;
  bool flush_posted_ = false;
};

// What every connection of one edge shares (owned jointly by the edge and its sessions, which
// may outlive it briefly while the io_context destroys their handlers).
struct EdgeContext {
  EdgeContext(SimLoop& l, http::Router& r, asio::io_context& io, const EdgeSettings& s,
              LocalAnswer a)
      : loop(l), router(r), outbox(io), settings(s),
        budget(std::make_shared<BodyBudget>(s.max_buffered_body_bytes)), local(std::move(a)) {}

  SimLoop& loop;
  http::Router& router;
  Outbox outbox;
  const EdgeSettings settings;
  std::shared_ptr<BodyBudget> budget;
  LocalAnswer local;
  std::atomic<std::size_t> connections{0};  // open sessions
};

// A request on its way through the simulation loop, with the body bytes it holds.
struct HeldRequest {
  http::HttpRequest request;
  BodyBudget::Reservation reservation;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<EdgeContext> edge)
      : stream_(std::move(socket)),
        buffer_(EdgeSettings::kMaxReadBuffer),
        shared_(std::move(edge)),
        edge_(*shared_) {
    beast::error_code ec;
    const auto remote = stream_.socket().remote_endpoint(ec);
    ip_ = ec ? "127.0.0.1" : remote.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  ~Session() { edge_.connections.fetch_sub(1); }

  void start() { read_header(); }

  void write(http::HttpResponse in) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->result(static_cast<unsigned>(in.status));
    res->version(11);
    for (const auto& [name, value] : in.headers) res->insert(name, value);
    const std::size_t length = in.body.size();
    if (!head_) res->body() = std::move(in.body);
    res->keep_alive(keep_alive_);
    res->content_length(length);  // HEAD keeps the length of the body it does not carry
    auto sr = std::make_shared<bhttp::serializer<false, bhttp::string_body>>(*res);
    if (head_) sr->split(true);
    auto done = [self = shared_from_this(), res, sr](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec);
      if (!self->keep_alive_) return self->linger();
      self->read_header();
    };
    if (head_) {
      bhttp::async_write_header(stream_, *sr, std::move(done));
    } else {
      bhttp::async_write(stream_, *sr, std::move(done));
    }
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->body_limit(edge_.settings.max_body_bytes);
    parser_->header_limit(64 * 1024);
    reservation_ = edge_.budget->reservation();
    stream_.expires_after(kIdleTimeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_header(ec);
                             });
  }

  void on_header(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return too_large();  // a Content-Length over the limit
    if (ec) return fail(ec);
    // A body of known length is reserved before it is read (beast allocates it whole).
    const auto length = parser_->content_length();
    if (length && !hold(static_cast<std::size_t>(*length))) return over_budget();
    const auto& req = parser_->get();
    if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
      // botocore sends Expect: 100-continue on PutObject and waits for it before the body.
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, req.version());
      bhttp::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code e, std::size_t) {
        if (e) return self->fail(e);
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return on_request();  // no body, or all of it read
    stream_.expires_after(kReadTimeout);
    bhttp::async_read_some(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             self->on_body(ec);
                           });
  }

  void on_body(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return too_large();
    if (ec) return fail(ec);
    // A chunked body is reserved as it grows (by one socket read at most past the budget).
    if (!parser_->content_length() && !hold(parser_->get().body().capacity())) {
      return over_budget();
    }
    read_body();
  }

  // Reserves a body of `bytes` unless it is small enough to go without (edge_settings.h).
  bool hold(std::size_t bytes) {
    return bytes <= EdgeSettings::kUnreservedBody || reservation_.grow_to(bytes);
  }

  void too_large() {
    keep_alive_ = false;
    head_ = false;
    write(http::HttpResponse::with_body(413, "application/json",
                                        R"({"message":"Request Entity Too Large"})"));
  }

  // The body would take the edge past server.max_buffered_body_bytes: refused unread.
  void over_budget() {
    reservation_.release();
    const auto head = to_request(parser_->get(), ip_);
    keep_alive_ = false;
    head_ = false;
    write(service_unavailable(head, "the emulator is holding its limit of request bodies "
                                    "(server.max_buffered_body_bytes = " +
                                        std::to_string(edge_.budget->capacity()) +
                                        " bytes); retry later"));
  }

  void on_request() {
    stream_.expires_never();
    auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == bhttp::verb::head;
    auto held = std::make_shared<HeldRequest>(
        HeldRequest{to_request(req, ip_), std::move(reservation_)});
    if (edge_.local) {
      if (auto answer = edge_.local(held->request)) return write(std::move(*answer));
    }
    const bool queued = edge_.loop.call_async(
        [&router = edge_.router, held](Micros now) { return router.route(held->request, now); },
        [self = shared_from_this()](http::HttpResponse response) {
          self->edge_.outbox.deliver(self, std::move(response));
        });
    if (!queued) {
      keep_alive_ = false;
      write(service_unavailable(held->request, "emulator is shutting down or overloaded"));
    }
  }

  // The last answer on this connection is sent. Whatever the client still sends (the rest of a
  // refused body) is read and dropped until it closes, for a short while: closing with unread
  // data would reset the connection, and the client could lose the answer.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTimeout);
    drain_ = std::make_unique<std::array<char, 16384>>();
    drain();
  }

  void drain() {
    auto dropped = [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (!ec && self->drained_ <= self->edge_.settings.max_body_bytes) return self->drain();
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
    };
    stream_.async_read_some(asio::buffer(*drain_), std::move(dropped));
  }

  void fail(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    if (ec == bhttp::error::bad_target || ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
      keep_alive_ = false;
      head_ = false;
      return write(http::HttpResponse::with_body(400, "text/plain", "Bad Request"));
    }
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<EdgeContext> shared_;
  EdgeContext& edge_;
  BodyBudget::Reservation reservation_;
  std::string ip_;
  bool keep_alive_ = true;
  bool head_ = false;
  std::unique_ptr<std::array<char, 16384>> drain_;  // only while lingering
  std::size_t drained_ = 0;
};

void Outbox::flush() {
  {
    std::lock_guard lock(mutex_);
    writing_.swap(pending_);
    flush_posted_ = false;
  }
  for (auto& [session, response] : writing_) session->write(std::move(response));
  writing_.clear();
}

}  // namespace edge_detail

using edge_detail::EdgeContext;
using edge_detail::kAcceptRetry;
using edge_detail::Session;

struct AsioEdge::Impl {
  Impl(SimLoop& loop, http::Router& router, const EdgeSettings& settings, LocalAnswer local)
      : acceptor(io),
        retry(io),
        edge(std::make_shared<EdgeContext>(loop, router, io, settings, std::move(local))) {}
  // Answers never flushed hold their sessions, which hold the context: let them go first.
  ~Impl() { edge->outbox.drop_pending(); }

  // At most max_connections sessions: at the cap (or when accept fails, e.g. out of file
  // descriptors) the acceptor pauses and looks again shortly; clients wait in the backlog.
  void accept() {
    if (edge->connections.load() >= edge->settings.max_connections) return accept_later();
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) return accept_later();
      edge->connections.fetch_add(1);
      std::make_shared<Session>(std::move(socket), edge)->start();
      accept();
    });
  }

  void accept_later() {
    retry.expires_after(kAcceptRetry);
    retry.async_wait([this](beast::error_code ec) {
      if (!ec) accept();
    });
  }

  asio::io_context io;
  tcp::acceptor acceptor;
  asio::steady_timer retry;
  std::shared_ptr<EdgeContext> edge;
};

AsioEdge::AsioEdge(SimLoop& loop, http::Router& router, const EdgeSettings& settings,
                   LocalAnswer local)
    : impl_(std::make_unique<Impl>(loop, router, settings, std::move(local))) {}

AsioEdge::~AsioEdge() = default;

int AsioEdge::bind(const std::string& host, int port) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return -1;
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (ec) return -1;
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  impl_->acceptor.bind(endpoint, ec);
  if (ec) return -1;
  impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return -1;
  return impl_->acceptor.local_endpoint().port();
}

void AsioEdge::listen() {
  impl_->accept();
  impl_->io.run();
}

void AsioEdge::stop() {
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->retry.cancel();
    impl_->io.stop();
  });
}

}  // namespace emu::server
