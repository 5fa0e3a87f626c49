#include "engine/regression.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace slokit {

std::string DescribeRegressionKpi(const Spec& spec, const RegressionCheck& check) {
  if (check.statistic.kind == KpiStatistic::Kind::kRate)
    return check.field < 0 ? "rate of events" : fmt::format("rate of {}", spec.fields.name(check.field));
  return fmt::format("{} {}", check.statistic.text, spec.fields.name(check.field));
}

RegressionStatus EvaluateRegression(const KpiTracker& tracker, size_t i, TimeNs at) {
  const RegressionCheck& check = tracker.spec().regressions[i];
  RegressionStatus st;
  st.at = at;
  st.window_start = at - check.window;
  // A window that starts before the data would read its empty part as zero traffic.
  if (tracker.data_end() == 0 || st.window_start < FloorDiv(tracker.data_start(), check.step) * check.step) return st;
  bool rate = check.statistic.kind == KpiStatistic::Kind::kRate;

  KpiAggregate window = tracker.regression_steps(i).Range(st.window_start, at);
  st.window_events = window.count;
  if (rate || window.count >= check.min_events)
    st.has_value = StatisticOf(check.statistic, window, static_cast<double>(check.window) / kSecond, &st.value);

  KpiAggregate seasonal;
  const KpiAggregate* base = &seasonal;
  DurationNs span = 0;  // a rate's baseline is over the time since the data began, not the nominal window
  if (check.daily_seasonal) {
    // The window itself, shifted back d days, in step buckets: whole hours would blend an hour of
    // peak with the hour before it while the window rides the ramp.
    const TimeNs first_step = FloorDiv(tracker.data_start(), check.step) * check.step;
    const int64_t days = check.baseline / kDay;
    st.baseline_start = st.window_start - days * kDay;
    st.baseline_end = at - kDay;
    for (int64_t d = 1; d <= days; ++d) {
      const TimeNs from = st.window_start - d * kDay, to = at - d * kDay;
      // Coverage counts days: each day adds its share of the window that holds data.
      const DurationNs held = std::max<DurationNs>(0, to - std::max(from, first_step));
      st.baseline_covered += static_cast<DurationNs>(static_cast<double>(kDay) * static_cast<double>(held) /
                                                     static_cast<double>(check.window));
      span += std::max<DurationNs>(0, to - std::max(from, tracker.data_start()));
      tracker.regression_steps(i).AddRange(from, to, &seasonal);
    }
    if (st.baseline_covered < check.min_baseline) return st;
  } else {
    const TimeNs first_hour = FloorDiv(tracker.data_start(), kHour) * kHour;
    st.baseline_end = FloorDiv(st.window_start, kHour) * kHour;
    st.baseline_start = st.baseline_end - check.baseline;
    st.baseline_covered = std::max<DurationNs>(0, st.baseline_end - std::max(st.baseline_start, first_hour));
    if (st.baseline_covered < check.min_baseline) return st;
    base = &tracker.Baseline(i, st.baseline_start, st.baseline_end);
    span = st.baseline_end - std::max(st.baseline_start, tracker.data_start());
  }
  st.baseline_events = base->count;
  if (base->count < check.min_events) return st;
  st.has_baseline = StatisticOf(check.statistic, *base, static_cast<double>(span) / kSecond, &st.baseline);
  if (!st.has_value || !st.has_baseline || st.baseline <= 0) return st;

  if (check.higher_is_bad) st.ratio = st.value / st.baseline;
  else st.ratio = st.value > 0 ? st.baseline / st.value : std::numeric_limits<double>::infinity();
  st.warn = st.ratio > check.warn;
  st.critical = st.ratio > check.critical;
  return st;
}

RegressionAlerter::RegressionAlerter(const KpiTracker& tracker, size_t check)
    : tracker_(tracker), check_(check), machine_(tracker.spec().regressions[check].for_duration) {}

RegressionStatus RegressionAlerter::Step(TimeNs at) {
  const RegressionCheck& check = tracker_.spec().regressions[check_];
  RegressionStatus st = EvaluateRegression(tracker_, check_, at);
  KpiObservation o;
  o.warn = st.warn;
  o.critical = st.critical;
  o.peak = st.ratio;
  o.value = st.value;
  o.reference = st.baseline;
  const std::string& stat = check.statistic.text;
  if (check.higher_is_bad) {
    o.warn_reason = fmt::format("{} > {}x baseline", stat, check.warn);
    o.critical_reason = fmt::format("{} > {}x baseline", stat, check.critical);
  } else {
    o.warn_reason = fmt::format("{} < baseline/{}", stat, check.warn);
    o.critical_reason = fmt::format("{} < baseline/{}", stat, check.critical);
  }
  machine_.Step(at, o);
  return st;
}

KpiTimeline BacktestRegression(const KpiTracker& tracker, size_t check, TimeNs from, TimeNs to) {
  RegressionAlerter alerter(tracker, check);
  DurationNs step = tracker.spec().regressions[check].step;
  for (TimeNs t = FloorDiv(from, step) * step + step; t <= to; t += step) alerter.Step(t);
  return alerter.machine().Timeline(to);
}

}  // namespace slokit
