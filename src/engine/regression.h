// Regression alerts (seed 000's regression_policy): a KPI's statistic over its evaluation
// window against the same statistic over the baseline before it - the whole hours of the
// `baseline` (7d) that end where the window begins, so a regression does not dilute its own
// reference; or, with a daily seasonal baseline, the window itself shifted back by each of the
// baseline's days. Warn and critical when the KPI is worse than `warn` and `critical` times the
// baseline. Evaluated live (EvaluateRegression at any instant, RegressionAlerter stepped on a
// clock) or over a trace (BacktestRegression at every step). The tracker must outlive them.
#pragma once

#include <string>

#include "engine/kpi_alerts.h"
#include "engine/kpi_series.h"

namespace slokit {

struct RegressionStatus {
  TimeNs at = 0;
  TimeNs window_start = 0;
  // Whole hours; for a daily seasonal baseline, from the start of the earliest day's window to
  // the end of the latest day's.
  TimeNs baseline_start = 0, baseline_end = 0;
  // The part of the baseline that holds data; for a daily seasonal baseline, in days: each day
  // counts the share of its window that holds data.
  DurationNs baseline_covered = 0;
  uint64_t window_events = 0, baseline_events = 0;
  bool has_value = false;     // the window is inside the data and holds min_events
  double value = 0;
  bool has_baseline = false;  // the baseline covers min_baseline and holds min_events
  double baseline = 0;
  // How many times worse than the baseline: value / baseline, or baseline / value when lower is
  // bad (infinite when the value fell to 0). 0 when either side is missing.
  double ratio = 0;
  bool warn = false, critical = false;
};

RegressionStatus EvaluateRegression(const KpiTracker& tracker, size_t check, TimeNs at);

// "p50 ttft_ms" / "rate of completion_tokens" / "rate of events"
std::string DescribeRegressionKpi(const Spec& spec, const RegressionCheck& check);

class RegressionAlerter {
 public:
  RegressionAlerter(const KpiTracker& tracker, size_t check);
  // Evaluates at `at` (normally a multiple of the check's step, later than the previous step).
  RegressionStatus Step(TimeNs at);
  const SeverityMachine& machine() const { return machine_; }

 private:
  const KpiTracker& tracker_;
  size_t check_;
  SeverityMachine machine_;
};

// Steps the alerter at every multiple of the check's step in (from, to].
KpiTimeline BacktestRegression(const KpiTracker& tracker, size_t check, TimeNs from, TimeNs to);

}  // namespace slokit
