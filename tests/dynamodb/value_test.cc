#include "emulator/dynamodb/value.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

#include "emulator/dynamodb/value_json.h"
#include "tests/dynamodb/fixture.h"

using namespace emu::dynamodb;
using nlohmann::json;

TEST_CASE("numbers are stored in DynamoDB's canonical form") {
  CHECK(*canonical_number("1.0") == "1");
  CHECK(*canonical_number("007") == "7");
  CHECK(*canonical_number("-0") == "0");
  CHECK(*canonical_number("1e3") == "1000");
  CHECK(*canonical_number("1.5E-3") == "0.0015");
  CHECK(*canonical_number("-12.3400") == "-12.34");
  CHECK(*canonical_number(".5") == "0.5");
}

TEST_CASE("invalid numbers give DynamoDB's messages") {
  CHECK(canonical_number("").error().message ==
        "The parameter cannot be converted to a numeric value");
  CHECK(canonical_number("abc").error().message ==
        "The parameter cannot be converted to a numeric value: abc");
  CHECK(canonical_number("+1").error().message ==
        "The parameter cannot be converted to a numeric value: +1");
  CHECK(canonical_number("123456789012345678901234567890123456789").error().message ==
        "Attempting to store more than 38 significant digits in a Number");
  CHECK(canonical_number("1e126").error().message.find("Number overflow") == 0);
  CHECK(canonical_number("1e-131").error().message.find("Number underflow") == 0);
  CHECK(canonical_number("12345678901234567890123456789012345678").ok());  // exactly 38
  CHECK(canonical_number("1e125").ok());
}

TEST_CASE("number arithmetic is exact decimal, up to 38 digits") {
  CHECK(*add_numbers("0.1", "0.2") == "0.3");
  CHECK(*add_numbers("99999999999999999999999999999999999999", "-1") ==
        "99999999999999999999999999999999999998");
  CHECK(*subtract_numbers("5", "7.25") == "-2.25");
  CHECK(*add_numbers("-3", "3") == "0");
  // The integer fast path and its boundary with the decimal path.
  CHECK(*add_numbers("7", "-12") == "-5");
  CHECK(*subtract_numbers("-7", "-12") == "5");
  CHECK(*add_numbers("999999999999999999", "1") == "1000000000000000000");
  CHECK(*add_numbers("9999999999999999999", "1") == "10000000000000000000");
  CHECK(*add_numbers("1E+2", "1") == "101");
  CHECK(*add_numbers("12345678901234567890", "98765432109876543210") == "111111111011111111100");
  CHECK(add_numbers("99999999999999999999999999999999999999", "1").ok());  // 1e38: 1 digit
  CHECK(add_numbers("99999999999999999999999999999999999999", "0.1").error().message ==
        "Attempting to store more than 38 significant digits in a Number");
}

TEST_CASE("number comparison and sort keys agree") {
  const std::vector<std::string> ordered = {"-100", "-2.5", "-2", "-0.001", "0",   "0.001",
                                            "0.5",  "2",    "10", "100.5",  "1e20"};
  for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
    const auto a = AttributeValue::number(*canonical_number(ordered[i]));
    const auto b = AttributeValue::number(*canonical_number(ordered[i + 1]));
    CHECK(compare_numbers(a.scalar(), b.scalar()) < 0);
    CHECK(sort_key(a) < sort_key(b));
  }
  CHECK(compare_numbers("10", "10") == 0);
}

TEST_CASE("attribute value JSON round trip and validation") {
  const json value = json::parse(
      R"({"M":{"s":{"S":"x"},"n":{"N":"01.50"},"b":{"B":"AAEC"},
          "l":{"L":[{"BOOL":true},{"NULL":true}]},"ss":{"SS":["a","b"]},
          "ns":{"NS":["1","2.0"]},"bs":{"BS":["AA=="]}}})");
  auto v = value_from_json(value);
  REQUIRE(v.ok());
  CHECK(v->map_value().at("n").scalar() == "1.5");
  CHECK(v->map_value().at("b").scalar() == std::string("\x00\x01\x02", 3));
  CHECK(v->map_value().at("ns").set_value() == std::vector<std::string>{"1", "2"});
  const json back = value_to_json(*v);
  CHECK(back["M"]["n"]["N"] == "1.5");
  CHECK(back["M"]["b"]["B"] == "AAEC");
  CHECK(back["M"]["l"]["L"][1]["NULL"] == true);

  auto err = [](const char* text) { return value_from_json(json::parse(text)).error(); };
  CHECK(err(R"({})").message ==
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  CHECK(err(R"({"S":"a","N":"1"})").message ==
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
        "supported datatypes");
  CHECK(err(R"({"SS":[]})").message ==
        "One or more parameter values were invalid: An string set  may not be empty");
  CHECK(err(R"({"NS":[]})").message ==
        "One or more parameter values were invalid: An number set  may not be empty");
  CHECK(err(R"({"BS":[]})").message ==
        "One or more parameter values were invalid: Binary sets should not be empty");
  CHECK(err(R"({"SS":["a","a"]})").message ==
        "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
  CHECK(err(R"({"NULL":false})").message ==
        "One or more parameter values were invalid: Null attribute value types must have the "
        "value of true");
  const auto ser = err(R"({"S":5})");
  CHECK(ser.code == "SerializationException");
  CHECK(ser.message == "NUMBER_VALUE cannot be converted to String");
  CHECK(err(R"({"B":"abc"})").code == "SerializationException");
}

TEST_CASE("item size follows DynamoDB's rules") {
  using emu::dynamodb::test::item_of;
  // name bytes + string bytes
  CHECK(item_size(item_of(R"({"ab":{"S":"hello"}})")) == 2 + 5);
  // numbers: 1 + ceil(digits/2) (+1 for even digits and even exponent) (+1 negative)
  CHECK(item_size(item_of(R"({"n":{"N":"0"}})")) == 1 + 1);
  CHECK(item_size(item_of(R"({"n":{"N":"12345"}})")) == 1 + 1 + 3);
  CHECK(item_size(item_of(R"({"n":{"N":"-1"}})")) == 1 + 3);
  // bool/null 1; list/map 3 + 1 per element
  CHECK(item_size(item_of(R"({"l":{"L":[{"BOOL":true},{"NULL":true}]}})")) == 1 + 3 + 2 + 2);
  CHECK(item_size(item_of(R"({"m":{"M":{"a":{"S":"xy"}}}})")) == 1 + 3 + 1 + 1 + 2);
  // UTF-8 bytes, not characters
  CHECK(item_size(item_of(R"({"s":{"S":"é"}})")) == 1 + 2);
}

TEST_CASE("storage encoding round-trips every type") {
  using emu::dynamodb::test::item_of;
  const Item item = item_of(
      R"({"s":{"S":"x"},"n":{"N":"-1.5"},"b":{"B":"AAEC"},"t":{"BOOL":false},"z":{"NULL":true},
          "l":{"L":[{"M":{"k":{"SS":["a"]}}}]},"ns":{"NS":["3"]},"bs":{"BS":["AA=="]}})");
  std::string data;
  encode_item(item, data);
  Item back;
  REQUIRE(decode_item(data, back));
  CHECK(back == item);
  Item bad;
  CHECK_FALSE(decode_item(data.substr(0, data.size() - 1), bad));
}

