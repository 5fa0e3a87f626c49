#include "core/expr.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace slokit {

// Recursive-descent parser over a hand-written tokenizer. Precedence, loosest first:
// or, and, not, comparison.
class ExprParser {
 public:
  ExprParser(std::string_view text, FieldSet* fields, Expr* out) : text_(text), fields_(fields), out_(out) {}

  Status Run(int* error_column) {
    out_->nodes_.clear();
    out_->strings_.clear();
    Next();
    int root = -1;
    if (ok_) root = ParseOr();
    if (ok_ && tok_.kind != Tok::kEnd) Fail(tok_.start, fmt::format("unexpected {}", Describe(tok_)));
    if (!ok_) {
      if (error_column) *error_column = static_cast<int>(error_pos_) + 1;
      return Status::ParseError(fmt::format("column {}: {}", error_pos_ + 1, error_));
    }
    out_->root_ = root;
    return Status::Ok();
  }

 private:
  enum class Tok { kEnd, kIdent, kNumber, kString, kLParen, kRParen, kLBracket, kRBracket, kComma, kOp, kError };
  struct Token {
    Tok kind = Tok::kEnd;
    size_t start = 0;
    std::string_view text;
    std::string string_value;  // unescaped string literal
    double number = 0;
  };

  static bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
  static bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; }

  void Fail(size_t pos, std::string msg) {
    if (!ok_) return;
    ok_ = false;
    error_pos_ = pos;
    error_ = std::move(msg);
  }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd: return "end of expression";
      case Tok::kString: return fmt::format("string \"{}\"", t.string_value);
      default: return fmt::format("'{}'", t.text);
    }
  }

  void Next() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
    tok_ = Token{};
    tok_.start = pos_;
    if (pos_ >= text_.size()) return;
    char c = text_[pos_];
    auto single = [&](Tok k) {
      tok_.kind = k;
      tok_.text = text_.substr(pos_, 1);
      ++pos_;
    };
    if (c == '(') return single(Tok::kLParen);
    if (c == ')') return single(Tok::kRParen);
    if (c == '[') return single(Tok::kLBracket);
    if (c == ']') return single(Tok::kRBracket);
    if (c == ',') return single(Tok::kComma);
    if (c == '"' || c == '\'') return LexString(c);
    if ((c >= '0' && c <= '9') || ((c == '-' || c == '.') && pos_ + 1 < text_.size() &&
                                   ((text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9') || text_[pos_ + 1] == '.')))
      return LexNumber();
    if (IsIdentStart(c)) {
      size_t s = pos_;
      while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
      tok_.kind = Tok::kIdent;
      tok_.text = text_.substr(s, pos_ - s);
      return;
    }
    static constexpr std::string_view kOps[] = {"==", "!=", "<=", ">=", "&&", "||", "<", ">", "=", "!"};
    for (std::string_view op : kOps) {
      if (text_.substr(pos_, op.size()) == op) {
        tok_.kind = Tok::kOp;
        tok_.text = text_.substr(pos_, op.size());
        pos_ += op.size();
        return;
      }
    }
    tok_.kind = Tok::kError;
    tok_.text = text_.substr(pos_, 1);
    Fail(pos_, fmt::format("unexpected character '{}'", c));
  }

  void LexString(char quote) {
    size_t s = pos_++;
    std::string v;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        char e = text_[pos_++];
        switch (e) {
          case 'n': v += '\n'; break;
          case 't': v += '\t'; break;
          default: v += e;
        }
      } else {
        v += c;
      }
    }
    if (pos_ >= text_.size()) {
      tok_.kind = Tok::kError;
      Fail(s, "unterminated string");
      return;
    }
    ++pos_;
    tok_.kind = Tok::kString;
    tok_.text = text_.substr(s, pos_ - s);
    tok_.string_value = std::move(v);
  }

  void LexNumber() {
    size_t s = pos_;
    if (text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() &&
           ((text_[pos_] >= '0' && text_[pos_] <= '9') || text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E' ||
            ((text_[pos_] == '+' || text_[pos_] == '-') && (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E'))))
      ++pos_;
    std::string num(text_.substr(s, pos_ - s));
    char* end = nullptr;
    double v = std::strtod(num.c_str(), &end);
    tok_.text = text_.substr(s, pos_ - s);
    if (end != num.c_str() + num.size() || !std::isfinite(v)) {
      tok_.kind = Tok::kError;
      Fail(s, fmt::format("bad number '{}'", num));
      return;
    }
    if (pos_ < text_.size() && IsIdentStart(text_[pos_])) {
      Fail(pos_, fmt::format("unexpected '{}' after number {} (units are not allowed in expressions; "
                             "use a latency SLI for thresholds with units)", text_[pos_], num));
      tok_.kind = Tok::kError;
      return;
    }
    tok_.kind = Tok::kNumber;
    tok_.number = v;
  }

  bool IsWord(std::string_view w) const { return tok_.kind == Tok::kIdent && tok_.text == w; }
  bool IsOp(std::string_view o) const { return tok_.kind == Tok::kOp && tok_.text == o; }

  int ParseOr() {
    int left = ParseAnd();
    while (ok_ && (IsWord("or") || IsOp("||"))) {
      Next();
      int right = ParseAnd();
      left = Binary(Expr::Kind::kOr, left, right);
    }
    return left;
  }

  int ParseAnd() {
    int left = ParseNot();
    while (ok_ && (IsWord("and") || IsOp("&&"))) {
      Next();
      int right = ParseNot();
      left = Binary(Expr::Kind::kAnd, left, right);
    }
    return left;
  }

  // Evaluation recurses over the tree, so hostile input must not build a deep one.
  static constexpr int kMaxDepth = 64;
  static constexpr size_t kMaxNodes = 512;

  int ParseNot() {
    if (IsWord("not") || IsOp("!")) {
      DepthGuard guard(this);
      if (!ok_) return -1;
      Next();
      Expr::Node n;
      n.kind = Expr::Kind::kNot;
      n.left = ParseNot();
      return Add(std::move(n));
    }
    return ParseComparison();
  }

  int Binary(Expr::Kind kind, int a, int b) {
    Expr::Node n;
    n.kind = kind;
    n.left = a;
    n.right = b;
    return Add(std::move(n));
  }

  // Literal at the current token, or fails.
  bool ParseLiteral(Value* v, bool* is_null) {
    *is_null = false;
    switch (tok_.kind) {
      case Tok::kNumber: *v = Value::Number(tok_.number); break;
      case Tok::kString: {
        auto s = std::make_shared<const std::string>(tok_.string_value);
        *v = Value::String(*s);
        out_->strings_.push_back(std::move(s));
        break;
      }
      case Tok::kIdent:
        if (tok_.text == "true") *v = Value::Bool(true);
        else if (tok_.text == "false") *v = Value::Bool(false);
        else if (tok_.text == "null") *is_null = true;
        else {
          Fail(tok_.start, fmt::format("expected a literal (number, string, true, false, null), got field name '{}'"
                                       " (quote strings: \"{}\")", tok_.text, tok_.text));
          return false;
        }
        break;
      default:
        Fail(tok_.start, fmt::format("expected a literal, got {}", Describe(tok_)));
        return false;
    }
    Next();
    return true;
  }

  bool ParseList(std::vector<Value>* list) {
    if (tok_.kind != Tok::kLBracket) {
      Fail(tok_.start, fmt::format("expected '[' after 'in', got {}", Describe(tok_)));
      return false;
    }
    Next();
    while (ok_ && tok_.kind != Tok::kRBracket) {
      Value v;
      bool is_null;
      size_t at = tok_.start;
      if (!ParseLiteral(&v, &is_null)) return false;
      if (is_null) {
        Fail(at, "null is not allowed in a list; use '== null'");
        return false;
      }
      list->push_back(v);
      if (tok_.kind == Tok::kComma) Next();
      else if (tok_.kind != Tok::kRBracket) {
        Fail(tok_.start, fmt::format("expected ',' or ']' in list, got {}", Describe(tok_)));
        return false;
      }
    }
    if (!ok_) return false;
    Next();
    return true;
  }

  int ParseComparison() {
    if (tok_.kind == Tok::kLParen) {
      DepthGuard guard(this);
      if (!ok_) return -1;
      Next();
      int inner = ParseOr();
      if (ok_ && tok_.kind != Tok::kRParen) Fail(tok_.start, fmt::format("expected ')', got {}", Describe(tok_)));
      if (ok_) Next();
      return inner;
    }
    if (tok_.kind == Tok::kIdent && (tok_.text == "true" || tok_.text == "false")) {
      Expr::Node n;
      n.kind = Expr::Kind::kConst;
      n.constant = tok_.text == "true";
      Next();
      return Add(std::move(n));
    }
    if (tok_.kind != Tok::kIdent || tok_.text == "and" || tok_.text == "or" || tok_.text == "in" || tok_.text == "null") {
      Fail(tok_.start, fmt::format("expected a field name, got {}", Describe(tok_)));
      return -1;
    }
    int field = fields_->Intern(tok_.text);
    Next();
    Expr::Node n;
    n.field = field;
    if (IsWord("in") || IsWord("not")) {
      bool negated = IsWord("not");
      size_t at = tok_.start;
      Next();
      if (negated && !IsWord("in")) {
        Fail(at, "expected 'in' after 'not' (write 'not x' before the field to negate)");
        return -1;
      }
      if (negated) Next();
      n.kind = negated ? Expr::Kind::kNotIn : Expr::Kind::kIn;
      if (!ParseList(&n.list)) return -1;
      return Add(std::move(n));
    }
    if (tok_.kind == Tok::kOp && tok_.text != "&&" && tok_.text != "||" && tok_.text != "!") {
      std::string_view op = tok_.text;
      size_t at = tok_.start;
      if (op == "=") {
        Fail(at, "use '==' to compare");
        return -1;
      }
      n.kind = Expr::Kind::kCompare;
      n.op = op == "==" ? Expr::Op::kEq : op == "!=" ? Expr::Op::kNe : op == "<" ? Expr::Op::kLt
           : op == "<=" ? Expr::Op::kLe : op == ">" ? Expr::Op::kGt : Expr::Op::kGe;
      Next();
      bool is_null;
      if (!ParseLiteral(&n.literal, &is_null)) return -1;
      if (is_null) {
        if (n.op != Expr::Op::kEq && n.op != Expr::Op::kNe) {
          Fail(at, "null can only be compared with == or !=");
          return -1;
        }
        n.kind = n.op == Expr::Op::kEq ? Expr::Kind::kIsNull : Expr::Kind::kNotNull;
      }
      return Add(std::move(n));
    }
    n.kind = Expr::Kind::kTruthy;
    return Add(std::move(n));
  }

  struct DepthGuard {
    explicit DepthGuard(ExprParser* p) : parser(p) {
      if (++parser->depth_ > kMaxDepth) parser->Fail(parser->tok_.start, "expression nested too deeply");
    }
    ~DepthGuard() { --parser->depth_; }
    ExprParser* parser;
  };

  int Add(Expr::Node n) {
    if (out_->nodes_.size() >= kMaxNodes) Fail(tok_.start, "expression too long");
    return out_->Add(std::move(n));
  }

  int depth_ = 0;
  std::string_view text_;
  FieldSet* fields_;
  Expr* out_;
  size_t pos_ = 0;
  Token tok_;
  bool ok_ = true;
  size_t error_pos_ = 0;
  std::string error_;
};

namespace {

std::string LiteralToString(const Value& v) {
  switch (v.type) {
    case ValueType::kNumber: return fmt::format("{}", v.number);
    case ValueType::kBool: return v.boolean ? "true" : "false";
    case ValueType::kString: {
      std::string out = "\"";
      for (char c : v.string) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
    default: return "null";
  }
}

const char* OpName(Expr::Op op) {
  switch (op) {
    case Expr::Op::kEq: return "==";
    case Expr::Op::kNe: return "!=";
    case Expr::Op::kLt: return "<";
    case Expr::Op::kLe: return "<=";
    case Expr::Op::kGt: return ">";
    case Expr::Op::kGe: return ">=";
  }
  return "?";
}

}  // namespace

Expr::Expr() { root_ = Add(Node{}); }

Status Expr::Parse(std::string_view text, FieldSet* fields, Expr* out, int* error_column) {
  ExprParser parser(text, fields, out);
  Status s = parser.Run(error_column);
  if (!s.ok()) *out = Expr();
  return s;
}

int Expr::Add(Node n) {
  nodes_.push_back(std::move(n));
  return static_cast<int>(nodes_.size()) - 1;
}

int Expr::Graft(const Expr& other) {
  int offset = static_cast<int>(nodes_.size());
  for (Node n : other.nodes_) {
    if (n.left >= 0) n.left += offset;
    if (n.right >= 0) n.right += offset;
    nodes_.push_back(std::move(n));
  }
  strings_.insert(strings_.end(), other.strings_.begin(), other.strings_.end());
  return other.root_ + offset;
}

Expr Expr::Compare(int field, Op op, double number) {
  Expr e;
  e.nodes_.clear();
  Node n;
  n.kind = Kind::kCompare;
  n.field = field;
  n.op = op;
  n.literal = Value::Number(number);
  e.root_ = e.Add(std::move(n));
  return e;
}

Expr Expr::IsTrue(int field) {
  Expr e;
  e.nodes_.clear();
  Node n;
  n.kind = Kind::kTruthy;
  n.field = field;
  e.root_ = e.Add(std::move(n));
  return e;
}

Expr Expr::Present(int field) {
  Expr e;
  e.nodes_.clear();
  Node n;
  n.kind = Kind::kNotNull;
  n.field = field;
  e.root_ = e.Add(std::move(n));
  return e;
}

Expr Expr::Constant(bool v) {
  Expr e;
  e.nodes_[0].constant = v;
  return e;
}

Expr Expr::And(std::vector<Expr> parts) {
  // "true and x" is x: SLIs add their own conditions to a validity filter that is often absent.
  std::erase_if(parts, [](const Expr& p) {
    const Node& root = p.nodes_[static_cast<size_t>(p.root_)];
    return root.kind == Kind::kConst && root.constant;
  });
  if (parts.empty()) return Expr();
  if (parts.size() == 1) return std::move(parts[0]);
  Expr e;
  e.nodes_.clear();
  int left = e.Graft(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    Node n;
    n.kind = Kind::kAnd;
    n.left = left;
    n.right = e.Graft(parts[i]);
    left = e.Add(std::move(n));
  }
  e.root_ = left;
  return e;
}

Expr Expr::Not(Expr inner) {
  Expr e;
  e.nodes_.clear();
  Node n;
  n.kind = Kind::kNot;
  n.left = e.Graft(inner);
  e.root_ = e.Add(std::move(n));
  return e;
}

std::string Expr::ToString(const FieldSet& fields) const { return NodeToString(fields, root_); }

std::string Expr::NodeToString(const FieldSet& fields, int i) const {
  const Node& n = nodes_[static_cast<size_t>(i)];
  auto name = [&]() { return n.field >= 0 && static_cast<size_t>(n.field) < fields.size() ? fields.name(n.field) : "?"; };
  switch (n.kind) {
    case Kind::kConst: return n.constant ? "true" : "false";
    case Kind::kAnd:
      return fmt::format("({} and {})", NodeToString(fields, n.left), NodeToString(fields, n.right));
    case Kind::kOr:
      return fmt::format("({} or {})", NodeToString(fields, n.left), NodeToString(fields, n.right));
    case Kind::kNot: return fmt::format("not {}", NodeToString(fields, n.left));
    case Kind::kTruthy: return name();
    case Kind::kIsNull: return name() + " == null";
    case Kind::kNotNull: return name() + " != null";
    case Kind::kCompare: return fmt::format("{} {} {}", name(), OpName(n.op), LiteralToString(n.literal));
    case Kind::kIn:
    case Kind::kNotIn: {
      std::string out = name() + (n.kind == Kind::kIn ? " in [" : " not in [");
      for (size_t k = 0; k < n.list.size(); ++k) out += (k ? ", " : "") + LiteralToString(n.list[k]);
      return out + "]";
    }
  }
  return "?";
}

}  // namespace slokit
