#include "engine/capacity.h"

#include <fmt/format.h>

namespace slokit {

std::string DescribeCapacityLoad(const Spec& spec, const CapacityCheck& check) {
  switch (check.source) {
    case CapacityCheck::Source::kSumRate: return fmt::format("sum({})/s", spec.fields.name(check.field));
    case CapacityCheck::Source::kEventRate: return "events/s";
    case CapacityCheck::Source::kGauge: return fmt::format("{} of {}", check.statistic.text, spec.fields.name(check.field));
    case CapacityCheck::Source::kDuration:
      return fmt::format("sum({}) / window (Little's law)", spec.fields.name(check.field));
  }
  return "?";
}

CapacityStatus EvaluateCapacity(const KpiTracker& tracker, const Evaluator* evaluator, size_t i, TimeNs at) {
  const CapacityCheck& check = tracker.spec().capacity[i];
  CapacityStatus st;
  st.at = at;
  TimeNs from = at - check.window;
  if (tracker.data_end() == 0 || from < FloorDiv(tracker.data_start(), check.step) * check.step) return st;
  KpiAggregate agg = tracker.capacity_steps(i).Range(from, at);
  double seconds = static_cast<double>(check.window) / kSecond;
  if (check.source == CapacityCheck::Source::kGauge) {
    st.has_value = StatisticOf(check.statistic, agg, seconds, &st.load);
  } else {
    // Rates, and Little's law: seconds in flight per second of window is the mean number in flight.
    st.load = agg.sum / seconds;
    st.has_value = true;
  }
  if (!st.has_value) return st;
  st.utilization = st.load / check.capacity;
  st.warn = st.utilization > check.warn;
  st.critical = st.utilization > check.critical;
  // The inflection rule needs both; the burn is only read in the warn band (it is the
  // costlier half in a backtest that steps every minute).
  if (evaluator && check.inflection_slo >= 0 && st.utilization >= check.warn) {
    auto slo = static_cast<size_t>(check.inflection_slo);
    BurnRate b = evaluator->Burn(slo, 0, at, check.inflection_window);
    bool slices = evaluator->spec().slos[slo].budgeting.kind == Budgeting::Kind::kTimeslices;
    st.has_burn = b.units.valid >= (slices ? 1 : kInflectionMinEvents);
    st.burn = b.rate;
    st.inflection = st.has_burn && b.rate > check.inflection_burn && st.utilization >= check.warn;
    st.critical = st.critical || st.inflection;
  }
  return st;
}

CapacityAlerter::CapacityAlerter(const KpiTracker& tracker, const Evaluator* evaluator, size_t check)
    : tracker_(tracker), evaluator_(evaluator), check_(check), machine_(tracker.spec().capacity[check].for_duration) {}

CapacityStatus CapacityAlerter::Step(TimeNs at) {
  const CapacityCheck& check = tracker_.spec().capacity[check_];
  CapacityStatus st = EvaluateCapacity(tracker_, evaluator_, check_, at);
  KpiObservation o;
  o.warn = st.warn;
  o.critical = st.critical;
  o.peak = st.utilization;
  o.value = st.load;
  o.reference = check.capacity;
  o.warn_reason = fmt::format("> {}% of capacity", check.warn * 100);
  if (st.inflection && st.utilization <= check.critical) {
    o.critical_reason = fmt::format("latency inflection: {} burn > {} over {} at >= {}%",
                                    tracker_.spec().slos[static_cast<size_t>(check.inflection_slo)].name,
                                    check.inflection_burn, FormatDuration(check.inflection_window), check.warn * 100);
  } else {
    o.critical_reason = fmt::format("> {}% of capacity", check.critical * 100);
  }
  machine_.Step(at, o);
  return st;
}

KpiTimeline BacktestCapacity(const KpiTracker& tracker, const Evaluator* evaluator, size_t check, TimeNs from,
                             TimeNs to) {
  CapacityAlerter alerter(tracker, evaluator, check);
  DurationNs step = tracker.spec().capacity[check].step;
  for (TimeNs t = FloorDiv(from, step) * step + step; t <= to; t += step) alerter.Step(t);
  return alerter.machine().Timeline(to);
}

}  // namespace slokit
