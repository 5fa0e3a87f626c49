// RecordBatch keeps its own copies of strings, and Expr::EvalBatch agrees with Expr::Eval row by
// row for every kind of node and every kind of value, at batch sizes around the 64-row words.
#include "core/record_batch.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/expr.h"

namespace slokit {
namespace {

TEST(RecordBatch, CopiesStringsSoTheReadersBufferMayChange) {
  FieldSet fields;
  fields.Intern("model");
  fields.Intern("note");
  RecordBatch batch(fields.size());
  std::string buffer = "llama";
  std::string large(100000, 'x');  // longer than an arena chunk
  Record r;
  r.Reset(fields.size());
  r.time_ns = 7;
  r.values[0] = Value::String(buffer);
  r.values[1] = Value::String(large);
  batch.Append(r);
  buffer = "qwen!";
  large.assign(large.size(), 'y');
  EXPECT_EQ(batch.value(0, 0).string, "llama");
  EXPECT_EQ(batch.value(0, 1).string, std::string(100000, 'x'));
  EXPECT_EQ(batch.time(0), 7);

  Record short_record;  // fewer values than fields: the rest are missing
  short_record.values = {Value::Number(1)};
  batch.Append(short_record);
  EXPECT_EQ(batch.value(1, 0).number, 1);
  EXPECT_EQ(batch.value(1, 1).type, ValueType::kMissing);

  batch.Clear();
  EXPECT_TRUE(batch.empty());
  r.values[1] = Value{};
  for (int i = 0; i < 2000; ++i) {  // several arena chunks' worth after a Clear
    buffer.assign(100, static_cast<char>('a' + i % 26));
    r.values[0] = Value::String(buffer);
    if (batch.full()) batch.Clear();
    batch.Append(r);
    ASSERT_EQ(batch.value(batch.size() - 1, 0).string, std::string(100, static_cast<char>('a' + i % 26)));
  }
  EXPECT_EQ(batch.value(0, 0).string[0], static_cast<char>('a' + (2000 / RecordBatch::kCapacity * RecordBatch::kCapacity) % 26));
}

Value RandomValue(std::mt19937_64& rng) {
  static const char* kStrings[] = {"a", "b", "llama", "429", "1e3", "", "n/a"};
  switch (rng() % 6) {
    case 0: return Value{};
    case 1: return Value::Null();
    case 2: return Value::Bool(rng() % 2);
    case 3: return Value::String(kStrings[rng() % 7]);
    default: {
      static const double kNumbers[] = {0, 1, 2, 429, 499, 500, 1000, -1, 0.5};
      return Value::Number(kNumbers[rng() % 9]);
    }
  }
}

TEST(RecordBatch, EvalBatchAgreesWithEvalRowByRow) {
  const char* kExprs[] = {
      "x < 500", "x <= 500", "x > 1", "x >= 429", "x == 429", "x != 429", "x == 'llama'", "x < 'b'",
      "x in [401, 403, 499]", "x not in [401, 403, 499]", "x in ['a', 429, true]", "x not in ['a', 'b']",
      "x", "not x", "x == null", "x != null", "x == true", "x != false", "true", "false", "missing_field < 3",
      "(x < 500 or y) and not (z in [1, 2]) and y != null", "not (x or y or z)",
  };
  std::mt19937_64 rng(7);
  for (const char* text : kExprs) {
    FieldSet fields;
    fields.Intern("x");
    fields.Intern("y");
    fields.Intern("z");
    Expr e;
    ASSERT_TRUE(Expr::Parse(text, &fields, &e).ok()) << text;
    for (size_t rows : {size_t{1}, size_t{63}, size_t{64}, size_t{65}, RecordBatch::kCapacity}) {
      RecordBatch batch(3);  // fields added by the expression itself stay missing
      std::vector<Record> records(rows);
      for (Record& r : records) {
        r.Reset(fields.size());
        for (int f = 0; f < 3; ++f) r.values[static_cast<size_t>(f)] = RandomValue(rng);
        batch.Append(r);
      }
      uint64_t bits[RecordBatch::kWords];
      std::fill(std::begin(bits), std::end(bits), ~uint64_t{0});
      e.EvalBatch(batch, bits);
      for (size_t i = 0; i < rows; ++i)
        ASSERT_EQ((bits[i / 64] >> (i % 64)) & 1, e.Eval(records[i]) ? 1u : 0u) << text << " row " << i;
      if (rows % 64) {
        EXPECT_EQ(bits[rows / 64] >> (rows % 64), 0u) << text << ": bits past the last row";
      }
    }
  }
}

}  // namespace
}  // namespace slokit
