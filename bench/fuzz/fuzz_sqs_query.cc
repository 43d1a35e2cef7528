// SQS's query protocol: the input after its first byte is a form-encoded request, sent as a
// POST body (first byte even) or as the query string of a GET (odd), as the AWS CLI and the
// seed's SDK do; answered by the SQS wire layer against the pipeline's queues.
#include "bench/fuzz/fuzz_pipeline.h"
#include "bench/fuzz/fuzz_target.h"

EMU_FUZZ_TARGET(sqs_query) {
  if (input.empty()) return;
  const bool as_body = static_cast<unsigned char>(input[0]) % 2 == 0;
  auto request = emu::fuzz::aws_request(as_body ? "POST" : "GET", "/", "sqs");
  if (as_body) {
    request.headers.emplace("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    request.body = std::string(input.substr(1));
  } else {
    request.query = std::string(input.substr(1));
    request.has_query = true;
  }
  emu::fuzz::route(request);
}
