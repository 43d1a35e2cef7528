// `loadgen`: drives a scenario against the emulator (virtual time, in process) or any URL.
// The scenario runner is being built (issues 8 and 9); this entry point documents the contract.
#include <cstdio>

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"Load generator for the COVID Alert metrics pipeline"};
  app.require_subcommand(1);
  std::string scenario, target, out = "out";
  CLI::App* run = app.add_subcommand("run", "Run a scenario file");
  run->add_option("scenario", scenario, "Scenario file (JSON)")->required();
  run->add_option("--target", target, "Base URL; without it the pipeline runs in process");
  run->add_option("--out", out, "Output directory for summary.json and report.html");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  std::fprintf(stderr, "loadgen: scenario runner not built yet\n");
  return 2;
}
