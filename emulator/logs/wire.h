// CloudWatch Logs on the wire (JSON 1.1, X-Amz-Target Logs_20140328.<Op>): DescribeLogGroups,
// DescribeLogStreams, GetLogEvents and FilterLogEvents over the LogStore, enough for
// `aws logs tail GROUP --since 10m [--follow]`, `aws logs get-log-events` and boto3.
// Other operations get UnknownOperationException naming them.
// DEVIATION: the log groups are read-only over the wire (no CreateLogGroup / PutLogEvents);
// only the emulated functions write to them.
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/core/random.h"
#include "emulator/core/result.h"
#include "emulator/http/router.h"
#include "emulator/logs/log_store.h"

namespace emu::logs {

class LogsWire final : public http::Service {
 public:
  LogsWire(LogStore& store, std::string region, std::string account, Random random)
      : store_(store), region_(std::move(region)), account_(std::move(account)),
        random_(std::move(random)) {}
  std::string_view name() const override { return "logs"; }
  bool accepts(const http::HttpRequest& request) const override;
  http::HttpResponse handle(const http::HttpRequest& request, Micros now) override;

  Result<nlohmann::json> dispatch(const std::string& op, const nlohmann::json& in, Micros now);

 private:
  Result<nlohmann::json> describe_log_groups(const nlohmann::json& in) const;
  Result<nlohmann::json> describe_log_streams(const nlohmann::json& in) const;
  Result<nlohmann::json> get_log_events(const nlohmann::json& in) const;
  Result<nlohmann::json> filter_log_events(const nlohmann::json& in) const;
  Result<const LogGroup*> find_group(const nlohmann::json& in) const;
  std::string group_arn(const std::string& name) const;

  LogStore& store_;
  std::string region_, account_;
  Random random_;
};

}  // namespace emu::logs
