// The CloudWatch query protocol: nested form parameters in, XML out.
#include <cmath>
#include <set>

#include "emulator/cloudwatch/wire.h"
#include "emulator/http/aws_wire.h"

namespace emu::cloudwatch {

namespace {

bool is_index(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// Sets `value` at the dotted `path` ("MetricData.member.1.Dimensions.member.2.Name").
void set_path(nlohmann::json& root, const std::vector<std::string>& parts, const std::string& value) {
  nlohmann::json* node = &root;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    if ((parts[i] == "member" || parts[i] == "entry") && i + 1 < parts.size() && is_index(parts[i + 1])) {
      const std::size_t index = std::stoul(parts[i + 1]);
      if (index < 1 || index > 10000) return;
      if (!node->is_array()) *node = nlohmann::json::array();
      while (node->size() < index) node->push_back(nullptr);
      node = &(*node)[index - 1];
      ++i;
      if (i + 1 == parts.size()) *node = value;
      continue;
    }
    if (!node->is_object()) *node = nlohmann::json::object();
    node = &(*node)[parts[i]];
    if (last) *node = value;
  }
}

const std::set<std::string>& timestamp_fields() {
  static const std::set<std::string> k = {"Timestamp", "StateUpdatedTimestamp",
                                          "AlarmConfigurationUpdatedTimestamp",
                                          "StateTransitionedTimestamp"};
  return k;
}

void write(http::XmlWriter& xml, const std::string& key, const nlohmann::json& v);

void write_scalar(http::XmlWriter& xml, const std::string& key, const nlohmann::json& v,
                  bool timestamp) {
  if (v.is_string()) {
    xml.element(key, v.get<std::string>());
  } else if (v.is_boolean()) {
    xml.element(key, v.get<bool>() ? "true" : "false");
  } else if (timestamp && v.is_number()) {
    xml.element(key, format_iso8601(static_cast<Micros>(std::llround(v.get<double>() * kMicrosPerSecond))));
  } else if (v.is_number_integer()) {
    xml.element(key, std::to_string(v.get<std::int64_t>()));
  } else if (v.is_number()) {
    xml.element(key, nlohmann::json(v.get<double>()).dump());
  }
}

void write(http::XmlWriter& xml, const std::string& key, const nlohmann::json& v) {
  if (v.is_array()) {
    xml.open(key);
    for (const auto& m : v) {
      if (m.is_object()) {
        xml.open("member");
        for (const auto& [k, x] : m.items()) write(xml, k, x);
        xml.close();
      } else {
        write_scalar(xml, "member", m, key == "Timestamps");
      }
    }
    xml.close();
  } else if (v.is_object()) {
    xml.open(key);
    if (key == "ExtendedStatistics") {
      for (const auto& [k, x] : v.items()) {
        xml.open("entry").element("key", k);
        write_scalar(xml, "value", x, false);
        xml.close();
      }
    } else {
      for (const auto& [k, x] : v.items()) write(xml, k, x);
    }
    xml.close();
  } else {
    write_scalar(xml, key, v, timestamp_fields().count(key) > 0);
  }
}

}  // namespace

nlohmann::json query_params_to_json(const http::QueryParams& params) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : params.all()) {
    if (key == "Action" || key == "Version") continue;
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
      const auto dot = key.find('.', start);
      parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    set_path(out, parts, value);
  }
  return out;
}

std::string result_to_xml(const std::string& operation, const nlohmann::json& result,
                          const std::string& request_id) {
  http::XmlWriter xml;
  xml.open(operation + "Response", "http://monitoring.amazonaws.com/doc/2010-08-01/");
  if (!result.empty()) {
    xml.open(operation + "Result");
    for (const auto& [k, v] : result.items()) write(xml, k, v);
    xml.close();
  }
  xml.open("ResponseMetadata").element("RequestId", request_id).close();
  xml.close();
  return xml.str();
}

std::optional<Micros> timestamp_of(const nlohmann::json& v) {
  if (v.is_number()) return static_cast<Micros>(std::llround(v.get<double>() * kMicrosPerSecond));
  if (!v.is_string()) return std::nullopt;
  const std::string text = v.get<std::string>();
  if (auto t = parse_iso8601(text)) return t;
  // botocore sends ISO-8601 without fractional seconds or with "+00:00".
  std::string fixed = text;
  if (fixed.size() > 6 && fixed.compare(fixed.size() - 6, 6, "+00:00") == 0) {
    fixed = fixed.substr(0, fixed.size() - 6) + "Z";
  }
  if (auto t = parse_iso8601(fixed)) return t;
  try {
    std::size_t used = 0;
    const double secs = std::stod(text, &used);
    if (used == text.size()) return static_cast<Micros>(std::llround(secs * kMicrosPerSecond));
  } catch (...) {
  }
  return std::nullopt;
}

}  // namespace emu::cloudwatch
