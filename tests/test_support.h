// Helpers shared by the C++ tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace emu::test {

// The repository's test data folder (tests/data).
inline std::filesystem::path data_dir() { return std::filesystem::path(EMU_TEST_DATA_DIR); }

// Contents of a file under tests/data, e.g. read_data("payloads/metrics-...small.json").
inline std::string read_data(const std::filesystem::path& relative) {
  std::ifstream in(data_dir() / relative, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace emu::test
