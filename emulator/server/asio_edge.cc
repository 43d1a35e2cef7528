#include "emulator/server/asio_edge.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <mutex>
#include <vector>

#include "emulator/http/router.h"

namespace emu::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(2);  // as the httplib edge: keep-alive idle
constexpr auto kReadTimeout = std::chrono::seconds(60);

http::HttpRequest to_request(const bhttp::request<bhttp::string_body>& in, const std::string& ip) {
  http::HttpRequest out;
  out.method = std::string(in.method_string());
  const std::string target(in.target());
  const auto q = target.find('?');
  out.path = target.substr(0, q);
  if (q != std::string::npos) {
    out.has_query = true;
    out.query = target.substr(q + 1);
  }
  for (const auto& field : in) out.headers.emplace(std::string(field.name_string()), std::string(field.value()));
  out.body = in.body();
  out.remote_ip = ip;
  out.protocol = in.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
  return out;
}

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

 private:
  void flush();  // I/O thread

  asio::io_context& io_;
  std::mutex mutex_;
  std::vector<std::pair<std::shared_ptr<Session>, http::HttpResponse>> pending_, writing_;
  bool flush_posted_ = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, SimLoop& loop, http::Router& router, std::size_t max_body,
          Outbox& outbox)
      : stream_(std::move(socket)), loop_(loop), router_(router), max_body_(max_body),
        outbox_(outbox) {
    beast::error_code ec;
    const auto remote = stream_.socket().remote_endpoint(ec);
    ip_ = ec ? "127.0.0.1" : remote.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }

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
      if (!self->keep_alive_) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
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
    parser_->body_limit(max_body_);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(kIdleTimeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_header(ec);
                             });
  }

  void on_header(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return too_large();  // a Content-Length over the limit
    if (ec) return fail(ec);
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
    stream_.expires_after(kReadTimeout);
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_request(ec);
    });
  }

  void too_large() {
    keep_alive_ = false;
    head_ = false;
    write(http::HttpResponse::with_body(413, "application/json",
                                        R"({"message":"Request Entity Too Large"})"));
  }

  void on_request(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return too_large();
    if (ec) return fail(ec);
    stream_.expires_never();
    const auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == bhttp::verb::head;
    auto request = std::make_shared<http::HttpRequest>(to_request(req, ip_));
    const bool queued = loop_.call_async(
        [this, request](Micros now) { return router_.route(*request, now); },
        [self = shared_from_this()](http::HttpResponse response) {
          self->outbox_.deliver(self, std::move(response));
        });
    if (!queued) {
      keep_alive_ = false;
      write(http::HttpResponse::with_body(503, "application/json",
                                          R"({"message":"emulator is shutting down or overloaded"})"));
    }
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
  SimLoop& loop_;
  http::Router& router_;
  std::size_t max_body_;
  Outbox& outbox_;
  std::string ip_;
  bool keep_alive_ = true;
  bool head_ = false;
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

}  // namespace

struct AsioEdge::Impl {
  Impl(SimLoop& l, http::Router& r, std::size_t max_body)
      : loop(l), router(r), max_body_bytes(max_body), acceptor(io), outbox(io) {}

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted) return;
      } else {
        std::make_shared<Session>(std::move(socket), loop, router, max_body_bytes, outbox)
            ->start();
      }
      accept();
    });
  }

  SimLoop& loop;
  http::Router& router;
  std::size_t max_body_bytes;
  asio::io_context io;
  tcp::acceptor acceptor;
  Outbox outbox;
};

AsioEdge::AsioEdge(SimLoop& loop, http::Router& router, std::size_t max_body_bytes)
    : impl_(std::make_unique<Impl>(loop, router, max_body_bytes)) {}

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
    impl_->io.stop();
  });
}

}  // namespace emu::server
