// The seed's WAF web ACL `metrics_collection1`, in front of the API stage. Rules run in the
// seed's priority order; the first terminating rule decides:
//   1  IP reputation (a configured list stands in for AWS's managed list)        -> 403
//   10 metrics_collection_invalid_path: path not exactly /save-metrics after
//      COMPRESS_WHITE_SPACE + LOWERCASE                                           -> 204
//   11 metrics_collection_query_strings: any query string (regex .+)             -> 204
//   12 metrics_collection_rate_limit: > limit requests per client IP per window  -> 403
//   13 metrics_collection_max_body_size: body > limit -> custom 200 + `waf-block` header
//      (or "count" mode: counted, request continues; the 2021 setting)
//   20 AWSManagedRulesCommonRuleSet subset: SizeRestrictions_BODY (> 10240, excluded since
//      2021-09-21, so off by default) and NoUserAgent_HEADER                    -> 403
// Blocked requests with AWS's default action get API Gateway's WAF_FILTERED response,
// 403 {"message":"Forbidden"}.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/config.h"
#include "emulator/http/message.h"
#include "emulator/waf/rate_limiter.h"

namespace emu::waf {

struct Verdict {
  bool blocked = false;
  std::string rule;                  // terminating rule name, "" when allowed
  int status = 0;                    // response status when blocked
  http::Headers headers;             // custom response headers when blocked
  std::vector<std::string> counted;  // rules in count mode that matched
};

struct WafSettings {
  bool enabled = true;
  bool ip_reputation = true;
  std::unordered_set<std::string> blocked_ips;
  int ip_reputation_status = 403;
  bool invalid_path = true;
  std::string path = "/save-metrics";
  int invalid_path_status = 204;
  bool query_string = true;
  int query_string_status = 204;
  bool rate_limit = true;
  std::int64_t rate_limit_requests = 10000;
  std::int64_t rate_limit_window_seconds = 300;
  std::int64_t rate_limit_max_tracked_clients = RateLimiter::kDefaultMaxClients;
  int rate_limit_status = 403;
  bool max_body = true;
  std::int64_t max_body_bytes = 120000;
  bool max_body_count_only = false;
  int max_body_status = 200;
  std::string max_body_header_name = "waf-block";
  std::string max_body_header_value = "metrics_collection_max_body_size";
  bool common_size_body = false;
  std::int64_t common_size_body_bytes = 10240;
  int common_size_body_status = 403;
  bool no_user_agent = true;

  // Reads the "waf" section; throws ConfigError naming the key on a bad value.
  static WafSettings from_config(const Config& config);
};

class WebAcl {
 public:
  explicit WebAcl(WafSettings settings);

  // Evaluates `request` arriving at `now`. Counts it towards the rate rule when it gets that far.
  Verdict evaluate(const http::HttpRequest& request, Micros now);

  // The client key of the rate rule. DEVIATION: the first X-Forwarded-For address when present
  // (so a load generator on one host can stand in for millions of phones), else the socket IP.
  static std::string client_ip(const http::HttpRequest& request);

  nlohmann::json state(Micros now) const;
  const WafSettings& settings() const { return settings_; }

 private:
  Verdict block(const char* rule, int status) const;

  WafSettings settings_;
  RateLimiter rate_limiter_;
  std::uint64_t evaluated_ = 0;
  std::map<std::string, std::uint64_t> blocked_by_rule_;
  std::uint64_t counted_max_body_ = 0;
};

// COMPRESS_WHITE_SPACE then LOWERCASE, as the WAF text transformations define them.
std::string normalize_uri_path(std::string_view path);

}  // namespace emu::waf
