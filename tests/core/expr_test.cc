#include "core/expr.h"

#include <gtest/gtest.h>

namespace slokit {
namespace {

class ExprTest : public ::testing::Test {
 protected:
  bool Eval(const std::string& text) {
    Expr e;
    Status s = Expr::Parse(text, &fields_, &e);
    EXPECT_TRUE(s.ok()) << text << ": " << s.message();
    return e.Eval(record_);
  }
  void Set(const std::string& name, Value v) {
    int i = fields_.Intern(name);
    if (record_.values.size() <= static_cast<size_t>(i)) record_.values.resize(static_cast<size_t>(i) + 1);
    record_.values[static_cast<size_t>(i)] = v;
  }
  std::string Error(const std::string& text, int* column = nullptr) {
    Expr e;
    Status s = Expr::Parse(text, &fields_, &e, column);
    EXPECT_FALSE(s.ok()) << text;
    return s.message();
  }
  FieldSet fields_;
  Record record_;
};

TEST_F(ExprTest, ComparesNumbers) {
  Set("status", Value::Number(503));
  EXPECT_TRUE(Eval("status >= 500"));
  EXPECT_FALSE(Eval("status < 500"));
  EXPECT_TRUE(Eval("status == 503"));
  EXPECT_TRUE(Eval("status != 200"));
  EXPECT_TRUE(Eval("status <= 503 and status > 502.5"));
  EXPECT_TRUE(Eval("status in [500, 503]"));
  EXPECT_FALSE(Eval("status not in [500, 503]"));
}

TEST_F(ExprTest, ComparesStringsAndBools) {
  Set("model", Value::String("llama-3-8b"));
  Set("cached", Value::Bool(true));
  EXPECT_TRUE(Eval("model == \"llama-3-8b\""));
  EXPECT_TRUE(Eval("model == 'llama-3-8b'"));
  EXPECT_TRUE(Eval("model in ['mixtral', 'llama-3-8b']"));
  EXPECT_TRUE(Eval("model < 'm'"));
  EXPECT_TRUE(Eval("cached"));
  EXPECT_FALSE(Eval("not cached"));
  EXPECT_TRUE(Eval("cached == true"));
  EXPECT_FALSE(Eval("!cached || false"));
}

TEST_F(ExprTest, StringFieldComparedWithNumberIsReadAsNumber) {
  Set("status", Value::String("429"));
  EXPECT_TRUE(Eval("status == 429"));
  EXPECT_TRUE(Eval("status in [429]"));
  Set("status", Value::String("n/a"));
  EXPECT_FALSE(Eval("status == 429"));
  EXPECT_FALSE(Eval("status < 500"));
  EXPECT_TRUE(Eval("status != 429"));
}

TEST_F(ExprTest, MissingFieldMakesEveryComparisonFalse) {
  fields_.Intern("status");
  record_.values.resize(fields_.size());
  EXPECT_FALSE(Eval("status == 200"));
  EXPECT_FALSE(Eval("status != 200"));
  EXPECT_FALSE(Eval("status not in [499]"));
  EXPECT_TRUE(Eval("not (status in [499])"));
  EXPECT_TRUE(Eval("status == null"));
  EXPECT_FALSE(Eval("status != null"));
  EXPECT_FALSE(Eval("maintenance"));
  EXPECT_TRUE(Eval("not maintenance"));
  Set("status", Value::Null());
  EXPECT_TRUE(Eval("status == null"));
  EXPECT_FALSE(Eval("status >= 0"));
}

TEST_F(ExprTest, PrecedenceIsNotThenAndThenOr) {
  Set("a", Value::Bool(true));
  Set("b", Value::Bool(false));
  Set("c", Value::Bool(false));
  EXPECT_TRUE(Eval("a or b and c"));     // a or (b and c)
  EXPECT_FALSE(Eval("(a or b) and c"));
  EXPECT_TRUE(Eval("not b and a"));      // (not b) and a
  EXPECT_FALSE(Eval("not (b or a)"));
}

TEST_F(ExprTest, ErrorsNameTheColumn) {
  int column = 0;
  EXPECT_EQ(Error("status <", &column), "column 9: expected a literal, got end of expression");
  EXPECT_EQ(column, 9);
  EXPECT_EQ(Error("status = 200"), "column 8: use '==' to compare");
  EXPECT_EQ(Error("status < 500 and"), "column 17: expected a field name, got end of expression");
  EXPECT_EQ(Error("model == llama"),
            "column 10: expected a literal (number, string, true, false, null), got field name 'llama' (quote "
            "strings: \"llama\")");
  EXPECT_EQ(Error("(status < 500"), "column 14: expected ')', got end of expression");
  EXPECT_EQ(Error("status in [1, 2"), "column 16: expected ',' or ']' in list, got end of expression");
  EXPECT_EQ(Error("name == 'abc"), "column 9: unterminated string");
  EXPECT_EQ(Error("ttft < 500ms"), Error("ttft < 500ms"));
  EXPECT_NE(Error("ttft < 500ms").find("units are not allowed"), std::string::npos);
  EXPECT_EQ(Error("status # 1"), "column 8: unexpected character '#'");
  EXPECT_EQ(Error("a b"), "column 3: unexpected 'b'");
}

TEST_F(ExprTest, RejectsHostileNestingAndLength) {
  std::string nots, parens, chain = "a";
  for (int i = 0; i < 5000; ++i) nots += "not ";
  EXPECT_NE(Error(nots + "a").find("nested too deeply"), std::string::npos);
  EXPECT_NE(Error(std::string(3000, '(') + "a" + std::string(3000, ')')).find("nested too deeply"), std::string::npos);
  for (int i = 0; i < 3000; ++i) chain += " and a";
  EXPECT_NE(Error(chain).find("too long"), std::string::npos);
}

TEST_F(ExprTest, PrintsCanonicalForm) {
  Expr e;
  ASSERT_TRUE(Expr::Parse("not maintenance and status not in [499, 401] or model == 'x'", &fields_, &e).ok());
  EXPECT_EQ(e.ToString(fields_), "((not maintenance and status not in [499, 401]) or model == \"x\")");
}

TEST_F(ExprTest, BuiltExpressionsSurviveCopies) {
  Expr parsed;
  ASSERT_TRUE(Expr::Parse("model == 'llama'", &fields_, &parsed).ok());
  int ttft = fields_.Intern("ttft");
  Expr combined = Expr::And({parsed, Expr::Compare(ttft, Expr::Op::kLe, 500), Expr::Present(ttft)});
  Expr copy = combined;
  parsed = Expr();
  Set("model", Value::String("llama"));
  Set("ttft", Value::Number(400));
  EXPECT_TRUE(copy.Eval(record_));
  Set("ttft", Value::Number(600));
  EXPECT_FALSE(copy.Eval(record_));
  EXPECT_FALSE(Expr::Not(copy).Eval(record_) == copy.Eval(record_));
  EXPECT_FALSE(Expr::Constant(false).Eval(record_));
}

}  // namespace
}  // namespace slokit
