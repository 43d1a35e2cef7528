// API Gateway's access log in the seed's format (env/production/api_gateway/models/
// apigw_access_log_format.json): one JSON object per line with requestId, ip, caller, user,
// requestTime (CLF, "27/Jun/2021:04:00:00 +0000"), httpMethod, resourcePath, status, protocol
// and responseLength, every value a string and "-" when absent, as API Gateway renders
// $context variables.
//
// Lines are buffered and written to a file in the data dir; flush() pushes them to the OS.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

#include "emulator/core/time.h"

namespace emu::apigateway {

struct AccessLogEntry {
  std::string request_id;
  std::string ip;
  Micros request_time = 0;
  std::string http_method;
  std::string resource_path;  // "/save-metrics", or "-" when no resource matched
  int status = 0;
  std::string protocol;
  std::size_t response_length = 0;
};

// "27/Jun/2021:04:00:00 +0000"
std::string format_clf_time(Micros t);
std::string format_access_log_line(const AccessLogEntry& entry);

class AccessLog {
 public:
  // Appends to `path` (created with its directory). Throws std::runtime_error if it cannot.
  explicit AccessLog(const std::filesystem::path& path);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void write(const AccessLogEntry& entry);
  void flush();
  std::uint64_t lines() const { return lines_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::uint64_t lines_ = 0;
};

}  // namespace emu::apigateway
