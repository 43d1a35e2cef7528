#include "emulator/logs/wire.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>

#include "emulator/core/errors.h"
#include "emulator/core/json_util.h"
#include "emulator/http/aws_wire.h"
#include "emulator/logs/filter_pattern.h"

namespace emu::logs {

namespace {

using nlohmann::json;
using Key = LogGroup::Key;
constexpr std::string_view kTargetPrefix = "Logs_20140328.";
constexpr std::int64_t kMaxEventsPerCall = 10000;

AwsError invalid(std::string message) {
  return errors::logs::kInvalidParameter(std::move(message));
}

std::int64_t to_epoch_ms(Micros t) { return floor_to(t, kMicrosPerMilli) / kMicrosPerMilli; }

// An integer member, or `fallback` when absent; an error when present but not an integer.
Result<std::int64_t> integer(const json& in, const char* name, std::int64_t fallback) {
  if (!in.contains(name) || in[name].is_null()) return fallback;
  if (!in[name].is_number_integer()) return invalid(std::string(name) + " must be an integer");
  return in[name].get<std::int64_t>();
}

std::string string_member(const json& in, const char* name) {
  return in.contains(name) && in[name].is_string() ? in[name].get<std::string>() : "";
}

// Tokens: "f/<timestamp us>/<sequence>" (events after that key) or "b/..." (events before it).
std::string token(char direction, const Key& key) {
  return std::string(1, direction) + "/" + std::to_string(key.first) + "/" +
         std::to_string(key.second);
}

std::optional<std::pair<char, Key>> parse_token(const std::string& text) {
  if (text.size() < 5 || (text[0] != 'f' && text[0] != 'b') || text[1] != '/') return std::nullopt;
  const auto slash = text.find('/', 2);
  if (slash == std::string::npos) return std::nullopt;
  Key key{};
  const char* a = text.data() + 2;
  const char* b = text.data() + slash;
  if (std::from_chars(a, b, key.first).ec != std::errc()) return std::nullopt;
  const char* c = text.data() + slash + 1;
  const char* end = text.data() + text.size();
  if (std::from_chars(c, end, key.second).ec != std::errc()) return std::nullopt;
  return std::pair{text[0], key};
}

// [startTime, endTime) in epoch milliseconds, as event keys.
struct TimeRange {
  Key from{std::numeric_limits<Micros>::min(), 0};
  Micros until = std::numeric_limits<Micros>::max();
};

Result<TimeRange> time_range(const json& in) {
  TimeRange r;
  const auto start = integer(in, "startTime", -1);
  if (!start) return start.error();
  const auto end = integer(in, "endTime", -1);
  if (!end) return end.error();
  if (*start >= 0) r.from = {*start * kMicrosPerMilli, 0};
  if (*end >= 0) r.until = *end * kMicrosPerMilli;
  return r;
}

}  // namespace

bool LogsWire::accepts(const http::HttpRequest& request) const {
  return http::json_or_query_request_for(request, kTargetPrefix, "logs");
}

http::HttpResponse LogsWire::handle(const http::HttpRequest& request, Micros now) {
  const std::string request_id = http::new_request_id(random_);
  const std::string_view target = request.header("X-Amz-Target");
  const std::string content_type = "application/x-amz-json-1.1";
  Result<json> result = errors::logs::kUnknownOperation("");
  if (target.substr(0, kTargetPrefix.size()) != kTargetPrefix) {
    result = errors::logs::kUnknownOperation("CloudWatch Logs speaks JSON 1.1 with X-Amz-Target " +
                                             std::string(kTargetPrefix) + "<Operation>");
  } else {
    const std::string op(target.substr(kTargetPrefix.size()));
    auto body = parse_json(request.body.empty() ? "{}" : request.body);
    if (!body || !body->is_object()) {
      result = errors::logs::kSerialization("Unable to parse the request body as a JSON object.");
    } else {
      result = dispatch(op, *body, now);
    }
  }
  if (!result) return http::json_error(result.error(), "", request_id, content_type);
  http::HttpResponse r = http::HttpResponse::with_body(200, content_type, dump_compact(*result));
  r.set_header("x-amzn-RequestId", request_id);
  return r;
}

Result<json> LogsWire::dispatch(const std::string& op, const json& in, Micros now) {
  store_.expire(now);
  if (op == "DescribeLogGroups") return describe_log_groups(in);
  if (op == "DescribeLogStreams") return describe_log_streams(in);
  if (op == "GetLogEvents") return get_log_events(in);
  if (op == "FilterLogEvents") return filter_log_events(in);
  return errors::logs::kUnknownOperation(
      "Operation " + op +
      " is not supported by this emulator's CloudWatch "
      "Logs (it serves DescribeLogGroups, DescribeLogStreams, GetLogEvents, "
      "FilterLogEvents)");
}

std::string LogsWire::group_arn(const std::string& name) const {
  return "arn:aws:logs:" + region_ + ":" + account_ + ":log-group:" + name;
}

Result<const LogGroup*> LogsWire::find_group(const json& in) const {
  std::string name = string_member(in, "logGroupName");
  if (name.empty()) {
    // logGroupIdentifier: a name or an ARN (arn:...:log-group:NAME[:*]).
    name = string_member(in, "logGroupIdentifier");
    const auto at = name.find(":log-group:");
    if (at != std::string::npos) {
      name = name.substr(at + 11);
      if (name.ends_with(":*")) name.resize(name.size() - 2);
    }
  }
  if (name.empty()) return invalid("logGroupName or logGroupIdentifier is required");
  LogGroup* group = store_.group(name);
  if (group == nullptr) {
    return errors::logs::kResourceNotFound("The specified log group does not exist.");
  }
  return static_cast<const LogGroup*>(group);
}

Result<json> LogsWire::describe_log_groups(const json& in) const {
  const std::string prefix = string_member(in, "logGroupNamePrefix");
  const std::string after = string_member(in, "nextToken");
  const auto limit = integer(in, "limit", 50);
  if (!limit) return limit.error();
  if (*limit < 1 || *limit > 50) return invalid("limit must be between 1 and 50");
  json groups = json::array();
  std::string next;
  for (const auto& [name, g] : store_.groups()) {
    if (!name.starts_with(prefix) || (!after.empty() && name <= after)) continue;
    if (static_cast<std::int64_t>(groups.size()) == *limit) {
      next = groups.back()["logGroupName"].get<std::string>();
      break;
    }
    groups.push_back({{"logGroupName", name},
                      {"creationTime", to_epoch_ms(g.created())},
                      {"retentionInDays", g.retention_days()},
                      {"metricFilterCount", 0},
                      {"arn", group_arn(name) + ":*"},
                      {"logGroupArn", group_arn(name)},
                      {"storedBytes", g.stored_bytes()}});
  }
  json out = {{"logGroups", groups}};
  if (!next.empty()) out["nextToken"] = next;
  return out;
}

Result<json> LogsWire::describe_log_streams(const json& in) const {
  const auto group = find_group(in);
  if (!group) return group.error();
  const std::string prefix = string_member(in, "logStreamNamePrefix");
  const std::string order = in.value("orderBy", std::string("LogStreamName"));
  if (order != "LogStreamName" && order != "LastEventTime") {
    return invalid("orderBy must be LogStreamName or LastEventTime");
  }
  if (order == "LastEventTime" && !prefix.empty()) {
    return invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  const auto limit = integer(in, "limit", 50);
  if (!limit) return limit.error();
  if (*limit < 1 || *limit > 50) return invalid("limit must be between 1 and 50");
  std::vector<const LogStream*> streams;
  for (const auto& [name, s] : (*group)->streams()) {
    if (name.starts_with(prefix)) streams.push_back(&s);
  }
  if (order == "LastEventTime") {
    std::stable_sort(streams.begin(), streams.end(), [](const LogStream* a, const LogStream* b) {
      return a->last_event < b->last_event;
    });
  }
  if (in.value("descending", false)) std::reverse(streams.begin(), streams.end());
  std::size_t offset = 0;
  const std::string token_text = string_member(in, "nextToken");
  if (!token_text.empty()) {
    if (std::from_chars(token_text.data(), token_text.data() + token_text.size(), offset).ec !=
        std::errc()) {
      return invalid("The specified nextToken is invalid.");
    }
  }
  json out_streams = json::array();
  std::size_t i = offset;
  for (; i < streams.size() && static_cast<std::int64_t>(out_streams.size()) < *limit; ++i) {
    const LogStream& s = *streams[i];
    out_streams.push_back({{"logStreamName", s.name},
                           {"creationTime", to_epoch_ms(s.created)},
                           {"firstEventTimestamp", to_epoch_ms(s.first_event)},
                           {"lastEventTimestamp", to_epoch_ms(s.last_event)},
                           {"lastIngestionTime", to_epoch_ms(s.last_ingestion)},
                           {"arn", group_arn((*group)->name()) + ":log-stream:" + s.name},
                           {"storedBytes", s.stored_bytes}});
  }
  json out = {{"logStreams", out_streams}};
  if (i < streams.size()) out["nextToken"] = std::to_string(i);
  return out;
}

Result<json> LogsWire::get_log_events(const json& in) const {
  const auto group = find_group(in);
  if (!group) return group.error();
  const std::string stream = string_member(in, "logStreamName");
  if (stream.empty()) return invalid("logStreamName is required");
  if ((*group)->streams().count(stream) == 0) {
    return errors::logs::kResourceNotFound("The specified log stream does not exist.");
  }
  const auto range = time_range(in);
  if (!range) return range.error();
  const auto limit = integer(in, "limit", kMaxEventsPerCall);
  if (!limit) return limit.error();
  if (*limit < 1 || *limit > kMaxEventsPerCall) return invalid("limit must be between 1 and 10000");
  const std::string token_text = string_member(in, "nextToken");
  std::optional<std::pair<char, Key>> position;
  if (!token_text.empty() && !(position = parse_token(token_text))) {
    return invalid("The specified nextToken is invalid.");
  }
  std::vector<const LogEvent*> matching;
  for (auto it = (*group)->events().lower_bound(range->from);
       it != (*group)->events().end() && it->first.first < range->until; ++it) {
    if (it->second.stream != stream) continue;
    if (position && position->first == 'f' && !(position->second < it->first)) continue;
    if (position && position->first == 'b' && !(it->first < position->second)) continue;
    matching.push_back(&it->second);
  }
  const bool from_head = position ? position->first == 'f' : in.value("startFromHead", false);
  const auto n = std::min<std::size_t>(matching.size(), static_cast<std::size_t>(*limit));
  const std::size_t first = from_head ? 0 : matching.size() - n;
  json events = json::array();
  for (std::size_t i = first; i < first + n; ++i) {
    events.push_back({{"timestamp", to_epoch_ms(matching[i]->timestamp)},
                      {"message", matching[i]->message},
                      {"ingestionTime", to_epoch_ms(matching[i]->ingestion)}});
  }
  // At either end, the token that was passed in comes back (that ends the SDK's paginator).
  std::string forward = token_text, backward = token_text;
  if (n > 0) {
    const LogEvent& last = *matching[first + n - 1];
    const LogEvent& head = *matching[first];
    forward = token('f', {last.timestamp, last.sequence});
    backward = token('b', {head.timestamp, head.sequence});
  } else if (token_text.empty()) {
    forward = token('f', range->from);
    backward = token('b', range->from);
  }
  return json{{"events", events}, {"nextForwardToken", forward}, {"nextBackwardToken", backward}};
}

Result<json> LogsWire::filter_log_events(const json& in) const {
  const auto group = find_group(in);
  if (!group) return group.error();
  const auto range = time_range(in);
  if (!range) return range.error();
  const auto limit = integer(in, "limit", kMaxEventsPerCall);
  if (!limit) return limit.error();
  if (*limit < 1 || *limit > kMaxEventsPerCall) return invalid("limit must be between 1 and 10000");
  const auto pattern = FilterPattern::parse(string_member(in, "filterPattern"));
  if (!pattern) {
    return invalid("This emulator evaluates filter patterns of plain terms, \"quoted phrases\" "
                   "and -exclusions only.");
  }
  std::set<std::string> names;
  if (in.contains("logStreamNames") && in["logStreamNames"].is_array()) {
    for (const auto& n : in["logStreamNames"]) {
      if (n.is_string()) names.insert(n.get<std::string>());
    }
  }
  const std::string prefix = string_member(in, "logStreamNamePrefix");
  if (!names.empty() && !prefix.empty()) {
    return invalid("logStreamNames and logStreamNamePrefix are mutually exclusive");
  }
  Key from = range->from;
  const std::string token_text = string_member(in, "nextToken");
  if (!token_text.empty()) {
    const auto position = parse_token(token_text);
    if (!position || position->first != 'f') return invalid("The specified nextToken is invalid.");
    from = position->second;
  }
  json events = json::array();
  std::set<std::string> searched;
  std::optional<Key> next;
  for (auto it = (*group)->events().lower_bound(from);
       it != (*group)->events().end() && it->first.first < range->until; ++it) {
    const LogEvent& e = it->second;
    if (!names.empty() && names.count(e.stream) == 0) continue;
    if (!e.stream.starts_with(prefix)) continue;
    searched.insert(e.stream);
    if (!pattern->matches(e.message)) continue;
    if (static_cast<std::int64_t>(events.size()) == *limit) {
      next = Key{e.timestamp, e.sequence};  // the first event of the next page
      break;
    }
    events.push_back({{"logStreamName", e.stream},
                      {"timestamp", to_epoch_ms(e.timestamp)},
                      {"message", e.message},
                      {"ingestionTime", to_epoch_ms(e.ingestion)},
                      {"eventId", std::to_string(to_epoch_ms(e.timestamp)) + "0" +
                                      std::to_string(e.sequence)}});
  }
  json streams = json::array();
  for (const auto& s : searched) streams.push_back({{"logStreamName", s}, {"searchedCompletely", true}});
  json out = {{"events", events}, {"searchedLogStreams", streams}};
  if (next) out["nextToken"] = token('f', *next);
  return out;
}

}  // namespace emu::logs
