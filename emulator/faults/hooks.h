// Which (service, operation) pairs a fault rule can name: every pair listed here is consulted
// by a model (the comment beside each says where), so a rule naming it takes effect; a rule
// naming anything else would silently do nothing and is refused when the config or scenario
// loads (ConfigError, exit 2), naming the allowed values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::faults {

struct HookedService {
  std::string_view service;
  std::vector<std::string_view> operations;
};

const std::vector<HookedService>& hooked_services();

// nullopt when a rule for `service` and `operation` ("*" for any) reaches a hook; otherwise
// what is expected instead (the allowed services, or the service's allowed operations).
std::optional<std::string> unhooked(const std::string& service, const std::string& operation);

}  // namespace emu::faults
