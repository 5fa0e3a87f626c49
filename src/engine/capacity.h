// Capacity alerts (seed 000's capacity_policy): the load on a resource over the check's window
// divided by its declared steady-state capacity. Warn when the utilization stays above `warn`
// (80%) and critical above `critical` (90%) - "sustained" is the check's `for:` - or when latency
// inflects above its SLO: the named latency SLO burns its error budget faster than
// `inflection_burn` (1: faster than the budget allows) over `inflection_window` while the
// utilization is at or above `warn`. Latency that breaks while the resource runs in its warn
// band says the real capacity is lower than the one declared; latency that breaks at low load
// is an incident for the SLO's own alerts, not a capacity problem.
// The tracker and the evaluator (for the inflection rule) must outlive the alerter.
#pragma once

#include <string>

#include "engine/evaluator.h"
#include "engine/kpi_alerts.h"
#include "engine/kpi_series.h"

namespace slokit {

// An inflection window holding fewer valid units of its SLO than this says nothing: at least
// this many events for occurrence budgeting, or one slice for timeslice budgeting.
inline constexpr uint64_t kInflectionMinEvents = 10;

struct CapacityStatus {
  TimeNs at = 0;
  bool has_value = false;  // the window is inside the data (a gauge: and holds a sample)
  double load = 0;         // in the resource's unit
  double utilization = 0;  // load / capacity
  // The inflection SLO's window holds enough valid units; evaluated only when the utilization
  // is at or above warn (below, the rule cannot hold).
  bool has_burn = false;
  double burn = 0;
  bool inflection = false;
  bool warn = false, critical = false;
};

CapacityStatus EvaluateCapacity(const KpiTracker& tracker, const Evaluator* evaluator, size_t check, TimeNs at);

// "sum(completion_tokens)/s", "sum(e2e_ms)/window (Little's law)", "mean of inflight"...
std::string DescribeCapacityLoad(const Spec& spec, const CapacityCheck& check);

class CapacityAlerter {
 public:
  // `evaluator` may be nullptr: the inflection rule is then not evaluated.
  CapacityAlerter(const KpiTracker& tracker, const Evaluator* evaluator, size_t check);
  CapacityStatus Step(TimeNs at);
  const SeverityMachine& machine() const { return machine_; }

 private:
  const KpiTracker& tracker_;
  const Evaluator* evaluator_;
  size_t check_;
  SeverityMachine machine_;
};

// Steps the alerter at every multiple of the check's step in (from, to].
KpiTimeline BacktestCapacity(const KpiTracker& tracker, const Evaluator* evaluator, size_t check, TimeNs from,
                             TimeNs to);

}  // namespace slokit
