#include "engine/kpi_series.h"

#include <algorithm>

namespace slokit {
namespace {

bool IsQuantile(const KpiStatistic& s) { return s.kind == KpiStatistic::Kind::kQuantile; }

}  // namespace

bool StatisticOf(const KpiStatistic& statistic, const KpiAggregate& agg, double seconds, double* out) {
  switch (statistic.kind) {
    case KpiStatistic::Kind::kRate:
      if (seconds <= 0) return false;
      *out = agg.sum / seconds;
      return true;
    case KpiStatistic::Kind::kMean:
      if (agg.count == 0) return false;
      *out = agg.sum / static_cast<double>(agg.count);
      return true;
    case KpiStatistic::Kind::kMax:
      if (agg.count == 0) return false;
      *out = agg.max;
      return true;
    case KpiStatistic::Kind::kQuantile:
      return !agg.sketch.empty() && agg.sketch.Quantile(statistic.q, out).ok();
  }
  return false;
}

void KpiSeries::Add(TimeNs t, double value) {
  int64_t index = FloorDiv(t, width_);
  if (last_ == buckets_.end() || last_->first != index) last_ = buckets_.try_emplace(index).first;
  KpiBucket& b = last_->second;
  b.max = b.count == 0 ? value : std::max(b.max, value);
  ++b.count;
  b.sum += value;
  // Add fails only for NaN or infinite values, which JSON numbers cannot be.
  if (sketches_) (void)b.sketch.Add(value);
}

void KpiSeries::MergeBucket(KpiBucket* b, const KpiBucket& theirs) const {
  if (theirs.count == 0) return;
  b->max = b->count == 0 ? theirs.max : std::max(b->max, theirs.max);
  b->count += theirs.count;
  b->sum += theirs.sum;
  if (sketches_) (void)b->sketch.Merge(theirs.sketch);  // same accuracy: cannot fail
}

void KpiSeries::Merge(const KpiSeries& other) {
  for (const auto& [index, theirs] : other.buckets_) MergeBucket(&buckets_[index], theirs);
}

void KpiSeries::AddBucket(int64_t index, const KpiBucket& bucket) { MergeBucket(&buckets_[index], bucket); }

void KpiSeries::DropBefore(TimeNs t) {
  // Buckets whose start is before t: indexes below ceil(t / width).
  buckets_.erase(buckets_.begin(), buckets_.lower_bound(-FloorDiv(-t, width_)));
  last_ = buckets_.end();
}

KpiAggregate KpiSeries::Range(TimeNs from, TimeNs to) const {
  KpiAggregate agg;
  AddRange(from, to, &agg);
  return agg;
}

void KpiSeries::AddRange(TimeNs from, TimeNs to, KpiAggregate* agg) const {
  // Buckets whose start is in [from, to): indexes ceil(from / width) .. ceil(to / width) - 1.
  auto end = buckets_.lower_bound(-FloorDiv(-to, width_));
  for (auto it = buckets_.lower_bound(-FloorDiv(-from, width_)); it != end; ++it) {
    const KpiBucket& b = it->second;
    if (b.count == 0) continue;
    agg->max = agg->count == 0 ? b.max : std::max(agg->max, b.max);
    agg->count += b.count;
    agg->sum += b.sum;
    if (sketches_) (void)agg->sketch.Merge(b.sketch);
  }
}

KpiTracker::KpiTracker(const Spec& spec) : spec_(&spec) {
  for (const RegressionCheck& r : spec.regressions) {
    bool q = IsQuantile(r.statistic);
    regressions_.push_back({KpiSeries(r.step, q), KpiSeries(kHour, q), {}, 0, 0, UINT64_MAX});
  }
  for (const CapacityCheck& c : spec.capacity)
    capacity_.push_back({KpiSeries(c.step, c.source == CapacityCheck::Source::kGauge && IsQuantile(c.statistic))});
}

namespace {

// The value regression `c` takes from an event whose field holds `v`: the field's number, or 1
// per event for a rate of events; a rate also counts events without the field (as 0).
bool RegressionValue(const RegressionCheck& c, const Value& v, double* out) {
  if (c.field < 0) {
    *out = 1;
    return true;
  }
  if (v.type == ValueType::kNumber) {
    *out = v.number;
    return true;
  }
  *out = 0;
  return c.statistic.kind == KpiStatistic::Kind::kRate;
}

// The load capacity check `c` takes from an event whose field holds `v`.
bool CapacityValue(const CapacityCheck& c, const Value& v, double* out) {
  const bool number = v.type == ValueType::kNumber;
  switch (c.source) {
    case CapacityCheck::Source::kEventRate:
      *out = 1;
      return true;
    case CapacityCheck::Source::kSumRate:
      *out = number ? v.number : 0;  // a missing count adds nothing
      return true;
    case CapacityCheck::Source::kGauge:
      *out = v.number;
      return number;
    case CapacityCheck::Source::kDuration:
      *out = v.number * c.field_unit_ns / static_cast<double>(kSecond);  // seconds in flight
      return number;
  }
  return false;
}

const Value& FieldOf(const Record& r, int field) {
  static const Value kMissing;
  return field >= 0 && static_cast<size_t>(field) < r.values.size() ? r.values[static_cast<size_t>(field)] : kMissing;
}

const Value& FieldOf(const RecordBatch& b, size_t row, int field) {
  static const Value kMissing;
  return field >= 0 && static_cast<size_t>(field) < b.fields() ? b.value(row, field) : kMissing;
}

}  // namespace

void KpiTracker::Push(const Record& r) {
  if (!any_ || r.time_ns < min_time_) min_time_ = r.time_ns;
  if (!any_ || r.time_ns > max_time_) max_time_ = r.time_ns;
  any_ = true;
  ++revision_;
  double v;
  for (size_t i = 0; i < regressions_.size(); ++i) {
    const RegressionCheck& check = spec_->regressions[i];
    if (!check.valid.Eval(r) || !RegressionValue(check, FieldOf(r, check.field), &v)) continue;
    regressions_[i].steps.Add(r.time_ns, v);
    regressions_[i].hours.Add(r.time_ns, v);
  }
  for (size_t i = 0; i < capacity_.size(); ++i) {
    const CapacityCheck& check = spec_->capacity[i];
    if (!check.valid.Eval(r) || !CapacityValue(check, FieldOf(r, check.field), &v)) continue;
    capacity_[i].steps.Add(r.time_ns, v);
  }
}

void KpiTracker::PushBatch(const RecordBatch& b) {
  if (b.empty()) return;
  for (size_t row = 0; row < b.size(); ++row) {
    const TimeNs t = b.time(row);
    if (!any_ || t < min_time_) min_time_ = t;
    if (!any_ || t > max_time_) max_time_ = t;
    any_ = true;
  }
  ++revision_;
  uint64_t valid[RecordBatch::kWords];
  double v;
  // Each check's filter over the whole batch, then its rows in order (as Push adds them).
  auto each_valid_row = [&](const Expr& filter, auto&& fn) {
    filter.EvalBatch(b, valid);
    for (size_t w = 0; w * 64 < b.size(); ++w)
      for (uint64_t bits = valid[w]; bits != 0; bits &= bits - 1) fn(w * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
  };
  for (size_t i = 0; i < regressions_.size(); ++i) {
    const RegressionCheck& check = spec_->regressions[i];
    each_valid_row(check.valid, [&](size_t row) {
      if (!RegressionValue(check, FieldOf(b, row, check.field), &v)) return;
      regressions_[i].steps.Add(b.time(row), v);
      regressions_[i].hours.Add(b.time(row), v);
    });
  }
  for (size_t i = 0; i < capacity_.size(); ++i) {
    const CapacityCheck& check = spec_->capacity[i];
    each_valid_row(check.valid, [&](size_t row) {
      if (CapacityValue(check, FieldOf(b, row, check.field), &v)) capacity_[i].steps.Add(b.time(row), v);
    });
  }
}

void KpiTracker::Merge(const KpiTracker& other) {
  if (other.any_) {
    if (!any_ || other.min_time_ < min_time_) min_time_ = other.min_time_;
    if (!any_ || other.max_time_ > max_time_) max_time_ = other.max_time_;
    any_ = true;
  }
  ++revision_;
  for (size_t i = 0; i < regressions_.size(); ++i) {
    regressions_[i].steps.Merge(other.regressions_[i].steps);
    regressions_[i].hours.Merge(other.regressions_[i].hours);
  }
  for (size_t i = 0; i < capacity_.size(); ++i) capacity_[i].steps.Merge(other.capacity_[i].steps);
}

const KpiSeries& KpiTracker::series(size_t k) const {
  if (k < 2 * regressions_.size()) return k % 2 == 0 ? regressions_[k / 2].steps : regressions_[k / 2].hours;
  return capacity_[k - 2 * regressions_.size()].steps;
}

KpiSeries* KpiTracker::mutable_series(size_t k) {
  ++revision_;
  if (k < 2 * regressions_.size()) return k % 2 == 0 ? &regressions_[k / 2].steps : &regressions_[k / 2].hours;
  return &capacity_[k - 2 * regressions_.size()].steps;
}

std::string KpiTracker::series_name(size_t k) const {
  if (k < 2 * regressions_.size())
    return "regression/" + spec_->regressions[k / 2].name + (k % 2 == 0 ? "/steps" : "/hours");
  return "capacity/" + spec_->capacity[k - 2 * regressions_.size()].name + "/steps";
}

std::string KpiTracker::series_fingerprint(size_t k) const {
  const FieldSet& fields = spec_->fields;
  auto field = [&](int f) { return f >= 0 ? fields.name(f) : std::string("-"); };
  const KpiSeries& s = series(k);
  std::string fp = "width:" + std::to_string(s.width()) + "|sketches:" + (s.sketches() ? "1" : "0");
  if (k < 2 * regressions_.size()) {
    const RegressionCheck& c = spec_->regressions[k / 2];
    // What Push adds: the field (or 1 per event), and for rates events without it as well.
    return fp + "|valid:" + c.valid.ToString(fields) + "|field:" + field(c.field) +
           "|rate:" + (c.statistic.kind == KpiStatistic::Kind::kRate ? "1" : "0");
  }
  const CapacityCheck& c = spec_->capacity[k - 2 * regressions_.size()];
  return fp + "|valid:" + c.valid.ToString(fields) + "|field:" + field(c.field) +
         "|source:" + std::to_string(static_cast<int>(c.source)) + "|unit:" + std::to_string(c.field_unit_ns);
}

void KpiTracker::CoverDataRange(TimeNs start, TimeNs end) {
  if (end <= start) return;
  if (!any_ || start < min_time_) min_time_ = start;
  if (!any_ || end - 1 > max_time_) max_time_ = end - 1;
  any_ = true;
  ++revision_;
}

void KpiTracker::DropBefore(TimeNs t) {
  for (size_t k = 0; k < series_count(); ++k) mutable_series(k)->DropBefore(t);
}

const KpiAggregate& KpiTracker::Baseline(size_t i, TimeNs from, TimeNs to) const {
  const RegressionData& d = regressions_[i];
  if (d.cached_revision != revision_ || d.cached_from != from || d.cached_to != to) {
    d.cached = d.hours.Range(from, to);
    d.cached_from = from;
    d.cached_to = to;
    d.cached_revision = revision_;
  }
  return d.cached;
}

}  // namespace slokit
