// The two-severity alert timeline of regression and capacity checks. Unlike burn-rate alerts
// these compare a KPI with a reference (its own baseline, or the declared capacity), so an
// incident records the worst ratio it reached and the reference at that moment. Warn and
// critical are tracked independently, like page and ticket: a regression that crosses both
// thresholds opens a warn incident and, later, a critical one.
// Not thread-safe; one machine per check.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace slokit {

struct KpiIncident {
  std::string severity;  // "warn" or "critical"
  TimeNs start = 0;
  TimeNs end = 0;        // first step it no longer held; the end of the data when still open
  bool open = false;
  // Regression: the worst ratio to the baseline (value / baseline, or baseline / value when
  // lower is bad). Capacity: the highest utilization (load / capacity).
  double peak = 0;
  double peak_value = 0;  // the KPI's value (or the load) at the peak
  double reference = 0;   // the baseline at the peak, or the declared capacity
  std::vector<std::string> reasons;  // the conditions that held, e.g. "p50 > 1.2x baseline"
  DurationNs duration() const { return end - start; }
};

struct KpiTimeline {
  std::vector<KpiIncident> incidents;  // in order of start
  size_t warns = 0, criticals = 0;
  DurationNs mttr = 0;  // mean duration of closed incidents (0 when none closed)
};

// What a check saw at one step.
struct KpiObservation {
  bool warn = false, critical = false;  // the conditions of each severity hold
  double peak = 0, value = 0, reference = 0;
  std::string warn_reason, critical_reason;
};

class SeverityMachine {
 public:
  // A condition must hold for `for_duration` (checked at steps) before its incident opens.
  explicit SeverityMachine(DurationNs for_duration) : for_(for_duration) {}

  void Step(TimeNs at, const KpiObservation& observation);
  const std::vector<KpiIncident>& incidents() const { return incidents_; }
  bool active(std::string_view severity) const;
  // The timeline so far; incidents still open end at `to`.
  KpiTimeline Timeline(TimeNs to) const;

 private:
  struct Track {
    const char* severity;
    TimeNs since = -1;  // when the condition started to hold, or -1
    int open = -1;      // index into incidents_, or -1
  };
  void StepTrack(Track* track, TimeNs at, bool holds, const KpiObservation& o, const std::string& reason);
  DurationNs for_;
  Track tracks_[2] = {{"warn"}, {"critical"}};
  std::vector<KpiIncident> incidents_;
};

}  // namespace slokit
