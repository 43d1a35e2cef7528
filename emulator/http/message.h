// HTTP request/response values shared by every wire layer. They carry no httplib types, so the
// same handlers serve real sockets (server/asio_edge.cc) and the in-process virtual-time driver
// (loadgen), which builds HttpRequest values directly.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/time.h"

namespace emu::http {

struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct HttpRequest {
  std::string method;       // "POST"
  std::string path;         // raw path as sent, still percent-encoded ("/save-metrics")
  std::string query;        // raw query string without '?' ("" when absent)
  bool has_query = false;   // true when the target contained '?', even with nothing after it
  Headers headers;
  std::string body;
  std::string remote_ip = "127.0.0.1";
  std::string protocol = "HTTP/1.1";

  // The first value of header `name`, or "" when absent.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const { return headers.count(name) > 0; }
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
  // Modelled service time: the real-time edge holds the reply this long (measured from the
  // request's arrival); the in-process driver adds it to the simulated response time.
  Micros delay = 0;
  // Long polling (SQS ReceiveMessage): while the reply is held for `delay`, the real-time edge
  // calls `recheck(now)` on the simulation thread every few milliseconds; a response it returns
  // is sent at once instead. Under the virtual clock the held reply is sent immediately.
  std::function<std::optional<HttpResponse>(Micros now)> recheck;
  // A long operation done in slices (POST /_emulator/clock's advance): the server's simulation
  // loop does not send this response; it calls `resume(now)` on the simulation thread, serving
  // other requests between calls, until it returns the response to send (nullopt: call again).
  std::function<std::optional<HttpResponse>(Micros now)> resume;

  // A response with a body and Content-Type.
  static HttpResponse with_body(int status, std::string content_type, std::string body);
  void set_header(std::string name, std::string value);
  std::string_view header(std::string_view name) const;
};

// Percent-decoding; '+' becomes ' ' only when `plus_as_space` (form bodies, query strings).
std::string url_decode(std::string_view text, bool plus_as_space);
// Percent-encoding of everything but unreserved characters (and '/' when `keep_slash`).
std::string url_encode(std::string_view text, bool keep_slash);
// "a=1&b=&c" -> [(a,1),(b,""),(c,"")], decoded, in order.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

const char* reason_phrase(int status);

}  // namespace emu::http
