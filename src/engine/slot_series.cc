#include "engine/slot_series.h"

#include <algorithm>
#include <cmath>

namespace slokit {

void SlotSeries::Reserve(int64_t slot) {
  if (counts_.empty()) {
    first_ = slot;
    counts_.resize(1);
    if (track_sums_) sums_.resize(1);
    return;
  }
  if (slot < first_) {
    // Out-of-order events before the start: grow to the left with some slack so a trace that
    // runs backwards does not copy on every event.
    int64_t grow = std::max<int64_t>(first_ - slot, static_cast<int64_t>(counts_.size() / 4) + 64);
    counts_.insert(counts_.begin(), static_cast<size_t>(grow), SlotCounts{});
    if (track_sums_) sums_.insert(sums_.begin(), static_cast<size_t>(grow), 0.0);
    first_ -= grow;
  } else if (slot >= end_slot()) {
    counts_.resize(static_cast<size_t>(slot - first_ + 1));
    if (track_sums_) sums_.resize(counts_.size());
  }
}

void SlotSeries::AddToSlot(int64_t slot, bool good, double value) {
  if (counts_.empty() || slot < first_ || slot >= end_slot()) Reserve(slot);
  size_t i = static_cast<size_t>(slot - first_);
  ++counts_[i].valid;
  counts_[i].good += good ? 1 : 0;
  first_data_ = std::min(first_data_, slot);
  if (track_sums_) sums_[i] += value;
  ++total_valid_;
  ++revision_;
}

void SlotSeries::AddCounts(int64_t slot, SlotCounts counts, double sum) {
  if (counts_.empty() || slot < first_ || slot >= end_slot()) Reserve(slot);
  size_t i = static_cast<size_t>(slot - first_);
  counts_[i].valid += counts.valid;
  counts_[i].good += counts.good;
  if (track_sums_) sums_[i] += sum;
  first_data_ = std::min(first_data_, slot);
  total_valid_ += counts.valid;
  ++revision_;
}

void SlotSeries::Merge(const SlotSeries& other) {
  if (other.counts_.empty()) return;
  Reserve(other.first_);
  Reserve(other.end_slot() - 1);
  for (size_t k = 0; k < other.counts_.size(); ++k) {
    size_t i = static_cast<size_t>(other.first_ - first_) + k;
    counts_[i].valid += other.counts_[k].valid;
    counts_[i].good += other.counts_[k].good;
    if (track_sums_ && other.track_sums_) sums_[i] += other.sums_[k];
  }
  total_valid_ += other.total_valid_;
  first_data_ = std::min(first_data_, other.first_data_);
  ++revision_;
}

SlotCounts SlotSeries::at(int64_t slot) const {
  if (slot < first_ || slot >= end_slot()) return {};
  return counts_[static_cast<size_t>(slot - first_)];
}

double SlotSeries::sum_at(int64_t slot) const {
  if (!track_sums_ || slot < first_ || slot >= end_slot()) return 0;
  return sums_[static_cast<size_t>(slot - first_)];
}

namespace {

// Whether a slice (slot counts summed over it) is good, bad or skipped.
enum class SliceVerdict { kGood, kBad, kSkip };

SliceVerdict ClassifySlice(const Slo& slo, uint64_t valid, uint64_t good, double sum, DurationNs slice) {
  const Budgeting& b = slo.budgeting;
  if (valid < b.min_events) {
    switch (b.sparse) {
      case SparseSlices::kSkip: return SliceVerdict::kSkip;
      case SparseSlices::kGood: return SliceVerdict::kGood;
      case SparseSlices::kBad: return SliceVerdict::kBad;
    }
  }
  bool ok;
  switch (slo.sli.kind) {
    case SliKind::kPercentile: {
      // pNN <= T exactly when at least ceil(NN% of n) values are <= T (nearest-rank percentile),
      // so counting values under the threshold gives the exact answer without a sketch.
      double need = std::ceil(slo.sli.percentile / 100.0 * static_cast<double>(valid) - 1e-9);
      ok = static_cast<double>(good) >= need;
      break;
    }
    case SliKind::kThroughput:
      ok = sum / (static_cast<double>(slice) / kSecond) >= slo.sli.threshold;
      break;
    default:
      ok = valid == 0 || static_cast<double>(good) >= b.slice_target * static_cast<double>(valid) - 1e-9;
  }
  return ok ? SliceVerdict::kGood : SliceVerdict::kBad;
}

}  // namespace

UnitSeries::UnitSeries(const SlotSeries& slots, const Slo& slo) {
  bool slices = slo.budgeting.kind == Budgeting::Kind::kTimeslices;
  granularity_ = slices ? slo.budgeting.slice : slots.width();
  cum_.push_back({});
  if (slots.empty()) return;
  if (!slices) {
    first_ = slots.first_slot();
    cum_.reserve(static_cast<size_t>(slots.end_slot() - first_) + 1);
    for (int64_t s = first_; s < slots.end_slot(); ++s) {
      SlotCounts c = slots.at(s);
      cum_.push_back({cum_.back().valid + c.valid, cum_.back().good + c.good});
    }
    return;
  }
  int64_t per_slice = granularity_ / slots.width();
  first_ = FloorDiv(slots.first_slot(), per_slice);
  int64_t last = FloorDiv(slots.end_slot() - 1, per_slice);
  cum_.reserve(static_cast<size_t>(last - first_) + 2);
  for (int64_t k = first_; k <= last; ++k) {
    uint64_t valid = 0, good = 0;
    double sum = 0;
    for (int64_t s = k * per_slice; s < (k + 1) * per_slice; ++s) {
      SlotCounts c = slots.at(s);
      valid += c.valid;
      good += c.good;
      sum += slots.sum_at(s);
    }
    UnitCounts next = cum_.back();
    switch (ClassifySlice(slo, valid, good, sum, granularity_)) {
      case SliceVerdict::kGood: ++next.valid, ++next.good; break;
      case SliceVerdict::kBad: ++next.valid; break;
      case SliceVerdict::kSkip: break;
    }
    cum_.push_back(next);
  }
}

UnitCounts UnitSeries::Count(TimeNs from, TimeNs to) const {
  // Units wholly inside [from, to).
  int64_t a = FloorDiv(from + granularity_ - 1, granularity_) - first_;
  int64_t b = FloorDiv(to, granularity_) - first_;
  int64_t n = static_cast<int64_t>(cum_.size()) - 1;
  a = std::clamp<int64_t>(a, 0, n);
  b = std::clamp<int64_t>(b, 0, n);
  if (b <= a) return {};
  const UnitCounts& hi = cum_[static_cast<size_t>(b)];
  const UnitCounts& lo = cum_[static_cast<size_t>(a)];
  return {hi.valid - lo.valid, hi.good - lo.good};
}

}  // namespace slokit
