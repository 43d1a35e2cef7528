// The DynamoDB model: tables, items, global secondary indexes, TTL and streams, with AWS's
// validation messages, capacity accounting and conditional writes. Knows nothing of HTTP or
// JSON; wire.h translates.
//
// Every operation takes `now` and returns Result<...>: the typed result or the AwsError AWS
// would return. Before applying an operation the model asks the FaultInjector (service
// "dynamodb", the AWS operation name, the table) and then the ThroughputGovernor for the
// operation's capacity units (1 WCU per started KB of the larger of the old and new item, per
// table and per affected GSI; reads 1 RCU per started 4 KB, half when eventually consistent);
// a refused operation changes nothing.
//
// Storage: the data dir's SQLite database holds the items (item_store.h) and stream records
// (persist.h); memory holds a bounded cache of rows (row_cache.h, `dynamodb.cache_mib`) and a
// bounded tail of each stream. Changes are written by flush(): with write_through (the
// default, `emulator serve`) inside every commit of the caller's group-commit transaction,
// before any answer is released; without it (in-process virtual-time runs) when the cache's
// dirty rows pass half its budget, before range reads, and at flush() (write-behind). The
// constructor reads only schemas and counts: its cost does not grow with the items stored.
// CreateTableRequest::persist = false: the table's schema is not saved, so the table is gone
// after a restart (its rows are dropped then).
//
// Time: TTL sweeps and stream trimming run on the Scheduler every ttl_sweep_interval_seconds.
// Thread rules: simulation thread only.
#pragma once

#include <map>
#include <set>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/config.h"
#include "emulator/core/faults.h"
#include "emulator/core/random.h"
#include "emulator/core/scheduler.h"
#include "emulator/core/storage.h"
#include "emulator/dynamodb/expr/cache.h"
#include "emulator/dynamodb/item_store.h"
#include "emulator/dynamodb/persist.h"
#include "emulator/dynamodb/row_cache.h"
#include "emulator/dynamodb/table.h"
#include "emulator/dynamodb/throughput.h"
#include "emulator/dynamodb/types.h"

namespace emu::dynamodb {

struct DatabaseOptions {
  std::string region = "ca-central-1";
  std::string account_id = "000000000000";
  Micros ttl_sweep_interval = 60 * kMicrosPerSecond;
  Micros ttl_deletion_delay = 0;
  Micros stream_retention = 24 * kMicrosPerHour;
  std::size_t max_item_bytes = 409600;
  bool drop_consumed_stream_records = false;
  // true: every Storage commit writes the pending changes first (what `emulator serve` needs:
  // an acknowledged write is durable). false: write-behind (see above).
  bool write_through = true;
  // Memory for cached rows; the streams' tails may use a quarter of it again.
  std::size_t cache_bytes = 64 * 1024 * 1024;

  // Reads the "dynamodb" section (plus region/account_id); throws ConfigError on bad ranges.
  static DatabaseOptions from_config(const Config& config);
};

class Database {
 public:
  Database(Storage& storage, Scheduler& scheduler, const DatabaseOptions& options,
           ThroughputGovernor* governor = nullptr, FaultInjector* faults = nullptr,
           Random random = Random(1));
  Database(Storage& storage, Scheduler& scheduler, const Config& config,
           ThroughputGovernor* governor = nullptr, FaultInjector* faults = nullptr,
           Random random = Random(1));
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void set_governor(ThroughputGovernor* governor) { governor_ = governor; }
  void set_fault_injector(FaultInjector* faults) { faults_ = faults; }
  const DatabaseOptions& options() const { return options_; }

  // ---- control plane ----
  // DEVIATION: the answer says CREATING (as AWS does) but the table is ACTIVE at once, because
  // boto3's table_exists waiter would otherwise cost every client 20 s.
  Result<TableDescription> create_table(const CreateTableRequest& request, Micros now);
  Result<TableDescription> delete_table(const std::string& table_name, Micros now);
  Result<TableDescription> describe_table(const std::string& table_name, Micros now);
  Result<ListTablesResult> list_tables(const ListTablesRequest& request, Micros now);
  Result<TableDescription> update_table(const UpdateTableRequest& request, Micros now);
  Result<TimeToLiveDescription> describe_time_to_live(const std::string& table_name, Micros now);
  Result<UpdateTimeToLiveRequest> update_time_to_live(const UpdateTimeToLiveRequest& request,
                                                      Micros now);

  // ---- data plane ----
  Result<PutItemResult> put_item(const PutItemRequest& request, Micros now);
  Result<GetItemResult> get_item(const GetItemRequest& request, Micros now);
  Result<UpdateItemResult> update_item(const UpdateItemRequest& request, Micros now);
  Result<DeleteItemResult> delete_item(const DeleteItemRequest& request, Micros now);
  Result<QueryResult> query(const QueryRequest& request, Micros now);
  Result<ScanResult> scan(const ScanRequest& request, Micros now);
  Result<BatchWriteItemResult> batch_write_item(const BatchWriteItemRequest& request, Micros now);
  Result<BatchGetItemResult> batch_get_item(const BatchGetItemRequest& request, Micros now);

