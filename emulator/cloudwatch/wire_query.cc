// The CloudWatch query protocol: nested form parameters in, XML out.
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "emulator/cloudwatch/wire.h"
#include "emulator/http/aws_wire.h"
#include "emulator/http/json_shape.h"

namespace emu::cloudwatch {

namespace {

// The nested form of query parameters before it becomes JSON: list members are kept by index
// in a sparse map, so a request naming member 99999 costs one entry, not 99999.
struct Node {
  std::optional<std::string> value;
  std::map<std::string, Node> fields;
  std::map<std::uint64_t, Node> members;
};

// Largest list index accepted: well above every CloudWatch list limit (MetricData 1,000).
constexpr std::uint64_t kMaxIndex = 1'000'000;
// Most dotted parts in a parameter name (the deepest CloudWatch member has 9), which bounds the
// recursion over the tree.
constexpr std::size_t kMaxParts = 32;

std::optional<std::uint64_t> index_of(const std::string& s) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// Places `value` at the dotted path `parts` ("MetricData", "member", "1", "MetricName").
Status place(Node& root, const std::vector<std::string>& parts, const std::string& key,
             const std::string& value) {
  if (parts.size() > kMaxParts) {
    return http::invalid_query_parameter("parameter " + key.substr(0, 100) + "... has more than " +
                                         std::to_string(kMaxParts) + " parts");
  }
  Node* node = &root;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool list_member = (parts[i] == "member" || parts[i] == "entry") && i + 1 < parts.size() &&
                             !parts[i + 1].empty() &&
                             parts[i + 1].find_first_not_of("0123456789") == std::string::npos;
    if (list_member) {
      const auto index = index_of(parts[i + 1]);
      if (!index || *index < 1 || *index > kMaxIndex) {
        return http::invalid_query_parameter("the list index in " + key + " must be between 1 and " +
                                             std::to_string(kMaxIndex));
      }
      node = &node->members[*index];
      ++i;
    } else {
      node = &node->fields[parts[i]];
    }
  }
  node->value = value;
  return ok_status();
}

// A node as JSON: a value, a list (members in index order) or an object.
Result<nlohmann::json> to_json(const Node& node, const std::string& path) {
  const int kinds = (node.value ? 1 : 0) + (node.fields.empty() ? 0 : 1) + (node.members.empty() ? 0 : 1);
  if (kinds > 1) {
    return http::invalid_query_parameter("parameter " + path +
                                         " is given both as a value and as a list or structure");
  }
  if (node.value) return nlohmann::json(*node.value);
  if (!node.members.empty()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [index, member] : node.members) {
      auto m = to_json(member, path + ".member." + std::to_string(index));
      if (!m) return m;
      out.push_back(std::move(*m));
    }
    return out;
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, field] : node.fields) {
    auto f = to_json(field, path.empty() ? name : path + "." + name);
    if (!f) return f;
    out[name] = std::move(*f);
  }
  return out;
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

Result<nlohmann::json> query_params_to_json(const http::QueryParams& params) {
  Node root;
  for (const auto& [key, value] : params.all()) {
    if (key == "Action" || key == "Version") continue;
    if (!http::valid_utf8(key) || !http::valid_utf8(value)) {
      return http::invalid_query_parameter("parameter names and values must be UTF-8 (" +
                                           http::url_encode(key, false) + ")");
    }
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
      const auto dot = key.find('.', start);
      parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    auto placed = place(root, parts, key, value);
    if (!placed) return placed.error();
  }
  return to_json(root, "");
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

namespace {

// Epoch seconds a request may name: years 1 to 9999, so later arithmetic cannot overflow.
std::optional<Micros> from_epoch_seconds(double secs) {
  constexpr double kMin = -62135596800.0, kMax = 253402300799.0;
  if (!(secs >= kMin && secs <= kMax)) return std::nullopt;
  return static_cast<Micros>(std::llround(secs * kMicrosPerSecond));
}

}  // namespace

std::optional<Micros> timestamp_of(const nlohmann::json& v) {
  if (v.is_number()) return from_epoch_seconds(v.get<double>());
  if (!v.is_string()) return std::nullopt;
  const std::string text = v.get<std::string>();
  if (auto t = parse_iso8601(text)) return t;
  // botocore sends ISO-8601 without fractional seconds or with "+00:00".
  std::string fixed = text;
  if (fixed.size() > 6 && fixed.compare(fixed.size() - 6, 6, "+00:00") == 0) {
    fixed = fixed.substr(0, fixed.size() - 6) + "Z";
  }
  if (auto t = parse_iso8601(fixed)) return t;
  if (const auto secs = http::parse_double(text)) return from_epoch_seconds(*secs);
  return std::nullopt;
}

}  // namespace emu::cloudwatch
