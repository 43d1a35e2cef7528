#include <doctest/doctest.h>

#include <cmath>

#include "emulator/functions/js.h"

using namespace emu::js;

TEST_CASE("Number::toString layout") {
  CHECK(number_to_string(1621957249091.0) == "1621957249091");
  CHECK(number_to_string(1.5) == "1.5");
  CHECK(number_to_string(-0.0) == "0");
  CHECK(number_to_string(1e21) == "1e+21");
  CHECK(number_to_string(123456789012345680000.0) == "123456789012345680000");
  CHECK(number_to_string(0.000001) == "0.000001");
  CHECK(number_to_string(1e-7) == "1e-7");
  CHECK(number_to_string(1.25e-7) == "1.25e-7");
  CHECK(number_to_string(0.1 + 0.2) == "0.30000000000000004");
  CHECK(number_to_string(NAN) == "NaN");
  CHECK(number_to_string(-INFINITY) == "-Infinity");
}

TEST_CASE("JSON.stringify keeps key order and JS number forms") {
  const auto v = parse(R"({"z":1,"a":[1.0,2.5e3,-0,12345678901234567890],"s":"é\n\u0001"})");
  REQUIRE(v);
  CHECK(stringify(*v) == "{\"z\":1,\"a\":[1,2500,0,12345678901234567000],\"s\":\"é\\n\\u0001\"}");
  CHECK_FALSE(parse("{bad"));
}

TEST_CASE("String() as template literals render values") {
  const Value t = true, n = nullptr, arr = Value::array({1, nullptr, "x", Value::array({2, 3})});
  const Value obj = Value::object();
  CHECK(to_string(nullptr) == "undefined");
  CHECK(to_string(&t) == "true");
  CHECK(to_string(&n) == "null");
  CHECK(to_string(&arr) == "1,,x,2,3");
  CHECK(to_string(&obj) == "[object Object]");
}

TEST_CASE("parseInt and parseFloat take the longest numeric prefix") {
  auto pi = [](const Value& v) { return parse_int(&v); };
  auto pf = [](const Value& v) { return parse_float(&v); };
  CHECK(pi("12abc") == 12);
  CHECK(pi(" 7") == 7);
  CHECK(std::isnan(pi("")));
  CHECK(pi("0x10") == 0);
  CHECK(pi("1e3") == 1);
  CHECK(pi(1e21) == 1);  // String(1e21) is "1e+21"
  CHECK(pi("-5") == -5);
  CHECK(std::isnan(pi("abc")));
  CHECK(std::isnan(pi(true)));
  CHECK(pf("1.1") == doctest::Approx(1.1));
  CHECK(pf("1e3") == 1000);
  CHECK(pf(".5x") == 0.5);
  CHECK(pf("-Infinityx") == -INFINITY);
  CHECK(std::isnan(pf("e5")));
  CHECK(pf("59") == 59);
}

TEST_CASE("ToNumber and truthiness") {
  auto num = [](const Value& v) { return to_number(&v); };
  CHECK(num("1615231884409") == 1615231884409.0);
  CHECK(num("") == 0);
  CHECK(num(" 12 ") == 12);
  CHECK(num("0x1A") == 26);
  CHECK(std::isnan(num("-0x1A")));
  CHECK(std::isnan(num("12px")));
  CHECK(num(nullptr) == 0);
  CHECK(num(true) == 1);
  CHECK(num(Value::array({5})) == 5);
  CHECK(std::isnan(num(Value::object())));
  CHECK(std::isnan(to_number(nullptr)));
  const Value zero = 0, empty = "", f = false, s = "0";
  CHECK_FALSE(truthy(&zero));
  CHECK_FALSE(truthy(&empty));
  CHECK_FALSE(truthy(&f));
  CHECK(truthy(&s));
  CHECK_FALSE(truthy(nullptr));
}

TEST_CASE("pinDate: the seed's test vector and JS Date edge cases") {
  const Value ts = 1615231884409LL, str = "1615231884409", neg = -1, big = 8.64e15 + 1;
  CHECK(*pin_date(&ts) == "2021-03-08");
  CHECK(*pin_date(&str) == "2021-03-08");
  CHECK(*pin_date(&neg) == "1969-12-31");
  const Value null_ts = nullptr;
  CHECK(*pin_date(&null_ts) == "1970-01-01");
  CHECK_FALSE(pin_date(nullptr));  // undefined -> Invalid Date -> RangeError
  CHECK_FALSE(pin_date(&big));
  const Value max = 8.64e15;
  CHECK(*pin_date(&max) == "+275760-09-13");
}
