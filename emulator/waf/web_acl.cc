#include "emulator/waf/web_acl.h"

#include <cctype>

namespace emu::waf {

namespace {

int status_at(const Config& config, const char* pointer) {
  const std::int64_t status = config.integer(pointer);
  if (status < 200 || status > 599) throw ConfigError(pointer, "an HTTP status 200..599");
  return static_cast<int>(status);
}

std::int64_t positive_at(const Config& config, const char* pointer) {
  const std::int64_t v = config.integer(pointer);
  if (v <= 0) throw ConfigError(pointer, "a positive integer");
  return v;
}

}  // namespace

WafSettings WafSettings::from_config(const Config& c) {
  WafSettings s;
  s.enabled = c.boolean("/waf/enabled");
  s.ip_reputation = c.boolean("/waf/ip_reputation/enabled");
  const auto& ips = c.at("/waf/ip_reputation/blocked_ips");
  for (size_t i = 0; i < ips.size(); ++i) {
    if (!ips[i].is_string()) {
      throw ConfigError("/waf/ip_reputation/blocked_ips/" + std::to_string(i), "an IP string");
    }
    s.blocked_ips.insert(ips[i].get<std::string>());
  }
  s.ip_reputation_status = status_at(c, "/waf/ip_reputation/status");
  s.invalid_path = c.boolean("/waf/invalid_path/enabled");
  s.path = c.string("/waf/invalid_path/path");
  s.invalid_path_status = status_at(c, "/waf/invalid_path/status");
  s.query_string = c.boolean("/waf/query_string/enabled");
  s.query_string_status = status_at(c, "/waf/query_string/status");
  s.rate_limit = c.boolean("/waf/rate_limit/enabled");
  s.rate_limit_requests = positive_at(c, "/waf/rate_limit/limit");
  s.rate_limit_window_seconds = positive_at(c, "/waf/rate_limit/window_seconds");
  s.rate_limit_max_tracked_clients = positive_at(c, "/waf/rate_limit/max_tracked_clients");
  s.rate_limit_status = status_at(c, "/waf/rate_limit/status");
  s.max_body = c.boolean("/waf/max_body_size/enabled");
  s.max_body_bytes = positive_at(c, "/waf/max_body_size/limit_bytes");
  const std::string mode = c.string("/waf/max_body_size/mode");
  if (mode != "block" && mode != "count") {
    throw ConfigError("/waf/max_body_size/mode", "\"block\" or \"count\"");
  }
  s.max_body_count_only = mode == "count";
  s.max_body_status = status_at(c, "/waf/max_body_size/status");
  s.max_body_header_name = c.string("/waf/max_body_size/header_name");
  s.max_body_header_value = c.string("/waf/max_body_size/header_value");
  s.common_size_body = c.boolean("/waf/common_size_restrictions_body/enabled");
  s.common_size_body_bytes = positive_at(c, "/waf/common_size_restrictions_body/limit_bytes");
  s.common_size_body_status = status_at(c, "/waf/common_size_restrictions_body/status");
  s.no_user_agent = c.boolean("/waf/no_user_agent/enabled");
  return s;
}

std::string normalize_uri_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  bool last_space = false;
  for (unsigned char c : path) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
                       c == '\v' || c == 0xA0;
    if (space) {
      if (!last_space) out.push_back(' ');
      last_space = true;
      continue;
    }
    last_space = false;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

WebAcl::WebAcl(WafSettings settings)
    : settings_(std::move(settings)),
      rate_limiter_(settings_.rate_limit_requests, settings_.rate_limit_window_seconds,
                    static_cast<std::size_t>(settings_.rate_limit_max_tracked_clients)) {}

std::string WebAcl::client_ip(const http::HttpRequest& request) {
  const std::string_view forwarded = request.header("X-Forwarded-For");
  if (!forwarded.empty()) {
    std::string_view first = forwarded.substr(0, forwarded.find(','));
    while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
    while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
    if (!first.empty()) return std::string(first);
  }
  return request.remote_ip;
}

Verdict WebAcl::block(const char* rule, int status) const {
  Verdict v;
  v.blocked = true;
  v.rule = rule;
  v.status = status;
  return v;
}

Verdict WebAcl::evaluate(const http::HttpRequest& request, Micros now) {
  ++evaluated_;
  Verdict verdict = [&]() -> Verdict {
    if (!settings_.enabled) return {};
    const std::string ip = client_ip(request);
    if (settings_.ip_reputation && settings_.blocked_ips.count(ip) > 0) {
      return block("AWSManagedRulesAmazonIpReputationList", settings_.ip_reputation_status);
    }
    if (settings_.invalid_path && normalize_uri_path(request.path) != settings_.path) {
      return block("metrics_collection_invalid_path", settings_.invalid_path_status);
    }
    // The regex `.+` matches a non-empty query string; a bare "?" has nothing to match.
    if (settings_.query_string && !request.query.empty()) {
      return block("metrics_collection_query_strings", settings_.query_string_status);
    }
    // ASSUMPTION: every request reaching the rate rule counts, including ones it blocks.
    if (settings_.rate_limit && rate_limiter_.count_and_check(ip, now)) {
      return block("metrics_collection_rate_limit", settings_.rate_limit_status);
    }
    Verdict allowed;
    const auto body_bytes = static_cast<std::int64_t>(request.body.size());
    if (settings_.max_body && body_bytes > settings_.max_body_bytes) {
      if (!settings_.max_body_count_only) {
        Verdict v = block("metrics_collection_max_body_size", settings_.max_body_status);
        v.headers.emplace(settings_.max_body_header_name, settings_.max_body_header_value);
        return v;
      }
      ++counted_max_body_;
      allowed.counted.emplace_back("metrics_collection_max_body_size");
    }
    if (settings_.common_size_body && body_bytes > settings_.common_size_body_bytes) {
      return block("AWSManagedRulesCommonRuleSet:SizeRestrictions_BODY",
                   settings_.common_size_body_status);
    }
    if (settings_.no_user_agent && request.header("User-Agent").empty()) {
      return block("AWSManagedRulesCommonRuleSet:NoUserAgent_HEADER", 403);
    }
    return allowed;
  }();
  if (verdict.blocked) ++blocked_by_rule_[verdict.rule];
  return verdict;
}

nlohmann::json WebAcl::state(Micros now) const {
  return {{"evaluated", evaluated_},
          {"blocked_by_rule", blocked_by_rule_},
          {"counted_max_body_size", counted_max_body_},
          {"rate_limit",
           {{"tracked_clients", rate_limiter_.tracked_clients()},
            {"max_tracked_clients", settings_.rate_limit_max_tracked_clients},
            {"clients_forgotten_early", rate_limiter_.forgotten_early()},
            {"clients_over_limit", rate_limiter_.clients_over_limit(now)},
            {"limit", settings_.rate_limit_requests},
            {"window_seconds", settings_.rate_limit_window_seconds}}}};
}

}  // namespace emu::waf
