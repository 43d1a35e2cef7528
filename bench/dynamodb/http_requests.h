// Request bytes, built once per case. Each send only overwrites a fixed-width run of digits
// (the uuid's counter, the aggregate key) in the connection's copy: the Content-Length never
// changes and nothing is formatted per request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "http_options.h"

namespace bench {

enum class Operation { kPutItem, kUpdateItem, kHealth };

const char* name_of(Operation op);

struct RequestTemplate {
  std::string bytes;
  std::size_t slot = 0;        // where the digits go; slot_width 0: nothing to stamp
  std::size_t slot_width = 0;
  std::uint64_t key_space = 0; // 0: the request counter itself (unique); else counter % key_space

  void stamp(std::string& request, std::uint64_t counter) const {
    std::uint64_t v = key_space == 0 ? counter : counter % key_space;
    for (std::size_t i = slot_width; i-- > 0;) {
      request[slot + i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  }
};

// `run_id` goes into every PutItem's uuid (see put_item_body in http_requests.cc).
RequestTemplate make_template(Operation op, const Target& t, const std::string& run_id);

// A DynamoDB JSON 1.0 request for `operation` (PutItem, CreateTable, ...) with `body`.
std::string dynamodb_request(const Target& t, const std::string& operation, const std::string& body);

// A GET of `path` with no body.
std::string get_request(const Target& t, const std::string& path);

}  // namespace bench
