// S3 keys and paths: the input is "METHOD\npath\nquery\nbody" (missing parts empty), sent path
// style to the S3 wire layer (bucket and key from the percent-encoded path, listing prefixes
// and markers from the query) against the pipeline's buckets.
#include "bench/fuzz/fuzz_pipeline.h"
#include "bench/fuzz/fuzz_target.h"

namespace {

// The text before the next '\n' (all of it when there is none); `rest` moves past it.
std::string_view take_line(std::string_view& rest) {
  const auto end = rest.find('\n');
  const auto line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return line;
}

}  // namespace

EMU_FUZZ_TARGET(s3_key) {
  std::string_view rest = input;
  const auto method = take_line(rest);
  const auto path = take_line(rest);
  const auto query = take_line(rest);
  auto request = emu::fuzz::aws_request(std::string(method.substr(0, 16)), std::string(path), "s3");
  request.query = std::string(query);
  request.has_query = !query.empty();
  request.body = std::string(rest);
  if (!request.body.empty()) request.headers.emplace("Content-Type", "text/csv");
  emu::fuzz::route(request);
}
