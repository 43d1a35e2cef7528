// Parsers from expression text to the trees in ast.h.
//
// Each returns the tree plus the placeholders it uses, or a ValidationException whose message
// is what DynamoDB says, including the "Invalid <Kind>: " prefix (`kind` is e.g.
// "ConditionExpression"). Errors that depend only on the text are found here (syntax errors,
// reserved words, unknown functions, operand counts, redundant parentheses, duplicate update
// sections); errors that depend on the request's names and values are found by validate.h.
#pragma once

#include <string_view>

#include "emulator/core/result.h"
#include "emulator/dynamodb/expr/ast.h"

namespace emu::dynamodb::expr {

struct ParsedCondition {
  Condition root;
  Placeholders placeholders;
};

struct ParsedUpdate {
  UpdateExpression expression;
  Placeholders placeholders;
  // A function's error (operand count, a document path wanted), which AWS reports only after
  // the checks against the request's names and values (Ops::validate_expressions); "" if none.
  std::string function_error;
};

struct ParsedProjection {
  ProjectionExpression expression;
  Placeholders placeholders;
};

Result<ParsedCondition> parse_condition(std::string_view text, std::string_view kind);
Result<ParsedUpdate> parse_update(std::string_view text);
Result<ParsedProjection> parse_projection(std::string_view text);

// "[a, b, [2], c]" as DynamoDB prints paths in messages (placeholders as written).
std::string path_text(const Path& path);

}  // namespace emu::dynamodb::expr
