#include "emulator/dynamodb/seed_tables.h"

#include <stdexcept>

namespace emu::dynamodb {

namespace {

void apply_capacity(CreateTableRequest& r, const Config& config, const std::string& role) {
  const std::string base = "/dynamodb/tables/" + role;
  const std::string mode = config.string(base + "/billing_mode");
  if (mode == "PAY_PER_REQUEST") {
    r.billing_mode = BillingMode::kPayPerRequest;
  } else if (mode == "PROVISIONED") {
    r.billing_mode = BillingMode::kProvisioned;
    const auto rcu = config.integer(base + "/read_capacity_units");
    const auto wcu = config.integer(base + "/write_capacity_units");
    if (rcu < 1)
      throw ConfigError(base + "/read_capacity_units", "an integer >= 1 when PROVISIONED");
    if (wcu < 1)
      throw ConfigError(base + "/write_capacity_units", "an integer >= 1 when PROVISIONED");
    r.provisioned_throughput = ProvisionedThroughput{rcu, wcu};
  } else {
    throw ConfigError(base + "/billing_mode", "\"PAY_PER_REQUEST\" or \"PROVISIONED\"");
  }
  r.persist = config.boolean(base + "/persist");
}

void create(Database& db, const CreateTableRequest& r, Micros now) {
  if (db.has_table(r.table_name)) return;
  auto result = db.create_table(r, now);
  if (!result) {
    throw std::runtime_error("cannot create table " + r.table_name + ": " + result.error().message);
  }
}

}  // namespace

void create_seed_tables(Database& db, const Config& config, Micros now) {
  CreateTableRequest raw;
  raw.table_name = config.string("/create_metrics/table_name");
  raw.attribute_definitions = {{"uuid", Type::kS}};
  raw.key_schema = {{"uuid", "HASH"}};
  raw.stream_specification = StreamSpecification{true, StreamViewType::kNewImage};
  apply_capacity(raw, config, "raw_metrics");
  const bool new_raw = !db.has_table(raw.table_name);
  create(db, raw, now);
  if (new_raw) {
    auto ttl = db.update_time_to_live({raw.table_name, true, "expdate"}, now);
    if (!ttl) throw std::runtime_error("cannot enable TTL on " + raw.table_name);
  }

  CreateTableRequest agg;
  agg.table_name = config.string("/aggregate_metrics/table_name");
  agg.attribute_definitions = {{"pk", Type::kS}, {"sk", Type::kS}, {"identifier", Type::kS}};
  agg.key_schema = {{"pk", "HASH"}, {"sk", "RANGE"}};
  GlobalSecondaryIndex gsi;
  gsi.index_name = "IdentifierIndex";
  gsi.key_schema = {{"identifier", "HASH"}};
  gsi.projection_type = ProjectionType::kAll;
  agg.global_secondary_indexes = {gsi};
  agg.has_global_secondary_indexes = true;
  apply_capacity(agg, config, "aggregate_metrics");
  if (agg.billing_mode == BillingMode::kProvisioned) {
    agg.global_secondary_indexes[0].provisioned_throughput = agg.provisioned_throughput;
  }
  create(db, agg, now);
}

}  // namespace emu::dynamodb
