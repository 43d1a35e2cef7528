#include "emulator/dynamodb/expr/lexer.h"

#include <cctype>

namespace emu::dynamodb::expr {

namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_part(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::vector<Token> tokenize(std::string_view source) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < source.size()) {
    const char c = source[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    const std::size_t start = i;
    Token::Kind kind = Token::Kind::kPunct;
    if (is_ident_start(c)) {
      while (i < source.size() && is_ident_part(source[i])) ++i;
      kind = Token::Kind::kIdentifier;
    } else if (c == '#' || c == ':') {
      ++i;
      while (i < source.size() && is_ident_part(source[i])) ++i;
      kind = c == '#' ? Token::Kind::kName : Token::Kind::kValue;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < source.size() && std::isdigit(static_cast<unsigned char>(source[i]))) ++i;
      kind = Token::Kind::kNumber;
    } else if ((c == '<' || c == '>') && i + 1 < source.size() &&
               (source[i + 1] == '=' || (c == '<' && source[i + 1] == '>'))) {
      i += 2;
    } else if (std::string_view("()[],.=<>+-").find(c) != std::string_view::npos) {
      ++i;
    } else {
      // One UTF-8 character, so the error message quotes it whole.
      ++i;
      while (i < source.size() && (static_cast<unsigned char>(source[i]) & 0xC0) == 0x80) ++i;
      kind = Token::Kind::kInvalid;
    }
    tokens.push_back(Token{kind, source.substr(start, i - start), start});
  }
  tokens.push_back(Token{Token::Kind::kEnd, {}, source.size()});
  return tokens;
}

bool is_keyword(const Token& token, std::string_view keyword) {
  if (token.kind != Token::Kind::kIdentifier || token.text.size() != keyword.size()) return false;
  for (std::size_t i = 0; i < keyword.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(token.text[i])) != keyword[i]) return false;
  }
  return true;
}

}  // namespace emu::dynamodb::expr
