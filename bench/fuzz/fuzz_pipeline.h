// The whole emulator in process for the fuzz targets that go through the wire layers: the
// pipeline built from the embedded defaults on the virtual clock, with in-memory SQLite, kept
// across inputs (building it costs far more than a request) and rebuilt every kRebuildEvery
// inputs, so that what the inputs store stays bounded.
#pragma once

#include <string>
#include <string_view>

#include "emulator/http/message.h"
#include "emulator/pipeline/pipeline.h"

namespace emu::fuzz {

inline constexpr int kRebuildEvery = 20000;

// Routes `request` and returns the answer. An exception escaping a wire layer (the router's
// 500 InternalFailure, which every input is meant never to reach) aborts, so that the fuzzer
// reports it as a crash with the input.
http::HttpResponse route(const http::HttpRequest& request);

// A request signed (by header) for `service`, as the AWS SDKs send it; signatures are not
// checked, the credential scope picks the service.
http::HttpRequest aws_request(std::string method, std::string path, std::string_view service);

// A JSON string holding `text` (bytes that are not UTF-8 replaced, as an SDK could not send them).
std::string json_string(std::string_view text);

// The table every pipeline gets for the expression target: "fuzz", key pk (S) + sk (N), holding
// items of every attribute type under pk "a".
inline constexpr const char* kFuzzTable = "fuzz";

}  // namespace emu::fuzz
