// Expr: the small filter language of the spec ("status < 500 and not maintenance",
// "model in ['llama-3-8b', 'llama-3-70b']"). Parsed once against a FieldSet, evaluated per record.
//
// Semantics (documented in docs/spec.md):
//  - a comparison with a missing or null field is false, whatever the operator (so `status != 200`
//    and `status not in [..]` are false when status is missing); `x == null` is true when x is
//    missing or null and `x != null` when it is present;
//  - a bare field is true only when it holds boolean true (or a non-zero number);
//  - numbers compare numerically; a string compared with a number is read as a number if it
//    is one, otherwise the comparison is false; strings compare bytewise.
// An Expr is immutable after parsing and safe to evaluate from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/status.h"

namespace slokit {

class RecordBatch;

class Expr {
 public:
  // Parses `text`, interning every field it names into `fields`. On error returns a status whose
  // message starts with "column N: " (1-based, counted in bytes of `text`); `*error_column`
  // receives N so callers can map it to a position in their own file.
  static Status Parse(std::string_view text, FieldSet* fields, Expr* out, int* error_column = nullptr);

  // Builds `field <op> number` directly, for SLI sugar (latency thresholds, quality minimums).
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
  static Expr Compare(int field, Op op, double number);
  static Expr IsTrue(int field);   // the bare-field test
  static Expr Present(int field);  // field != null
  static Expr Constant(bool v);
  static Expr And(std::vector<Expr> parts);
  static Expr Not(Expr e);

  Expr();  // the constant true
  bool Eval(const Record& r) const { return EvalNode(r, root_); }
  // Evaluates every row of `batch` at once: bit j of out[w] is Eval(row w * 64 + j). Writes the
  // (size() + 63) / 64 words that hold rows; bits past the last row are zero.
  void EvalBatch(const RecordBatch& batch, uint64_t* out) const;
  // The expression printed back in canonical form, with field names from `fields`.
  std::string ToString(const FieldSet& fields) const;

 private:
  friend class ExprParser;
  enum class Kind : uint8_t { kConst, kTruthy, kCompare, kIn, kNotIn, kIsNull, kNotNull, kAnd, kOr, kNot };
  struct Node {
    Kind kind = Kind::kConst;
    Op op = Op::kEq;
    bool constant = true;
    int field = -1;
    Value literal;                     // for kCompare
    std::vector<Value> list;           // for kIn / kNotIn
    int left = -1, right = -1;         // child node indices (kNot uses left)
  };
  bool EvalNode(const Record& r, int node) const;
  static bool EvalLeaf(const Node& n, const Value& v);  // a comparison or test of one field
  void EvalBatchNode(const RecordBatch& batch, int node, uint64_t* out) const;
  std::string NodeToString(const FieldSet& fields, int node) const;
  int Add(Node n);
  int Graft(const Expr& other);  // copies other's nodes in; returns the index of its root

  std::vector<Node> nodes_;
  // Owns the bytes of string literals; Values in nodes_ view them. Heap strings keep the views
  // valid when an Expr is copied, moved or grafted into another.
  std::vector<std::shared_ptr<const std::string>> strings_;
  int root_ = 0;
};

}  // namespace slokit
