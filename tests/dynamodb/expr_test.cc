#include <doctest/doctest.h>

#include "emulator/dynamodb/expr/cache.h"
#include "emulator/dynamodb/expr/eval.h"
#include "emulator/dynamodb/expr/parser.h"
#include "tests/dynamodb/fixture.h"

using namespace emu::dynamodb;
using namespace emu::dynamodb::expr;
using emu::dynamodb::test::item_of;

namespace {

struct Env {
  Names names;
  Item values;
  Bindings bindings() const { return Bindings{&names, &values}; }
};

std::string condition_error(const char* text, const Env& env = {}) {
  auto parsed = parse_condition(text, "ConditionExpression");
  if (!parsed) return parsed.error().message;
  Usage usage;
  auto b = env.bindings();
  if (auto s = check_condition(parsed->root, parsed->placeholders, b, "ConditionExpression", usage);
      !s) {
    return s.error().message;
  }
  if (auto s = check_unused(b, usage); !s) return s.error().message;
  return "";
}

bool holds(const char* text, const Item& item, const Env& env) {
  auto parsed = parse_condition(text, "ConditionExpression");
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
  return evaluate(parsed->root, &item, env.bindings());
}

std::string update_error(const char* text, const Env& env) {
  auto parsed = parse_update(text);
  if (!parsed) return parsed.error().message;
  Usage usage;
  auto b = env.bindings();
  if (auto s = check_placeholders(parsed->placeholders, b, "UpdateExpression", usage); !s) {
    return s.error().message;
  }
  if (auto s = check_update(parsed->expression, b); !s) return s.error().message;
  // A function's error comes last, as Ops::validate_expressions reports it.
  if (!parsed->function_error.empty()) return "Invalid UpdateExpression: " + parsed->function_error;
  return "";
}

emu::Result<Item> apply_text(const char* text, const Item& item, const Env& env) {
  auto parsed = parse_update(text);
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
  Item out = item;
  if (auto s = apply_update(parsed->expression, item, out, env.bindings()); !s) return s.error();
  return out;
}

Env values(const char* json_text, Names names = {}) {
  Env env;
  env.values = item_of(json_text);
  env.names = std::move(names);
  return env;
}

}  // namespace

TEST_CASE("condition syntax errors quote the token and its neighbourhood") {
  CHECK(condition_error("") == "Invalid ConditionExpression: The expression can not be empty;");
  CHECK(condition_error("a = ") ==
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \"");
  CHECK(condition_error("a == :v", values(R"({":v":{"S":"x"}})")) ==
        "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"== :v\"");
  CHECK(condition_error("a & b").find("Syntax error; token: \"&\"") != std::string::npos);
}

