#include "loadgen/trace_access_log.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <map>

#include <nlohmann/json.hpp>

#include "loadgen/scenario.h"

namespace loadgen {

namespace {

using nlohmann::json;

constexpr std::size_t kBadLinesKept = 5;
constexpr std::size_t kMaxDistinct = 65536;  // methods or paths (an index is 16 bits)
constexpr int kMaxReplayEntries = 5000;      // the population's own queue_max bound
// A path no resource matches, and the seed's one resource (for lines logged with resourcePath "-").
constexpr const char* kUnmatchedPath = "/replayed-unmatched-path";
constexpr const char* kApiResource = "/save-metrics";

// "27/Jun/2021:04:00:00 +0000" (CLF, as API Gateway's $context.requestTime renders).
std::optional<Micros> parse_clf_time(const std::string& text) {
  static constexpr const char* kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0, zone = 0;
  char month[4] = {0}, sign = '+';
  int used = 0;
  if (std::sscanf(text.c_str(), "%2d/%3c/%4d:%2d:%2d:%2d %c%4d%n", &day, month, &year, &hh, &mm, &ss,
                  &sign, &zone, &used) != 8 ||
      static_cast<std::size_t>(used) != text.size()) {
    return std::nullopt;
  }
  const char* m = std::strstr(kMonths, month);
  if (m == nullptr || (m - kMonths) % 3 != 0 || (sign != '+' && sign != '-')) return std::nullopt;
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0) return std::nullopt;
  const auto month_number = static_cast<unsigned>((m - kMonths) / 3 + 1);
  const std::int64_t days = emu::days_from_civil({year, month_number, static_cast<unsigned>(day)});
  const std::int64_t zone_seconds = (zone / 100 * 3600 + zone % 100 * 60) * (sign == '-' ? -1 : 1);
  const std::int64_t seconds = days * 86400 + hh * 3600 + mm * 60 + ss - zone_seconds;
  return seconds * emu::kMicrosPerSecond;
}

// A value of the log: every value a string ("-" when absent), numbers tolerated.
std::string text_of(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return "-";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return "-";
}

bool intern(std::vector<std::string>& table, const std::string& value, std::uint16_t& index) {
  const auto it = std::find(table.begin(), table.end(), value);
  if (it != table.end()) {
    index = static_cast<std::uint16_t>(it - table.begin());
    return true;
  }
  if (table.size() >= kMaxDistinct) return false;
  index = static_cast<std::uint16_t>(table.size());
  table.push_back(value);
  return true;
}

int number_or(const std::string& text, int fallback) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 9) {
    return fallback;
  }
  return std::stoi(text);
}

// A JS batch of about `bytes` bytes: entries from the sizes of batches of one and of eleven
// (entries differ in size with their identifier).
int entries_for_length(const PopulationModel& population, const Device& d, std::int32_t bytes,
                       Micros now, std::uint64_t salt) {
  if (bytes <= 0) return d.queue;
  const auto one = static_cast<double>(population.body(d, ClientKind::kJsBatch, 1, now, salt).size());
  const auto eleven = static_cast<double>(population.body(d, ClientKind::kJsBatch, 11, now, salt).size());
  const double per_entry = std::max(1.0, (eleven - one) / 10);
  const double n = 1 + (static_cast<double>(bytes) - one) / per_entry;
  return std::clamp(static_cast<int>(n + 0.5), 1, kMaxReplayEntries);
}

}  // namespace

bool parse_access_log_line(const std::string& text, AccessLogTrace& into, Micros& request_time,
                           ReplayLine& out) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  const auto t = parse_clf_time(text_of(j, "requestTime"));
  if (!t) return false;
  request_time = *t;
  const int status = number_or(text_of(j, "status"), -1);
  if (status < 100 || status > 599) return false;
  out.status = static_cast<std::uint16_t>(status);
  out.ip = text_of(j, "ip");
  out.request_length = number_or(text_of(j, "requestLength"), -1);
  std::string method = text_of(j, "httpMethod");
  if (method == "-") method = "POST";
  // Production formats may log the request's own path; the seed's logs the matched resource.
  std::string path = text_of(j, "path");
  if (path == "-") path = text_of(j, "resourcePath");
  // ASSUMPTION: a line without a resource is either refused before API Gateway routed it (a
  // 4xx or 5xx: the request model, the API key, the WAF's blocks; the seed's API has one
  // resource) or answered by a WAF rule for a path it does not serve (a 2xx, the seed's 204).
  if (path == "-" || path.empty() || path[0] != '/') path = status >= 400 ? kApiResource : kUnmatchedPath;
  return intern(into.methods, method, out.method) && intern(into.paths, path, out.path);
}

