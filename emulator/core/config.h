// The emulator's configuration: one JSON document whose defaults are the seed system's
// production values (config/defaults.json, embedded in the binary; `emulator config
// --print-defaults` prints it).
//
// A user file (or a scenario's "topology" block) overrides any subset of the same keys. Merging
// is strict: an unknown key, or a value whose JSON type differs from the default's, is a
// ConfigError naming the file, the key path and what was expected. Objects merge key by key;
// arrays and scalars replace the default; an object with a string "type" key (a distribution)
// is replaced whole by any value and validated by the module that reads it.
//
// Each module reads its own section through the typed getters below (or at() for structured
// values) and validates ranges itself, throwing ConfigError with the key path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace emu {

// A configuration or scenario error. what() reads "<file>: <field>: expected <expected>".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string field, std::string expected, std::string file = "");
  const std::string& file() const { return file_; }
  const std::string& field() const { return field_; }
  const std::string& expected() const { return expected_; }
  // The same error, attributed to `file` (used when a parser did not know the file name).
  ConfigError in_file(const std::string& file) const;

 private:
  std::string file_, field_, expected_;
};

class Config {
 public:
  Config();  // an empty config (null JSON), to assign to
  // The embedded production defaults.
  static Config defaults();
  // Defaults merged with the JSON file at `path`. Throws ConfigError (unreadable file, invalid
  // JSON, unknown key, wrong type).
  static Config from_file(const std::filesystem::path& path);

  // Merges `overrides` into this config (strict rules above). `source` names the file for
  // error messages; `base_pointer` is where `overrides` applies (e.g. "" for the root).
  void merge(const nlohmann::json& overrides, const std::string& source,
             const std::string& base_pointer = "");

  const nlohmann::json& json() const { return *json_; }
  // The value at a JSON pointer such as "/lambda/account_concurrency". Throws ConfigError if the
  // path does not exist (a programming error: every key has a default).
  const nlohmann::json& at(std::string_view pointer) const;
  double number(std::string_view pointer) const;
  std::int64_t integer(std::string_view pointer) const;
  bool boolean(std::string_view pointer) const;
  std::string string(std::string_view pointer) const;

 private:
  // Never changed in place (merge() builds a new tree), so copies of a Config share one tree:
  // every config, scenario and in-process pipeline starts from the defaults, and `emulator
  // serve` holds one tree of them rather than two (bench/startup).
  std::shared_ptr<const nlohmann::json> json_;
};

}  // namespace emu
