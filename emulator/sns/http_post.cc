#include "emulator/sns/http_post.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>

namespace emu::sns {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

struct Endpoint {
  bool tls = false;
  std::string host, port, target;
};

bool parse_url(const std::string& url, Endpoint& out) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  out.tls = scheme == "https";
  const auto authority_start = scheme_end + 3;
  const auto path_start = url.find('/', authority_start);
  std::string authority = url.substr(authority_start, path_start - authority_start);
  out.target = path_start == std::string::npos ? "/" : url.substr(path_start);
  out.port = out.tls ? "443" : "80";
  const auto colon = authority.rfind(':');
  const auto bracket = authority.rfind(']');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    out.port = authority.substr(colon + 1);
    authority.resize(colon);
  }
  if (authority.size() > 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  out.host = authority;
  return !out.host.empty() && !out.port.empty();
}

bhttp::request<bhttp::string_body> make_request(const Endpoint& e, const PostHeaders& headers,
                                                const std::string& body,
                                                const std::string& content_type) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, e.target, 11};
  const bool default_port = e.port == (e.tls ? "443" : "80");
  req.set(bhttp::field::host, default_port ? e.host : e.host + ":" + e.port);
  req.set(bhttp::field::content_type, content_type);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  return req;
}

// Sends `req` on a connected stream and reads the answer's status; throws on any failure.
template <class Stream>
int exchange(Stream& stream, bhttp::request<bhttp::string_body>& req) {
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res);
  return static_cast<int>(res.result_int());
}

}  // namespace

int http_post(const std::string& url, const PostHeaders& headers, const std::string& body,
              const std::string& content_type, double timeout_seconds) {
  Endpoint e;
  if (!parse_url(url, e)) return 0;
  auto req = make_request(e, headers, body, content_type);
  const auto deadline = std::chrono::microseconds(static_cast<long long>(timeout_seconds * 1e6));
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    const auto addresses = resolver.resolve(e.host, e.port);
    if (!e.tls) {
      beast::tcp_stream stream(io);
      stream.expires_after(deadline);
      stream.connect(addresses);
      return exchange(stream, req);
    }
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    // SNI, and the name the certificate must carry.
    SSL_set_tlsext_host_name(stream.native_handle(), e.host.c_str());
    stream.set_verify_callback(asio::ssl::host_name_verification(e.host));
    beast::get_lowest_layer(stream).expires_after(deadline);
    beast::get_lowest_layer(stream).connect(addresses);
    stream.handshake(asio::ssl::stream_base::client);
    return exchange(stream, req);
  } catch (const std::exception&) {
    return 0;  // no answer: the delivery policy retries it
  }
}

}  // namespace emu::sns
