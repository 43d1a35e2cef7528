// bench_dynamodb_http's command line: the flags and the loopback-only URLs the loops target.
#pragma once

#include <optional>
#include <string>

namespace bench {

struct Target {
  std::string url, host, port;
};

struct Options {
  Target target;
  std::optional<Target> moto;
  int connections = 32;
  double seconds = 3;
  double rate = 1000;
  int open_max_connections = 64;
  bool baseline = false;
  bool create_tables = false;
  bool open_loop = true;
};

// Prints `why` and the usage to stderr and exits 2.
[[noreturn]] void usage_error(const std::string& why);

// --help prints the usage and exits 0; a bad flag or value exits 2 through usage_error.
Options parse_options(int argc, char** argv);

}  // namespace bench