TEST_CASE("condition semantic errors use DynamoDB's messages") {
  CHECK(condition_error("count = :v", values(R"({":v":{"N":"1"}})")) ==
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: "
        "count");
  CHECK(condition_error("foo(a)") ==
        "Invalid ConditionExpression: Invalid function name; function: foo");
  CHECK(condition_error("attribute_exists(a, b)") ==
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
        "operator or function: attribute_exists, number of operands: 2");
  CHECK(condition_error("a = a") ==
        "Invalid ConditionExpression: The first operand must be distinct from the remaining "
        "operands for this operator or function; operator: =, first operand: [a]");
  CHECK(condition_error("((a = :v))", values(R"({":v":{"N":"1"}})")) ==
        "Invalid ConditionExpression: The expression has redundant parentheses;");
  CHECK(condition_error("#n = :v", values(R"({":v":{"N":"1"}})")) ==
        "Invalid ConditionExpression: An expression attribute name used in the document path is "
        "not defined; attribute name: #n");
  CHECK(condition_error("a = :w", values(R"({":v":{"N":"1"}})")) ==
        "Invalid ConditionExpression: An expression attribute value used in expression is not "
        "defined; attribute value: :w");
  CHECK(condition_error("a = :v", values(R"({":v":{"N":"1"},":x":{"N":"2"}})")) ==
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}");
  CHECK(condition_error("a = :v", values(R"({":v":{"N":"1"}})", {{"#u", "x"}})) ==
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#u}");
  CHECK(condition_error("begins_with(a, :v)", values(R"({":v":{"N":"1"}})")) ==
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator "
        "or function: begins_with, operand type: N");
  CHECK(condition_error("attribute_type(a, :t)", values(R"({":t":{"S":"X"}})")) ==
        "Invalid ConditionExpression: Invalid attribute type name found; type: X, valid types: "
        "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
  CHECK(condition_error("a BETWEEN :hi AND :lo", values(R"({":lo":{"N":"1"},":hi":{"N":"5"}})"))
            .find("requires upper bound to be greater than or equal to lower bound") !=
        std::string::npos);
  CHECK(condition_error("size(a) > :v AND begins_with(b, :v)", values(R"({":v":{"S":"x"}})")) ==
        "");
  CHECK(condition_error("a = begins_with(b, :v)", values(R"({":v":{"S":"x"}})")) ==
        "Invalid ConditionExpression: The function is not allowed to be used this way in an "
        "expression; function: begins_with");
}

TEST_CASE("condition errors: the first condition in reading order with one, its kinds ranked") {
  const char* kUndefinedValue =
      "Invalid ConditionExpression: An expression attribute value used in expression is not "
      "defined; attribute value: :x";
  // The first condition's undefined :value before a later condition's undefined #name (names
  // are not all checked before values).
  CHECK(condition_error("a = :x AND #n = b") == kUndefinedValue);
  // An earlier condition's identical operands before a later condition's undefined :value.
  CHECK(condition_error("a = a AND b = :x") ==
        "Invalid ConditionExpression: The first operand must be distinct from the remaining "
        "operands for this operator or function; operator: =, first operand: [a]");
  // Within one condition: the undefined placeholder, then the operand count.
  CHECK(condition_error("contains(:x, b, c)") == kUndefinedValue);
  CHECK(condition_error("a = :v AND contains(b, c, d)", values(R"({":v":{"N":"1"}})")) ==
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
        "operator or function: contains, number of operands: 3");
  // size's operand type before the document path its enclosing function wants; size is N.
  CHECK(condition_error("attribute_exists(size(:v))", values(R"({":v":{"BOOL":true}})")) ==
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: size, operand type: BOOL");
  CHECK(condition_error("attribute_exists(size(a))") ==
        "Invalid ConditionExpression: Operator or function requires a document path; operator "
        "or function: attribute_exists");
  CHECK(condition_error("attribute_type(a, size(b))") ==
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: attribute_type, operand type: N");
}

TEST_CASE("a path in parentheses goes on after them") {
  const Item item = item_of(R"({"a":{"M":{"b":{"M":{"c":{"N":"1"}}}}}})");
  const Env env = values(R"({":1":{"N":"1"}})");
  CHECK(holds("(a.b).c = :1", item, env));
  CHECK(holds("(a)between((a.b).c)and(a.b.c)", item_of(R"({"a":{"N":"1"}})"), env) == false);
  CHECK(condition_error("((a.b)).c = :1", env) ==
        "Invalid ConditionExpression: The expression has redundant parentheses;");
}

TEST_CASE("every condition feature evaluates as DynamoDB does") {
  const Item item = item_of(
      R"({"n":{"N":"5"},"s":{"S":"hello"},"b":{"B":"AAEC"},"ss":{"SS":["x","y"]},
          "l":{"L":[{"S":"p"},{"N":"2"}]},"m":{"M":{"mid":{"M":{"deep":{"N":"7"}}}}}})");
  const Env env = values(
      R"({":1":{"N":"1"},":5":{"N":"5"},":9":{"N":"9"},":he":{"S":"he"},":x":{"S":"x"},
          ":p":{"S":"p"},":t":{"S":"SS"},":7":{"N":"7"},":hello":{"S":"hello"}})",
      {{"#n", "n"}});
  CHECK(holds("n = :5", item, env));
  CHECK(holds("#n = :5", item, env));
  CHECK(holds("n <> :1", item, env));
  CHECK(holds("absent <> :1", item, env));
  CHECK_FALSE(holds("absent = :1", item, env));
  CHECK(holds("n > :1 AND n < :9 AND n >= :5 AND n <= :5", item, env));
  CHECK_FALSE(holds("s < :1", item, env));  // different types never compare
  CHECK(holds("n BETWEEN :1 AND :9", item, env));
  CHECK_FALSE(holds("n BETWEEN :1 AND :1", item, env));
  CHECK(holds("n IN (:1, :5)", item, env));
  CHECK_FALSE(holds("n IN (:1, :9)", item, env));
  CHECK(holds("NOT n = :1", item, env));
  CHECK(holds("n = :1 OR n = :5", item, env));
  CHECK(holds("(n = :1 OR n = :5) AND s = :hello", item, env));
  CHECK(holds("attribute_exists(s) AND attribute_not_exists(zz)", item, env));
  CHECK(holds("attribute_type(ss, :t)", item, env));
  CHECK(holds("begins_with(s, :he)", item, env));
  CHECK(holds("contains(ss, :x) AND contains(s, :he) AND contains(l, :p)", item, env));
  CHECK(holds("size(s) = :5 AND size(l) < :5", item, env));
  CHECK(holds("m.mid.deep = :7", item, env));
  CHECK(holds("l[1] < :5 AND l[0] = :p", item, env));
  CHECK_FALSE(holds("l[5] = :p", item, env));
}

TEST_CASE("update expression errors") {
  const Env env = values(R"({":s":{"S":"x"},":n":{"N":"1"},":ss":{"SS":["a"]}})");
  CHECK(update_error("SET a = :s SET b = :n", env) ==
        "Invalid UpdateExpression: The \"SET\" section can only be used once in an update "
        "expression;");
  CHECK(update_error("SET a = :s, a = :n", env) ==
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
        "rewrite one of these paths; path one: [a], path two: [a]");
  CHECK(update_error("SET a.b = :s REMOVE a", env).find("overlap") != std::string::npos);
  CHECK(update_error("SET a[0] = :s REMOVE a.b", env).find("conflict") != std::string::npos);
  CHECK(update_error("ADD a :s", env) ==
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
        "ADD, operand type: STRING");
  CHECK(update_error("DELETE a :n", env) ==
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
        "DELETE, operand type: NUMBER");
  CHECK(update_error("SET a = :s + :n", env) ==
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
        "function: +, operand type: S");
  CHECK(update_error("SET a = foo(b)", env) ==
        "Invalid UpdateExpression: Invalid function name; function: foo");
  CHECK(update_error("SET a = if_not_exists(:n, :n)", env) ==
        "Invalid UpdateExpression: Operator or function requires a document path; operator or "
        "function: if_not_exists");
  CHECK(update_error("SET a = :n, b = :s ADD c :ss", env) == "");
  CHECK(update_error("UPSERT a = :n", env).find("Syntax error; token: \"UPSERT\"") !=
        std::string::npos);
}

TEST_CASE("update actions apply to a copy, reading the old item") {
  const Item item = item_of(
      R"({"n":{"N":"5"},"l":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]},"ss":{"SS":["a","b"]},
          "m":{"M":{"x":{"S":"1"}}}})");
  const Env env = values(
      R"({":one":{"N":"1"},":zero":{"N":"0"},":l":{"L":[{"N":"9"}]},":ss":{"SS":["b","c"]},
          ":del":{"SS":["a","b"]},":v":{"S":"v"}})");
  auto r = apply_text(
      "SET n = n + :one, c = if_not_exists(c, :zero) + :one, l = list_append(l, :l)", item, env);
  REQUIRE(r.ok());
  CHECK(r->at("n").scalar() == "6");
  CHECK(r->at("c").scalar() == "1");
  CHECK(r->at("l").list_value().size() == 4);
  r = apply_text("REMOVE l[0], l[2] ADD ss :ss, newn :one DELETE m :del", item, env);
  CHECK_FALSE(r.ok());  // DELETE on a map: wrong type
  CHECK(r.error().message == "An operand in the update expression has an incorrect data type");
  r = apply_text("REMOVE l[0], l[2] ADD ss :ss, newn :one", item, env);
  REQUIRE(r.ok());
  CHECK(r->at("l").list_value().size() == 1);
  CHECK(r->at("l").list_value()[0].scalar() == "2");
  CHECK(r->at("ss").set_value() == std::vector<std::string>{"a", "b", "c"});
  CHECK(r->at("newn").scalar() == "1");
  r = apply_text("DELETE ss :del", item, env);
  REQUIRE(r.ok());
  CHECK(r->count("ss") == 0);  // emptied set disappears
  r = apply_text("SET m.y = :v, l[10] = :v", item, env);
  REQUIRE(r.ok());
  CHECK(r->at("m").map_value().at("y").scalar() == "v");
  CHECK(r->at("l").list_value().back().scalar() == "v");  // past the end appends
  r = apply_text("SET nope.y = :v", item, env);
  CHECK(r.error().message ==
        "The document path provided in the update expression is invalid for update");
  r = apply_text("SET x = absent + :one", item, env);
  CHECK(r.error().message ==
        "The provided expression refers to an attribute that does not exist in the item");
}

