#include "loadgen/sweep_grid.h"

#include <filesystem>

#include "emulator/core/config.h"
#include "loadgen/scenario.h"

namespace loadgen {

namespace {

using nlohmann::json;

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (true) {
    const auto at = text.find(sep, from);
    out.push_back(text.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) return out;
    from = at + 1;
  }
}

std::string pointer_of(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& segment : path) out += "/" + segment;
  return out;
}

// A value typed as the emulator's default at that key is (a regime "2023" stays a string).
json emulator_value(const SweepKey& k, const json& fallback, const std::string& text) {
  const std::string where = "--set " + k.key + ": value \"" + text + "\"";
  if (fallback.is_string()) return text;
  const json parsed = json::parse(text, nullptr, false);
  if (fallback.is_boolean()) {
    if (!parsed.is_boolean()) throw SweepInputError(where + ": expected true or false");
    return parsed;
  }
  if (fallback.is_number()) {
    if (!parsed.is_number()) throw SweepInputError(where + ": expected a number");
    return parsed;
  }
  if (parsed.is_discarded()) throw SweepInputError(where + ": expected JSON");
  return parsed;
}

json population_value(const std::string& text) {
  const json parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json(text) : parsed;
}

// The emulator defaults a scenario's block applies to, to look keys and types up in.
const json& emulator_defaults() {
  static const json defaults = emu::Config::defaults().json();
  return defaults;
}

void make_trace_files_absolute(json& scenario, const std::string& scenario_file) {
  if (!scenario.contains("schedule") || !scenario["schedule"].is_array()) return;
  const auto dir = std::filesystem::absolute(scenario_file).parent_path();
  for (auto& phase : scenario["schedule"]) {
    if (!phase.is_object() || !phase.contains("file") || !phase["file"].is_string()) continue;
    const std::filesystem::path file(phase["file"].get<std::string>());
    if (file.is_relative()) phase["file"] = (dir / file).lexically_normal().string();
  }
}

}  // namespace

SweepKey parse_sweep_key(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    throw SweepInputError("--set \"" + spec + "\": expected KEY=V1,V2,...");
  }
  SweepKey k;
  k.key = spec.substr(0, eq);
  std::string path = k.key;
  if (path.rfind("emulator.", 0) == 0) path = path.substr(9);
  if (path.rfind("population.", 0) == 0) {
    k.population = true;
    path = path.substr(11);
  }
  k.path = split(path, '.');
  for (const auto& segment : k.path) {
    if (segment.empty()) throw SweepInputError("--set " + k.key + ": expected a dotted key without empty parts");
  }
  if (k.population && k.path.size() != 1) {
    throw SweepInputError("--set " + k.key + ": expected population.<field> (scenarios/README.md)");
  }
  const json* fallback = nullptr;
  if (!k.population) {
    const json::json_pointer pointer(pointer_of(k.path));
    if (!emulator_defaults().contains(pointer)) {
      throw SweepInputError("--set " + k.key + ": unknown key: expected population.<field> or a "
                            "setting of `emulator config --print-defaults` (e.g. lambda.scaling.regime)");
    }
    fallback = &emulator_defaults().at(pointer);
  }
  for (const auto& text : split(spec.substr(eq + 1), ',')) {
    if (text.empty()) throw SweepInputError("--set " + k.key + ": expected non-empty values between commas");
    k.values.push_back(k.population ? population_value(text) : emulator_value(k, *fallback, text));
    k.texts.push_back(text);
  }
  return k;
}

std::vector<SweepPoint> sweep_points(const json& scenario, const std::string& scenario_file,
                                     std::vector<SweepKey>& keys) {
  std::size_t total = 1;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (keys[j].key == keys[i].key) throw SweepInputError("--set " + keys[i].key + ": key given twice");
    }
    total *= keys[i].values.size();
    if (total > kMaxSweepPoints) {
      throw SweepInputError("--set: a grid of at most " + std::to_string(kMaxSweepPoints) + " points expected");
    }
  }
  std::vector<SweepPoint> points;
  for (std::size_t n = 0; n < total; ++n) {
    SweepPoint p;
    p.index = n;
    p.choice.assign(keys.size(), 0);
    std::size_t rest = n;
    for (std::size_t i = keys.size(); i-- > 0;) {  // the last key varies fastest
      p.choice[i] = rest % keys[i].values.size();
      rest /= keys[i].values.size();
    }
    p.scenario = scenario;
    make_trace_files_absolute(p.scenario, scenario_file);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const SweepKey& k = keys[i];
      json& block = p.scenario[k.population ? "population" : "emulator"];
      if (block.is_null()) block = json::object();
      block[json::json_pointer(pointer_of(k.path))] = k.values[p.choice[i]];
      p.label += (p.label.empty() ? "" : ", ") + k.key + "=" + k.texts[p.choice[i]];
    }
    p.scenario["name"] = p.scenario.value("name", std::string("scenario")) + " [" + p.label + "]";
    const std::string where = "--set (point " + p.label + ")";
    try {
      Scenario::from_json(p.scenario, scenario_file);
      emu::Config::defaults().merge(p.scenario.value("emulator", json::object()), scenario_file + " (emulator)");
    } catch (const ScenarioError& e) {
      throw SweepInputError(where + ": " + e.what());
    } catch (const emu::ConfigError& e) {
      throw SweepInputError(where + ": " + e.what());
    }
    points.push_back(std::move(p));
  }
  return points;
}

}  // namespace loadgen
