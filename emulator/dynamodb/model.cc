#include "emulator/dynamodb/model.h"

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
      persistence_(storage) {
  load();
  schedule_sweep(scheduler_.now());
}

Database::Database(Storage& storage, Scheduler& scheduler, const Config& config,
                   ThroughputGovernor* governor, FaultInjector* faults, Random random)
    : Database(storage, scheduler, DatabaseOptions::from_config(config), governor, faults, random) {
}

Database::~Database() {
  if (sweep_event_) scheduler_.cancel(*sweep_event_);
}

void Database::load() {
  struct Implicit {
    Table* table;
    ItemPtr item;
    std::uint32_t size;
    ImplicitRecord record;
  };
  std::map<std::int64_t, std::vector<Implicit>> implicit;  // by stream number
  for (auto& schema : persistence_.load_schemas()) {
    auto table = std::make_unique<Table>(std::move(schema));
    Table& t = *table;
    persistence_.load_items(
        t.schema().name, [&](std::int64_t rowid, Item item, ImplicitRecord record) {
          const auto size = static_cast<std::uint32_t>(item_size(item));
          const KeyEnc key = t.key_of(item);
          auto ptr = std::make_shared<Item>(std::move(item));
          t.write(key, ptr, size, rowid, record.stream != 0 ? record.sequence : 0);
          if (record.stream != 0) implicit[record.stream].push_back({&t, ptr, size, record});
        });
    tables_.emplace(t.schema().name, std::move(table));
  }
  for (auto& meta : persistence_.load_streams()) {
    auto stream = std::make_shared<Stream>(meta.table_name, meta.arn, meta.label, meta.view_type,
                                           meta.created, meta.next_sequence, meta.number);
    next_stream_number_ = std::max(next_stream_number_, meta.number + 1);
    stream->set_drop_consumed(options_.drop_consumed_stream_records);
    if (!meta.enabled) stream->disable(meta.disabled_at);
    std::map<std::uint64_t, StreamRecord> records;
    for (const auto& i : implicit[meta.number]) {
      if (i.record.sequence < meta.first_sequence) continue;
      StreamRecord r;
      r.sequence = i.record.sequence;
      r.event = EventName::kInsert;
      r.created = i.record.created;
      r.keys = std::make_shared<Item>(i.table->key_item(*i.item));
      const auto view = stream->view_type();
      const bool with_image =
          view == StreamViewType::kNewImage || view == StreamViewType::kNewAndOldImages;
      if (with_image) r.new_image = i.item;
      r.size_bytes = static_cast<std::uint32_t>(item_size(*r.keys) + (with_image ? i.size : 0));
      records.emplace(r.sequence, std::move(r));
    }
    persistence_.load_records(meta.number, [&](StreamRecord r) {
      if (r.sequence >= meta.first_sequence) records.insert_or_assign(r.sequence, std::move(r));
    });
    for (auto& [_, r] : records) stream->restore(std::move(r));
    auto it = tables_.find(meta.table_name);
    if (meta.enabled && it != tables_.end()) {
      it->second->set_stream(stream);
    } else {
      retired_streams_.emplace(meta.arn, stream);
    }
  }
}

void Database::save_stream_meta(const Stream& s) {
  storage_.ensure_transaction();
  persistence_.save_stream(StreamMeta{s.arn(), s.table_name(), s.label(), s.view_type(),
                                      s.created(), s.enabled(), s.disabled_at(), s.next_sequence(),
                                      s.number(), s.first_sequence()});
}

std::shared_ptr<Stream> Database::make_stream(const TableSchema& schema, Micros now) {
  // AWS labels streams with their creation time, e.g. 2021-06-27T04:00:00.000.
  std::string label = format_iso8601(now);
  if (!label.empty() && label.back() == 'Z') label.pop_back();
  const std::string arn = schema.arn + "/stream/" + label;
  auto stream = std::make_shared<Stream>(schema.name, arn, label,
                                         *schema.stream_specification->stream_view_type, now, 1,
                                         next_stream_number_++);
  stream->set_drop_consumed(options_.drop_consumed_stream_records);
  if (schema.persist) save_stream_meta(*stream);
  return stream;
}

void Database::retire_stream(Table& table, Micros now) {
  auto stream = table.stream_ptr();
  if (!stream) return;
  if (table.schema().persist && options_.write_through) {
    // Records kept only implicitly in item rows are written out: the rows may change later.
    storage_.ensure_transaction();
    for (const auto& [_, row] : table.rows()) {
      if (row.insert_seq == 0 || row.insert_seq < stream->first_sequence()) continue;
      auto records = stream->read(row.insert_seq - 1, 1);
      if (!records.empty() && records[0]->sequence == row.insert_seq) {
        persistence_.append_record(stream->number(), *records[0]);
      }
    }
  }
  table.clear_insert_seqs();
  stream->disable(now);
  table.set_stream(nullptr);
  retired_streams_.insert_or_assign(stream->arn(), stream);
  if (table.schema().persist) save_stream_meta(*stream);
}

std::size_t Database::save_snapshot() {
  storage_.ensure_transaction();
  std::size_t written = 0;
  for (auto& [name, table] : tables_) {
    if (!table->schema().persist) continue;
    persistence_.delete_items(name);
    // Every retained record is written explicitly below, so rows carry no implicit record.
    table->clear_insert_seqs();
    table->assign_rowids([&](const KeyEnc&, const Row& row) {
      const std::int64_t rowid = persistence_.next_item_rowid();
      persistence_.put_item(rowid, name, *row.item);
      ++written;
      return rowid;
    });
  }
  for (Stream* s : streams()) {
    const auto owner = tables_.find(s->table_name());
    if (owner != tables_.end() && !owner->second->schema().persist) continue;
    persistence_.delete_stream(s->number());
    for (const StreamRecord* r : s->read(0, s->size())) persistence_.append_record(s->number(), *r);
    save_stream_meta(*s);
  }
  return written;
}

std::optional<AwsError> Database::check_fault(std::string_view operation, std::string_view table,
                                              Micros now) {
  if (faults_ == nullptr) return std::nullopt;
  FaultDecision d = faults_->check("dynamodb", operation, table, now);
  last_fault_latency_ = d.extra_latency;
  return d.error;
}

const Table* Database::table(std::string_view name) const {
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
        {"item_count", t->rows().size()},
        {"size_bytes", t->size_bytes()},
        {"billing_mode", t->schema().billing_mode == BillingMode::kPayPerRequest ? "PAY_PER_REQUEST"
                                                                                 : "PROVISIONED"},
        {"persisted", t->schema().persist},
        {"ttl_pending", t->ttl_index().size()}};
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
                         {"latest_sequence", s->latest_sequence()},
                         {"trimmed_records", s->trimmed_records()}};
    }
    tables[name] = std::move(entry);
  }
  return {{"tables", std::move(tables)},
          {"expression_cache",
           {{"entries", cache_.size()}, {"hits", cache_.hits()}, {"misses", cache_.misses()}}}};
}

}  // namespace emu::dynamodb
