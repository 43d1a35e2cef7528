#include "loadgen/population.h"

#include <algorithm>

#include <fmt/format.h>

#include "loadgen/day_model.h"

namespace loadgen {

namespace {

template <class W>
void build(W& w, const std::map<std::string, double>& shares) {
  double total = 0;
  for (const auto& [name, share] : shares) total += share;
  double acc = 0;
  for (const auto& [name, share] : shares) {
    acc += total > 0 ? share / total : 1.0 / static_cast<double>(shares.size());
    w.values.push_back(name);
    w.cumulative.push_back(acc);
  }
}

const char* const kAndroidMakers[] = {"samsung", "Google", "motorola", "OnePlus", "LGE", "HUAWEI"};
const char* const kAndroidModels[] = {"SM-G973W", "Pixel 4a", "moto g(7)", "ONEPLUS A6013",
                                      "LM-Q710", "SM-A520W", "Pixel 3"};
const char* const kIphones[] = {"iPhone12,1", "iPhone11,8", "iPhone10,4", "iPhone13,2"};

}  // namespace

template <class T>
const T& PopulationModel::Weighted<T>::pick(double u) const {
  const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), u);
  return values[std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()), values.size() - 1)];
}

std::string device_ip(const Device& d) {
  return fmt::format("10.{}.{}.{}", (d.index >> 16) & 255, (d.index >> 8) & 255, d.index & 255);
}

const char* user_agent(const Device& d) {
  return d.ios ? "CovidShield/1.4.4 CFNetwork/1240.0.4 Darwin/20.5.0" : "okhttp/4.9.0";
}

PopulationModel::PopulationModel(const Population& population, std::uint64_t seed)
    : population_(population), seed_(seed) {
  build(provinces_, population_.provinces);
  build(versions_, population_.app_versions);
  build(identifiers_, population_.identifiers);
  for (const auto& [os, shares] : population_.provinces_by_os)
    build(provinces_by_os_[os == "ios"], shares);
  for (const auto& [os, shares] : population_.app_versions_by_os)
    build(versions_by_os_[os == "ios"], shares);
}

Device PopulationModel::device(std::int64_t index) const {
  emu::Random r(seed_ ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(index + 1)));
  Device d;
  d.index = index;
  // The same draws in the same order whether or not the shares depend on the OS, so a scenario
  // without a calibrated day keeps its devices (and its digest). A calibrated population draws
  // its OS, version and province quasi-randomly (day_model.h): its counts match the fit.
  const QuasiDraws quasi(seed_, index);
  const bool calibrated = population_.day != nullptr;
  double province_u = r.uniform01();
  d.ios = r.bernoulli(population_.ios_share);
  double version_u = r.uniform01();
  if (calibrated) {
    d.ios = quasi.u(0) < population_.ios_share;
    version_u = quasi.u(1);
    province_u = quasi.u(2);
  }
  const auto& provinces =
      provinces_by_os_[d.ios].values.empty() ? provinces_ : provinces_by_os_[d.ios];
  const auto& versions = versions_by_os_[d.ios].values.empty() ? versions_ : versions_by_os_[d.ios];
  d.province = &provinces.pick(province_u);
  d.utc_offset_hours = population_.utc_offset_hours.at(*d.province);
  d.app_version = &versions.pick(version_u);
  d.queue = population_.queue_min +
            static_cast<int>(r.below(static_cast<std::uint64_t>(population_.queue_max - population_.queue_min + 1)));
  return d;
}

std::string PopulationModel::body(const Device& d, ClientKind kind, int entries, Micros now,
                                  std::uint64_t salt) const {
  // Built by hand rather than through a JSON tree: this runs once per request on the load
  // generator's hot path. Identifiers, provinces and versions are plain tokens (no escaping).
  emu::Random r(seed_ ^ (salt * 0xD1B54A32D192ED03ULL) ^ static_cast<std::uint64_t>(d.index));
  const std::int64_t now_ms = now / 1000;
  std::string out;
  out.reserve(static_cast<std::size_t>(200 + 90 * entries));
  auto it = std::back_inserter(out);
  const std::uint64_t maker = r.below(6), model = r.below(7), phone = r.below(4);
  fmt::format_to(it, R"({{"metricstimestamp":{},"appversion":"{}","appos":"{}","osversion":"{}",)"
                     R"("manufacturer":"{}","model":"{}","androidreleaseversion":"{}","payload":[)",
                 now_ms, *d.app_version, d.ios ? "ios" : "android",
                 d.ios ? std::string("14.6") : std::to_string(9 + r.below(3)),
                 d.ios ? "Apple" : kAndroidMakers[maker], d.ios ? kIphones[phone] : kAndroidModels[model],
                 d.ios ? "unavailable" : "11");
  if (kind == ClientKind::kJsBatch && population_.day) {
    // The device's calibrated day, the same on every send and resend of it.
    emu::Random day(seed_ ^ (0xC2B2AE3D27D4EB4FULL * static_cast<std::uint64_t>(d.index + 1)));
    out += population_.day->entries(d.ios, *d.app_version, *d.province, QuasiDraws(seed_, d.index),
                                    day);
  } else if (kind == ClientKind::kJsBatch) {
    for (int i = 0; i < entries; ++i) {
      const std::string& identifier = identifiers_.pick(r.uniform01());
      const std::int64_t at = now_ms - static_cast<std::int64_t>(r.below(86400000));
      fmt::format_to(it, R"({}{{"identifier":"{}","region":"{}","timestamp":{})", i ? "," : "",
                     identifier, *d.province, at);
      if (identifier == "background-check") fmt::format_to(it, R"(,"count":"{}")", 1 + r.below(12));
      out.push_back('}');
    }
  } else {
    fmt::format_to(it, R"({{"identifier":"active-user","region":"{}","timestamp":{}}})", *d.province, now_ms);
  }
  out += "]}";
  return out;
}

}  // namespace loadgen
