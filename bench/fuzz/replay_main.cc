// fuzz_replay TARGET PATH...: runs every file under each PATH (a file or a folder) through the
// fuzz target TARGET, as the libFuzzer executable would, without libFuzzer: the normal build
// replays the committed corpora (and the inputs that once crashed) as a test. A crash aborts;
// exit 0 means every input ran.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#define EMU_FUZZ_DECLARE(name) void emu_fuzz_##name(std::string_view input);
EMU_FUZZ_DECLARE(http_edge)
EMU_FUZZ_DECLARE(dynamodb)
EMU_FUZZ_DECLARE(expression)
EMU_FUZZ_DECLARE(sqs_query)
EMU_FUZZ_DECLARE(s3_key)
EMU_FUZZ_DECLARE(config)
EMU_FUZZ_DECLARE(scenario)

namespace {

using Target = void (*)(std::string_view);
const std::map<std::string, Target> kTargets = {
    {"http_edge", emu_fuzz_http_edge},   {"dynamodb", emu_fuzz_dynamodb},
    {"expression", emu_fuzz_expression}, {"sqs_query", emu_fuzz_sqs_query},
    {"s3_key", emu_fuzz_s3_key},         {"config", emu_fuzz_config},
    {"scenario", emu_fuzz_scenario}};

std::vector<std::filesystem::path> inputs_under(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  const auto target = argc > 2 ? kTargets.find(argv[1]) : kTargets.end();
  if (target == kTargets.end()) {
    std::fprintf(stderr, "usage: fuzz_replay TARGET PATH...   (targets:");
    for (const auto& [name, fn] : kTargets) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, ")\n");
    return 2;
  }
  int count = 0;
  for (int i = 2; i < argc; ++i) {
    if (!std::filesystem::exists(argv[i])) {
      std::fprintf(stderr, "fuzz_replay: %s: no such file or folder\n", argv[i]);
      return 2;
    }
    for (const auto& file : inputs_under(argv[i])) {
      std::ifstream in(file, std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      target->second(bytes.str());
      ++count;
    }
  }
  std::printf("fuzz_replay %s: %d inputs ran\n", argv[1], count);
  return count > 0 ? 0 : 1;
}
