#include <doctest/doctest.h>

#include <string>

#include "emulator/core/json_util.h"

using namespace emu;

TEST_CASE("parse_json never throws and refuses hostile nesting") {
  CHECK(parse_json(R"({"a":[1,2]})"));
  CHECK_FALSE(parse_json("{"));
  CHECK_FALSE(parse_json(""));
  CHECK_FALSE(parse_json("\xff\xfe"));
  CHECK_FALSE(parse_json(std::string(100000, '[') + std::string(100000, ']')));
  CHECK(parse_json(R"({"s":"[[[[[[[[[["})", 3));  // brackets inside strings do not count
}

TEST_CASE("ordered parsing keeps key order like JavaScript") {
  const auto j = parse_ordered_json(R"({"z":1,"a":{"y":true,"b":null},"payload":[1.5,"x"]})");
  REQUIRE(j);
  CHECK(dump_compact(*j) == R"({"z":1,"a":{"y":true,"b":null},"payload":[1.5,"x"]})");
}
