#include "emulator/core/config.h"

#include <cmath>
#include <fstream>
#include <sstream>

namespace emu {

extern const char* const kDefaultConfigJson;

ConfigError::ConfigError(std::string field, std::string expected, std::string file)
    : std::runtime_error((file.empty() ? "" : file + ": ") + (field.empty() ? "/" : field) +
                         ": expected " + expected),
      file_(std::move(file)),
      field_(std::move(field)),
      expected_(std::move(expected)) {}

ConfigError ConfigError::in_file(const std::string& file) const {
  return ConfigError(field_, expected_, file);
}

namespace {

const char* type_name(const nlohmann::json& j) {
  if (j.is_number()) return "a number";
  if (j.is_boolean()) return "a boolean";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  if (j.is_object()) return "an object";
  return "null";
}

bool same_kind(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) return true;
  return a.type() == b.type();
}

// An object with a string "type" (a distribution, a fault) is one value: an override replaces
// it whole instead of merging key by key, since its other keys depend on the type.
bool is_polymorphic(const nlohmann::json& j) {
  return j.is_object() && j.contains("type") && j.at("type").is_string();
}

void merge_into(nlohmann::json& target, const nlohmann::json& overrides,
                const std::string& pointer, const std::string& source) {
  for (const auto& [key, value] : overrides.items()) {
    const std::string path = pointer + "/" + key;
    if (!target.contains(key)) {
      throw ConfigError(path, "a known key (no such setting; see `emulator config "
                              "--print-defaults`)", source);
    }
    nlohmann::json& slot = target[key];
    if (is_polymorphic(slot)) {
      slot = value;  // e.g. a distribution: replaced whole, validated by the module reading it
      continue;
    }
    if (!same_kind(slot, value)) {
      throw ConfigError(path, std::string(type_name(slot)) + ", got " + type_name(value),
                        source);
    }
    if (slot.is_number() && !std::isfinite(value.get<double>())) {
      throw ConfigError(path, "a finite number", source);
    }
    if (slot.is_object()) {
      merge_into(slot, value, path, source);
    } else {
      slot = value;
    }
  }
}

}  // namespace

Config::Config() {
  static const auto empty = std::make_shared<const nlohmann::json>();
  json_ = empty;
}

Config Config::defaults() {
  // Parsed once per process and shared (json_): every loaded config, scenario and in-process
  // pipeline starts from it.
  static const auto parsed =
      std::make_shared<const nlohmann::json>(nlohmann::json::parse(kDefaultConfigJson));
  Config c;
  c.json_ = parsed;
  return c;
}

Config Config::from_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("", "a readable file", path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json overrides;
  try {
    overrides = nlohmann::json::parse(buffer.str());
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number too large for a double ("1e999").
    throw ConfigError("", std::string("valid JSON (") + e.what() + ")", path.string());
  }
  if (!overrides.is_object()) throw ConfigError("", "a JSON object", path.string());
  Config c = defaults();
  c.merge(overrides, path.string());
  return c;
}

void Config::merge(const nlohmann::json& overrides, const std::string& source,
                   const std::string& base_pointer) {
  // All-or-nothing: the merge goes into a copy, so a failed one leaves the config intact (and
  // copies of this config never see it).
  auto tree = std::make_shared<nlohmann::json>(*json_);
  nlohmann::json& target =
      base_pointer.empty() ? *tree : tree->at(nlohmann::json::json_pointer(base_pointer));
  if (!overrides.is_object()) throw ConfigError(base_pointer, "an object", source);
  merge_into(target, overrides, base_pointer, source);
  json_ = std::move(tree);
}

const nlohmann::json& Config::at(std::string_view pointer) const {
  const nlohmann::json::json_pointer p{std::string(pointer)};
  if (!json_->contains(p)) throw ConfigError(std::string(pointer), "a configured value");
  return json_->at(p);
}

double Config::number(std::string_view pointer) const {
  const auto& v = at(pointer);
  if (!v.is_number()) throw ConfigError(std::string(pointer), "a number");
  return v.get<double>();
}

std::int64_t Config::integer(std::string_view pointer) const {
  const double v = number(pointer);
  if (v != std::floor(v)) throw ConfigError(std::string(pointer), "an integer");
  return static_cast<std::int64_t>(v);
}

bool Config::boolean(std::string_view pointer) const {
  const auto& v = at(pointer);
  if (!v.is_boolean()) throw ConfigError(std::string(pointer), "a boolean");
  return v.get<bool>();
}

std::string Config::string(std::string_view pointer) const {
  const auto& v = at(pointer);
  if (!v.is_string()) throw ConfigError(std::string(pointer), "a string");
  return v.get<std::string>();
}

}  // namespace emu
