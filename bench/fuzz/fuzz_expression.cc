// The expression parser and evaluator: the input is an expression's text (after one byte that
// picks where it goes), sent in a request on the "fuzz" table whose items hold every attribute
// type, so that what parses is also validated against real names and values and evaluated.
// Only the placeholders the text uses are defined (DynamoDB refuses unused ones before it
// evaluates anything).
#include <cctype>
#include <map>
#include <string>

#include "bench/fuzz/fuzz_pipeline.h"
#include "bench/fuzz/fuzz_target.h"

namespace {

const std::map<std::string, std::string> kNames = {
    {"#n", "n"},   {"#s", "s"},   {"#l", "l"},   {"#m", "m"},     {"#k", "k"},
    {"#ss", "ss"}, {"#pk", "pk"}, {"#sk", "sk"}, {"#new", "new"}, {"#z", "z"}};
const std::map<std::string, std::string> kValues = {
    {":n", R"({"N":"1"})"},
    {":big", R"({"N":"9.9999999999999999999999999999999999999E+125"})"},
    {":s", R"({"S":"x"})"},
    {":a", R"({"S":"a"})"},
    {":b", R"({"B":"AA=="})"},
    {":t", R"({"BOOL":false})"},
    {":z", R"({"NULL":true})"},
    {":l", R"({"L":[{"N":"3"},{"S":"y"}]})"},
    {":m", R"({"M":{"k":{"S":"w"}}})"},
    {":ss", R"({"SS":["a","c"]})"},
    {":ns", R"({"NS":["2.5","7"]})"},
    {":bs", R"({"BS":["AQ=="]})"}};

// "," + the ExpressionAttributeNames/Values members for the placeholders in `text`.
std::string placeholders(std::string_view text) {
  std::string names, values;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '#' && text[i] != ':') continue;
    std::size_t j = i + 1;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
      ++j;
    const std::string token(text.substr(i, j - i));
    const auto& table = token[0] == '#' ? kNames : kValues;
    auto& out = token[0] == '#' ? names : values;
    const auto it = table.find(token);
    if (it != table.end() && out.find("\"" + token + "\"") == std::string::npos) {
      out += (out.empty() ? "" : ",") + ("\"" + token + "\":") +
             (token[0] == '#' ? "\"" + it->second + "\"" : it->second);
    }
  }
  std::string members;
  if (!names.empty()) members += ",\"ExpressionAttributeNames\":{" + names + "}";
  if (!values.empty()) members += ",\"ExpressionAttributeValues\":{" + values + "}";
  return members;
}

}  // namespace

EMU_FUZZ_TARGET(expression) {
  if (input.empty()) return;
  const std::string text(input.substr(1));
  const std::string expr = emu::fuzz::json_string(text);
  const std::string key = R"("Key":{"pk":{"S":"a"},"sk":{"N":"1"}},)";
  std::string action, members, uses = text;
  switch (static_cast<unsigned char>(input[0]) % 6) {
    case 0:
      action = "UpdateItem";
      members = key + R"("ReturnValues":"ALL_NEW","UpdateExpression":)" + expr;
      break;
    case 1:
      action = "UpdateItem";
      members = key + R"("UpdateExpression":"SET #new = :n","ConditionExpression":)" + expr;
      uses += " #new :n";
      break;
    case 2: action = "Scan", members = "\"FilterExpression\":" + expr; break;
    case 3: action = "Query", members = "\"KeyConditionExpression\":" + expr; break;
    case 4: action = "GetItem", members = key + "\"ProjectionExpression\":" + expr; break;
    default:
      action = "DeleteItem";
      members = R"("Key":{"pk":{"S":"b"},"sk":{"N":"1"}},"ReturnValues":"ALL_OLD",)"
                R"("ConditionExpression":)" +
                expr;
      break;
  }
  auto request = emu::fuzz::aws_request("POST", "/", "dynamodb");
  request.headers.emplace("X-Amz-Target", "DynamoDB_20120810." + action);
  request.headers.emplace("Content-Type", "application/x-amz-json-1.0");
  request.body = R"({"TableName":"fuzz",)" + members + placeholders(uses) + "}";
  emu::fuzz::route(request);
}