TEST_CASE("projection keeps nested structure and compacts lists") {
  const Item item = item_of(
      R"({"a":{"M":{"b":{"N":"1"},"c":{"N":"2"}}},"l":{"L":[{"S":"x"},{"S":"y"},{"S":"z"}]},
          "d":{"S":"d"}})");
  auto parsed = parse_projection("a.c, l[2], l[0], d, nope");
  REQUIRE(parsed.ok());
  const Item out = project(item, parsed->expression.paths);
  CHECK(out.size() == 3);
  CHECK(out.at("a").map_value().size() == 1);
  CHECK(out.at("a").map_value().at("c").scalar() == "2");
  REQUIRE(out.at("l").list_value().size() == 2);
  CHECK(out.at("l").list_value()[0].scalar() == "x");
  CHECK(out.at("l").list_value()[1].scalar() == "z");
}

TEST_CASE("the expression cache parses each text once") {
  ExpressionCache cache(8);
  const std::string text = "SET a = :a";
  auto first = cache.update(text);
  auto second = cache.update(text);
  CHECK(first.get() == second.get());
  CHECK(cache.hits() == 1);
  CHECK(cache.misses() == 1);
  for (int i = 0; i < 20; ++i) cache.update("SET a" + std::to_string(i) + " = :a");
  CHECK(cache.size() <= 8);
}
