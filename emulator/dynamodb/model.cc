#include "emulator/dynamodb/model.h"

#include <algorithm>
#include <limits>

#include "emulator/core/durable_state.h"
#include "emulator/core/errors.h"
#include "emulator/dynamodb/ops/common.h"

namespace emu::dynamodb {

DatabaseOptions DatabaseOptions::from_config(const Config& config) {
  DatabaseOptions o;
  o.region = config.string("/region");
  o.account_id = config.string("/account_id");
  const double sweep_s = config.number("/dynamodb/ttl_sweep_interval_seconds");
  if (!(sweep_s >= 1 && sweep_s <= 86400)) {
    throw ConfigError("/dynamodb/ttl_sweep_interval_seconds", "a number of seconds in [1, 86400]");
  }
  const double delay_s = config.number("/dynamodb/ttl_deletion_delay_seconds");
  if (!(delay_s >= 0 && delay_s <= 7 * 86400)) {
    throw ConfigError("/dynamodb/ttl_deletion_delay_seconds", "a number of seconds in [0, 604800]");
  }
  const double retention_h = config.number("/dynamodb/stream_retention_hours");
  if (!(retention_h > 0 && retention_h <= 24 * 7)) {
    throw ConfigError("/dynamodb/stream_retention_hours", "a number of hours in (0, 168]");
  }
  const auto max_item = config.integer("/dynamodb/max_item_bytes");
  if (max_item < 1024 || max_item > 16 * 1024 * 1024) {
    throw ConfigError("/dynamodb/max_item_bytes", "an integer in [1024, 16777216]");
  }
  o.ttl_sweep_interval = seconds(sweep_s);
  o.ttl_deletion_delay = seconds(delay_s);
  o.stream_retention = static_cast<Micros>(retention_h * static_cast<double>(kMicrosPerHour));
  o.max_item_bytes = static_cast<std::size_t>(max_item);
  o.drop_consumed_stream_records = config.boolean("/dynamodb/stream_drop_consumed_records");
  o.write_through = config.boolean("/dynamodb/write_through");
  const double cache_mib = config.number("/dynamodb/cache_mib");
  if (!(cache_mib >= 0.01 && cache_mib <= 1024 * 1024)) {
    throw ConfigError("/dynamodb/cache_mib", "a number of MiB in [0.01, 1048576]");
  }
  o.cache_bytes = static_cast<std::size_t>(cache_mib * 1024 * 1024);
  return o;
}

Database::Database(Storage& storage, Scheduler& scheduler, const DatabaseOptions& options,
                   ThroughputGovernor* governor, FaultInjector* faults, Random random)
    : storage_(storage),
      scheduler_(scheduler),
      options_(options),
      governor_(governor),
      faults_(faults),
      random_(random),
      store_(storage),
      row_cache_(options.cache_bytes),
      persistence_(storage) {
  load();
  if (options_.write_through) commit_hook_ = storage_.add_before_commit([this] { flush(); });
  schedule_sweep(scheduler_.now());
}

Database::Database(Storage& storage, Scheduler& scheduler, const Config& config,
                   ThroughputGovernor* governor, FaultInjector* faults, Random random)
    : Database(storage, scheduler, DatabaseOptions::from_config(config), governor, faults, random) {
}

Database::~Database() {
  if (sweep_event_) scheduler_.cancel(*sweep_event_);
  if (commit_hook_ != 0) storage_.remove_before_commit(commit_hook_);
  try {
    flush();  // the caller's last commit (or the store's destructor) writes it
  } catch (...) {
    // Destructors must not throw; what was acknowledged was flushed by its own commit.
  }
  tables_.clear();  // before the cache they are charged to
}

void Database::load() {
  std::vector<std::int64_t> numbers;
  for (auto& [schema, stats] : persistence_.load_schemas()) {
    auto table = std::make_unique<Table>(std::move(schema), store_, row_cache_);
    try {
      table->restore_stats(stats);
    } catch (const std::exception& e) {
      throw DataDirError("ddb_tables: the counts of table " + table->schema().name +
                         " are damaged: " + e.what());
    }
    numbers.push_back(table->number());
    tables_.emplace(table->schema().name, std::move(table));
  }
  // Rows of tables whose schema was not saved (persist = false) belong to no table now.
  storage_.ensure_transaction();
  store_.delete_tables_not_in(numbers);
  std::vector<std::int64_t> stream_numbers;
  for (auto& meta : persistence_.load_streams()) {
    auto stream = std::make_shared<Stream>(meta.table_name, meta.arn, meta.label, meta.view_type,
                                           meta.created, meta.next_sequence, meta.number,
                                           &persistence_, meta.first_sequence);
    next_stream_number_ = std::max(next_stream_number_, meta.number + 1);
    stream_numbers.push_back(meta.number);
    stream->set_drop_consumed(options_.drop_consumed_stream_records);
    if (!meta.enabled) stream->disable(meta.disabled_at);
    auto it = tables_.find(meta.table_name);
    if (meta.enabled && it != tables_.end()) {
      it->second->set_stream(stream);
    } else {
      retired_streams_.emplace(meta.arn, stream);
    }
  }
  persistence_.delete_orphans(stream_numbers);
}

std::int64_t Database::next_table_number() {
  std::int64_t next = 1;
  for (const auto& [_, t] : tables_) next = std::max(next, t->number() + 1);
  return next;
}

void Database::save_stream_meta(const Stream& s) {
  if (unsaved_streams_.count(s.number()) > 0) return;
  storage_.ensure_transaction();
  persistence_.save_stream(StreamMeta{s.arn(), s.table_name(), s.label(), s.view_type(),
                                      s.created(), s.enabled(), s.disabled_at(), s.next_sequence(),
                                      s.number(), s.first_sequence()});
}

void Database::save_stats(Table& table) {
  if (!table.schema().persist) return;
  storage_.ensure_transaction();
  persistence_.save_schema(table.schema(), table.stats_json());
}

std::shared_ptr<Stream> Database::make_stream(const TableSchema& schema, Micros now) {
  // AWS labels streams with their creation time, e.g. 2021-06-27T04:00:00.000.
  std::string label = format_iso8601(now);
  if (!label.empty() && label.back() == 'Z') label.pop_back();
  const std::string arn = schema.arn + "/stream/" + label;
  auto stream = std::make_shared<Stream>(schema.name, arn, label,
                                         *schema.stream_specification->stream_view_type, now, 1,
                                         next_stream_number_++, &persistence_);
  stream->set_drop_consumed(options_.drop_consumed_stream_records);
  if (!schema.persist) unsaved_streams_.insert(stream->number());
  save_stream_meta(*stream);
  return stream;
}

void Database::retire_stream(Table& table, Micros now) {
  auto stream = table.stream_ptr();
  if (!stream) return;
  flush();
  // Its pointer records keep the rows' content: the rows may change once it is retired.
  storage_.ensure_transaction();
  persistence_.materialize_all(stream->number());
  table.clear_insert_seqs();
  stream->disable(now);
  table.set_stream(nullptr);
  retired_streams_.insert_or_assign(stream->arn(), stream);
  save_stream_meta(*stream);
}

void Database::flush_streams() {
  for (Stream* s : streams()) {
    // Records every in-process consumer has read are trimmed before they are ever written.
    if (options_.drop_consumed_stream_records) trim_stream(*s, std::numeric_limits<Micros>::min());
    const auto records = s->unflushed();
    if (records.empty()) continue;
    storage_.ensure_transaction();
    const auto owner = tables_.find(s->table_name());
    Table* table = owner != tables_.end() && owner->second->stream() == s ? owner->second.get()
                                                                          : nullptr;
    for (const StreamRecord* r : records) {
      // An INSERT whose image is the row's content as it will be stored points at the row. Only
      // a cached row is asked: reading an evicted one back to save the image's bytes cost more
      // than writing them (the national day read 788 k raw items back for this).
      const Row* row = nullptr;
      if (table != nullptr && r->event == EventName::kInsert && r->new_image) {
        row = table->peek(table->key_of(*r->keys));
      }
      if (row != nullptr && row->insert_seq == r->sequence && row->item == r->new_image) {
        persistence_.append_pointer(s->number(), *r, row->rowid);
      } else {
        persistence_.append_record(s->number(), *r);
      }
    }
    s->mark_flushed();
    save_stream_meta(*s);
  }
}

void Database::flush_table(Table& table) {
  if (!table.dirty()) return;
  storage_.ensure_transaction();
  Stream* stream = table.stream();
  // A record not written yet is not touched here: when it is written, the row's content no
  // longer matches its image, so it is written whole (flush_streams).
  table.flush([&](std::uint64_t sequence, std::int64_t rowid) {
    if (stream != nullptr && sequence >= stream->first_sequence()) {
      persistence_.materialize(stream->number(), sequence, rowid);
    }
  });
  save_stats(table);
}

void Database::flush() {
  flush_streams();
  for (auto& [_, table] : tables_) flush_table(*table);
  const std::size_t tail_bound = row_cache_.budget() == RowCache::kUnbounded
                                     ? RowCache::kUnbounded
                                     : row_cache_.budget() / 4;
  for (Stream* s : streams()) s->release(tail_bound);
}

void Database::upkeep() {
  std::size_t tails = 0;
  for (Stream* s : streams()) tails += s->memory_bytes();
  const bool tails_over = row_cache_.budget() != RowCache::kUnbounded && tails > row_cache_.budget() / 4;
  if (tails_over) {
    flush();
    // Down to an eighth: a tail its consumer does not shrink (a lagging or batching reader)
    // would pass the quarter again at the next write and write every table at every operation
    // (measured on durable ingest, serve under wrk -c50: 9.3k -> 10.6k req/s; docs/memory.md).
    for (Stream* s : streams()) s->release(row_cache_.budget() / 8);
  }
  if (row_cache_.dirty_limit_reached()) {
    // Rows that will change again (the aggregates) are kept encoded first, in a fifth of the
    // memory; only if that is not enough are rows written.
    for (auto& [_, table] : tables_) table->pack_dirty_rows();
  }
  if (row_cache_.dirty_limit_reached()) {
    // Write behind: the tables holding the most unwritten rows first, until a quarter of the
    // budget is left dirty. Rows that keep changing (the aggregates) are then written once in a
    // while, not at every flush the day's new raw items call for.
    flush_streams();
    std::vector<Table*> order;
    for (auto& [_, table] : tables_) order.push_back(table.get());
    std::sort(order.begin(), order.end(),
              [](const Table* a, const Table* b) { return a->dirty_charge() > b->dirty_charge(); });
    for (Table* table : order) {
      if (row_cache_.dirty_bytes() <= row_cache_.budget() / 4) break;
      flush_table(*table);
    }
  }
  // Key filters: for every table, within a quarter of the budget, built 5,000 stored keys at a
  // time.
  const std::size_t filter_bytes =
      row_cache_.budget() == RowCache::kUnbounded ? RowCache::kUnbounded : row_cache_.budget() / 4;
  for (auto& [_, table] : tables_) table->upkeep_filter(filter_bytes, 5000);
  if (row_cache_.over_budget()) row_cache_.trim();
}

void Database::for_each_row(std::string_view table_name,
                            const std::function<void(const Item&)>& visit) {
  Table* t = table(table_name);
  if (t == nullptr) return;
  flush();
  t->for_each_row([&](const Row& row) { visit(*row.item); });
}

std::optional<AwsError> Database::check_fault(std::string_view operation, std::string_view table,
                                              Micros now) {
  FaultDecision d;
  if (faults_ != nullptr) d = faults_->check("dynamodb", operation, table, now);
  // Item writes ask the storage seam too: a failing disk is DynamoDB's 500, nothing written.
  if (operation == "PutItem" || operation == "UpdateItem" || operation == "DeleteItem" ||
      operation == "BatchWriteItem") {
    FaultDecision disk = storage_.disk_faults().before_write("dynamodb");
    if (disk.error) disk.error = errors::dynamodb::kInternalServerError("Internal server error");
    d.merge(disk);
  }
  last_fault_latency_ = d.extra_latency;
  return d.error;
}

Table* Database::table(std::string_view name) {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second.get();
}

Stream* Database::stream_for_table(std::string_view table_name) {
  auto it = tables_.find(table_name);
  return it == tables_.end() ? nullptr : it->second->stream();
}

Stream* Database::stream_by_arn(std::string_view arn) {
  for (auto& [_, t] : tables_) {
    if (t->stream() && t->stream()->arn() == arn) return t->stream();
  }
  auto it = retired_streams_.find(arn);
  return it == retired_streams_.end() ? nullptr : it->second.get();
}

std::vector<Stream*> Database::streams() {
  std::vector<Stream*> out;
  for (auto& [_, t] : tables_) {
    if (t->stream()) out.push_back(t->stream());
  }
  for (auto& [_, s] : retired_streams_) out.push_back(s.get());
  return out;
}

nlohmann::json Database::state() const {
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& [name, t] : tables_) {
    nlohmann::json entry = {
        {"item_count", t->item_count()},
        {"size_bytes", t->size_bytes()},
        {"billing_mode", t->schema().billing_mode == BillingMode::kPayPerRequest ? "PAY_PER_REQUEST"
                                                                                 : "PROVISIONED"},
        {"persisted", t->schema().persist}};
    if (auto c = counters_.find(name); c != counters_.end()) {
      entry["consumed_read_units"] = c->second.read_units;
      entry["consumed_write_units"] = c->second.write_units;
      entry["throttled_requests"] = c->second.throttled;
      entry["ttl_deleted"] = c->second.ttl_deleted;
      entry["conditional_check_failures"] = c->second.conditional_failures;
    }
    if (const Stream* s = t->stream()) {
      entry["stream"] = {{"arn", s->arn()},
                         {"records", s->size()},
                         {"records_in_memory", s->memory_records()},
                         {"latest_sequence", s->latest_sequence()},
                         {"trimmed_records", s->trimmed_records()}};
    }
    tables[name] = std::move(entry);
  }
  return {{"tables", std::move(tables)},
          {"row_cache",
           {{"budget_bytes", row_cache_.budget()},
            {"used_bytes", row_cache_.used()},
            {"dirty_bytes", row_cache_.dirty_bytes()},
            {"rows", row_cache_.rows()},
            {"evictions", row_cache_.evictions()},
            {"hits", row_cache_.hits()},
            {"loads", row_cache_.loads()},
            {"absent", row_cache_.absent()},
            {"absent_by_filter", row_cache_.filtered()},
            {"packs", row_cache_.packs()},
            {"rows_written", row_cache_.writes()},
            {"filter_bytes", row_cache_.fixed_bytes()}}},
          {"expression_cache",
           {{"entries", cache_.size()}, {"hits", cache_.hits()}, {"misses", cache_.misses()}}}};
}

}  // namespace emu::dynamodb
