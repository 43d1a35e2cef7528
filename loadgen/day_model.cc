#include "loadgen/day_model.h"

#include <cmath>

#include <fmt/format.h>

#include "loadgen/scenario.h"

namespace loadgen {

namespace {

using nlohmann::json;

// Which group of GroupRanks a key names.
enum class Level { kAll, kOs, kRegion, kVersion };

// A device's keys, most specific first: "os/version", "os@region", "os", "*".
struct DeviceKeys {
  std::string keys[4];
  static constexpr Level kLevels[4] = {Level::kVersion, Level::kRegion, Level::kOs, Level::kAll};
  DeviceKeys(bool ios, const std::string& version, const std::string& region) {
    const std::string os = ios ? "ios" : "android";
    keys[0] = os + "/" + version;
    keys[1] = os + "@" + region;
    keys[2] = os;
    keys[3] = "*";
  }
};

template <class T>
const T* lookup(const std::map<std::string, T>& by_key, const DeviceKeys& device,
                Level* level = nullptr, const std::string** key_found = nullptr) {
  for (int i = 0; i < 4; ++i) {
    if (const auto it = by_key.find(device.keys[i]); it != by_key.end()) {
      if (level != nullptr) *level = DeviceKeys::kLevels[i];
      if (key_found != nullptr) *key_found = &it->first;
      return &it->second;
    }
  }
  return nullptr;
}

Rank rank_at(const GroupRanks& ranks, Level level) {
  switch (level) {
    case Level::kVersion: return ranks.version;
    case Level::kRegion: return ranks.region;
    case Level::kOs: return ranks.os;
    case Level::kAll: break;
  }
  return ranks.all;
}

// Events of a group of `size` devices at rate `rate` up to (shifted) rank k: round(k * rate), so
// the group's total is round(size * rate) and consecutive ranks differ by floor or ceil of it.
std::int64_t events_before(std::int64_t k, double rate) {
  return static_cast<std::int64_t>(std::floor(static_cast<double>(k) * rate + 0.5));
}

// The variant of event `e` of a group's `total`: the variants get whole shares of the total by
// weight (strata.h), dealt in a permuted order keyed by `key`.
const DayVariant& variant_of(const std::vector<DayVariant>& variants, std::int64_t e,
                             std::int64_t total, std::uint64_t key) {
  std::vector<double> weights;
  weights.reserve(variants.size());
  for (const auto& v : variants) weights.push_back(v.weight);
  const std::vector<std::int64_t> counts = apportion(total, weights);
  auto position = static_cast<std::int64_t>(
      permute_index(static_cast<std::uint64_t>(e), static_cast<std::uint64_t>(total), key));
  for (std::size_t i = 0; i < variants.size(); ++i) {
    if (position < counts[i]) return variants[i];
    position -= counts[i];
  }
  return variants.back();
}

// Written into request bodies as they are: no quotes, backslashes or control characters.
bool plain_token(const std::string& text) {
  for (const char c : text) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return !text.empty();
}

bool valid_key(const std::string& key) {
  if (key == "*" || key == "ios" || key == "android") return true;
  for (const std::string os : {"ios", "android"}) {
    if (key.size() > os.size() + 1 && key.rfind(os, 0) == 0 &&
        (key[os.size()] == '/' || key[os.size()] == '@'))
      return plain_token(key);
  }
  return false;
}

const char* const kKeyHelp =
    "\"*\", \"android\", \"ios\", \"<os>@<region>\" or \"<os>/<app version>\"";

std::vector<DayVariant> read_variants(const json& list, const std::string& file,
                                      const std::string& path) {
  if (!list.is_array() || list.empty())
    throw ScenarioError(file, path, "a non-empty array of [weight, {field: value}]");
  std::vector<DayVariant> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = path + "[" + std::to_string(i) + "]";
    const json& v = list[i];
    if (!v.is_array() || v.size() != 2 || !v[0].is_number() || v[0].get<double>() < 0 ||
        !v[1].is_object()) {
      throw ScenarioError(file, where, "[weight >= 0, {field: \"value\", ...}]");
    }
    DayVariant variant;
    variant.weight = v[0].get<double>();
    for (const auto& [field, value] : v[1].items()) {
      if (!value.is_string() || !plain_token(value.get<std::string>()) || !plain_token(field)) {
        throw ScenarioError(file, where + "." + field,
                            "a string without quotes, backslashes or control characters");
      }
      if (field == "identifier" || field == "region" || field == "timestamp") {
        throw ScenarioError(file, where + "." + field,
                            "a field other than identifier, region and timestamp");
      }
      variant.fields.emplace_back(field, value.get<std::string>());
    }
    out.push_back(std::move(variant));
  }
  return out;
}

DayMetric read_metric(const std::string& identifier, const json& j, const std::string& file,
                      const std::string& path) {
  if (!j.is_object())
    throw ScenarioError(file, path, "an object with \"rate\" (and optional \"variants\")");
  for (const auto& [k, v] : j.items()) {
    if (k != "rate" && k != "variants")
      throw ScenarioError(file, path + "." + k, "\"rate\" or \"variants\"");
  }
  DayMetric m;
  if (!plain_token(identifier))
    throw ScenarioError(file, path,
                        "an identifier without quotes, backslashes or control characters");
  m.identifier = identifier;
  if (!j.contains("rate")) throw ScenarioError(file, path + ".rate", "a rate (required)");
  const json& rate = j["rate"];
  if (rate.is_number()) {
    m.rate["*"] = rate.get<double>();
  } else if (rate.is_object()) {
    for (const auto& [key, v] : rate.items()) {
      if (!valid_key(key)) throw ScenarioError(file, path + ".rate." + key, kKeyHelp);
      if (!v.is_number())
        throw ScenarioError(file, path + ".rate." + key, "a number of events per device per day");
      m.rate[key] = v.get<double>();
    }
  } else {
    throw ScenarioError(file, path + ".rate",
                        "a number, or an object of " + std::string(kKeyHelp) + " -> number");
  }
  for (const auto& [key, v] : m.rate) {
    if (!(v >= 0 && v <= 1000))
      throw ScenarioError(file, path + ".rate." + key, "events per device per day, 0 to 1000");
  }
  if (j.contains("variants")) {
    if (!j["variants"].is_object())
      throw ScenarioError(file, path + ".variants",
                          "an object of " + std::string(kKeyHelp) + " -> variants");
    for (const auto& [key, list] : j["variants"].items()) {
      if (!valid_key(key)) throw ScenarioError(file, path + ".variants." + key, kKeyHelp);
      m.variants[key] = read_variants(list, file, path + ".variants." + key);
    }
  }
  return m;
}

}  // namespace

