// Helpers for engine tests: load a spec from a string and push hand-made records.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "engine/evaluator.h"
#include "spec/loader.h"

namespace slokit::testing {

inline Spec MustLoad(const std::string& yaml) {
  Spec spec;
  Status s = LoadSpecString(yaml, "test.yaml", &spec, nullptr);
  EXPECT_TRUE(s.ok()) << s.message();
  return spec;
}

// Builds records over a spec's FieldSet by field name.
class RecordBuilder {
 public:
  explicit RecordBuilder(const Spec& spec) : spec_(spec) {}
  RecordBuilder& At(TimeNs t) {
    r_.Reset(spec_.fields.size());
    r_.time_ns = t;
    return *this;
  }
  RecordBuilder& Num(const std::string& f, double v) { return Set(f, Value::Number(v)); }
  RecordBuilder& Str(const std::string& f, std::string_view v) { return Set(f, Value::String(v)); }
  RecordBuilder& Bool(const std::string& f, bool v) { return Set(f, Value::Bool(v)); }
  const Record& record() const { return r_; }

 private:
  RecordBuilder& Set(const std::string& f, Value v) {
    int i = spec_.fields.Find(f);
    if (i >= 0) r_.values[static_cast<size_t>(i)] = v;
    return *this;
  }
  const Spec& spec_;
  Record r_;
};

// 2026-10-01T00:00:00Z, a Thursday.
inline constexpr TimeNs kT0 = 1790812800LL * kSecond;

}  // namespace slokit::testing
