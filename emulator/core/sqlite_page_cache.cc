#include "emulator/core/sqlite_page_cache.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <new>
#include <vector>

namespace emu::sqlite_page_cache {
namespace {

sqlite3_pcache_methods2 pcache1_methods;  // SQLite's own page cache, which does the work
std::atomic<std::uint64_t> forwarded_truncates{0};
std::atomic<std::uint64_t> skipped_truncates{0};

// Past this many numbers the cache stops keeping them and forwards its next truncate: a bound
// for a transaction that appends pages by the thousand, which that truncate resets anyway.
constexpr std::size_t kMaxTracked = 256;

// One connection's cache. SQLite calls a cache's methods under its connection's mutex, one at a
// time, so its fields need no lock of their own.
struct Cache {
  sqlite3_pcache* inner = nullptr;
  // Valid once a truncate has been forwarded: before it, pages past any limit are unknown.
  bool tracking = false;
  // Every page of `inner` numbered `mark` or more has its number in `past_mark`.
  unsigned mark = 0;
  std::vector<unsigned> past_mark;

  void note(unsigned key) {
    if (!tracking || key < mark) return;
    if (std::find(past_mark.begin(), past_mark.end(), key) != past_mark.end()) return;
    if (past_mark.size() == kMaxTracked) {
      tracking = false;
      past_mark.clear();
      return;
    }
    past_mark.push_back(key);
  }
  void forget(unsigned key) { std::erase(past_mark, key); }
  bool holds_past(unsigned limit) const {
    return std::any_of(past_mark.begin(), past_mark.end(), [=](unsigned k) { return k >= limit; });
  }
};

Cache* as_cache(sqlite3_pcache* p) { return reinterpret_cast<Cache*>(p); }

int init(void*) { return pcache1_methods.xInit(pcache1_methods.pArg); }
void shutdown(void*) { pcache1_methods.xShutdown(pcache1_methods.pArg); }

sqlite3_pcache* create(int page_size, int extra_size, int purgeable) {
  sqlite3_pcache* inner = pcache1_methods.xCreate(page_size, extra_size, purgeable);
  if (inner == nullptr) return nullptr;
  // Plain new, not new (std::nothrow): it pairs with `delete` in destroy() even where a program
  // replaces only the plain forms (tests/dynamodb/row_cache_memory_test.cc counts bytes so).
  try {
    auto* cache = new Cache;
    cache->inner = inner;
    return reinterpret_cast<sqlite3_pcache*>(cache);
  } catch (const std::bad_alloc&) {
    pcache1_methods.xDestroy(inner);
    return nullptr;  // SQLite answers SQLITE_NOMEM
  }
}

void cache_size(sqlite3_pcache* p, int pages) {
  pcache1_methods.xCachesize(as_cache(p)->inner, pages);
}
int page_count(sqlite3_pcache* p) { return pcache1_methods.xPagecount(as_cache(p)->inner); }

sqlite3_pcache_page* fetch(sqlite3_pcache* p, unsigned key, int create_flag) {
  Cache* cache = as_cache(p);
  sqlite3_pcache_page* page = pcache1_methods.xFetch(cache->inner, key, create_flag);
  if (page != nullptr && create_flag != 0) cache->note(key);
  return page;
}

void unpin(sqlite3_pcache* p, sqlite3_pcache_page* page, int discard) {
  pcache1_methods.xUnpin(as_cache(p)->inner, page, discard);
}

void rekey(sqlite3_pcache* p, sqlite3_pcache_page* page, unsigned old_key, unsigned new_key) {
  Cache* cache = as_cache(p);
  pcache1_methods.xRekey(cache->inner, page, old_key, new_key);
  cache->forget(old_key);
  cache->note(new_key);
}

void truncate(sqlite3_pcache* p, unsigned limit) {
  Cache* cache = as_cache(p);
  if (cache->tracking && limit >= cache->mark && !cache->holds_past(limit)) {
    skipped_truncates.fetch_add(1, std::memory_order_relaxed);
  } else {
    pcache1_methods.xTruncate(cache->inner, limit);
    forwarded_truncates.fetch_add(1, std::memory_order_relaxed);
    cache->tracking = true;
  }
  // Either way nothing numbered `limit` or more is left; numbers below it are inside the file.
  cache->mark = limit;
  cache->past_mark.clear();
}

void destroy(sqlite3_pcache* p) {
  Cache* cache = as_cache(p);
  pcache1_methods.xDestroy(cache->inner);
  delete cache;
}

void shrink(sqlite3_pcache* p) { pcache1_methods.xShrink(as_cache(p)->inner); }

bool install_once() {
  if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &pcache1_methods) != SQLITE_OK) return false;
  static const sqlite3_pcache_methods2 layered = {
      .iVersion = 1,  // as pcache1's own
      .pArg = nullptr,
      .xInit = init,
      .xShutdown = shutdown,
      .xCreate = create,
      .xCachesize = cache_size,
      .xPagecount = page_count,
      .xFetch = fetch,
      .xUnpin = unpin,
      .xRekey = rekey,
      .xTruncate = truncate,
      .xDestroy = destroy,
      .xShrink = shrink,
  };
  return sqlite3_config(SQLITE_CONFIG_PCACHE2, &layered) == SQLITE_OK;
}

}  // namespace

bool install() {
  static std::once_flag once;
  static bool installed = false;
  std::call_once(once, [] { installed = install_once(); });
  return installed;
}

Counts counts() {
  return {forwarded_truncates.load(std::memory_order_relaxed),
          skipped_truncates.load(std::memory_order_relaxed)};
}

}  // namespace emu::sqlite_page_cache
