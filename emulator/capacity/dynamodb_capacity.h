// DynamoDB capacity (aws-fidelity 3.2), implementing the ThroughputGovernor port per table and
// per GSI, for reads and writes separately:
//   provisioned: RCU/WCU refill per second into a bank holding up to `provisioned_burst_seconds`
//     (300) of unused capacity; a request needing more than the bank holds is throttled.
//     ASSUMPTION: a new (or newly provisioned) table starts with one second of capacity in the
//     bank; AWS does not document the initial credit.
//   on-demand: within each one-second window a table serves up to max(initial units,
//     2 x its previous peak), capped at the per-table maximum (40,000). The previous peak is the
//     highest one-second consumption seen in earlier windows. ASSUMPTION: this is a simple
//     reading of "instantly accommodates up to double the previous peak"; the 30-minute
//     adaptation window and per-partition limits (1,000 WCU / 3,000 RCU per key) are not
//     modelled (DEVIATION).
// Over limit -> ProvisionedThroughputExceededException (400) with AWS's message for the mode.
// Emits AWS/DynamoDB ConsumedRead/WriteCapacityUnits, Read/WriteThrottleEvents and
// ThrottledRequests (dimension TableName, plus GlobalSecondaryIndexName for an index).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "emulator/capacity/token_bucket.h"
#include "emulator/core/config.h"
#include "emulator/core/metrics.h"
#include "emulator/dynamodb/throughput.h"

namespace emu::capacity {

struct OnDemandSettings {
  double initial_read = 12000;
  double initial_write = 4000;
  double table_max_read = 40000;
  double table_max_write = 40000;
};

struct TableCapacity {
  bool on_demand = true;
  double read_units = 0;   // provisioned RCU
  double write_units = 0;  // provisioned WCU
};

class DynamoCapacityModel final : public dynamodb::ThroughputGovernor {
 public:
  DynamoCapacityModel(OnDemandSettings on_demand, double burst_seconds, MetricSink* metrics);
  static DynamoCapacityModel from_config(const Config& config, MetricSink* metrics);

  // Sets (or changes, as UpdateTable does) the billing mode and provisioned units of a table or
  // index ("" = base table). Tables never configured are on-demand.
  void configure(const std::string& table, const std::string& index, TableCapacity capacity,
                 Micros now);

  std::optional<AwsError> consume(std::string_view table, std::string_view index,
                                  dynamodb::Access access, double units, Micros now) override;

  nlohmann::json state(Micros now);

 private:
  struct Lane {  // one direction (read or write) of one table or index
    std::optional<TokenBucket> provisioned;
    std::int64_t window = INT64_MIN;  // on-demand: current one-second window
    double used_in_window = 0;
    double previous_peak = 0;
    double consumed_total = 0;
    std::uint64_t throttled = 0;
    MetricId consumed_metric = 0, throttle_events_metric = 0, throttled_requests_metric = 0;
  };
  struct Target {
    TableCapacity capacity;
    Lane read, write;
  };
  Target& target(std::string_view table, std::string_view index, Micros now);
  bool admit_on_demand(Lane& lane, double initial, double maximum, double units, Micros now);
  void register_metrics(Target& t, const std::string& table, const std::string& index);

  OnDemandSettings on_demand_;
  double burst_seconds_;
  MetricSink* metrics_;
  // (table, index) -> target; looked up by string_views, so a write allocates no key.
  struct TargetLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      const std::string_view at(a.first), bt(b.first);
      return at != bt ? at < bt : std::string_view(a.second) < std::string_view(b.second);
    }
  };
  std::map<std::pair<std::string, std::string>, Target, TargetLess> targets_;
};

}  // namespace emu::capacity
