// Fuzzes the filter-expression parser and evaluator: any input must parse or fail cleanly, and a
// parsed expression must evaluate and print without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/expr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  slokit::FieldSet fields;
  slokit::Expr e;
  if (!slokit::Expr::Parse(text, &fields, &e).ok()) return 0;
  slokit::Record r;
  r.Reset(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    switch (i % 4) {
      case 0:
        r.values[i] = slokit::Value::Number(static_cast<double>(i));
        break;
      case 1:
        r.values[i] = slokit::Value::String("42");
        break;
      case 2:
        r.values[i] = slokit::Value::Bool(true);
        break;
      default:
        break;  // missing
    }
  }
  (void)e.Eval(r);
  (void)e.ToString(fields);
  return 0;
}
