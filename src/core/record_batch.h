// RecordBatch: up to kCapacity records kept row by row, with their own copies of the strings
// they hold, so filters and cohort keys can be worked out a batch at a time (Expr::EvalBatch,
// Evaluator::PushBatch) instead of one record at a time. A reader's Record is only valid during
// its sink call; Append copies what it needs. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/record.h"
#include "core/time.h"

namespace slokit {

class RecordBatch {
 public:
  // Large enough to amortise a pass over the filter trees, small enough to stay in L2.
  static constexpr size_t kCapacity = 512;
  static constexpr size_t kWords = kCapacity / 64;  // a bitmask over the rows

  // `fields`: the FieldSet size. A record with fewer values has the rest missing.
  explicit RecordBatch(size_t fields);

  size_t size() const { return times_.size(); }
  bool empty() const { return times_.empty(); }
  bool full() const { return times_.size() == kCapacity; }
  size_t fields() const { return fields_; }

  // Copies the record (strings included). The batch must not be full.
  void Append(const Record& record);
  void Clear();

  TimeNs time(size_t row) const { return times_[row]; }
  const Value& value(size_t row, int field) const {
    return values_[row * fields_ + static_cast<size_t>(field)];
  }

 private:
  std::string_view CopyString(std::string_view s);

  size_t fields_;
  std::vector<TimeNs> times_;
  std::vector<Value> values_;  // size() * fields_, row-major
  // String bytes in fixed chunks that never move, so views stay valid until Clear().
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_ = 0;      // the chunk being filled
  size_t chunk_used_ = 0;
  std::vector<std::unique_ptr<char[]>> large_;  // strings longer than a chunk
};

}  // namespace slokit
