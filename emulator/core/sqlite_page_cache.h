// A thin layer over SQLite's own page cache (pcache1) that drops a wasted scan from every commit.
//
// Why: when a b-tree balance reorders its new pages, SQLite parks a page for a moment under the
// number of the lock-byte page (PENDING_BYTE / page size + 1: 262,145 with 4 KiB pages) and
// moves it on at once (btree.c, balance_nonroot). pcache1 remembers the largest number it ever
// held (iMaxKey) and lowers it only when truncated, and every commit ends by truncating the
// cache to the database's size (pager.c, pager_end_transaction). With a page number 262,145
// remembered, that truncate cannot look at just the few slots past the end: it walks every
// slot of the cache's hash table (16 k with the 64 MiB cache), at every commit that split a
// b-tree page, which under durable ingest is nearly every commit (perf: 4-15 % of the server's
// CPU in pcache1TruncateUnsafe).
//
// The layer forwards every call to pcache1 and keeps, per cache, the page numbers at or past
// the last truncation's limit that pages were created or moved to (a handful: pages appended
// in the open transaction, and the parked one until it moves on). A truncate whose limit is at
// or past that mark with none of those numbers at or past it has nothing to drop and is not
// forwarded. Pages pcache1 recycles on its own stay in the set until the next truncate that
// reaches them: the set can only hold too much, which costs a forwarded truncate, never a
// missed one.
#pragma once

#include <cstdint>

namespace emu::sqlite_page_cache {

// Installs the layer for every connection opened afterwards in this process. Must run before
// SQLite initialises (before the first connection); once SQLite is initialised it cannot be
// installed and the call returns false (connections then use pcache1 directly, correct but
// slower). Idempotent and thread-safe: later calls return what the first did.
bool install();

// Truncates forwarded to pcache1 and truncates answered here, over all caches (for tests and
// benchmarks).
struct Counts {
  std::uint64_t forwarded = 0;
  std::uint64_t skipped = 0;
};
Counts counts();

}  // namespace emu::sqlite_page_cache
