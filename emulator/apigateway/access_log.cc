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

namespace {

// Appends `s` as a JSON string. Plain printable ASCII (the usual case: ids, IPs, methods,
// paths) is copied; anything else goes through nlohmann's escaping, which replaces invalid
// UTF-8 as the access log always has.
void append_json_string(std::string& out, const std::string& s) {
  bool plain = true;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    plain = plain && u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
  }
  if (plain) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string format_access_log_line(const AccessLogEntry& e) {
  // Built field by field (this runs once per request): the seed's access-log format, keys in
  // its order, every value a string.
  const auto or_dash = [](const std::string& s) -> const std::string& {
    static const std::string dash = "-";
    return s.empty() ? dash : s;
  };
  std::string out;
  out.reserve(256);
  const std::pair<const char*, std::string> fields[] = {
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
  out += '{';
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += key;
    out += "\":";
    append_json_string(out, value);
  }
  out += '}';
  return out;
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
