#include "emulator/capacity/dynamodb_capacity.h"

#include "emulator/core/errors.h"

namespace emu::capacity {

namespace {

constexpr const char* kProvisionedMessage =
    "The level of configured provisioned throughput for the table was exceeded. Consider "
    "increasing your provisioning level with the UpdateTable API.";
constexpr const char* kIndexProvisionedMessage =
    "The level of configured provisioned throughput for one or more global secondary indexes "
    "of the table was exceeded. Consider increasing your provisioning level for the "
    "under-provisioned global secondary indexes with the UpdateTable API";
constexpr const char* kOnDemandMessage =
    "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically "
    "scaling your table or index so please try again shortly. If exceptions persist, check if "
    "you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
    "bp-partition-key-design.html";

double positive(const Config& c, const std::string& pointer) {
  const double v = c.number(pointer);
  if (v <= 0) throw ConfigError(pointer, "a positive number");
  return v;
}

}  // namespace

DynamoCapacityModel::DynamoCapacityModel(OnDemandSettings on_demand, double burst_seconds,
                                         MetricSink* metrics)
    : on_demand_(on_demand), burst_seconds_(burst_seconds), metrics_(metrics) {}

DynamoCapacityModel DynamoCapacityModel::from_config(const Config& c, MetricSink* metrics) {
  OnDemandSettings od;
  od.initial_read = positive(c, "/dynamodb/on_demand/initial_read_units_per_second");
  od.initial_write = positive(c, "/dynamodb/on_demand/initial_write_units_per_second");
  od.table_max_read = positive(c, "/dynamodb/on_demand/table_max_read_units_per_second");
  od.table_max_write = positive(c, "/dynamodb/on_demand/table_max_write_units_per_second");
  DynamoCapacityModel model(od, positive(c, "/dynamodb/provisioned_burst_seconds"), metrics);
  for (const auto& [table, value] : c.at("/dynamodb/tables").items()) {
    const std::string base = "/dynamodb/tables/" + table;
    const std::string mode = c.string(base + "/billing_mode");
    if (mode != "PAY_PER_REQUEST" && mode != "PROVISIONED") {
      throw ConfigError(base + "/billing_mode", "PAY_PER_REQUEST or PROVISIONED");
    }
    TableCapacity capacity;
    capacity.on_demand = mode == "PAY_PER_REQUEST";
    capacity.read_units = c.number(base + "/read_capacity_units");
    capacity.write_units = c.number(base + "/write_capacity_units");
    if (!capacity.on_demand && (capacity.read_units < 1 || capacity.write_units < 1)) {
      throw ConfigError(base + "/read_capacity_units",
                        "at least 1 read and 1 write capacity unit for a PROVISIONED table");
    }
    model.configure(table, "", capacity, 0);
  }
  return model;
}

void DynamoCapacityModel::register_metrics(Target& t, const std::string& table,
                                           const std::string& index) {
  if (metrics_ == nullptr) return;
  Dimensions dims = {{"TableName", table}};
  if (!index.empty()) dims.emplace_back("GlobalSecondaryIndexName", index);
  auto id = [&](const char* name, const char* unit) {
    return metrics_->metric(MetricKey{"AWS/DynamoDB", name, dims, unit});
  };
  t.read.consumed_metric = id("ConsumedReadCapacityUnits", "Count");
  t.write.consumed_metric = id("ConsumedWriteCapacityUnits", "Count");
  t.read.throttle_events_metric = id("ReadThrottleEvents", "Count");
  t.write.throttle_events_metric = id("WriteThrottleEvents", "Count");
  t.read.throttled_requests_metric = t.write.throttled_requests_metric =
      id("ThrottledRequests", "Count");
}

DynamoCapacityModel::Target& DynamoCapacityModel::target(std::string_view table,
                                                         std::string_view index, Micros now) {
  auto it = targets_.find(std::make_pair(table, index));
  if (it == targets_.end()) {
    it = targets_.emplace(std::make_pair(std::string(table), std::string(index)), Target{}).first;
    register_metrics(it->second, it->first.first, it->first.second);
  }
  return it->second;
}

void DynamoCapacityModel::configure(const std::string& table, const std::string& index,
                                    TableCapacity capacity, Micros now) {
  Target& t = target(table, index, now);
  t.capacity = capacity;
  if (capacity.on_demand) {
    t.read.provisioned.reset();
    t.write.provisioned.reset();
    return;
  }
  auto set = [&](Lane& lane, double units) {
    if (lane.provisioned) {
      lane.provisioned->reconfigure(units, units * burst_seconds_, now);
    } else {
      lane.provisioned.emplace(units, units * burst_seconds_);
      lane.provisioned->try_take(now, units * burst_seconds_ - units);  // start with 1 s
    }
  };
  set(t.read, capacity.read_units);
  set(t.write, capacity.write_units);
}

bool DynamoCapacityModel::admit_on_demand(Lane& lane, double initial, double maximum,
                                          double units, Micros now) {
  const std::int64_t window = floor_to(now, kMicrosPerSecond) / kMicrosPerSecond;
  if (window != lane.window) {
    lane.previous_peak = std::max(lane.previous_peak, lane.used_in_window);
    lane.window = window;
    lane.used_in_window = 0;
  }
  const double limit = std::min(maximum, std::max(initial, 2 * lane.previous_peak));
  if (lane.used_in_window + units > limit) return false;
  lane.used_in_window += units;
  return true;
}

std::optional<AwsError> DynamoCapacityModel::consume(std::string_view table,
                                                     std::string_view index,
                                                     dynamodb::Access access, double units,
                                                     Micros now) {
  Target& t = target(table, index, now);
  const bool write = access == dynamodb::Access::kWrite;
  Lane& lane = write ? t.write : t.read;
  bool admitted;
  if (t.capacity.on_demand) {
    admitted = admit_on_demand(lane, write ? on_demand_.initial_write : on_demand_.initial_read,
                               write ? on_demand_.table_max_write : on_demand_.table_max_read,
                               units, now);
  } else {
    admitted = lane.provisioned->try_take(now, units);
  }
  if (admitted) {
    lane.consumed_total += units;
    if (metrics_ != nullptr) metrics_->put(lane.consumed_metric, units, now);
    return std::nullopt;
  }
  ++lane.throttled;
  if (metrics_ != nullptr) {
    metrics_->put(lane.throttle_events_metric, 1, now);
    metrics_->put(lane.throttled_requests_metric, 1, now);
  }
  const char* message = t.capacity.on_demand ? kOnDemandMessage
                        : index.empty()      ? kProvisionedMessage
                                             : kIndexProvisionedMessage;
  return errors::dynamodb::kProvisionedThroughputExceeded(message);
}

nlohmann::json DynamoCapacityModel::state(Micros now) {
  nlohmann::json out = nlohmann::json::object();
  for (auto& [key, t] : targets_) {
    auto lane_state = [&](Lane& lane, double provisioned_units) {
      nlohmann::json j = {{"consumed_units_total", lane.consumed_total},
                          {"throttled", lane.throttled}};
      if (lane.provisioned) {
        j["provisioned_units"] = provisioned_units;
        j["burst_credit_units"] = lane.provisioned->available(now);
      } else {
        j["previous_peak_units_per_second"] = lane.previous_peak;
        j["used_this_second"] = lane.used_in_window;
      }
      return j;
    };
    const std::string name = key.second.empty() ? key.first : key.first + "/" + key.second;
    out[name] = {{"billing_mode", t.capacity.on_demand ? "PAY_PER_REQUEST" : "PROVISIONED"},
                 {"read", lane_state(t.read, t.capacity.read_units)},
                 {"write", lane_state(t.write, t.capacity.write_units)}};
  }
  return out;
}

}  // namespace emu::capacity
