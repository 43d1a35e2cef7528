// Always-on invariant checks (kept in release builds, as TigerBeetle does): a broken invariant
// is a bug in the emulator, and continuing would produce wrong answers silently.
#pragma once

#include <cstdio>
#include <cstdlib>

#define EMU_ASSERT(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
