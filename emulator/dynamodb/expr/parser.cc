#include "emulator/dynamodb/expr/parser.h"

#include <algorithm>
#include <string>

#include "emulator/dynamodb/expr/lexer.h"
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb::expr {

namespace {

constexpr int kMaxExpressionDepth = 64;

int condition_function_arity(std::string_view name) {
  if (name == "attribute_exists" || name == "attribute_not_exists") return 1;
  if (name == "attribute_type" || name == "begins_with" || name == "contains") return 2;
  return -1;
}

bool is_condition_keyword(const Token& t) {
  return is_keyword(t, "AND") || is_keyword(t, "OR") || is_keyword(t, "NOT") ||
         is_keyword(t, "BETWEEN") || is_keyword(t, "IN");
}

// An update expression's section names, which cannot start a path in one.
bool is_section_keyword(const Token& t) {
  return is_keyword(t, "SET") || is_keyword(t, "REMOVE") || is_keyword(t, "ADD") ||
         is_keyword(t, "DELETE");
}

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source), tokens_(tokenize(source)) {}

  // The first error, in DynamoDB's order of precedence, or "" if none.
  std::string error() const {
    if (!syntax_.empty()) return syntax_;
    for (const auto* e :
         {&parens_, &unknown_function_, &misused_function_, &reserved_, &section_, &operand_}) {
      if (!e->empty()) return *e;
    }
    return "";
  }
  Placeholders& placeholders() { return placeholders_; }
  const std::string& function_error() const { return function_; }

  bool at_end() const { return peek().kind == Token::Kind::kEnd; }
  void expect_end() {
    if (!at_end()) fail_syntax();
  }

  // ---- conditions ----
  bool parse_or(Condition& out, int depth) {
    if (!parse_and(out, depth)) return false;
    while (is_keyword(peek(), "OR")) {
      ++pos_;
      Condition rhs;
      if (!parse_and(rhs, depth)) return false;
      Condition node;
      node.kind = Condition::Kind::kOr;
      node.children.push_back(std::move(out));
      node.children.push_back(std::move(rhs));
      out = std::move(node);
    }
    return true;
  }

  // ---- update ----
  bool parse_update(UpdateExpression& out) {
    update_ = true;
    bool seen[4] = {false, false, false, false};
    do {
      int section = -1;
      const char* names[4] = {"SET", "REMOVE", "ADD", "DELETE"};
      for (int i = 0; i < 4; ++i) {
        if (is_keyword(peek(), names[i])) section = i;
      }
      if (section < 0) return fail_syntax();
      if (seen[section] && section_.empty()) {
        section_ = std::string("The \"") + names[section] +
                   "\" section can only be used once in an update expression;";
      }
      seen[section] = true;
      ++pos_;
      do {
        UpdateAction action;
        action.kind = static_cast<UpdateAction::Kind>(section);
        if (!parse_update_action(action)) return false;
        out.actions.push_back(std::move(action));
      } while (accept(","));
    } while (!at_end());
    return true;
  }

  bool parse_projection(ProjectionExpression& out) {
    do {
      Path path;
      if (!parse_path(path)) return false;
      out.paths.push_back(std::move(path));
    } while (accept(","));
    return true;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool is_punct(const Token& t, std::string_view p) const {
    return t.kind == Token::Kind::kPunct && t.text == p;
  }
  bool accept(std::string_view p) {
    if (!is_punct(peek(), p)) return false;
    ++pos_;
    return true;
  }
  bool expect(std::string_view p) { return accept(p) || fail_syntax(); }

  // DynamoDB: Syntax error; token: "<tok>", near: "<previous token .. next token>".
  bool fail_syntax() {
    if (!syntax_.empty()) return false;
    const Token& t = peek();
    const std::string token = t.kind == Token::Kind::kEnd ? "<EOF>" : std::string(t.text);
    const std::size_t from = pos_ > 0 ? tokens_[pos_ - 1].offset : t.offset;
    std::size_t to = t.offset + t.text.size();
    if (t.kind != Token::Kind::kEnd && pos_ + 1 < tokens_.size()) {
      const Token& next = tokens_[pos_ + 1];
      to = next.offset + next.text.size();
    }
    syntax_ = "Syntax error; token: \"" + token + "\", near: \"" +
              std::string(source_.substr(from, to - from)) + "\"";
    return false;
  }

  void note_name(std::string_view name) {
    auto& v = placeholders_.names;
    if (std::find(v.begin(), v.end(), name) == v.end()) v.emplace_back(name);
  }
  void note_value(std::string_view name) {
    auto& v = placeholders_.values;
    if (std::find(v.begin(), v.end(), name) == v.end()) v.emplace_back(name);
  }

  bool parse_path_element_name(Path& path) {
    const Token& t = peek();
    if (t.kind == Token::Kind::kName) {
      note_name(t.text);
      path.elements.push_back(PathElement{std::string(t.text), true, -1});
    } else if (t.kind == Token::Kind::kIdentifier && !is_condition_keyword(t) &&
               !(update_ && is_section_keyword(t))) {
      if (reserved_.empty() && is_reserved_word(t.text)) {
        reserved_ =
            "Attribute name is a reserved keyword; reserved keyword: " + std::string(t.text);
      }
      path.elements.push_back(PathElement{std::string(t.text), false, -1});
    } else {
      return fail_syntax();
    }
    ++pos_;
    return true;
  }

  bool parse_path(Path& path) { return parse_path_element_name(path) && parse_path_tail(path); }

  // What follows a path's first element: ".name" and "[n]", any number of them.
  bool parse_path_tail(Path& path) {
    for (;;) {
      if (accept(".")) {
        if (!parse_path_element_name(path)) return false;
      } else if (accept("[")) {
        const Token& t = peek();
        if (t.kind != Token::Kind::kNumber || t.text.size() > 9) return fail_syntax();
        path.elements.push_back(PathElement{"", false, std::stoll(std::string(t.text))});
        ++pos_;
        if (!expect("]")) return false;
      } else {
        return true;
      }
    }
  }

  // An update's function errors rank below the errors AWS finds with the request's names and
  // values (undefined placeholders, overlapping paths, ADD/DELETE operands): they are kept apart
  // (ParsedUpdate::function_error). A condition's rank with its other operand errors.
  std::string& function_slot() { return update_ ? function_ : operand_; }

  // A condition's operand count goes with the condition being read (AWS reports it in the
  // condition's turn, validate.cc); an update's with its function errors.
  void check_arity(std::string_view name, std::size_t expected, std::size_t actual) {
    std::string& slot = leaf_ ? leaf_->arity_error : function_slot();
    if (expected != actual && slot.empty()) {
      slot = "Incorrect number of operands for operator or function; operator or function: " +
             std::string(name) + ", number of operands: " + std::to_string(actual);
    }
  }

  // Makes `leaf` the condition being read until the guard goes.
  struct LeafGuard {
    LeafGuard(Parser& p, Condition& leaf) : parser(p), saved(p.leaf_) { p.leaf_ = &leaf; }
    ~LeafGuard() { parser.leaf_ = saved; }
    Parser& parser;
    Condition* saved;
  };

  bool parse_args(std::vector<Operand>& args, bool update, int depth) {
    if (!expect("(")) return false;
    do {
      Operand arg;
      if (!(update ? parse_update_operand(arg, depth + 1) : parse_operand(arg, depth + 1))) {
        return false;
      }
      args.push_back(std::move(arg));
    } while (accept(","));
    return expect(")");
  }

  // A condition operand: path, :value, size(path), or one of those in parentheses.
  bool parse_operand(Operand& out, int depth) {
    if (depth > kMaxExpressionDepth) return fail_syntax();
    const Token& t = peek();
    if (accept("(")) {
      // "((x))" is redundant; "((a.b).c)" is not (the inner pair does not end with the outer).
      if (is_punct(peek(), "(") && parens_.empty() &&
          matching_paren(pos_) + 1 == matching_paren(pos_ - 1)) {
        parens_ = "The expression has redundant parentheses;";
      }
      if (!parse_operand(out, depth + 1) || !expect(")")) return false;
      // A path in parentheses may go on, as AWS reads it: "(a.b).c", "((b.c)).d".
      if (out.kind == Operand::Kind::kPath && (is_punct(peek(), ".") || is_punct(peek(), "["))) {
        return parse_path_tail(out.path);
      }
      return true;
    }
    if (t.kind == Token::Kind::kValue) {
      note_value(t.text);
      out.kind = Operand::Kind::kValue;
      out.value = std::string(t.text);
      ++pos_;
      return true;
    }
    if (t.kind == Token::Kind::kIdentifier && is_punct(peek(1), "(")) {
      const std::string name(t.text);
      ++pos_;
      if (name != "size") {
        if (condition_function_arity(name) >= 0) {
          if (misused_function_.empty()) {
            misused_function_ =
                "The function is not allowed to be used this way in an expression; function: " +
                name;
          }
        } else if (unknown_function_.empty()) {
          unknown_function_ = "Invalid function name; function: " + name;
        }
      }
      out.kind = Operand::Kind::kSize;
      if (!parse_args(out.args, false, depth)) return false;
      check_arity(name, 1, out.args.size());
      return true;
    }
    out.kind = Operand::Kind::kPath;
    return parse_path(out.path);
  }

  bool parse_and(Condition& out, int depth) {
    if (!parse_not(out, depth)) return false;
    while (is_keyword(peek(), "AND")) {
      ++pos_;
      Condition rhs;
      if (!parse_not(rhs, depth)) return false;
      Condition node;
      node.kind = Condition::Kind::kAnd;
      node.children.push_back(std::move(out));
      node.children.push_back(std::move(rhs));
      out = std::move(node);
    }
    return true;
  }

  bool parse_not(Condition& out, int depth) {
    if (depth > kMaxExpressionDepth) return fail_syntax();
    if (is_keyword(peek(), "NOT")) {
      ++pos_;
      Condition inner;
      if (!parse_not(inner, depth + 1)) return false;
      out.kind = Condition::Kind::kNot;
      out.children.push_back(std::move(inner));
      return true;
    }
    return parse_primary(out, depth);
  }

  bool parse_primary(Condition& out, int depth) {
    if (is_punct(peek(), "(")) {
      // Either a parenthesised condition or a parenthesised operand: try the condition first.
      const std::size_t saved = pos_;
      const Placeholders saved_placeholders = placeholders_;
      ++pos_;
      const bool double_paren = is_punct(peek(), "(");
      Condition inner;
      if (parse_or(inner, depth + 1) && accept(")")) {
        // Redundant only when the inner parentheses hold all the outer ones do: "((a = b))",
        // not "((a = b) OR c)".
        const bool redundant = double_paren && matching_paren(saved + 1) + 2 == pos_;
        if (redundant && parens_.empty()) parens_ = "The expression has redundant parentheses;";
        out = std::move(inner);
        return true;
      }
      pos_ = saved;
      placeholders_ = saved_placeholders;
      syntax_.clear();
    }
    const Token& t = peek();
    if (t.kind == Token::Kind::kIdentifier && is_punct(peek(1), "(")) {
      const int arity = condition_function_arity(t.text);
      if (arity >= 0) return parse_condition_function(out, depth);
    }
    return parse_comparison(out, depth);
  }

  // The position of the ")" that closes the "(" at `open`.
  std::size_t matching_paren(std::size_t open) const {
    int level = 0;
    for (std::size_t i = open; i < tokens_.size(); ++i) {
      if (is_punct(tokens_[i], "(")) ++level;
      if (is_punct(tokens_[i], ")") && --level == 0) return i;
    }
    return tokens_.size();
  }

  bool parse_condition_function(Condition& out, int depth) {
    const std::string name(peek().text);
    ++pos_;
    if (name == "attribute_exists") out.kind = Condition::Kind::kAttributeExists;
    if (name == "attribute_not_exists") out.kind = Condition::Kind::kAttributeNotExists;
    if (name == "attribute_type") out.kind = Condition::Kind::kAttributeType;
    if (name == "begins_with") out.kind = Condition::Kind::kBeginsWith;
    if (name == "contains") out.kind = Condition::Kind::kContains;
    LeafGuard leaf(*this, out);
    if (!parse_args(out.operands, false, depth)) return false;
    check_arity(name, static_cast<std::size_t>(condition_function_arity(name)),
                out.operands.size());
    const bool needs_path = out.kind == Condition::Kind::kAttributeExists ||
                            out.kind == Condition::Kind::kAttributeNotExists;
    if (needs_path && !out.operands.empty() && out.operands[0].kind != Operand::Kind::kPath) {
      out.path_error =
          "Operator or function requires a document path; operator or function: " + name;
    }
    // "attribute_exists(a) > b": AWS parses the comparison and refuses the function in it.
    Comparator ignored;
    if (parse_comparator(ignored)) {
      if (misused_function_.empty()) {
        misused_function_ =
            "The function is not allowed to be used this way in an expression; function: " + name;
      }
      Operand rhs;
      return parse_operand(rhs, depth + 1);
    }
    return true;
  }

  bool parse_comparator(Comparator& c) {
    static const std::pair<std::string_view, Comparator> kOps[] = {
        {"=", Comparator::kEq},  {"<>", Comparator::kNe}, {"<", Comparator::kLt},
        {"<=", Comparator::kLe}, {">", Comparator::kGt},  {">=", Comparator::kGe}};
    for (const auto& [text, op] : kOps) {
      if (accept(text)) {
        c = op;
        return true;
      }
    }
    return false;
  }

  bool parse_comparison(Condition& out, int depth) {
    LeafGuard leaf(*this, out);
    Operand lhs;
    if (!parse_operand(lhs, depth + 1)) return false;
    out.operands.push_back(std::move(lhs));
    if (parse_comparator(out.comparator)) {
      out.kind = Condition::Kind::kCompare;
      Operand rhs;
      if (!parse_operand(rhs, depth + 1)) return false;
      out.operands.push_back(std::move(rhs));
      return true;
    }
    if (is_keyword(peek(), "BETWEEN")) {
      ++pos_;
      out.kind = Condition::Kind::kBetween;
      Operand lo, hi;
      if (!parse_operand(lo, depth + 1)) return false;
      if (!is_keyword(peek(), "AND")) return fail_syntax();
      ++pos_;
      if (!parse_operand(hi, depth + 1)) return false;
      out.operands.push_back(std::move(lo));
      out.operands.push_back(std::move(hi));
      return true;
    }
    if (is_keyword(peek(), "IN")) {
      ++pos_;
      out.kind = Condition::Kind::kIn;
      return parse_args(out.operands, false, depth);
    }
    if (out.operands[0].kind == Operand::Kind::kSize) {
      // A function standing alone as a condition: an unknown name was already reported; size()
      // is not a condition.
      if (unknown_function_.empty() && misused_function_.empty()) {
        misused_function_ =
            "The function is not allowed to be used this way in an expression; function: size";
      }
      out.kind = Condition::Kind::kAttributeExists;  // never evaluated: the parse fails
      return true;
    }
    return fail_syntax();
  }

  // An update operand: path, :value, if_not_exists(path, x), list_append(x, y), in parentheses.
  bool parse_update_operand(Operand& out, int depth) {
    if (depth > kMaxExpressionDepth) return fail_syntax();
    const Token& t = peek();
    if (accept("(")) return parse_update_operand(out, depth + 1) && expect(")");
    if (t.kind == Token::Kind::kValue) {
      note_value(t.text);
      out.kind = Operand::Kind::kValue;
      out.value = std::string(t.text);
      ++pos_;
      return true;
    }
    if (t.kind == Token::Kind::kIdentifier && is_punct(peek(1), "(")) {
      const std::string name(t.text);
      ++pos_;
      if (name == "if_not_exists") {
        out.kind = Operand::Kind::kIfNotExists;
      } else if (name == "list_append") {
        out.kind = Operand::Kind::kListAppend;
      } else if (unknown_function_.empty()) {
        unknown_function_ = "Invalid function name; function: " + name;
      }
      if (!parse_args(out.args, true, depth)) return false;
      check_arity(name, 2, out.args.size());
      if (out.kind == Operand::Kind::kIfNotExists && !out.args.empty() &&
          out.args[0].kind != Operand::Kind::kPath && function_slot().empty()) {
        function_slot() =
            "Operator or function requires a document path; operator or function: " + name;
      }
      return true;
    }
    out.kind = Operand::Kind::kPath;
    return parse_path(out.path);
  }

  bool parse_set_value(Operand& out) {
    const bool parenthesised = is_punct(peek(), "(");
    Operand first;
    if (!parse_update_operand(first, 0)) return false;
    const bool plus = is_punct(peek(), "+");
    if (!plus && !is_punct(peek(), "-")) {
      out = std::move(first);
      return true;
    }
    (void)parenthesised;
    ++pos_;
    Operand second;
    if (!parse_update_operand(second, 0)) return false;
    out.kind = plus ? Operand::Kind::kPlus : Operand::Kind::kMinus;
    out.args.push_back(std::move(first));
    out.args.push_back(std::move(second));
    return true;
  }

  bool parse_update_action(UpdateAction& action) {
    if (!parse_path(action.path)) return false;
    switch (action.kind) {
      case UpdateAction::Kind::kSet:
        return expect("=") && parse_set_value(action.value);
      case UpdateAction::Kind::kRemove:
        return true;
      default: {
        const Token& t = peek();
        if (t.kind != Token::Kind::kValue) return fail_syntax();
        note_value(t.text);
        action.value.kind = Operand::Kind::kValue;
        action.value.value = std::string(t.text);
        ++pos_;
        return true;
      }
    }
  }

  std::string_view source_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  Placeholders placeholders_;
  bool update_ = false;  // parsing an UpdateExpression
  std::string syntax_, parens_, unknown_function_, misused_function_, reserved_, section_, operand_,
      function_;
  Condition* leaf_ = nullptr;  // the condition being read (not an update)
};

AwsError syntax_error(std::string_view kind, const std::string& message) {
  return validation_error("Invalid " + std::string(kind) + ": " + message);
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::string_view comparator_text(Comparator c) {
  switch (c) {
    case Comparator::kEq:
      return "=";
    case Comparator::kNe:
      return "<>";
    case Comparator::kLt:
      return "<";
    case Comparator::kLe:
      return "<=";
    case Comparator::kGt:
      return ">";
    case Comparator::kGe:
      return ">=";
  }
  return "=";
}

std::string path_text(const Path& path) {
  std::string out = "[";
  for (std::size_t i = 0; i < path.elements.size(); ++i) {
    if (i) out += ", ";
    const auto& e = path.elements[i];
    out += e.is_index() ? "[" + std::to_string(e.index) + "]" : e.name;
  }
  return out + "]";
}

Result<ParsedCondition> parse_condition(std::string_view text, std::string_view kind) {
  if (blank(text)) return syntax_error(kind, "The expression can not be empty;");
  Parser parser(text);
  ParsedCondition parsed;
  if (parser.parse_or(parsed.root, 0)) parser.expect_end();
  if (auto e = parser.error(); !e.empty()) return syntax_error(kind, e);
  parsed.placeholders = std::move(parser.placeholders());
  return parsed;
}

Result<ParsedUpdate> parse_update(std::string_view text) {
  if (blank(text)) return syntax_error("UpdateExpression", "The expression can not be empty;");
  Parser parser(text);
  ParsedUpdate parsed;
  parser.parse_update(parsed.expression);
  if (auto e = parser.error(); !e.empty()) return syntax_error("UpdateExpression", e);
  parsed.placeholders = std::move(parser.placeholders());
  parsed.function_error = parser.function_error();
  return parsed;
}

Result<ParsedProjection> parse_projection(std::string_view text) {
  if (blank(text)) return syntax_error("ProjectionExpression", "The expression can not be empty;");
  Parser parser(text);
  ParsedProjection parsed;
  if (parser.parse_projection(parsed.expression)) parser.expect_end();
  if (auto e = parser.error(); !e.empty()) return syntax_error("ProjectionExpression", e);
  parsed.placeholders = std::move(parser.placeholders());
  return parsed;
}

}  // namespace emu::dynamodb::expr
