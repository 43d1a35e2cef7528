#include "emulator/server/beast_request.h"

namespace emu::server {

http::HttpRequest to_request(boost::beast::http::request<boost::beast::http::string_body>& in,
                             const std::string& ip) {
  http::HttpRequest out;
  out.method = std::string(in.method_string());
  const std::string target(in.target());
  const auto q = target.find('?');
  out.path = target.substr(0, q);
  if (q != std::string::npos) {
    out.has_query = true;
    out.query = target.substr(q + 1);
  }
  for (const auto& field : in)
    out.headers.emplace(std::string(field.name_string()), std::string(field.value()));
  out.body = std::move(in.body());
  out.remote_ip = ip;
  out.protocol = in.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
  return out;
}

}  // namespace emu::server
