// One HTTP or HTTPS POST with a deadline: how SNS delivers to an http/https subscription.
// Boost.Beast (the edge's library); HTTPS through Asio's OpenSSL stream, verifying the
// endpoint's certificate against the system's CAs as SNS does.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace emu::sns {

using PostHeaders = std::vector<std::pair<std::string, std::string>>;

// The endpoint's status code, or 0 when there was no answer within `timeout_seconds` (no
// connection, a TLS failure, a malformed URL or answer).
int http_post(const std::string& url, const PostHeaders& headers, const std::string& body,
              const std::string& content_type, double timeout_seconds);

}  // namespace emu::sns
