// SlotSeries: the counts of one SLO (and one cohort) in fixed-width time slots. Memory grows with
// the time span covered, never with the number of events; events may arrive in any order.
// UnitSeries: prefix sums over a SlotSeries in the SLO's budgeting units (events, or timeslices
// classified good/bad/skipped), so any window's counts are two lookups.
// Neither class is thread-safe; an Evaluator owns them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/time.h"
#include "spec/spec.h"

namespace slokit {

struct SlotCounts {
  uint32_t valid = 0;
  uint32_t good = 0;
};

class SlotSeries {
 public:
  // `track_sums`: also keep the per-slot sum of a measured field (throughput SLIs).
  SlotSeries(DurationNs slot_width, bool track_sums) : width_(slot_width), track_sums_(track_sums) {}

  void Add(TimeNs t, bool good, double value) { AddToSlot(FloorDiv(t, width_), good, value); }
  // The same with the slot index already computed: a record counted in several series pays
  // for the division once.
  void AddToSlot(int64_t slot, bool good, double value);
  // Adds already-aggregated counts (a restored slot, or counter increases from a scrape).
  void AddCounts(int64_t slot, SlotCounts counts, double sum);
  // Adds `other` slot by slot (same slot width), for merging partial evaluations.
  void Merge(const SlotSeries& other);

  bool empty() const { return counts_.empty(); }
  DurationNs width() const { return width_; }
  int64_t first_slot() const { return first_; }                      // slot index = floor(t / width)
  int64_t end_slot() const { return first_ + static_cast<int64_t>(counts_.size()); }
  // The earliest slot anything was added to (storage may start earlier: it grows to the left
  // with slack). Meaningless while empty().
  int64_t first_data_slot() const { return first_data_; }
  SlotCounts at(int64_t slot) const;
  double sum_at(int64_t slot) const;
  uint64_t total_valid() const { return total_valid_; }
  // Changes with every addition: derived data built at one revision is fresh while it holds.
  uint64_t revision() const { return revision_; }

 private:
  void Reserve(int64_t slot);
  DurationNs width_;
  bool track_sums_;
  int64_t first_ = 0;
  int64_t first_data_ = INT64_MAX;
  std::vector<SlotCounts> counts_;
  std::vector<double> sums_;
  uint64_t total_valid_ = 0;
  uint64_t revision_ = 0;
};

struct UnitCounts {
  uint64_t valid = 0;  // events, or counted slices
  uint64_t good = 0;
  uint64_t bad() const { return valid - good; }
};

class UnitSeries {
 public:
  UnitSeries() = default;
  // Builds the prefix sums for `slo` over `slots`.
  UnitSeries(const SlotSeries& slots, const Slo& slo);

  // Counts over [from, to); both are rounded to slot boundaries. With timeslice budgeting only
  // slices wholly inside the range count.
  UnitCounts Count(TimeNs from, TimeNs to) const;
  DurationNs granularity() const { return granularity_; }

 private:
  DurationNs granularity_ = kMinute;  // a slot, or a slice
  int64_t first_ = 0;                 // unit index of cum_[1]
  std::vector<UnitCounts> cum_;       // cum_[i] = sum of units [first_, first_ + i)
};

}  // namespace slokit
