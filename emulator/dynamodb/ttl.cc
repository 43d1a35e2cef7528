// TTL expiry and stream trimming, driven by the Scheduler.
//
// DEVIATION: an expired item is deleted at the first sweep at or after its expiry plus
// ttl_deletion_delay_seconds (default 0), whereas AWS deletes "typically within 48 hours"
// at a time of its choosing; a fixed rule keeps runs reproducible and tests exact.
// Expired items stay readable until the sweep deletes them, as in AWS. Values five or more
// years in the past are never expired (AWS's guard against milliseconds or garbage).
#include "emulator/dynamodb/model.h"
#include "emulator/dynamodb/ops/common.h"

namespace emu::dynamodb {

namespace {

constexpr std::int64_t kFiveYearsSeconds = 5LL * 365 * 86400;

}  // namespace

void Database::schedule_sweep(Micros now) {
  sweep_event_ = scheduler_.at(now + options_.ttl_sweep_interval, [this] {
    sweep_event_.reset();
    const Micros t = scheduler_.now();
    sweep(t);
    schedule_sweep(t);
  });
}

std::size_t Database::expire_items(Table& t, Micros now) {
  constexpr std::size_t kBatch = 1000;
  const std::int64_t now_s =
      floor_to(now - options_.ttl_deletion_delay, kMicrosPerSecond) / kMicrosPerSecond;
  std::size_t deleted = 0;
  while (true) {
    // Values five or more years in the past are never expired: the range starts after them.
    // Each row as the TTL scan read it: the scan already holds what a lookup by key would read
    // again (the national day's drain expires millions of raw items).
    auto rows = t.expired(now_s - kFiveYearsSeconds + 1, now_s, kBatch);
    for (auto& stored : rows) {
      const KeyEnc key{std::move(stored.hk), std::move(stored.rk)};
      const Row* row = t.find_expired(key, stored);
      if (row == nullptr) continue;
      Ops::commit(*this, t, key, row, nullptr, 0, now, /*ttl_delete=*/true);
      ++Ops::counters(*this, t.schema().name).ttl_deleted;
      ++deleted;
    }
    if (rows.size() < kBatch) return deleted;
    flush_table(t);  // the next batch's read must not see these rows again
    row_cache_.trim();
  }
}

void Database::trim_stream(Stream& s, Micros cutoff) {
  const auto [first, last] = s.trim(cutoff);
  if (first > last) return;
  storage_.ensure_transaction();
  persistence_.trim_records(s.number(), last);
  save_stream_meta(s);
}

std::size_t Database::sweep(Micros now) {
  // Streams first: a record about to be trimmed need not keep the image of an item the sweep
  // is about to delete (see Table::flush).
  const Micros cutoff = now - options_.stream_retention;
  for (Stream* s : streams()) trim_stream(*s, cutoff);
  for (auto it = retired_streams_.begin(); it != retired_streams_.end();) {
    if (it->second->disabled_at() < cutoff && it->second->size() == 0) {
      storage_.ensure_transaction();
      persistence_.delete_stream(it->second->number());
      SQLite::Statement meta(storage_.db(), "DELETE FROM ddb_streams WHERE arn = ?");
      meta.bind(1, it->first);
      meta.exec();
      it = retired_streams_.erase(it);
    } else {
      ++it;
    }
  }
  std::size_t deleted = 0;
  for (auto& [name, table] : tables_) {
    if (!table->schema().ttl_enabled) continue;
    flush_table(*table);  // the store holds every expiry of this table
    deleted += expire_items(*table, now);
  }
  return deleted;
}

}  // namespace emu::dynamodb
