#include "loadgen/day_model.h"

#include <cmath>

#include <fmt/format.h>

#include "loadgen/scenario.h"

namespace loadgen {

namespace {

using nlohmann::json;

template <class T>
const T* lookup(const std::map<std::string, T>& by_key, bool ios, const std::string& version) {
  const std::string os = ios ? "ios" : "android";
  for (const std::string& key : {os + "/" + version, os, std::string("*")}) {
    if (const auto it = by_key.find(key); it != by_key.end()) return &it->second;
  }
  return nullptr;
}

// Written into request bodies as they are: no quotes, backslashes or control characters.
bool plain_token(const std::string& text) {
  for (const char c : text) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return !text.empty();
}

bool valid_key(const std::string& key) {
  return key == "*" || key == "ios" || key == "android" || key.rfind("ios/", 0) == 0 ||
         key.rfind("android/", 0) == 0;
}

const char* const kKeyHelp = "\"*\", \"android\", \"ios\" or \"<os>/<app version>\"";

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

double rate_for(const DayMetric& metric, bool ios, const std::string& version) {
  const double* rate = lookup(metric.rate, ios, version);
  return rate != nullptr ? *rate : 0.0;
}

const std::vector<DayVariant>* variants_for(const DayMetric& metric, bool ios,
                                            const std::string& version) {
  return lookup(metric.variants, ios, version);
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

double QuasiDraws::u(int dimension) const {
  static const std::vector<double> steps = [] {
    std::vector<double> out;
    for (int n = 2; static_cast<int>(out.size()) < kDimensions; ++n) {
      bool prime = true;
      for (int d = 2; d * d <= n; ++d) prime = prime && n % d != 0;
      if (prime)
        out.push_back(std::sqrt(static_cast<double>(n)) -
                      std::floor(std::sqrt(static_cast<double>(n))));
    }
    return out;
  }();
  emu::Random offset(seed_ ^ (0x94D049BB133111EBULL * static_cast<std::uint64_t>(dimension + 1)));
  const double x = offset.uniform01() +
                   static_cast<double>(index_ + 1) * steps.at(static_cast<std::size_t>(dimension));
  return x - std::floor(x);
}

std::string DayModel::entries(bool ios, const std::string& version, const std::string& region,
                              const QuasiDraws& q, emu::Random& r) const {
  std::string out;
  auto it = std::back_inserter(out);
  const std::int64_t day_ms = day_start / 1000;
  const DayMetric* likeliest = nullptr;
  double best = 0;
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    const DayMetric& metric = metrics[m];
    const int dimension = static_cast<int>(3 + 2 * (m % 30));
    const double rate = rate_for(metric, ios, version);
    if (rate > best) best = rate, likeliest = &metric;
    auto n = static_cast<std::int64_t>(std::floor(rate));
    if (q.u(dimension) < rate - std::floor(rate)) ++n;
    const auto* variants = variants_for(metric, ios, version);
    for (std::int64_t i = 0; i < n; ++i) {
      fmt::format_to(it, R"({}{{"identifier":"{}","region":"{}","timestamp":{})",
                     out.empty() ? "" : ",", metric.identifier, region,
                     day_ms + static_cast<std::int64_t>(r.below(86400000)));
      if (variants != nullptr) {
        double total = 0;
        for (const auto& v : *variants) total += v.weight;
        double u = (i == 0 ? q.u(dimension + 1) : r.uniform01()) * total;
        const DayVariant* chosen = &variants->back();
        for (const auto& v : *variants) {
          if (u < v.weight) {
            chosen = &v;
            break;
          }
          u -= v.weight;
        }
        for (const auto& [field, value] : chosen->fields)
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
