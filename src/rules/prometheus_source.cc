#include "rules/prometheus_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "rules/plan.h"
#include "rules/promql.h"

namespace slokit {
namespace {

// What one query contributes to a slot.
enum class Role { kValid, kGood, kBad, kSum, kBuckets };

struct Fetch {
  Role role;
  PromSelector selector;
  bool required;  // no data at all over the range is an error naming the series
};

// Increases summed into one slot of one cohort, before rounding to event counts.
struct Cell {
  double valid = 0, good = 0, bad = 0, sum = 0;
  bool has_sum = false;
  std::vector<std::pair<double, double>> buckets;  // (le, increase) for interpolation
};
using Cells = std::map<std::string, std::map<int64_t, Cell>>;  // cohort -> slot -> cell

std::string JoinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (const std::string& l : labels) out += (out.empty() ? "" : ", ") + l;
  return out;
}

// The engine names a cohort by its fields' values joined with ',' and "-" for a missing one.
std::string CohortKey(const io::PromSeries& s, const std::vector<std::string>& labels,
                      bool* mapped) {
  std::string key;
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string& v = s.Label(labels[i]);
    if (i) key += ',';
    if (v.empty()) {
      key += '-';
    } else {
      key += v;
      *mapped = true;
    }
  }
  return key;
}

double ParseLe(const std::string& le) {
  if (le == "+Inf") return std::numeric_limits<double>::infinity();
  char* end = nullptr;
  double v = std::strtod(le.c_str(), &end);
  return end == le.c_str() + le.size() && !le.empty() ? v : std::nan("");
}

// The count of observations at or under `threshold`, interpolated linearly inside the bucket that
// holds it, as histogram_quantile assumes observations are spread.
double InterpolateAt(std::vector<std::pair<double, double>> buckets, double threshold) {
  std::sort(buckets.begin(), buckets.end());
  double lo = 0, c_lo = 0;
  for (const auto& [le, c] : buckets) {
    if (std::isnan(le)) continue;
    if (le >= threshold) {
      if (std::isinf(le)) return c_lo;  // above the last finite bound: a lower bound
      return c_lo + (c - c_lo) * (threshold - lo) / (le - lo);
    }
    lo = le;
    c_lo = c;
  }
  return c_lo;
}

uint32_t ToCount(double v) {
  if (!(v > 0)) return 0;
  return static_cast<uint32_t>(std::min<double>(std::llround(v), UINT32_MAX));
}

class SloLoader {
 public:
  SloLoader(const Spec& spec, size_t index, const PrometheusSourceOptions& options,
            const RangeQueryFn& query, Evaluator* evaluator, PrometheusSourceResult* result)
      : slo_(spec.slos[index]), index_(index), options_(options), query_(query),
        evaluator_(evaluator), result_(result) {
    for (int f : slo_.cohorts.fields) cohort_labels_.push_back(spec.fields.name(f));
  }

