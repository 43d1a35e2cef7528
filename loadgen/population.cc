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

// Exact group sizes for `devices` of one OS from its by-OS shares, else the plain shares.
Quotas quotas(const std::map<std::string, std::map<std::string, double>>& by_os, const char* os,
              const std::map<std::string, double>& plain, std::int64_t devices) {
  const auto it = by_os.find(os);
  const auto& shares = it != by_os.end() && !it->second.empty() ? it->second : plain;
  std::vector<std::string> names;
  std::vector<double> weights;
  for (const auto& [name, share] : shares) {
    names.push_back(name);
    weights.push_back(share);
  }
  return Quotas(names, weights, devices);
}

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
  if (population_.day == nullptr) return;
  ios_devices_ = std::llround(static_cast<double>(population_.devices) * population_.ios_share);
  ios_devices_ = std::clamp<std::int64_t>(ios_devices_, 0, population_.devices);
  for (const bool ios : {false, true}) {
    const std::int64_t devices = ios ? ios_devices_ : population_.devices - ios_devices_;
    const char* os = ios ? "ios" : "android";
    province_quotas_[ios] = quotas(population_.provinces_by_os, os, population_.provinces, devices);
    version_quotas_[ios] =
        quotas(population_.app_versions_by_os, os, population_.app_versions, devices);
  }
}

Device PopulationModel::device(std::int64_t index) const {
  emu::Random r(seed_ ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(index + 1)));
  Device d;
  d.index = index;
  double province_u = r.uniform01();
  d.ios = r.bernoulli(population_.ios_share);
  const double version_u = r.uniform01();
  if (population_.day != nullptr) {
    deal_calibrated(d);
  } else {
    // By-OS shares draw the same numbers in the same order as the plain ones, so a scenario
    // without them keeps its devices (and its digest).
    const auto& provinces =
        provinces_by_os_[d.ios].values.empty() ? provinces_ : provinces_by_os_[d.ios];
    const auto& versions =
        versions_by_os_[d.ios].values.empty() ? versions_ : versions_by_os_[d.ios];
    d.province = &provinces.pick(province_u);
    d.app_version = &versions.pick(version_u);
  }
  d.utc_offset_hours = population_.utc_offset_hours.at(*d.province);
  d.queue = population_.queue_min +
            static_cast<int>(r.below(static_cast<std::uint64_t>(population_.queue_max - population_.queue_min + 1)));
  return d;
}

// A calibrated device's OS, version and province are dealt, not drawn (strata.h): position p of
// a seeded permutation of the devices; the first ios_devices_ positions are iOS; within its OS
// the device's rank picks its version, and a second permutation of that rank its province.
void PopulationModel::deal_calibrated(Device& d) const {
  const auto devices = static_cast<std::uint64_t>(population_.devices);
  const auto position = static_cast<std::int64_t>(
      permute_index(static_cast<std::uint64_t>(d.index), devices, stable_hash("os", seed_)));
  d.ios = position < ios_devices_;
  const std::int64_t in_os = d.ios ? position : position - ios_devices_;
  const std::int64_t os_size = d.ios ? ios_devices_ : population_.devices - ios_devices_;
  d.ranks.all = {position, population_.devices};
  d.ranks.os = {in_os, os_size};
  d.app_version = &version_quotas_[d.ios].group(in_os, d.ranks.version);
  const auto province_position = static_cast<std::int64_t>(
      permute_index(static_cast<std::uint64_t>(in_os), static_cast<std::uint64_t>(os_size),
                    stable_hash(d.ios ? "province/ios" : "province/android", seed_)));
  d.province = &province_quotas_[d.ios].group(province_position, d.ranks.region);
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
    out += population_.day->entries(d.ios, *d.app_version, *d.province, d.ranks, seed_, day);
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
