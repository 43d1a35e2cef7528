// Test doubles for the functions' ports: they record calls and fail on demand.
#pragma once

#include <string>
#include <vector>

#include "emulator/functions/ports.h"

namespace emu::functions::test {

struct FakeTable : RawTablePort {
  struct Put {
    std::string table, uuid, expdate, raw;
  };
  std::vector<Put> puts;
  int fail_from_call = -1;  // calls with index >= this fail
  int calls = 0;
  Status put_item(const std::string& table, const std::string& uuid, const std::string& expdate,
                  const std::string& raw, Micros) override {
    if (fail_from_call >= 0 && calls++ >= fail_from_call) {
      return AwsError::client("ProvisionedThroughputExceededException", "throttled");
    }
    puts.push_back({table, uuid, expdate, raw});
    return ok_status();
  }
};

struct FakeBucket : ObjectPort {
  std::vector<std::pair<std::string, std::string>> objects;  // (key, body)
  bool fail = false;
  Status put_object(const std::string&, const std::string& key, const std::string& body,
                    Micros) override {
    if (fail) return AwsError::server("InternalError", "We encountered an internal error.");
    objects.emplace_back(key, body);
    return ok_status();
  }
};

struct FakeDocuments : DocumentUpdatePort {
  std::vector<nlohmann::ordered_json> updates;
  bool fail = false;
  Status update(const nlohmann::ordered_json& params, Micros) override {
    updates.push_back(params);
    if (fail) return AwsError::client("ProvisionedThroughputExceededException", "throttled");
    return ok_status();
  }
};

struct FakeQueue : QueuePort {
  std::vector<OutgoingMessage> sent;
  Status send_message(const OutgoingMessage& m, Micros) override {
    // SQS accepts only an integer delay 0..900.
    if (!(m.delay_seconds >= 0 && m.delay_seconds <= 900) ||
        m.delay_seconds != static_cast<double>(static_cast<long long>(m.delay_seconds))) {
      return AwsError::client("InvalidParameterValue", "Value for parameter DelaySeconds is invalid.");
    }
    sent.push_back(m);
    return ok_status();
  }
};

struct FakeMetrics : ErrorMetricPort {
  std::vector<std::string> identifiers;
  void put_error_metric(const std::string& identifier, Micros) override {
    identifiers.push_back(identifier);
  }
};

}  // namespace emu::functions::test
