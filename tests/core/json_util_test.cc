#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

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

TEST_CASE("max_depth counts containers: that many nested parse, one more is refused") {
  auto arrays = [](int n) { return std::string(n, '[') + std::string(n, ']'); };
  auto objects = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "{\"a\":";
    s += "1";
    return s + std::string(n, '}');
  };
  // 512 is the default; 100 what the DynamoDB wire allows; 2000 is past simdjson's own limit
  // (1024), where nlohmann's parser takes over.
  for (int limit : {100, 512, 2000}) {
    CAPTURE(limit);
    const std::function<std::string(int)> shapes[] = {arrays, objects};
    for (const auto& make : shapes) {
      const std::string fits = make(limit), deeper = make(limit + 1);
      CHECK(parse_json(fits, limit));
      CHECK_FALSE(parse_json(deeper, limit));
      CHECK(parse_ordered_json(fits, limit));
      CHECK_FALSE(parse_ordered_json(deeper, limit));
      nlohmann::ordered_json reused = nlohmann::ordered_json::parse(R"({"a":{"a":[1]}})");
      CHECK(parse_ordered_json_into(fits, reused, limit));
      CHECK(reused == *parse_ordered_json(fits, limit));
      CHECK_FALSE(parse_ordered_json_into(deeper, reused, limit));
    }
  }
}

TEST_CASE("ordered parsing keeps key order like JavaScript") {
  const auto j = parse_ordered_json(R"({"z":1,"a":{"y":true,"b":null},"payload":[1.5,"x"]})");
  REQUIRE(j);
  CHECK(dump_compact(*j) == R"({"z":1,"a":{"y":true,"b":null},"payload":[1.5,"x"]})");
}

namespace {

// nlohmann's own reading of `text`: the reference the fast parser must reproduce exactly.
template <class Json>
std::optional<Json> reference(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// Same structure, same number kinds (integer / unsigned / float), same key order.
template <class Json>
bool identical(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    auto x = a.begin();
    for (auto y = b.begin(); y != b.end(); ++x, ++y) {
      if (x.key() != y.key() || !identical(x.value(), y.value())) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!identical(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_number_float()) {
    return a.template get<double>() == b.template get<double>() &&
           std::signbit(a.template get<double>()) == std::signbit(b.template get<double>());
  }
  return a == b;
}

const char* const kCorpus[] = {
    "0", "5", "-7", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "123456789012345678901234567890", "1.0", "-0.0", "1E2", "1e-400", "1e400", "2.5e-3",
    "0.1", "1.7976931348623157e308", "4.9e-324", "01", "1.", ".5", "-", "+1", "NaN", "true",
    "false", "null", "nul", R"("\ud83d\ude00")", R"("\ud800")", R"("\udc00x")", R"("a\u0000b")",
    R"("\/\b\f\n\r\t\"\\")", "\"caf\xc3\xa9\"", "\"\xff\"", "\"\xc3\"", "\"tab\there\"",
    R"({"a":1,"a":2})", R"({"b":1,"a":{"c":[1,{"d":null}],"c":"x"},"b":3})", "[1,]", "[1 2]",
    "{\"a\" 1}", " \t\r\n[ ] \n", "[]", "{}", "[[[[]]]]", R"({"":""})", "1 2", "\"x\" x",
    R"({"payload":[{"identifier":"active-user","region":"ON","timestamp":1624766400000,"count":"3"}]})",
    "\xef\xbb\xbf{\"bom\":1}", "[1e309]", "[-1e-309]", "[123.456e-5]", "{\"\\u0000\":1}",
    "[\"\\u00e9\\uD834\\uDD1E\"]", "\"\xed\xa0\x80\""};

}  // namespace

TEST_CASE("the fast parser reads every document exactly as nlohmann does, and refuses the same") {
  for (const char* text : kCorpus) {
    CAPTURE(text);
    const auto fast = parse_json(text);
    const auto ref = reference<nlohmann::json>(text);
    REQUIRE(fast.has_value() == ref.has_value());
    if (fast) CHECK(identical(*fast, *ref));
    const auto fast_ordered = parse_ordered_json(text);
    const auto ref_ordered = reference<nlohmann::ordered_json>(text);
    REQUIRE(fast_ordered.has_value() == ref_ordered.has_value());
    if (fast_ordered) CHECK(identical(*fast_ordered, *ref_ordered));
  }
}

TEST_CASE("parsing into a reused document gives what a fresh parse gives, whatever it held") {
  // Every corpus document after every other, plus shape changes in each direction: members
  // added, dropped, reordered and repeated, values changing type, arrays growing and shrinking.
  std::vector<std::string> docs(std::begin(kCorpus), std::end(kCorpus));
  for (const char* shape :
       {R"({"a":1,"b":"x","c":[1,2,3]})", R"({"a":"now a string","b":{"x":1},"c":[1]})",
        R"({"b":2,"a":1})", R"({"a":1,"b":"x","c":[1,2,3],"d":null})",
        R"({"a":1,"a":{"n":[true]},"b":"y","a":"last"})", R"({"a":{"a":{"a":[]}}})",
        R"([{"k":"v"},{"k":"w","z":1},"s",[2]])", R"([{"k":"a longer string than before"}])",
        R"({"payload":[{"identifier":"installed","region":"","timestamp":1}],"appos":"ios"})"}) {
    docs.emplace_back(shape);
  }
  for (const auto& before : docs) {
    nlohmann::ordered_json reused;
    parse_ordered_json_into(before, reused);
    for (const auto& text : docs) {
      CAPTURE(before);
      CAPTURE(text);
      const auto fresh = parse_ordered_json(text);
      nlohmann::ordered_json again = reused;  // each `text` over the same previous document
      REQUIRE(parse_ordered_json_into(text, again) == fresh.has_value());
      if (fresh) {
        CHECK(identical(again, *fresh));
        CHECK(dump_compact(again) == dump_compact(*fresh));
      }
    }
  }
}

TEST_CASE("large documents parse the same way (a parser of their own)") {
  std::string big = "[";
  for (int i = 0; i < 200000; ++i) big += (i ? "," : "") + std::string(R"({"k":"v","n":-1.5})");
  big += "]";
  const auto fast = parse_json(big);
  REQUIRE(fast);
  CHECK(fast->size() == 200000);
  CHECK(identical(*fast, *reference<nlohmann::json>(big)));
}

TEST_CASE("-0 is the one number kind that differs: zero either way") {
  const auto j = parse_json("[-0]");
  REQUIRE(j);
  CHECK((*j)[0] == 0);
  CHECK((*j)[0].is_number_integer());
  CHECK(dump_compact(*j) == "[0]");
}