  Status Load() {
    const PrometheusBinding& b = slo_.sli.prometheus;
    bool slices = slo_.budgeting.kind == Budgeting::Kind::kTimeslices;
    step_ = slices ? slo_.budgeting.slice : options_.step;
    if (slices && slo_.budgeting.slice % options_.step != 0)
      return Fail(fmt::format("its {} slices are not a whole number of {} steps (--step)",
                              FormatDuration(slo_.budgeting.slice), FormatDuration(options_.step)));

    rules::SloPlan plan;  // only what EventSeriesOf reads: the same series the rules count
    plan.slo = &slo_;
    plan.binding = &b;
    std::vector<Fetch> fetches;
    switch (slo_.sli.kind) {
      case SliKind::kThroughput:
        fetches.push_back({Role::kSum, b.counter, true});
        if (!b.events.empty()) fetches.push_back({Role::kValid, b.events, true});
        break;
      case SliKind::kPercentile:
      case SliKind::kLatency: {
        rules::EventSeries s = rules::EventSeriesOf(plan);
        fetches.push_back({Role::kValid, s.total, true});
        if (b.threshold_is_boundary) {
          fetches.push_back({Role::kGood, s.good, false});
        } else {
          fetches.push_back(
              {Role::kBuckets, b.histogram.WithMetric(b.histogram.metric + "_bucket"), true});
          result_->notes.push_back(fmt::format(
              "SLO {}: its threshold {} lies between bucket boundaries: the observations under "
              "it are interpolated linearly in their bucket, as histogram_quantile does "
              "(approximate)",
              slo_.name,
              FormatDuration(std::llround(b.threshold * b.unit_seconds * static_cast<double>(kSecond)))));
        }
        break;
      }
      default: {
        rules::EventSeries s = rules::EventSeriesOf(plan);
        fetches.push_back({Role::kValid, s.total, true});
        fetches.push_back(s.has_good ? Fetch{Role::kGood, s.good, false}
                                     : Fetch{Role::kBad, s.bad, false});
        break;
      }
    }
    for (const Fetch& f : fetches) {
      Status s = Run(f);
      if (!s.ok()) return s;
    }
    Store();
    return Status::Ok();
  }

 private:
  Status Fail(const std::string& message) const {
    return Status::InvalidArgument(fmt::format("SLO '{}': {}", slo_.name, message));
  }

  // One query over [from, to] in chunks of at most max_points instants.
  Status Run(const Fetch& f) {
    std::vector<std::string> by = cohort_labels_;
    if (f.role == Role::kBuckets) by.insert(by.begin(), "le");
    std::string promql = SumIncreaseQuery(f.selector, step_, by);
    // The increase stamped T covers [T - step, T): the first one ends a step after `from`.
    TimeNs first = FloorDiv(options_.from, step_) * step_ + step_;
    TimeNs last = FloorDiv(options_.to, step_) * step_;
    if (last < first)
      return Fail(fmt::format("the range {} to {} holds no whole {} step",
                              FormatTime(options_.from), FormatTime(options_.to),
                              FormatDuration(step_)));
    int64_t per_chunk = std::max<int64_t>(1, options_.max_points);
    bool any = false;
    for (TimeNs start = first; start <= last; start += per_chunk * step_) {
      TimeNs end = std::min(last, start + (per_chunk - 1) * step_);
      std::vector<io::PromSeries> series;
      ++result_->queries;
      Status s = query_(promql, start, end, step_, &series);
      if (!s.ok()) return Fail(s.message());
      for (const io::PromSeries& ser : series) {
        std::string cohort = CohortKey(ser, cohort_labels_, &mapped_);
        double le = f.role == Role::kBuckets ? ParseLe(ser.Label("le")) : 0;
        for (const io::PromSample& p : ser.samples) {
          if (!std::isfinite(p.v)) continue;  // NaN from a division-free query: no data
          any = true;
          ++result_->points;
          int64_t slot = FloorDiv(p.t - step_, evaluator_->slot_width());
          Cell& c = cells_[cohort][slot];
          switch (f.role) {
            case Role::kValid: c.valid += p.v; break;
            case Role::kGood: c.good += p.v; break;
            case Role::kBad: c.bad += p.v; break;
            case Role::kSum:
              c.sum += p.v;
              c.has_sum = true;
              break;
            case Role::kBuckets: c.buckets.emplace_back(le, p.v); break;
          }
        }
      }
    }
    if (!any && f.required)
      return Status::NotFound(fmt::format(
          "SLO '{}': series {} is missing: the query returned no data between {} and {} "
          "(query: {})",
          slo_.name, f.selector.Render(), FormatTime(first - step_), FormatTime(last), promql));
    return Status::Ok();
  }

