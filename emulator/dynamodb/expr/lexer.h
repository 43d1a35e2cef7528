// Tokeniser for DynamoDB expressions. Keywords (AND, OR, NOT, BETWEEN, IN, SET, REMOVE, ADD,
// DELETE) are returned as identifiers; the parser recognises them case-insensitively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace emu::dynamodb::expr {

struct Token {
  enum class Kind {
    kIdentifier,  // a, metricCount, AND
    kName,        // #name
    kValue,       // :value
    kNumber,      // 12 (list indexes)
    kPunct,       // ( ) [ ] , . = <> < <= > >= + -
    kInvalid,     // a character no token starts with
    kEnd
  };
  Kind kind = Kind::kEnd;
  std::string_view text;
  std::size_t offset = 0;
};

// Splits `source` into tokens, ending with one kEnd token. Never fails: unknown characters
// become kInvalid tokens that the parser reports as syntax errors.
std::vector<Token> tokenize(std::string_view source);

// True if `token` is the keyword `keyword` (upper case), ignoring case.
bool is_keyword(const Token& token, std::string_view keyword);

}  // namespace emu::dynamodb::expr
