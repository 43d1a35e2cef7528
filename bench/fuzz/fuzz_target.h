// One fuzz target = one function over a byte string. Each target file defines it with
// EMU_FUZZ_TARGET(name); built with EMU_FUZZ_ENTRY_POINT (the libFuzzer build, one executable per
// target) the file also defines libFuzzer's entry point, otherwise the normal build links every
// target into fuzz_replay, which replays the committed corpora as a test (bench/fuzz/README.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#ifdef EMU_FUZZ_ENTRY_POINT
#define EMU_FUZZ_ENTRY(name)                                                          \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    emu_fuzz_##name(std::string_view(reinterpret_cast<const char*>(data), size));     \
    return 0;                                                                         \
  }
#else
#define EMU_FUZZ_ENTRY(name)
#endif

#define EMU_FUZZ_TARGET(name)                   \
  void emu_fuzz_##name(std::string_view input); \
  EMU_FUZZ_ENTRY(name)                          \
  void emu_fuzz_##name(std::string_view input)