std::shared_ptr<const AccessLogTrace> read_access_log(const std::string& path, double speed,
                                                      const std::string& where_file,
                                                      const std::string& where_field) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(where_file, where_field, "a readable access log (" + path + ")");
  auto trace = std::make_shared<AccessLogTrace>();
  trace->file = path;
  std::vector<std::pair<Micros, ReplayLine>> timed;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Micros at = 0;
    ReplayLine r;
    if (!parse_access_log_line(line, *trace, at, r)) {
      ++trace->unparseable;
      if (trace->bad_line_numbers.size() < kBadLinesKept) trace->bad_line_numbers.push_back(number);
      continue;
    }
    timed.emplace_back(at, std::move(r));
  }
  // By second, file order within a second (lines are written at answer time, slightly out of
  // request order).
  std::stable_sort(timed.begin(), timed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (!timed.empty()) trace->first_request = timed.front().first;
  trace->lines.reserve(timed.size());
  for (std::size_t i = 0; i < timed.size();) {
    std::size_t end = i;
    while (end < timed.size() && timed[end].first == timed[i].first) ++end;
    const auto n = static_cast<Micros>(end - i);
    for (std::size_t k = i; k < end; ++k) {
      const Micros in_second = static_cast<Micros>(k - i) * emu::kMicrosPerSecond / n;
      ReplayLine r = std::move(timed[k].second);
      r.offset = static_cast<Micros>(static_cast<double>(timed[k].first - trace->first_request + in_second) / speed);
      trace->lines.push_back(std::move(r));
    }
    i = end;
  }
  return trace;
}

emu::http::HttpRequest replay_request(const AccessLogTrace& trace, const ReplayLine& line,
                                      const PopulationModel& population, Micros now,
                                      std::uint64_t salt, const std::string& api_key) {
  // The device (user agent, province, app version) follows the client IP: a client's lines
  // look like one phone's.
  std::uint64_t ip_hash = 0xcbf29ce484222325ULL;  // FNV-1a: the same on every platform
  for (const char c : line.ip) ip_hash = (ip_hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  const Device d = population.device(static_cast<std::int64_t>(ip_hash % static_cast<std::uint64_t>(population.size())));
  emu::http::HttpRequest r;
  r.method = trace.methods[line.method];
  r.path = trace.paths[line.path];
  r.remote_ip = line.ip == "-" ? device_ip(d) : line.ip;
  r.headers.emplace("Content-Type", "application/json");
  if (line.status != 403) r.headers.emplace("x-api-key", api_key);
  r.headers.emplace("User-Agent", user_agent(d));
  if (line.status == 400) {
    // A body the seed's request model refuses (metricspayload requires its fields).
    r.body = R"({"replayed":"a request the log shows answered 400"})";
  } else if (r.method != "GET" && r.method != "HEAD") {
    const int entries = entries_for_length(population, d, line.request_length, now, salt);
    r.body = population.body(d, ClientKind::kJsBatch, entries, now, salt);
  }
  return r;
}

const ReplayLine* replay_line_of(const Scenario& s, const Send& send, const AccessLogTrace** trace) {
  if (send.source < 0) return nullptr;
  const Phase& p = s.schedule[static_cast<std::size_t>(send.source)];
  if (!p.access_log) return nullptr;
  const std::uint64_t k = send.id & ((std::uint64_t{1} << 40) - 1);
  if (k >= p.access_log->lines.size()) return nullptr;
  *trace = p.access_log.get();
  return &p.access_log->lines[static_cast<std::size_t>(k)];
}

void add_access_log_figures(const Scenario& s, std::map<std::string, double>& figures) {
  for (const auto& phase : s.schedule) {
    if (!phase.access_log) continue;
    figures["trace_lines"] += static_cast<double>(phase.access_log->lines.size());
    figures["trace_unparseable_lines"] += static_cast<double>(phase.access_log->unparseable);
  }
}

std::string access_log_problems(const Scenario& s) {
  std::string out;
  for (const auto& phase : s.schedule) {
    if (!phase.access_log || phase.access_log->unparseable == 0) continue;
    std::string lines;
    for (const auto n : phase.access_log->bad_line_numbers) lines += (lines.empty() ? "" : ", ") + std::to_string(n);
    out += (out.empty() ? "" : "; ") + phase.access_log->file + ": " +
           std::to_string(phase.access_log->unparseable) +
           " line(s) are not API Gateway access-log JSON with a requestTime and a status (line " +
           lines + (phase.access_log->unparseable > phase.access_log->bad_line_numbers.size() ? ", ..." : "") + ")";
  }
  return out;
}

}  // namespace loadgen
