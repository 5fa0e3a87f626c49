// Evaluator: the streaming heart of slokit. Records are pushed in any order; each lands in a
// fixed-width slot per SLO and per cohort. Any window's counts, SLI, budget or burn rate at any
// slot boundary is then cheap. The batch report and the live daemon use the same object:
// push(record) while data arrives, evaluate(at) whenever an answer is needed.
// Not thread-safe: use one Evaluator per thread and Merge() them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/record.h"
#include "core/record_batch.h"
#include "engine/slot_series.h"
#include "spec/spec.h"

namespace slokit {

struct EvaluatorOptions {
  DurationNs slot = kMinute;
};

// The state of one SLO at one instant, over its window.
struct SloStatus {
  TimeNs at = 0;                  // evaluation instant (exclusive end of the window)
  TimeNs window_start = 0;        // start of the window (rolling) or the calendar period
  TimeNs period_end = 0;          // end of the calendar period; == at for rolling windows
  DurationNs window_length = 0;   // budget period length
  DurationNs covered = 0;         // part of the window that holds data
  uint64_t valid_events = 0;      // events in the window
  UnitCounts units;               // in budgeting units (events or slices)
  bool has_data = false;
  double sli = 1;                 // good / valid units
  bool met = true;
  double budget_consumed = 0;     // fraction of the period's error budget spent so far (may be > 1)
  DurationNs budget_total_time = 0;
};

struct BurnRate {
  DurationNs window = 0;
  UnitCounts units;
  double rate = 0;  // error ratio / (1 - objective); 0 when the window holds no valid units
};

class Evaluator {
 public:
  // The spec must outlive the evaluator.
  explicit Evaluator(const Spec& spec, EvaluatorOptions options = {});
  ~Evaluator();
  Evaluator(Evaluator&&) noexcept;

  void Push(const Record& record);
  // Push() for every row of the batch, in order, with the same results; several times faster
  // because the filters and cohort keys are worked out over the whole batch.
  void PushBatch(const RecordBatch& batch);
  // Adds aggregated counts to one series: `cohort` "all" is the SLO as a whole, any other name
  // a cohort (created if new, within the cohort bound, else folded into "other"). Unlike Push
  // it touches only that series, and empty counts are ignored. Used to restore stored slots and to feed counter increases.
  void AddCounts(size_t slo, std::string_view cohort, int64_t slot, SlotCounts counts, double sum = 0);
  void Merge(const Evaluator& other);

  const Spec& spec() const { return *spec_; }
  DurationNs slot_width() const { return options_.slot; }
  // The slot boundary just after the latest event seen (0 when no event was seen).
  TimeNs data_end() const;
  TimeNs data_start() const;

  // Cohort 0 is the whole SLO; 1..n are the cohorts in order of first appearance.
  size_t cohort_count(size_t slo) const;
  const std::string& cohort_name(size_t slo, size_t cohort) const;
  // Distinct label sets that arrived after the bound was reached, and the events folded into "other".
  uint64_t overflow_events(size_t slo) const;
  // Creates an empty cohort of this name if the bound allows, so that later records of it are
  // not folded into "other" by cohorts that arrive first (a daemon's batch knows the live ones).
  void DeclareCohort(size_t slo, std::string_view name);
  // Counts events folded into "other" elsewhere (e.g. while naming a batch's cohorts).
  void AddOverflow(size_t slo, uint64_t events);
  // True when the SLO has a cohort of this name ("all" always exists).
  bool has_cohort(size_t slo, std::string_view name) const;

  const SlotSeries& slots(size_t slo, size_t cohort) const;
  // Budgeting-unit prefix sums, rebuilt when records arrived since the last call.
  const UnitSeries& units(size_t slo, size_t cohort) const;

  SloStatus Status(size_t slo, size_t cohort, TimeNs at) const;
  BurnRate Burn(size_t slo, size_t cohort, TimeNs at, DurationNs window) const;

 private:
  struct SloState;
  struct CohortKey;
  struct BatchKeys;
  const Spec* spec_;
  EvaluatorOptions options_;
  std::vector<std::unique_ptr<SloState>> slos_;
  std::vector<CohortKey> keys_;  // one per distinct list of cohort fields
  std::vector<BatchKeys> batch_keys_;    // PushBatch's scratch, parallel to keys_
  std::vector<size_t> series_of_key_;    // PushBatch's scratch
  uint64_t pushes_ = 0;
  TimeNs min_time_ = 0, max_time_ = 0;
  bool any_ = false;
};

}  // namespace slokit
