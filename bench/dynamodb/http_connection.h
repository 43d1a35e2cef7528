// One keep-alive connection (Boost.Asio + Beast, TCP_NODELAY) and one request/answer exchange
// on it, for the loops and the setup requests.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "emulator/core/time.h"
#include "http_options.h"
#include "http_requests.h"

namespace bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Endpoints = tcp::resolver::results_type;
using emu::Micros;

struct Connection {
  explicit Connection(asio::io_context& io, const RequestTemplate& t) : socket(io), request(t.bytes) {}
  tcp::socket socket;
  beast::flat_buffer buffer;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  std::string request;  // this connection's copy of the template, stamped before each send
  Micros latency_origin = 0;  // send time (closed loop) or planned time (open loop)
  bool open = false;
  bool connect_failed = false;  // the last connect was refused: the server is gone

  void close() {
    beast::error_code ignored;
    socket.close(ignored);
    open = false;
    buffer.clear();
  }
};

// status 0: a transport error (described in `error`).
using AnswerHandler = std::function<void(int status, const std::string& error)>;

// Writes c.request on the open connection and reads the answer (its body in c.parser).
void exchange(Connection& c, AnswerHandler done);

// Sends c.request, first opening the connection if it is closed. A kept-alive connection that
// the server closed while it sat idle (the emulator closes after 2 s) fails at once; the request
// then goes once more on a fresh connection, as HTTP clients do. On a fresh one a failure is final.
void send_request(Connection& c, const Endpoints& endpoints, AnswerHandler done, bool may_retry = true);

// Loopback connects complete (or are refused) at once: done before a loop's clock starts.
bool connect_now(Connection& c, const Endpoints& endpoints);

// Exits 2 (usage_error) when `t` does not resolve or resolves to anything but loopback.
Endpoints resolve(asio::io_context& io, const Target& t);

}  // namespace bench
