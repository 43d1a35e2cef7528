#include "emulator/apigateway/access_log.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace emu::apigateway {

std::string format_clf_time(Micros t) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilDate date = utc_date(t);
  const Micros in_day = t - utc_midnight(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02u/%s/%04d:%02lld:%02lld:%02lld +0000", date.day,
                kMonths[date.month - 1], date.year,
                static_cast<long long>(in_day / kMicrosPerHour),
                static_cast<long long>(in_day / kMicrosPerMinute % 60),
                static_cast<long long>(in_day / kMicrosPerSecond % 60));
  return buf;
}

std::string format_access_log_line(const AccessLogEntry& e) {
  auto or_dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  nlohmann::ordered_json line = {
      {"requestId", or_dash(e.request_id)},
      {"ip", or_dash(e.ip)},
      {"caller", "-"},
      {"user", "-"},
      {"requestTime", format_clf_time(e.request_time)},
      {"httpMethod", or_dash(e.http_method)},
      {"resourcePath", or_dash(e.resource_path)},
      {"status", std::to_string(e.status)},
      {"protocol", or_dash(e.protocol)},
      {"responseLength", std::to_string(e.response_length)},
  };
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

AccessLog::AccessLog(const std::filesystem::path& path) : path_(path) {
  std::filesystem::create_directories(path.parent_path());
  file_ = std::fopen(path.c_str(), "a");
  if (file_ == nullptr) throw std::runtime_error("cannot open access log " + path.string());
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

AccessLog::~AccessLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void AccessLog::write(const AccessLogEntry& entry) {
  const std::string line = format_access_log_line(entry);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fputc('\n', file_);
  ++lines_;
}

void AccessLog::flush() { std::fflush(file_); }

}  // namespace emu::apigateway
