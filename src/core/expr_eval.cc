// Expr evaluation: one record at a time (Eval) or a RecordBatch at a time (EvalBatch), with the
// same leaf semantics (documented in expr.h) shared by both.
#include "core/expr.h"

#include <algorithm>
#include <charconv>
#include <functional>

#include "core/record_batch.h"

namespace slokit {
namespace {

// Reads a string as a whole number, for comparisons of string fields with number literals.
bool StringToNumber(std::string_view s, double* out) {
  if (s.empty() || s.size() > 64) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// -1, 0, 1, or 2 when the two values cannot be ordered.
int Compare3(const Value& a, const Value& b) {
  double x, y;
  if (a.type == ValueType::kNumber && b.type == ValueType::kNumber) {
    x = a.number;
    y = b.number;
  } else if (a.type == ValueType::kString && b.type == ValueType::kString) {
    int c = a.string.compare(b.string);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  } else if (a.type == ValueType::kBool && b.type == ValueType::kBool) {
    return a.boolean == b.boolean ? 0 : a.boolean ? 1 : -1;
  } else if (a.type == ValueType::kString && b.type == ValueType::kNumber) {
    if (!StringToNumber(a.string, &x)) return 2;
    y = b.number;
  } else if (a.type == ValueType::kNumber && b.type == ValueType::kString) {
    x = a.number;
    if (!StringToNumber(b.string, &y)) return 2;
  } else {
    return 2;
  }
  if (x < y) return -1;
  if (x > y) return 1;
  return x == y ? 0 : 2;  // NaN
}

bool ApplyOp(Expr::Op op, int c) {
  if (c == 2) return op == Expr::Op::kNe;  // incomparable values are different, never ordered
  switch (op) {
    case Expr::Op::kEq: return c == 0;
    case Expr::Op::kNe: return c != 0;
    case Expr::Op::kLt: return c < 0;
    case Expr::Op::kLe: return c <= 0;
    case Expr::Op::kGt: return c > 0;
    case Expr::Op::kGe: return c >= 0;
  }
  return false;
}

}  // namespace

// Inlined into both evaluators: a call per leaf cost the per-record one a tenth of its time.
[[gnu::always_inline]] inline bool Expr::EvalLeaf(const Node& n, const Value& v) {
  switch (n.kind) {
    case Kind::kIsNull: return !v.present();
    case Kind::kNotNull: return v.present();
    case Kind::kTruthy:
      return (v.type == ValueType::kBool && v.boolean) || (v.type == ValueType::kNumber && v.number != 0);
    case Kind::kCompare:
      if (v.type == ValueType::kNumber && n.literal.type == ValueType::kNumber) {
        // The common case (status < 500, ttft_ms <= 2500), without the general dispatch.
        const double x = v.number, y = n.literal.number;
        switch (n.op) {
          case Op::kEq: return x == y;
          case Op::kNe: return x != y;
          case Op::kLt: return x < y;
          case Op::kLe: return x <= y;
          case Op::kGt: return x > y;
          case Op::kGe: return x >= y;
        }
      }
      return v.present() && ApplyOp(n.op, Compare3(v, n.literal));
    case Kind::kIn:
    case Kind::kNotIn: {
      if (!v.present()) return false;
      bool found = false;
      for (const Value& item : n.list) {
        if (v.type == ValueType::kNumber && item.type == ValueType::kNumber ? v.number == item.number
                                                                            : Compare3(v, item) == 0) {
          found = true;
          break;
        }
      }
      return found == (n.kind == Kind::kIn);
    }
    default: return false;
  }
}

bool Expr::EvalNode(const Record& r, int i) const {
  const Node& n = nodes_[static_cast<size_t>(i)];
  switch (n.kind) {
    case Kind::kConst: return n.constant;
    case Kind::kAnd: return EvalNode(r, n.left) && EvalNode(r, n.right);
    case Kind::kOr: return EvalNode(r, n.left) || EvalNode(r, n.right);
    case Kind::kNot: return !EvalNode(r, n.left);
    default: break;
  }
  static const Value kMissing;
  // Both branches are lvalues, so no Value is copied.
  const Value& v = static_cast<size_t>(n.field) < r.values.size() ? r.values[static_cast<size_t>(n.field)] : kMissing;
  return EvalLeaf(n, v);
}

namespace {

// Sets bit j of out[w] to test(row w * 64 + j) for every row; bits past the last row are zero.
template <typename Test>
void FillBits(const RecordBatch& b, int field, uint64_t* out, Test test) {
  const size_t rows = b.size();
  for (size_t w = 0; w * 64 < rows; ++w) {
    const size_t end = std::min<size_t>(64, rows - w * 64);
    uint64_t bits = 0;
    for (size_t j = 0; j < end; ++j) bits |= uint64_t{test(b.value(w * 64 + j, field))} << j;
    out[w] = bits;
  }
}

}  // namespace

void Expr::EvalBatch(const RecordBatch& batch, uint64_t* out) const { EvalBatchNode(batch, root_, out); }

// The tree is walked once per batch; each leaf then runs a tight loop over the rows, with the
// number comparisons of almost every filter specialised by operator.
void Expr::EvalBatchNode(const RecordBatch& b, int i, uint64_t* out) const {
  const Node& n = nodes_[static_cast<size_t>(i)];
  const size_t rows = b.size(), words = (rows + 63) / 64;
  // The bits of word w that stand for rows.
  auto row_bits = [&](size_t w) {
    const size_t end = std::min<size_t>(64, rows - w * 64);
    return end == 64 ? ~uint64_t{0} : (uint64_t{1} << end) - 1;
  };
  auto fill = [&](bool bit) {
    for (size_t w = 0; w < words; ++w) out[w] = bit ? row_bits(w) : 0;
  };
  switch (n.kind) {
    case Kind::kConst: return fill(n.constant);
    case Kind::kAnd:
    case Kind::kOr: {
      uint64_t right[RecordBatch::kWords];
      EvalBatchNode(b, n.left, out);
      EvalBatchNode(b, n.right, right);
      for (size_t w = 0; w < words; ++w) out[w] = n.kind == Kind::kAnd ? out[w] & right[w] : out[w] | right[w];
      return;
    }
    case Kind::kNot:
      EvalBatchNode(b, n.left, out);
      for (size_t w = 0; w < words; ++w) out[w] = ~out[w] & row_bits(w);
      return;
    default: break;
  }
  if (static_cast<size_t>(n.field) >= b.fields()) return fill(EvalLeaf(n, Value{}));
  if (n.kind == Kind::kCompare && n.literal.type == ValueType::kNumber) {
    const double y = n.literal.number;
    auto by_op = [&](auto cmp) {
      FillBits(b, n.field, out, [&](const Value& v) {
        return v.type == ValueType::kNumber ? cmp(v.number, y) : EvalLeaf(n, v);
      });
    };
    switch (n.op) {
      case Op::kEq: return by_op(std::equal_to<double>());
      case Op::kNe: return by_op(std::not_equal_to<double>());
      case Op::kLt: return by_op(std::less<double>());
      case Op::kLe: return by_op(std::less_equal<double>());
      case Op::kGt: return by_op(std::greater<double>());
      case Op::kGe: return by_op(std::greater_equal<double>());
    }
  }
  switch (n.kind) {
    case Kind::kTruthy:
      return FillBits(b, n.field, out, [](const Value& v) {
        return (v.type == ValueType::kBool && v.boolean) || (v.type == ValueType::kNumber && v.number != 0);
      });
    case Kind::kIsNull: return FillBits(b, n.field, out, [](const Value& v) { return !v.present(); });
    case Kind::kNotNull: return FillBits(b, n.field, out, [](const Value& v) { return v.present(); });
    case Kind::kIn:
    case Kind::kNotIn:
      if (std::all_of(n.list.begin(), n.list.end(), [](const Value& x) { return x.type == ValueType::kNumber; })) {
        const bool in = n.kind == Kind::kIn;
        return FillBits(b, n.field, out, [&](const Value& v) {
          if (v.type != ValueType::kNumber) return EvalLeaf(n, v);
          bool found = false;
          for (const Value& item : n.list) found |= v.number == item.number;
          return found == in;
        });
      }
      break;
    default: break;
  }
  FillBits(b, n.field, out, [&](const Value& v) { return EvalLeaf(n, v); });
}

}  // namespace slokit
