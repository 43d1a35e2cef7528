#include "loadgen/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

TargetUrl TargetUrl::parse(const std::string& url) {
  if (url.rfind("http://", 0) != 0) {
    throw TargetError("--target: expected http://host:port[/path], got \"" + url + "\" (https is not supported)");
  }
  std::string rest = url.substr(7);
  TargetUrl t;
  const auto slash = rest.find('/');
  t.base = slash == std::string::npos ? "" : rest.substr(slash);
  if (!t.base.empty() && t.base.back() == '/') t.base.pop_back();
  rest = rest.substr(0, slash);
  const auto colon = rest.rfind(':');
  t.host = colon == std::string::npos ? rest : rest.substr(0, colon);
  t.port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (t.host.empty()) throw TargetError("--target: no host in \"" + url + "\"");
  return t;
}

std::optional<nlohmann::json> HttpAnswer::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

struct HttpClient::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool open = false;
};

HttpClient::HttpClient(const std::string& url, Headers headers, std::chrono::milliseconds timeout)
    : url_(url), target_(TargetUrl::parse(url)), headers_(std::move(headers)), timeout_(timeout),
      connection_(std::make_unique<Connection>()) {}

HttpClient::~HttpClient() = default;

HttpAnswer HttpClient::get(const std::string& path) { return request("GET", path, "", {}); }

HttpAnswer HttpClient::post(const std::string& path, const std::string& body, const Headers& extra) {
  return request("POST", path, body, extra);
}

HttpAnswer HttpClient::lambda(const std::string& method, const std::string& path,
                              const std::string& body) {
  return request(method, path, body,
                 {{"Content-Type", "application/json"},
                  {"Authorization",
                   "AWS4-HMAC-SHA256 Credential=loadgen/20210101/ca-central-1/lambda/aws4_request, "
                   "SignedHeaders=host, Signature=0"}});
}

HttpAnswer HttpClient::cloudwatch(const std::string& operation, const nlohmann::json& input) {
  return post("/", input.dump(),
              {{"Content-Type", "application/x-amz-json-1.0"},
               {"X-Amz-Target", "GraniteServiceVersion20100801." + operation}});
}

HttpAnswer HttpClient::request(const std::string& method, const std::string& path,
                               const std::string& body, const Headers& extra) {
  Connection& c = *connection_;
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target_.base + path, 11};
  req.set(bhttp::field::host, target_.host + ":" + target_.port);
  req.set(bhttp::field::user_agent, "loadgen");
  for (const auto& [name, value] : headers_) req.set(name, value);
  for (const auto& [name, value] : extra) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  bhttp::response<bhttp::string_body> res;
  // One attempt on the kept-alive connection and, if the server closed it meanwhile, one on a
  // fresh connection. Every step runs under the timeout.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = c.open;
    beast::error_code failure;
    bool finished = false;
    const auto on_read = [&](const beast::error_code& ec, std::size_t) {
      failure = ec;
      finished = true;
    };
    const auto on_write = [&](const beast::error_code& ec, std::size_t) {
      if (ec) return on_read(ec, 0);
      res = {};
      bhttp::async_read(c.stream, c.buffer, res, on_read);
    };
    const auto send = [&] { bhttp::async_write(c.stream, req, on_write); };
    c.stream.expires_after(timeout_);
    if (!c.open) {
      tcp::resolver resolver(c.io);
      beast::error_code ec;
      const auto endpoints = resolver.resolve(target_.host, target_.port, ec);
      if (ec) throw TargetError("--target " + url_ + ": cannot resolve: " + ec.message());
      c.stream.async_connect(endpoints, [&](const beast::error_code& e, const tcp::endpoint&) {
        if (e) return on_read(e, 0);
        c.open = true;
        send();
      });
    } else {
      send();
    }
    c.io.restart();
    c.io.run();
    if (finished && !failure) {
      if (res.need_eof()) {
        beast::error_code ignored;
        c.stream.socket().close(ignored);
        c.open = false;
      }
      return HttpAnswer{static_cast<int>(res.result_int()), res.body()};
    }
    beast::error_code ignored;
    c.stream.socket().close(ignored);
    c.open = false;
    c.buffer.clear();
    if (!reused || failure == beast::error::timeout) {
      throw TargetError("--target " + url_ + ": " + method + " " + path + ": " +
                        (failure == beast::error::timeout ? "no answer in time" : failure.message()));
    }
  }
  throw TargetError("--target " + url_ + ": " + method + " " + path + ": the connection failed");
}

}  // namespace loadgen
