// The devices of a scenario's population, derived on demand from (seed, device index), so a
// population of millions costs no memory; and the request bodies they send, shaped like the
// app's (../shared/reference/payloads/).
#pragma once

#include <string>
#include <vector>

#include "emulator/core/random.h"
#include "loadgen/scenario.h"
#include "loadgen/strata.h"

namespace loadgen {

struct Device {
  std::int64_t index = 0;
  const std::string* province = nullptr;
  double utc_offset_hours = 0;
  bool ios = false;
  const std::string* app_version = nullptr;
  int queue = 1;  // metrics a JS batch carries
  GroupRanks ranks;  // calibrated populations only (strata.h)
};

// The device's own address (the WAF's rate rule counts per client IP) and its HTTP client's
// User-Agent (the WAF refuses requests without one).
std::string device_ip(const Device& d);
const char* user_agent(const Device& d);

class PopulationModel {
 public:
  PopulationModel(const Population& population, std::uint64_t seed);
  Device device(std::int64_t index) const;
  std::int64_t size() const { return population_.devices; }
  const Population& settings() const { return population_; }
  // The JSON body of one POST: `entries` metrics for a JS batch, one for native sends.
  std::string body(const Device& d, ClientKind kind, int entries, Micros now,
                   std::uint64_t salt) const;

 private:
  template <class T>
  struct Weighted {
    std::vector<T> values;
    std::vector<double> cumulative;
    const T& pick(double u) const;
  };
  Population population_;
  std::uint64_t seed_;
  Weighted<std::string> provinces_, versions_, identifiers_;
  // By-OS shares: [0] android, [1] ios (empty when the scenario has none).
  Weighted<std::string> provinces_by_os_[2], versions_by_os_[2];
  // Calibrated populations (strata.h): exact group sizes per OS.
  std::int64_t ios_devices_ = 0;
  Quotas province_quotas_[2], version_quotas_[2];
  void deal_calibrated(Device& d) const;
};

}  // namespace loadgen
