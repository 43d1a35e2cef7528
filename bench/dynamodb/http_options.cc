#include "http_options.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace bench {

namespace {

constexpr const char* kUsage =
    "usage: bench_dynamodb_http --url http://127.0.0.1:PORT [options]\n"
    "  --connections N           closed-loop keep-alive connections (1..1024, default 32)\n"
    "  --seconds S               length of each loop (0 < S <= 60, default 3)\n"
    "  --rate R                  open-loop ops/s (1..100000, default 1000)\n"
    "  --open-max-connections N  bound of the open loop's pool (1..1024, default 64)\n"
    "  --no-open-loop            closed loops only\n"
    "  --baseline                also GET /_emulator/health (both loops), with ratios to it\n"
    "  --create-tables           CreateTable raw_metrics and aggregate_metrics on --url first\n"
    "                            (an existing table is fine), e.g. for moto\n"
    "  --moto-url URL            also the closed loops against moto's server (tables created),\n"
    "                            with emulator/moto ratios\n"
    "URLs must be loopback (http://127.x.x.x:PORT or http://localhost:PORT).\n";

// Loopback only: this client generates load, and load goes nowhere but this machine.
Target parse_loopback_url(const std::string& flag, std::string url) {
  const bool loopback = url.rfind("http://127.", 0) == 0 || url.rfind("http://localhost", 0) == 0;
  if (!loopback) usage_error(flag + ": expected a loopback URL, got \"" + url + "\"");
  if (url.back() == '/') url.pop_back();
  const std::string authority = url.substr(7);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos || authority.find('/') != std::string::npos) {
    usage_error(flag + ": expected http://HOST:PORT with no path, got \"" + url + "\"");
  }
  return Target{url, authority.substr(0, colon), authority.substr(colon + 1)};
}

template <class Number>
Number parse_number(const std::string& flag, std::string_view text, Number low, Number high) {
  Number value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  // Written as !(value >= low) so that a NaN is refused too.
  if (ec != std::errc() || end != text.data() + text.size() || !(value >= low) || value > high) {
    char range[64];
    std::snprintf(range, sizeof range, "%g to %g", static_cast<double>(low), static_cast<double>(high));
    usage_error(flag + ": expected a number from " + range + ", got \"" + std::string(text) + "\"");
  }
  return value;
}

}  // namespace

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr, "bench_dynamodb_http: %s\n%s", why.c_str(), kUsage);
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  bool have_url = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (flag == "--baseline") { o.baseline = true; continue; }
    if (flag == "--create-tables") { o.create_tables = true; continue; }
    if (flag == "--no-open-loop") { o.open_loop = false; continue; }
    if (i + 1 >= argc) usage_error(flag + ": unknown flag or missing value");
    const char* value = argv[++i];
    if (flag == "--url") {
      o.target = parse_loopback_url(flag, value);
      have_url = true;
    } else if (flag == "--moto-url") {
      o.moto = parse_loopback_url(flag, value);
    } else if (flag == "--connections") {
      o.connections = parse_number(flag, value, 1, 1024);
    } else if (flag == "--seconds") {
      o.seconds = parse_number(flag, value, 0.001, 60.0);
    } else if (flag == "--rate") {
      o.rate = parse_number(flag, value, 1.0, 100000.0);
    } else if (flag == "--open-max-connections") {
      o.open_max_connections = parse_number(flag, value, 1, 1024);
    } else {
      usage_error("unknown flag " + flag);
    }
  }
  if (!have_url) usage_error("--url is required");
  return o;
}

}  // namespace bench
