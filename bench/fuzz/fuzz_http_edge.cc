// The HTTP edge: raw bytes as they arrive on a connection, read by the Beast parser with the
// edge's limits (server/asio_edge.cc), turned into a request and routed through the pipeline.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "bench/fuzz/fuzz_pipeline.h"
#include "bench/fuzz/fuzz_target.h"
#include "emulator/server/beast_request.h"
#include "emulator/server/edge_settings.h"

namespace bhttp = boost::beast::http;

EMU_FUZZ_TARGET(http_edge) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(emu::server::EdgeSettings{}.max_body_bytes);
  parser.header_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_done() && used < input.size()) {
    const auto n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
    if (ec)
      return;  // the edge answers 400 and closes (or waits for more: the connection times out)
    if (n == 0) return;
    used += n;
  }
  if (!parser.is_done()) return;
  const auto request = emu::server::to_request(parser.get(), "10.0.0.1");
  emu::fuzz::route(request);
}
