// The generic request-rule validator (emulator/http/field_rules.h) on a made-up dialect: the
// services' own tables are tested through their case files (tests/sqs/cases,
// tests/cloudwatch/cases).
#include "emulator/http/field_rules.h"

#include <doctest/doctest.h>

namespace emu::http {

namespace {

using nlohmann::json;

constexpr errors::ErrorCode kMissing{.name = "Missing"};
constexpr errors::ErrorCode kBad{.name = "Bad"};
constexpr errors::ErrorCode kCoral{.name = "Coral"};
constexpr Wording kDefaults[] = {{Violation::kMissing, &kMissing, "need {path}"}};
constexpr Dialect kDialect{kDefaults, kCoral};

constexpr Wording kCount[] = {{Violation::kTooLong, &kBad, "{name} has {count} > {max}"}};
constexpr Wording kRepeat[] = {{Violation::kRepeated, &kBad, "{name} {value} again"}};
constexpr Wording kKeyed[] = {{Violation::kMissing, &kBad, "'{key}' needs {name}"}};
constexpr FieldRule kEntry[] = {
    {.name = "Id", .required = true, .distinct = true, .wording = kRepeat},
    {.name = "Size", .min_value = 1, .max_value = 9}};
constexpr FieldRule kValue[] = {{.name = "Type", .required = true, .wording = kKeyed}};
constexpr std::string_view kColours[] = {"red", "blue"};
constexpr FieldRule kRules[] = {
    {.name = "Name", .required = true, .min_length = 2, .max_length = 4},
    {.name = "Count", .type = FieldType::kInteger, .min_value = 0, .max_value = 5},
    {.name = "Colour", .allowed = kColours},
    {.name = "Entries", .max_length = 3, .members = kEntry, .wording = kCount},
    {.name = "Attributes", .type = FieldType::kMap, .members = kValue},
};

std::string answer(const json& request) {
  const auto e = check_fields(request, kRules, kDialect);
  return e ? e->code + ": " + e->message : "";
}

}  // namespace

TEST_CASE("field rules: a passing request, then the first worded failure in table order") {
  CHECK(answer({{"Name", "abc"}, {"Count", "5"}, {"Colour", "red"}}) == "");
  CHECK(answer(json::object()) == "Missing: need Name");
  CHECK(answer({{"Name", "abc"}, {"Entries", json::array({{{"Size", 1}}})}}) ==
        "Missing: need Entries.member.1.Id");
  CHECK(answer({{"Name", "abc"}, {"Entries", json::array({{{"Id", 1}}, {{"Id", 1}}})}}) ==
        "Bad: Id 1 again");
  CHECK(answer({{"Name", "abc"},
                {"Entries", json::array({{{"Id", 1}}, {{"Id", 2}}, {{"Id", 3}}, {{"Id", 4}}})}}) ==
        "Bad: Entries has 4 > 3");
  CHECK(answer({{"Name", "abc"}, {"Attributes", {{"k", json::object()}}}}) ==
        "Bad: 'k' needs Type");
}

TEST_CASE("field rules: query text of an integer is read as one; other text is not an integer") {
  CHECK(answer({{"Name", "abc"}, {"Count", "6"}}) ==
        "Coral: 1 validation error detected: Value '6' at 'count' failed to satisfy constraint: "
        "Member must have value less than or equal to 5");
  CHECK(answer({{"Name", "abc"}, {"Count", "five"}}) ==
        "Coral: 1 validation error detected: Value 'five' at 'count' failed to satisfy "
        "constraint: Member must be an integer");
  CHECK(answer({{"Name", "abc"}, {"Count", "99999999999"}}).find("Member must be an integer") !=
        std::string::npos);
}

TEST_CASE("field rules: Coral's failures are listed together, at most ten, member paths nested") {
  CHECK(answer({{"Name", "a"}, {"Colour", "green"}}) ==
        "Coral: 2 validation errors detected: Value 'a' at 'name' failed to satisfy constraint: "
        "Member must have length greater than or equal to 2; Value 'green' at 'colour' failed to "
        "satisfy constraint: Member must satisfy enum value set: [red, blue]");
  CHECK(answer({{"Name", "abc"}, {"Entries", json::array({{{"Id", 1}, {"Size", 10}}})}}) ==
        "Coral: 1 validation error detected: Value '10' at 'entries.1.member.size' failed to "
        "satisfy constraint: Member must have value less than or equal to 9");
  json many = json::array();
  for (int i = 0; i < 3; ++i) many.push_back({{"Id", i}, {"Size", 0}});
  const std::string three =
      answer({{"Name", "abcdef"}, {"Count", -1}, {"Colour", "x"}, {"Entries", many}});
  CHECK(three.rfind("Coral: 6 validation errors detected: ", 0) == 0);
}

TEST_CASE("field rules: at most ten constraint failures are listed") {
  static constexpr FieldRule kSizes[] = {{.name = "Size", .min_value = 1}};
  static constexpr FieldRule kList[] = {{.name = "L", .members = kSizes}};
  json list = json::array();
  for (int i = 0; i < 25; ++i) list.push_back({{"Size", 0}});
  const auto e = check_fields({{"L", list}}, kList, kDialect);
  REQUIRE(e);
  CHECK(e->message.rfind("10 validation errors detected: ", 0) == 0);
}

}  // namespace emu::http
