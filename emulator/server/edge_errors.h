// Errors the edge answers itself, before a request reaches a service (too many bodies buffered,
// the inbox full, shutting down): shaped like the addressed service's own errors, so that SDKs
// parse them, and retry the 503s, as they would AWS's. The service is recognised from the
// request's header alone, as the router does: SigV4 scope and X-Amz-Target.
#pragma once

#include <string>

#include "emulator/http/message.h"

namespace emu::server {

// 503 "try again later". `message` says why (DEVIATION: AWS's texts are terse; ours name the
// limit that was reached).
http::HttpResponse service_unavailable(const http::HttpRequest& head, const std::string& message);

}  // namespace emu::server
