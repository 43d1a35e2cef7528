#include "http_connection.h"

#include <cstdint>

namespace bench {

namespace {

constexpr std::uint32_t kMaxAnswerBytes = 1 << 20;

void connect_async(Connection& c, const Endpoints& endpoints,
                   std::function<void(const beast::error_code&)> done) {
  asio::async_connect(c.socket, endpoints, [&c, done](const beast::error_code& ec, const tcp::endpoint&) {
    c.connect_failed = static_cast<bool>(ec);
    if (!ec) {
      beast::error_code ignored;
      c.socket.set_option(tcp::no_delay(true), ignored);
      c.open = true;
    }
    done(ec);
  });
}

}  // namespace

void exchange(Connection& c, AnswerHandler done) {
  asio::async_write(c.socket, asio::buffer(c.request), [&c, done](beast::error_code ec, std::size_t) {
    if (ec) {
      c.close();
      return done(0, "write: " + ec.message());
    }
    c.parser.emplace();
    c.parser->body_limit(kMaxAnswerBytes);
    bhttp::async_read(c.socket, c.buffer, *c.parser, [&c, done](beast::error_code ec2, std::size_t) {
      if (ec2) {
        c.close();
        return done(0, "read: " + ec2.message());
      }
      const auto& res = c.parser->get();
      const int status = static_cast<int>(res.result_int());
      std::string detail;
      if (status != 200) detail = std::to_string(status) + " " + res.body().substr(0, 200);
      // A server that answers "Connection: close" (or HTTP/1.0) gets a new connection next time.
      if (!res.keep_alive()) c.close();
      done(status, detail);
    });
  });
}

void send_request(Connection& c, const Endpoints& endpoints, AnswerHandler done, bool may_retry) {
  if (!c.open) {
    connect_async(c, endpoints, [&c, done](const beast::error_code& ec) {
      if (ec) return done(0, "connect: " + ec.message());
      exchange(c, done);
    });
    return;
  }
  exchange(c, [&c, &endpoints, done, may_retry](int status, const std::string& error) {
    if (status == 0 && may_retry) return send_request(c, endpoints, done, false);
    done(status, error);
  });
}

bool connect_now(Connection& c, const Endpoints& endpoints) {
  beast::error_code ec;
  asio::connect(c.socket, endpoints, ec);
  if (ec) return false;
  c.socket.set_option(tcp::no_delay(true), ec);
  c.open = true;
  return true;
}

// The URL check is by prefix; this is the one that counts: every address must be loopback.
Endpoints resolve(asio::io_context& io, const Target& t) {
  tcp::resolver resolver(io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(t.host, t.port, ec);
  if (ec) usage_error("cannot resolve " + t.url + ": " + ec.message());
  for (const auto& e : endpoints) {
    if (!e.endpoint().address().is_loopback()) usage_error(t.url + " resolves to a non-loopback address");
  }
  return endpoints;
}

}  // namespace bench
