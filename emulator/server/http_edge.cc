#include "emulator/server/http_edge.h"

#include <strings.h>

#include <httplib.h>

#include "emulator/http/router.h"
#include "emulator/server/edge_errors.h"

namespace emu::server {

namespace {

// The body is moved out of `in` (one copy of a large body, not two).
http::HttpRequest to_request(httplib::Request& in) {
  http::HttpRequest out;
  out.method = in.method;
  const std::string& target = in.target.empty() ? in.path : in.target;
  const size_t q = target.find('?');
  out.path = target.substr(0, q);
  if (q != std::string::npos) {
    out.has_query = true;
    out.query = target.substr(q + 1);
  }
  for (const auto& [name, value] : in.headers) {
    // httplib adds these bookkeeping headers itself; they were never sent by the client.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;
    }
    out.headers.emplace(name, value);
  }
  out.body = std::move(in.body);
  out.remote_ip = in.remote_addr;
  out.protocol = in.version.empty() ? "HTTP/1.1" : in.version;
  return out;
}

void write_response(http::HttpResponse&& in, httplib::Response& out) {
  out.status = in.status;
  std::string content_type;
  for (auto& [name, value] : in.headers) {
    if (strcasecmp(name.c_str(), "Content-Type") == 0) {
      content_type = value;
      continue;
    }
    out.set_header(name, value);
  }
  if (!in.body.empty() || !content_type.empty()) {
    out.set_content(std::move(in.body), content_type.empty() ? "application/octet-stream"
                                                              : content_type);
  }
}

// The body bytes of the request this HTTP thread is reading or handling (one at a time).
thread_local BodyBudget::Reservation t_reservation;

// Reserves the announced body before httplib reads it (the pre-routing handler runs between the
// header and the body). False: answer `res` (503, connection closed) without reading the body.
bool reserve_body(BodyBudget& budget, std::size_t max_body, const httplib::Request& req,
                  httplib::Response& res) {
  t_reservation = budget.reservation();
  std::size_t announced = max_body;  // chunked: the most it may be
  if (req.has_header("Content-Length")) {
    announced = req.get_header_value<std::uint64_t>("Content-Length");
    if (announced > max_body) return true;  // httplib answers 413 itself
  } else if (req.get_header_value("Transfer-Encoding").empty()) {
    announced = 0;
  }
  if (announced <= EdgeSettings::kUnreservedBody || t_reservation.grow_to(announced)) return true;
  auto head = to_request(const_cast<httplib::Request&>(req));
  write_response(service_unavailable(head, "the emulator is holding its limit of request bodies "
                                            "(server.max_buffered_body_bytes = " +
                                                std::to_string(budget.capacity()) +
                                                " bytes); retry later"),
                 res);
  res.set_header("Connection", "close");
  return false;
}

}  // namespace

HttpEdge::HttpEdge(SimLoop& loop, http::Router& router, const EdgeSettings& settings,
                   LocalAnswer local)
    : server_(std::make_unique<httplib::Server>()),
      budget_(std::make_shared<BodyBudget>(settings.max_buffered_body_bytes)) {
  const size_t pool = settings.threads > 0 ? static_cast<size_t>(settings.threads) : 64;
  const std::size_t max_body_bytes = settings.max_body_bytes;
  server_->new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
  server_->set_payload_max_length(max_body_bytes);
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(1u << 30);
  // Idle keep-alive connections are closed after 2 s: clients reconnect transparently, and a
  // shutdown never waits long for an idle client.
  server_->set_keep_alive_timeout(2);
  server_->set_read_timeout(60, 0);
  // One handler for every method and path; the router does the dispatching. (A pre-routing
  // handler would run before httplib reads the request body.)
  server_->set_pre_routing_handler([budget = budget_, max_body_bytes](
                                       const httplib::Request& req, httplib::Response& res) {
    return reserve_body(*budget, max_body_bytes, req, res)
               ? httplib::Server::HandlerResponse::Unhandled
               : httplib::Server::HandlerResponse::Handled;
  });
  // Runs once the answer is ready, whether or not the body could be read.
  server_->set_post_routing_handler(
      [](const httplib::Request&, httplib::Response&) { t_reservation.release(); });
  auto handler = [&loop, &router, local](const httplib::Request& req, httplib::Response& res) {
    auto request =
        std::make_shared<http::HttpRequest>(to_request(const_cast<httplib::Request&>(req)));
    if (local) {
      if (auto answer = local(*request)) return write_response(std::move(*answer), res);
    }
    auto reply = loop.call([&router, request](Micros now) { return router.route(*request, now); });
    if (!reply) {
      return write_response(
          service_unavailable(*request, "emulator is shutting down or overloaded"), res);
    }
    // httplib would apply a Range header to our body a second time (S3 GetObject slices it
    // itself and answers 206 or 416 with its own error document): the wire layer owns ranges.
    const_cast<httplib::Request&>(req).ranges.clear();
    write_response(std::move(*reply), res);
  };
  const std::string any_path = ".*";
  server_->Get(any_path, handler);
  server_->Post(any_path, handler);
  server_->Put(any_path, handler);
  server_->Patch(any_path, handler);
  server_->Delete(any_path, handler);
  server_->Options(any_path, handler);
}

HttpEdge::~HttpEdge() = default;

int HttpEdge::bind(const std::string& host, int port) {
  if (port == 0) return server_->bind_to_any_port(host);
  return server_->bind_to_port(host, port) ? port : -1;
}

bool HttpEdge::listen() { return server_->listen_after_bind(); }

void HttpEdge::stop() { server_->stop(); }

}  // namespace emu::server
