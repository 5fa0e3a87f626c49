#include "rules/recording_rules.h"

#include <fmt/format.h>

#include "rules/promql.h"

namespace slokit::rules {
namespace {

Labels WindowLabels(const SloPlan& p, DurationNs window) {
  return {{"slo", p.slo->name}, {"service", p.service}, {"sli_window", PromDuration(window)}};
}

Rule Recording(std::string record, std::string expr, Labels labels) {
  Rule r;
  r.record = std::move(record);
  r.expr = std::move(expr);
  r.labels = std::move(labels);
  return r;
}

std::string SliceSeconds(const SloPlan& p) { return fmt::format("{}", p.slice / kSecond); }

}  // namespace

std::string ErrorsExpr(const SloPlan& p, DurationNs range) {
  EventSeries s = EventSeriesOf(p);
  std::string total = p.SumBy() + "(" + Increase(s.total, range) + ")";
  if (s.has_good) {
    std::string good = p.SumBy() + "(" + Increase(s.good, range) + ")";
    // A good counter that does not exist yet means no good events, not no data.
    return fmt::format("clamp_min(\n  {}\n    - ({} or 0 * {}),\n  0\n)", total, good, total);
  }
  std::string bad = p.SumBy() + "(" + Increase(s.bad, range) + ")";
  // A bad counter that does not exist yet (created on the first error) means no bad events.
  return fmt::format("{}\n  or 0 * {}", bad, total);
}

std::string RequestsExpr(const SloPlan& p, DurationNs range) {
  EventSeries s = EventSeriesOf(p);
  return p.SumBy() + "(" + Increase(s.total, range) + ")";
}

std::string SliceVerdictExpr(const SloPlan& p) {
  const Slo& slo = *p.slo;
  const PrometheusBinding& b = *p.binding;
  std::string verdict;  // 1 when the slice is good, 0 when bad
  std::string count;    // the slice's valid events, for min_events (empty: unknown)
  switch (slo.sli.kind) {
    case SliKind::kPercentile: {
      EventSeries s = EventSeriesOf(p);
      count = p.SumBy() + "(" + Increase(s.total, p.slice) + ")";
      double q = slo.sli.percentile / 100;
      if (b.threshold_is_boundary) {
        // pNN <= T exactly when at least NN% of the slice's observations are in the `le="T"`
        // bucket, which is what histogram_quantile(...) <= T says for a bucket boundary T.
        verdict = fmt::format("{}({})\n  >= bool\n({} * {} - 1e-09)", p.SumBy(),
                              Increase(s.good, p.slice), count, PromConstant(q));
      } else {
        verdict = fmt::format("histogram_quantile({}, {}(rate({}[{}])))\n  <= bool {}",
                              PromConstant(q), p.SumBy("le"),
                              b.histogram.WithMetric(b.histogram.metric + "_bucket").Render(),
                              PromDuration(p.slice), PromConstant(b.threshold));
      }
      break;
    }
    case SliKind::kThroughput:
      verdict = fmt::format("{}(rate({}[{}])) >= bool {}", p.SumBy(), b.counter.Render(),
                            PromDuration(p.slice), PromConstant(slo.sli.threshold));
      if (!b.events.empty()) count = p.SumBy() + "(" + Increase(b.events, p.slice) + ")";
      break;
    default: {
      // Ratio-like SLIs budgeted in timeslices: good when good/valid reaches the slice target.
      count = RequestsExpr(p, p.slice);
      verdict = fmt::format("(\n{}\n  -\n  (\n{}\n  )\n)\n  >= bool\n({} * {} - 1e-09)",
                            Indent(count, 2), Indent(ErrorsExpr(p, p.slice), 4), count,
                            PromConstant(slo.budgeting.slice_target));
      break;
    }
  }
  std::string expr = verdict;
  if (!count.empty()) {
    uint64_t min = std::max<uint64_t>(1, slo.budgeting.min_events);
    expr = fmt::format("(\n{}\n)\nand\n{} >= {}", Indent(verdict, 2), count, min);
    // Sparse slices: skipped (no sample), or counted good (1) or bad (0).
    if (slo.budgeting.sparse == SparseSlices::kGood)
      expr = fmt::format("(\n{}\n)\nor\n{} * 0 + 1", Indent(expr, 2), count);
    if (slo.budgeting.sparse == SparseSlices::kBad)
      expr = fmt::format("(\n{}\n)\nor\n{} * 0", Indent(expr, 2), count);
  }
  if (p.slice != p.step) {
    // One verdict per slice: kept at the first evaluation after each slice boundary
    // (epoch-aligned).
    expr = fmt::format("(\n{}\n)\nand on ()\n(vector(time()) % {} < {})", Indent(expr, 2),
                       SliceSeconds(p), p.step / kSecond);
  }
  return expr;
}

std::string WindowRatioExpr(const SloPlan& p, DurationNs window) {
  std::string range = p.Range(window);
  if (p.slices) {
    return fmt::format("1 - (\n  sum_over_time({}[{}])\n  /\n  count_over_time({}[{}])\n)",
                       p.Slices(), range, p.Slices(), range);
  }
  return fmt::format("sum_over_time({}[{}])\n/\nsum_over_time({}[{}])", p.Errors(), range,
                     p.Requests(), range);
}

RuleGroup SliRecordingGroup(const SloPlan& p) {
  RuleGroup g;
  g.name = p.group;
  g.interval = p.step;
  if (p.slices) {
    g.rules.push_back(
        Recording(SliceMetric(p.slice), SliceVerdictExpr(p), WindowLabels(p, p.slice)));
  } else {
    g.rules.push_back(
        Recording(ErrorsMetric(p.step), ErrorsExpr(p, p.step), WindowLabels(p, p.step)));
    g.rules.push_back(
        Recording(RequestsMetric(p.step), RequestsExpr(p, p.step), WindowLabels(p, p.step)));
  }
  for (DurationNs w : p.alert_windows)
    g.rules.push_back(Recording(ErrorRatioMetric(w), WindowRatioExpr(p, w), WindowLabels(p, w)));
  return g;
}

RuleGroup BudgetRecordingGroup(const SloPlan& p, const Options& options) {
  RuleGroup g;
  g.name = p.budget_group;
  g.interval = std::max(options.budget_interval, p.step);
  bool recorded = std::find(p.alert_windows.begin(), p.alert_windows.end(), p.slo_window) !=
                  p.alert_windows.end();
  if (!recorded) {
    g.rules.push_back(Recording(ErrorRatioMetric(p.slo_window), WindowRatioExpr(p, p.slo_window),
                                WindowLabels(p, p.slo_window)));
  }
  Labels meta = WindowLabels(p, p.slo_window);
  meta.emplace_back("team", p.team);
  meta.emplace_back("sli_kind", SliKindName(p.slo->sli.kind));
  g.rules.push_back(
      Recording(kObjectiveMetric, fmt::format("vector({})", PromConstant(p.objective)), meta));
  g.rules.push_back(
      Recording(kErrorBudgetMetric, fmt::format("vector({})", PromConstant(p.budget)), meta));
  g.rules.push_back(
      Recording(kBudgetRemainingMetric,
                fmt::format("1 - {} / {}", p.Ratio(p.slo_window), PromConstant(p.budget)),
                WindowLabels(p, p.slo_window)));
  return g;
}

}  // namespace slokit::rules
