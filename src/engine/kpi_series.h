// KpiSeries and KpiTracker: the data behind regression and capacity alerts. A KpiSeries cuts
// time into fixed, epoch-aligned buckets and keeps per bucket the count, sum and maximum of a
// KPI's values and, when a quantile is needed, a DDSketch of them; any window is the merge of
// its buckets. KpiTracker holds one series per check of a spec - the evaluation-step series,
// plus hourly buckets for the baselines of regressions - and is fed like the Evaluator:
// push(record) while data arrives, evaluate at any instant (engine/regression.h, capacity.h).
// Not thread-safe (const methods fill a cache too): use one tracker per thread and Merge().
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/record.h"
#include "core/record_batch.h"
#include "spec/spec.h"
#include "stats/ddsketch.h"

namespace slokit {

// Values of a KPI over some span.
struct KpiAggregate {
  uint64_t count = 0;
  double sum = 0;
  double max = 0;              // meaningful when count > 0
  stats::DDSketch sketch;      // filled only by series that keep sketches
};

// One bucket of a KpiSeries: the values whose time falls in [index * width, (index + 1) * width).
struct KpiBucket {
  uint64_t count = 0;
  double sum = 0;
  double max = 0;          // meaningful when count > 0
  stats::DDSketch sketch;  // empty unless the series keeps sketches
};

// The statistic of `agg`, where `seconds` is the span it covers (for rates). False when it has
// no value: no events (except for rates, which are 0 then), or no time covered.
bool StatisticOf(const KpiStatistic& statistic, const KpiAggregate& agg, double seconds, double* out);

class KpiSeries {
 public:
  KpiSeries(DurationNs width, bool sketches) : width_(width), sketches_(sketches) {}
  KpiSeries(const KpiSeries& other) : width_(other.width_), sketches_(other.sketches_), buckets_(other.buckets_) {}
  KpiSeries(KpiSeries&& other) noexcept
      : width_(other.width_), sketches_(other.sketches_), buckets_(std::move(other.buckets_)) {}
  KpiSeries& operator=(const KpiSeries&) = delete;

  void Add(TimeNs t, double value);
  void Merge(const KpiSeries& other);
  // Every bucket whose start lies in [from, to).
  KpiAggregate Range(TimeNs from, TimeNs to) const;
  // The same, added to *agg (for aggregates over several ranges).
  void AddRange(TimeNs from, TimeNs to, KpiAggregate* agg) const;

  DurationNs width() const { return width_; }
  bool sketches() const { return sketches_; }
  size_t bucket_count() const { return buckets_.size(); }
  // The buckets by index, for storing them (the daemon's store).
  const std::map<int64_t, KpiBucket>& buckets() const { return buckets_; }
  // Adds a stored bucket's values to bucket `index`.
  void AddBucket(int64_t index, const KpiBucket& bucket);
  // Adds `from` to `into` as this series adds to its own buckets (sketches only if it keeps them).
  void MergeBucket(KpiBucket* into, const KpiBucket& from) const;
  // Forgets the buckets that start before `t` (retention in a long-running daemon).
  void DropBefore(TimeNs t);

 private:
  DurationNs width_;
  bool sketches_;
  std::map<int64_t, KpiBucket> buckets_;  // sparse: LLM traffic has quiet hours, tests have gaps
  // The bucket Add used last: events mostly arrive in time order, so this saves the lookup.
  // Map iterators survive inserts.
  std::map<int64_t, KpiBucket>::iterator last_ = buckets_.end();
};

class KpiTracker {
 public:
  // The spec must outlive the tracker.
  explicit KpiTracker(const Spec& spec);

  void Push(const Record& record);
  // Push() for every row of the batch, in order, with the same result; each check's filter is
  // evaluated over the whole batch (Expr::EvalBatch).
  void PushBatch(const RecordBatch& batch);
  // Adds `other`'s data (a tracker of the same spec).
  void Merge(const KpiTracker& other);

  const Spec& spec() const { return *spec_; }
  // Time of the first and just after the last record pushed (0 when none): windows are
  // clipped to the data, so a trace's first minutes are not read as zero traffic.
  TimeNs data_start() const { return any_ ? min_time_ : 0; }
  TimeNs data_end() const { return any_ ? max_time_ + 1 : 0; }

  // Every series, for the daemon's store: regression i's step and hourly series are 2i and
  // 2i + 1, capacity check j's is 2R + j. A series' name stays the same while its check keeps
  // its name ("regression/<check>/steps"); its fingerprint, while the check counts the same
  // values into buckets of the same width.
  size_t series_count() const { return 2 * regressions_.size() + capacity_.size(); }
  const KpiSeries& series(size_t k) const;
  KpiSeries* mutable_series(size_t k);  // for restoring buckets
  std::string series_name(size_t k) const;
  std::string series_fingerprint(size_t k) const;
  // Widens the span of the data to [start, end) (restoring: the buckets lose exact times).
  void CoverDataRange(TimeNs start, TimeNs end);
  // Forgets every series' buckets that start before `t`.
  void DropBefore(TimeNs t);

  const KpiSeries& regression_steps(size_t i) const { return regressions_[i].steps; }
  const KpiSeries& capacity_steps(size_t i) const { return capacity_[i].steps; }
  // The baseline of regression `i` over [from, to) (whole hours), cached: a backtest asks for
  // the same hours at every step of the hour.
  const KpiAggregate& Baseline(size_t i, TimeNs from, TimeNs to) const;

 private:
  struct RegressionData {
    KpiSeries steps, hours;
    mutable KpiAggregate cached;
    mutable TimeNs cached_from = 0, cached_to = 0;
    mutable uint64_t cached_revision = UINT64_MAX;
  };
  struct CapacityData {
    KpiSeries steps;
  };
  const Spec* spec_;
  std::vector<RegressionData> regressions_;
  std::vector<CapacityData> capacity_;
  TimeNs min_time_ = 0, max_time_ = 0;
  bool any_ = false;
  uint64_t revision_ = 0;  // bumped by Push and Merge: invalidates the baseline caches
};

}  // namespace slokit