double rate_for(const DayMetric& metric, bool ios, const std::string& version,
                const std::string& region) {
  const double* rate = lookup(metric.rate, DeviceKeys(ios, version, region));
  return rate != nullptr ? *rate : 0.0;
}

const std::vector<DayVariant>* variants_for(const DayMetric& metric, bool ios,
                                            const std::string& version, const std::string& region) {
  return lookup(metric.variants, DeviceKeys(ios, version, region));
}

std::shared_ptr<const DayModel> DayModel::from_json(const json& j, const std::string& file,
                                                    const std::string& path) {
  if (!j.is_object()) throw ScenarioError(file, path, "an object with \"date\" and \"metrics\"");
  for (const auto& [k, v] : j.items()) {
    if (k != "date" && k != "metrics")
      throw ScenarioError(file, path + "." + k, "\"date\" or \"metrics\"");
  }
  auto model = std::make_shared<DayModel>();
  const auto day = j.contains("date") && j["date"].is_string()
                       ? emu::parse_iso8601(j["date"].get<std::string>() + "T00:00:00Z")
                       : std::nullopt;
  if (!day || j["date"].get<std::string>().size() != 10)
    throw ScenarioError(file, path + ".date", "a day, YYYY-MM-DD");
  model->date = j["date"].get<std::string>();
  model->day_start = *day;
  if (!j.contains("metrics") || !j["metrics"].is_object() || j["metrics"].empty()) {
    throw ScenarioError(file, path + ".metrics", "an object of identifier -> {rate, variants}");
  }
  for (const auto& [identifier, metric] : j["metrics"].items()) {
    model->metrics.push_back(
        read_metric(identifier, metric, file, path + ".metrics." + identifier));
  }
  return model;
}

std::string DayModel::entries(bool ios, const std::string& version, const std::string& region,
                              const GroupRanks& ranks, std::uint64_t seed, emu::Random& r) const {
  std::string out;
  auto it = std::back_inserter(out);
  const std::int64_t day_ms = day_start / 1000;
  const DayMetric* likeliest = nullptr;
  double best = 0;
  const DeviceKeys device(ios, version, region);
  for (const DayMetric& metric : metrics) {
    Level level = Level::kAll;
    const std::string* key = nullptr;
    const double* found = lookup(metric.rate, device, &level, &key);
    const double rate = found != nullptr ? *found : 0.0;
    if (rate > best) best = rate, likeliest = &metric;
    const Rank rank = rank_at(ranks, level);
    if (rate <= 0 || rank.size <= 0) continue;
    // Each metric starts its group's deal at its own rank, so rare metrics of similar rates
    // do not all land on the same devices.
    const std::uint64_t group_key = stable_hash(*key, stable_hash(metric.identifier, seed));
    const std::int64_t k = (rank.index + static_cast<std::int64_t>(
                                             group_key % static_cast<std::uint64_t>(rank.size))) %
                           rank.size;
    const std::int64_t first = events_before(k, rate), n = events_before(k + 1, rate) - first;
    const std::int64_t total = events_before(rank.size, rate);
    const auto* variants = lookup(metric.variants, device);
    for (std::int64_t i = 0; i < n; ++i) {
      fmt::format_to(it, R"({}{{"identifier":"{}","region":"{}","timestamp":{})",
                     out.empty() ? "" : ",", metric.identifier, region,
                     day_ms + static_cast<std::int64_t>(r.below(86400000)));
      if (variants != nullptr) {
        for (const auto& [field, value] : variant_of(*variants, first + i, total, group_key).fields)
          fmt::format_to(it, R"(,"{}":"{}")", field, value);
      }
      out.push_back('}');
    }
  }
  if (out.empty() && likeliest == nullptr && !metrics.empty()) likeliest = &metrics.front();
  if (out.empty() && likeliest != nullptr) {
    fmt::format_to(it, R"({{"identifier":"{}","region":"{}","timestamp":{}}})",
                   likeliest->identifier, region,
                   day_ms + static_cast<std::int64_t>(r.below(86400000)));
  }
  return out;
}

}  // namespace loadgen
