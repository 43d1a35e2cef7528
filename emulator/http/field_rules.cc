#include "emulator/http/field_rules.h"

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "emulator/http/json_shape.h"

namespace emu::http {

namespace {

using nlohmann::json;

// Where a member sits: its query-protocol path, Coral's member path and the enclosing map key.
struct Place {
  std::string path;
  std::string member;
  std::string key;
};

std::string lower_first(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

Place child(const Place& parent, std::string_view name) {
  return {parent.path.empty() ? std::string(name) : parent.path + "." + std::string(name),
          parent.member.empty() ? lower_first(name) : parent.member + "." + lower_first(name),
          parent.key};
}

std::string number_text(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e18) {
    return std::to_string(static_cast<std::int64_t>(v));
  }
  return json(v).dump();
}

// A value as AWS prints it in a message: text as is, numbers plainly, lists of scalars as
// "[a, b]", structures elided.
std::string value_text(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return number_text(v.get<double>());
  if (v.is_object()) return "{...}";
  std::string out;
  for (const json& e : v) {
    if (e.is_structured()) return "[...]";
    out += (out.empty() ? "" : ", ") + value_text(e);
  }
  return "[" + out + "]";
}

std::size_t length_of(const json& v) {
  if (!v.is_string()) return v.size();
  std::size_t code_points = 0;
  for (unsigned char c : v.get_ref<const std::string&>()) code_points += (c & 0xC0) != 0x80;
  return code_points;
}

std::string replace_all(std::string text, std::string_view from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Coral's constraint text of a violation, when the rule gives none.
std::string_view coral_constraint(Violation v) {
  switch (v) {
    case Violation::kMissing: return "Member must not be null";
    case Violation::kTooShort: return "Member must have length greater than or equal to {min}";
    case Violation::kTooLong: return "Member must have length less than or equal to {max}";
    case Violation::kBelow: return "Member must have value greater than or equal to {min}";
    case Violation::kAbove: return "Member must have value less than or equal to {max}";
    case Violation::kNotAllowed: return "Member must satisfy enum value set: [{allowed}]";
    case Violation::kNotInteger: return "Member must be an integer";
    case Violation::kRejected: return "Member must satisfy its documented pattern";
    case Violation::kRepeated: return "Member must be unique";
  }
  return "";
}

// Coral lists at most ten constraint failures in one message (as DynamoDB's layer does).
constexpr std::size_t kMaxCoralErrors = 10;

class Checker {
 public:
  explicit Checker(const Dialect& dialect) : dialect_(dialect) {}

  void fields(const json& object, FieldRules rules, const Place& at) {
    for (const FieldRule& rule : rules) {
      if (stopped_) return;
      const auto it = object.is_object() ? object.find(rule.name) : object.end();
      const json* v = it == object.end() || it->is_null() ? nullptr : &*it;
      field(rule, v, child(at, rule.name));
    }
  }

  std::optional<AwsError> result() const {
    if (first_) return first_;
    if (coral_.empty()) return std::nullopt;
    std::string message = std::to_string(coral_.size()) + " validation error" +
                          (coral_.size() == 1 ? "" : "s") + " detected: ";
    for (std::size_t i = 0; i < coral_.size(); ++i) message += (i ? "; " : "") + coral_[i];
    return dialect_.validation(message);
  }

 private:
  void field(const FieldRule& rule, const json* v, const Place& at) {
    const bool empty = v && ((v->is_string() && v->get_ref<const std::string&>().empty()) ||
                             (v->is_array() && v->empty()));
    if (!v || (rule.empty_is_missing && empty)) {
      if (rule.required || (v && rule.empty_is_missing))
        report(rule, Violation::kMissing, at, json());
      return;
    }
    if (!scalar_checks(rule, *v, at)) return;
    if (rule.allowed.size() > 0) allowed_check(rule, *v, at);
    if (rule.accepts && !rule.accepts(*v)) report(rule, Violation::kRejected, at, *v);
    if (rule.members.empty() || stopped_) return;
    if (v->is_array()) {
      elements(rule, *v, at);
    } else if (v->is_object() && rule.type == FieldType::kMap) {
      for (const auto& [key, element] : v->items()) {
        Place inner = child(at, key);
        inner.key = key;
        fields(element, rule.members, inner);
      }
    } else {
      fields(*v, rule.members, at);
    }
  }

  // Length, integer and range checks; false when the value is not worth checking further.
  bool scalar_checks(const FieldRule& rule, const json& v, const Place& at) {
    std::optional<double> number;
    if (rule.type == FieldType::kInteger) {
      const auto n = integer_value(v);
      if (!n) return report(rule, Violation::kNotInteger, at, v), false;
      number = static_cast<double>(*n);
    } else if (v.is_number()) {
      number = v.get<double>();
    }
    if (v.is_string() || v.is_structured()) {
      const auto n = static_cast<std::int64_t>(length_of(v));
      if (rule.min_length && n < *rule.min_length) report(rule, Violation::kTooShort, at, v, n);
      if (rule.max_length && n > *rule.max_length) report(rule, Violation::kTooLong, at, v, n);
    }
    if (number && rule.min_value && *number < *rule.min_value) {
      report(rule, Violation::kBelow, at, v);
    }
    if (number && rule.max_value && *number > *rule.max_value) {
      report(rule, Violation::kAbove, at, v);
    }
    return !stopped_;
  }

  void allowed_check(const FieldRule& rule, const json& v, const Place& at) {
    const auto ok = [&](const json& s) {
      if (!s.is_string()) return true;
      for (std::string_view a : rule.allowed) {
        if (a == s.get_ref<const std::string&>()) return true;
      }
      return false;
    };
    bool all = v.is_array() ? true : ok(v);
    for (std::size_t i = 0; v.is_array() && i < v.size(); ++i) all = all && ok(v[i]);
    if (!all) report(rule, Violation::kNotAllowed, at, v);
  }

  void elements(const FieldRule& rule, const json& list, const Place& at) {
    std::vector<std::set<std::string>> seen(rule.members.size());
    for (std::size_t i = 0; i < list.size() && !stopped_; ++i) {
      const Place element{at.path + ".member." + std::to_string(i + 1),
                          at.member + "." + std::to_string(i + 1) + ".member", at.key};
      fields(list[i], rule.members, element);
      for (std::size_t m = 0; m < rule.members.size() && !stopped_; ++m) {
        const FieldRule& member = rule.members[m];
        if (!member.distinct || !list[i].is_object() || !list[i].contains(member.name)) continue;
        const json& value = list[i][member.name];
        if (!seen[m].insert(value.dump()).second) {
          report(member, Violation::kRepeated, child(element, member.name), value);
        }
      }
    }
  }

  const Wording* wording_of(const FieldRule& rule, Violation v) const {
    for (const Wording& w : rule.wording) {
      if (w.violation == v) return &w;
    }
    for (const Wording& w : dialect_.defaults) {
      if (w.violation == v) return &w;
    }
    return nullptr;
  }

  std::string fill(std::string_view text, const FieldRule& rule, const Place& at, const json& v,
                   std::int64_t count) const {
    std::string allowed;
    for (std::string_view a : rule.allowed)
      allowed += (allowed.empty() ? "" : ", ") + std::string(a);
    std::string out(text);
    out = replace_all(out, "{name}", std::string(rule.name));
    out = replace_all(out, "{path}", at.path);
    out = replace_all(out, "{key}", at.key);
    out = replace_all(out, "{value}", value_text(v));
    out = replace_all(out, "{count}", std::to_string(count));
    out = replace_all(out, "{allowed}", allowed);
    const auto limit = [](const auto& a, const auto& b) {
      return a ? number_text(static_cast<double>(*a)) : b ? number_text(*b) : std::string();
    };
    out = replace_all(out, "{min}", limit(rule.min_length, rule.min_value));
    out = replace_all(out, "{max}", limit(rule.max_length, rule.max_value));
    return out;
  }

  void report(const FieldRule& rule, Violation v, const Place& at, const json& value,
              std::int64_t count = 0) {
    if (stopped_) return;
    const Wording* w = wording_of(rule, v);
    if (w != nullptr && w->code != nullptr) {
      if (!coral_.empty()) return;  // Coral's layer answered first: its message only
      first_ = (*w->code)(fill(w->message, rule, at, value, count));
      stopped_ = true;
      return;
    }
    std::string constraint =
        fill(w != nullptr && !w->message.empty() ? w->message : coral_constraint(v), rule, at,
             value, count);
    if (v == Violation::kNotAllowed && value.is_array()) {
      constraint = "Member must satisfy constraint: [" + constraint + "]";
    }
    if (coral_.size() == kMaxCoralErrors) return;
    const std::string shown =
        v == Violation::kMissing ? "Value null" : "Value '" + value_text(value) + "'";
    coral_.push_back(shown + " at '" + at.member + "' failed to satisfy constraint: " + constraint);
  }

  const Dialect& dialect_;
  std::optional<AwsError> first_;
  std::vector<std::string> coral_;
  bool stopped_ = false;
};

}  // namespace

std::optional<std::int64_t> integer_value(const json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (!v.is_string()) return std::nullopt;
  const auto n = parse_int64(v.get_ref<const std::string&>());
  if (!n || *n < std::numeric_limits<std::int32_t>::min() ||
      *n > std::numeric_limits<std::int32_t>::max()) {
    return std::nullopt;
  }
  return n;
}

std::optional<AwsError> check_fields(const json& request, FieldRules rules,
                                     const Dialect& dialect) {
  Checker checker(dialect);
  checker.fields(request, rules, Place{});
  return checker.result();
}

}  // namespace emu::http