  // Rounds each cell to event counts and adds it to the evaluator: the cohorts, and their sum as
  // the SLO as a whole (rounded once, after summing).
  void Store() {
    const PrometheusBinding& b = slo_.sli.prometheus;
    bool interpolate = slo_.sli.kind == SliKind::kPercentile && !b.threshold_is_boundary;
    bool has_good = slo_.sli.kind != SliKind::kThroughput &&
                    (slo_.sli.kind == SliKind::kLatency || slo_.sli.kind == SliKind::kPercentile ||
                     !b.good.empty());
    bool synth_valid = slo_.sli.kind == SliKind::kThroughput && b.events.empty();
    std::map<int64_t, Cell> all;
    for (auto& [cohort, slots] : cells_) {
      for (auto& [slot, c] : slots) {
        if (interpolate) c.good = InterpolateAt(c.buckets, b.threshold);
        Cell& a = all[slot];
        a.valid += c.valid;
        a.good += c.good;
        a.bad += c.bad;
        a.sum += c.sum;
        a.has_sum = a.has_sum || c.has_sum;
      }
    }
    auto add = [&](const std::string& cohort, int64_t slot, const Cell& c) {
      SlotCounts counts;
      counts.valid = synth_valid ? (c.has_sum ? static_cast<uint32_t>(std::max<uint64_t>(
                                                    1, slo_.budgeting.min_events))
                                              : 0)
                                 : ToCount(c.valid);
      uint32_t good = has_good ? ToCount(c.good)
                               : counts.valid - std::min(counts.valid, ToCount(c.bad));
      counts.good = std::min(good, counts.valid);
      evaluator_->AddCounts(index_, cohort, slot, counts, c.sum);
    };
    for (const auto& [slot, c] : all) add("all", slot, c);
    if (cohort_labels_.empty()) return;
    if (!mapped_) {
      result_->notes.push_back(fmt::format(
          "SLO {}: no cohorts: its series carry no label {} (cohorts need labels named as the "
          "cohort fields)",
          slo_.name, JoinLabels(cohort_labels_)));
      return;
    }
    for (const auto& [cohort, slots] : cells_) {
      for (const auto& [slot, c] : slots) add(cohort, slot, c);
    }
  }

  const Slo& slo_;
  size_t index_;
  const PrometheusSourceOptions& options_;
  const RangeQueryFn& query_;
  Evaluator* evaluator_;
  PrometheusSourceResult* result_;
  std::vector<std::string> cohort_labels_;
  DurationNs step_ = kMinute;
  Cells cells_;
  bool mapped_ = false;
};

}  // namespace

std::string SumIncreaseQuery(const PromSelector& selector, DurationNs range,
                             const std::vector<std::string>& by) {
  std::string inner = rules::Increase(selector, range);
  if (by.empty()) return "sum(" + inner + ")";
  return "sum by (" + JoinLabels(by) + ") (" + inner + ")";
}

Status LoadFromPrometheus(const Spec& spec, const PrometheusSourceOptions& options,
                          const RangeQueryFn& query, Evaluator* evaluator,
                          PrometheusSourceResult* result) {
  DurationNs slot = evaluator->slot_width();
  if (options.step < slot || options.step % slot != 0 || options.step % kSecond != 0)
    return Status::InvalidArgument(fmt::format(
        "the step {} must be a whole number of seconds and of {} slots (--slot)",
        FormatDuration(options.step), FormatDuration(slot)));
  if (options.to <= options.from)
    return Status::InvalidArgument("the range is empty: --to must be later than --from");
  for (size_t i = 0; i < spec.slos.size(); ++i) {
    if (!spec.slos[i].sli.prometheus.defined) {
      result->unbound.push_back(spec.slos[i].name);
      continue;
    }
    Status s = SloLoader(spec, i, options, query, evaluator, result).Load();
    if (!s.ok()) return s;
  }
  if (result->unbound.size() == spec.slos.size())
    return Status::InvalidArgument(
        fmt::format("{}: no SLO has a Prometheus binding (docs/spec.md, \"Prometheus bindings\")",
                    spec.file));
  return Status::Ok();
}

}  // namespace slokit
