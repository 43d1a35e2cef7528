// Request shapes: the type checks of the JSON protocol (Coral's messages), the conversions of
// the query protocol, and the strict number parsing both use.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator/http/json_shape.h"

using namespace emu::http;
using nlohmann::json;

namespace {

const Shape& datum() {
  static const Shape dimension = structure({{"Name", &string_shape()}});
  static const Shape dims = list_of(dimension);
  static const Shape s = structure({{"MetricName", &string_shape()},
                                    {"Value", &double_shape()},
                                    {"Count", &integer_shape()},
                                    {"Big", &long_shape()},
                                    {"On", &boolean_shape()},
                                    {"At", &timestamp_shape()},
                                    {"Blob", &blob_shape()},
                                    {"Dimensions", &dims}});
  return s;
}

const Shape& request() {
  static const Shape data = list_of(datum());
  static const Shape tags = map_of(string_shape());
  static const Shape s = structure({{"Namespace", &string_shape()}, {"MetricData", &data},
                                    {"Tags", &tags}});
  return s;
}

std::optional<std::string> check(json body) { return conform_json(body, request()); }

}  // namespace

TEST_CASE("JSON members of the wrong type get Coral's SerializationException messages") {
  const std::string number = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can "
                             "not be converted to an ";
  CHECK(check({{"Namespace", 5}}) == number + "String");
  CHECK(check({{"Namespace", 2.5}}) == number + "String");
  CHECK(check({{"Namespace", true}}) == "class java.lang.Boolean can not be converted to an String");
  CHECK(check({{"Namespace", json::array()}}) == "Start of list found where not expected");
  CHECK(check({{"Namespace", json::object()}}) == "Start of structure or map found where not expected.");
  CHECK(check({{"MetricData", 5}}) == "Expected list or null");
  CHECK(check({{"MetricData", json::object()}}) == "Start of structure or map found where not expected.");
  CHECK(check({{"MetricData", {5}}}) == "Expected null");
  CHECK(check({{"MetricData", {json::array()}}}) == "Start of list found where not expected");
  CHECK(check({{"MetricData", {nullptr}}}) == "Null list elements are not allowed");
  CHECK(check({{"MetricData", {{{"Value", "1"}}}}}) ==
        "class java.lang.String can not be converted to an Double");
  CHECK(check({{"MetricData", {{{"Count", "1"}}}}}) ==
        "class java.lang.String can not be converted to an Integer");
  CHECK(check({{"MetricData", {{{"On", "yes"}}}}}) == "'yes' can not be converted to an Boolean");
  CHECK(check({{"MetricData", {{{"On", 1}}}}}) == number + "Boolean");
  CHECK(check({{"MetricData", {{{"Blob", 1}}}}}) ==
        "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob");
  CHECK(check({{"MetricData", {{{"At", false}}}}}) ==
        "class java.lang.Boolean can not be converted to an Date");
  const json dimension = {{"Name", 1}};
  const json datum_with_dimension = {{"Dimensions", json::array({dimension})}};
  CHECK(check({{"MetricData", json::array({datum_with_dimension})}}) == number + "String");
  CHECK(check({{"Tags", json::array()}}) == "Start of list found where not expected");
  CHECK(check({{"Tags", "x"}}) == "Expected map or null");
  CHECK(check({{"Tags", {{"k", 1}}}}) == number + "String");
}

TEST_CASE("JSON integers: fractions truncate, values past the member's range are refused") {
  json body = {{"MetricData", {{{"Count", 3.9}, {"Big", 5000000000LL}}}}};
  CHECK_FALSE(conform_json(body, request()));
  CHECK(body["MetricData"][0]["Count"] == 3);
  CHECK(body["MetricData"][0]["Count"].is_number_integer());
  const std::string number = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can "
                             "not be converted to an ";
  CHECK(check({{"MetricData", {{{"Count", 2147483648LL}}}}}) == number + "Integer");
  CHECK(check({{"MetricData", {{{"Count", -2147483649LL}}}}}) == number + "Integer");
  CHECK(check({{"MetricData", {{{"Count", 1e30}}}}}) == number + "Integer");
  CHECK(check({{"MetricData", {{{"Big", 18446744073709551615ULL}}}}}) == number + "Long");
  CHECK_FALSE(check({{"MetricData", {{{"Count", 2147483647}}}}}));
}

TEST_CASE("JSON: nulls count as absent, unknown members are left alone") {
  json body = {{"Namespace", nullptr}, {"Unknown", {1, 2}}, {"Tags", {{"a", nullptr}, {"b", "c"}}}};
  CHECK_FALSE(conform_json(body, request()));
  CHECK_FALSE(body.contains("Namespace"));
  CHECK(body["Unknown"] == json({1, 2}));
  CHECK(body["Tags"] == json({{"b", "c"}}));
}

TEST_CASE("query text is converted to the members' types") {
  json in = {{"Namespace", "N"},
             {"MetricData", {{{"Value", "1.5"}, {"Count", "+7"}, {"On", "true"}, {"At", "2021-06-27T00:00:00Z"}}}}};
  REQUIRE(conform_query(in, request()).ok());
  CHECK(in["MetricData"][0]["Value"] == 1.5);
  CHECK(in["MetricData"][0]["Count"] == 7);
  CHECK(in["MetricData"][0]["On"] == true);
  CHECK(in["MetricData"][0]["At"] == "2021-06-27T00:00:00Z");

  const auto error = [](json body) {
    const auto s = conform_query(body, request());
    REQUIRE_FALSE(s.ok());
    return s.error();
  };
  auto e = error({{"MetricData", {{{"Value", "abc"}}}}});
  CHECK(e.code == "InvalidParameterValue");
  CHECK(e.message == "The value 'abc' for parameter MetricData.member.1.Value is not a number.");
  e = error({{"MetricData", {{{"Count", "2147483648"}}}}});
  CHECK(e.code == "InvalidParameterValue");
  CHECK(e.message ==
        "The value '2147483648' for parameter MetricData.member.1.Count is not an integer in range.");
  CHECK(error({{"MetricData", {{{"On", "yes"}}}}}).message ==
        "The value 'yes' for parameter MetricData.member.1.On is not a boolean.");
  e = error({{"MetricData", "x"}});
  CHECK(e.code == "InvalidQueryParameter");
  CHECK(e.http_status == 400);
  CHECK(e.message == "The AWS query string is malformed or does not adhere to AWS standards: "
                     "parameter MetricData must be a list (MetricData.member.N).");
  CHECK(error({{"Namespace", {"a"}}}).code == "InvalidQueryParameter");
  CHECK(error({{"MetricData", {"x"}}}).code == "InvalidQueryParameter");
}

TEST_CASE("strict number parsing") {
  CHECK(parse_int64("42") == 42);
  CHECK(parse_int64("+42") == 42);
  CHECK(parse_int64("-9223372036854775808") == INT64_MIN);
  CHECK_FALSE(parse_int64("9223372036854775808"));
  CHECK_FALSE(parse_int64("99999999999999999999"));
  CHECK_FALSE(parse_int64(""));
  CHECK_FALSE(parse_int64("1x"));
  CHECK_FALSE(parse_int64(" 1"));
  CHECK_FALSE(parse_int64("1.0"));
  CHECK(parse_double("1e3") == 1000.0);
  CHECK(parse_double("-0.5") == -0.5);
  CHECK_FALSE(parse_double("1e999"));
  CHECK_FALSE(parse_double("abc"));
  CHECK_FALSE(parse_double("1.5 "));
  CHECK_FALSE(parse_double(""));
}