TEST_CASE("storage encoding keeps its byte format (data dirs of earlier runs still load)") {
  using emu::dynamodb::test::item_of;
  const std::string long_text(200, 'z');
  const Item item = item_of(("{\"a\":{\"S\":\"xy\"},\"l\":{\"L\":[{\"BOOL\":true}]},"
                             "\"n\":{\"N\":\"5\"},\"s\":{\"S\":\"" + long_text + "\"}}")
                                .c_str());
  std::string data = "prefix";  // appended to, as the store's reused buffer is
  encode_item(item, data);
  // count 4; "a" S "xy"; "l" L [BOOL true]; "n" N "5"; "s" S with a two-byte varint length.
  using namespace std::string_literals;  // the literals hold NUL bytes
  const std::string expected = "prefix\x04"s + "\x01" "a" "\x00\x02" "xy"s +
                               "\x01" "l" "\x05\x01\x03\x01"s + "\x01" "n" "\x01\x01" "5"s +
                               "\x01" "s" "\x00\xc8\x01"s + long_text;
  CHECK(data == expected);
}

TEST_CASE("an item's names id changes with its names, not with its values") {
  using emu::dynamodb::test::item_of;
  Item a = item_of(R"({":a":{"S":"x"},":b":{"N":"1"}})");
  const std::uint64_t id = a.names_id();
  CHECK(a.names_id() == id);
  Item copy = a;
  CHECK(copy.names_id() == id);  // same names
  a.at(":a").assign_string("changed");
  a.insert_or_assign(":b", AttributeValue::number(std::int64_t{7}));
  a.emplace(":a", AttributeValue::string("ignored: the name is there"));
  CHECK(a.names_id() == id);  // values changed, names did not
  copy.erase(":b");
  CHECK(copy.names_id() != id);
  Item renamed = a;
  renamed.erase(":b");
  renamed.emplace(":c", AttributeValue::number(std::int64_t{1}));  // same size, other name
  CHECK(renamed.names_id() != id);
  CHECK(renamed.names_id() != copy.names_id());
  Item appended = a;
  appended.append_in_order(":d", AttributeValue::null());
  CHECK(appended.names_id() != id);
  Item moved = std::move(a);
  CHECK(moved.names_id() == id);
  CHECK(a.empty());
  CHECK(a.names_id() != id);  // a moved-from item is empty, names and all
  moved.clear();
  CHECK(moved.names_id() != id);
}

TEST_CASE("items keep attributes in byte order whatever the insertion order") {
  std::vector<std::string> names = {"b", "\xc3\xa9t\xc3\xa9", "a", "ab", "", "B", "\xff", "aa",
                                    "hoursSinceExposureDetectedAt", "metricCount", "a\x01"};
  Item item;
  for (const auto& n : names) item.emplace(n, AttributeValue::string(n));
  item.emplace("ab", AttributeValue::string("second"));  // duplicate: the first stays
  std::sort(names.begin(), names.end());                 // std::string order: unsigned bytes
  REQUIRE(item.size() == names.size());
  std::size_t i = 0;
  for (const auto& [name, value] : item) {
    CHECK(name == names[i++]);
    CHECK(value.scalar() == name);
  }
  for (const auto& n : names) CHECK(item.find(n) != item.end());
  CHECK(item.find("zz") == item.end());
  CHECK(item.erase("aa") == 1);
  CHECK(item.count("aa") == 0);
  Item copy = item;
  CHECK(copy == item);
  copy.insert_or_assign("b", copy.at("a"));  // a value taken from the same item
  CHECK(copy.at("b").scalar() == "a");
  CHECK_THROWS_AS(copy.append_in_order("a", AttributeValue()), std::logic_error);
}