  // After a ConditionalCheckFailedException with return_old_on_condition_failure, the old item
  // (AWS puts it in the error body as "Item"). Cleared by the next operation.
  const std::optional<Item>& condition_failure_item() const { return condition_failure_item_; }
  // Extra latency the FaultInjector asked for on the last operation (0 if none).
  Micros last_fault_latency() const { return last_fault_latency_; }

  // ---- tables and streams for in-process callers ----
  bool has_table(std::string_view name) const { return tables_.count(std::string(name)) > 0; }
  Table* table(std::string_view name);
  // The table's current stream, or nullptr.
  Stream* stream_for_table(std::string_view table_name);
  // Any retained stream (current or disabled within retention) by ARN, or nullptr.
  Stream* stream_by_arn(std::string_view arn);
  std::vector<Stream*> streams();

  // Runs one TTL sweep and stream trim now (also run by the scheduler). Returns items deleted.
  std::size_t sweep(Micros now);

  // Writes every pending change (rows, index entries, stream records, counts) to SQLite
  // inside the caller's transaction (the caller commits).
  void flush();
  // Whether every commit flushes (DatabaseOptions::write_through).
  bool writes_through() const { return options_.write_through; }
  // Visits every row of `table_name` in key order (nothing if there is no such table).
  void for_each_row(std::string_view table_name, const std::function<void(const Item&)>& visit);
  const RowCache& row_cache() const { return row_cache_; }

  // Live counters for /_emulator/state: per table item count, size, consumed and throttled
  // capacity, stream size; expression cache stats.
  nlohmann::json state() const;

 private:
  friend class Ops;
  struct Counters {
    double read_units = 0;
    double write_units = 0;
    std::uint64_t throttled = 0;
    std::uint64_t ttl_deleted = 0;
    std::uint64_t conditional_failures = 0;
  };

  void load();
  // Runs as each operation begins: writes pending changes when the cache's dirty bound is
  // reached, evicts rows over its budget, releases stream tails.
  void upkeep();
  void flush_streams();
  // Trims records created before `cutoff` (and consumed ones, with drop_consumed) from memory
  // and the store.
  void trim_stream(Stream& stream, Micros cutoff);
  // One table's rows alone (its stream's records may follow later: see flush_table).
  void flush_table(Table& table);
  void save_stats(Table& table);
  std::int64_t next_table_number();
  void schedule_sweep(Micros now);
  std::size_t expire_items(Table& table, Micros now);
  std::shared_ptr<Stream> make_stream(const TableSchema& schema, Micros now);
  void retire_stream(Table& table, Micros now);
  void save_stream_meta(const Stream& stream);
  std::optional<AwsError> check_fault(std::string_view operation, std::string_view table,
                                      Micros now);

  Storage& storage_;
  Scheduler& scheduler_;
  DatabaseOptions options_;
  ThroughputGovernor* governor_;
  FaultInjector* faults_;
  Random random_;
  ItemStore store_;
  RowCache row_cache_;
  Persistence persistence_;
  int commit_hook_ = 0;
  expr::ExpressionCache cache_;
  std::map<std::string, std::unique_ptr<Table>, std::less<>> tables_;
  std::map<std::string, std::shared_ptr<Stream>, std::less<>> retired_streams_;
  std::map<std::string, Counters, std::less<>> counters_;
  std::optional<Item> condition_failure_item_;
  Micros last_fault_latency_ = 0;
  std::optional<EventId> sweep_event_;
  std::int64_t next_stream_number_ = 1;
  // Streams of tables that are not persisted: their meta is not saved either.
  std::set<std::int64_t> unsaved_streams_;

  // The last request's expressions and binding signature that passed validation: a request
  // with the same parsed expressions, the same names and the same value keys and types (and,
  // when a condition is present, the same values) needs no re-validation. This is what makes
  // the aggregator's identical UpdateItem cheap.
  struct PrepareMemo {
    bool valid = false;
    const void* expressions[4] = {nullptr, nullptr, nullptr, nullptr};
    // Holds those entries alive, so their addresses cannot be reused by other expressions
    // while the memo compares against them.
    std::shared_ptr<const void> holders[4];
    std::optional<expr::Names> names;
    std::vector<std::pair<std::string, Type>> value_types;
    std::uint64_t values_names_id = 0;  // names_id() of the values value_types was checked against
    bool has_values = false;
    std::optional<Item> values;
    std::optional<expr::SetPlan> set_plan;  // for expressions[0] (the update) under `names`
  };
  PrepareMemo prepare_memo_;
};

}  // namespace emu::dynamodb
