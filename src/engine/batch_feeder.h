// BatchFeeder: collects records into a RecordBatch and hands each full batch to an Evaluator and,
// when given one, a KpiTracker (PushBatch is several times faster than Push per record). What is
// left is pushed by Flush(), which the owner must call once the records end.
//
// Not thread-safe: one feeder per thread. The evaluator and tracker must outlive it.
#pragma once

#include "core/record_batch.h"
#include "engine/evaluator.h"
#include "engine/kpi_series.h"

namespace slokit {

class BatchFeeder {
 public:
  BatchFeeder(size_t fields, Evaluator* evaluator, KpiTracker* kpis = nullptr)
      : rows_(fields), evaluator_(evaluator), kpis_(kpis) {}

  void Add(const Record& record) {
    rows_.Append(record);
    if (rows_.full()) Flush();
  }
  void Flush() {
    if (rows_.empty()) return;
    evaluator_->PushBatch(rows_);
    if (kpis_) kpis_->PushBatch(rows_);
    rows_.Clear();
  }

 private:
  RecordBatch rows_;
  Evaluator* evaluator_;
  KpiTracker* kpis_;
};

}  // namespace slokit
