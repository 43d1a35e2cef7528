// A request the Beast parser has read, as the HttpRequest every wire layer takes (the Asio edge
// and the HTTP edge's fuzz target, bench/fuzz/fuzz_http_edge.cc, share it).
#pragma once

#include <string>

#include <boost/beast/http.hpp>

#include "emulator/http/message.h"

namespace emu::server {

// The body is moved out of `in` (one copy of a large body, not two).
http::HttpRequest to_request(boost::beast::http::request<boost::beast::http::string_body>& in,
                             const std::string& ip);

}  // namespace emu::server
