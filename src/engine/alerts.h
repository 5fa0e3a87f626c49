// The multi-window, multi-burn-rate alert state machine. A condition is active at an instant
// when the burn rate exceeds its factor over both its long and its short window and the long
// window holds enough valid events (the low-traffic guard). An incident of a severity is open
// while any condition of that severity is active. Stepped at every slot boundary it gives the
// backtest; stepped on a clock it is the live alerter.
#pragma once

#include <string>
#include <vector>

#include "engine/evaluator.h"

namespace slokit {

struct Incident {
  std::string severity;                 // "page" or "ticket"
  TimeNs start = 0;
  TimeNs end = 0;                       // first instant it was no longer active; == last step if open
  bool open = false;
  double peak_burn = 0;                 // highest long-window burn rate of an active condition
  std::vector<std::string> conditions;  // the conditions that fired, e.g. "1h/5m > 14.4"
  double budget_consumed = 0;           // share of the period's error budget spent while open
  DurationNs duration() const { return end - start; }
};

class AlertStateMachine {
 public:
  // The evaluator must outlive the machine.
  AlertStateMachine(const Evaluator& evaluator, size_t slo, size_t cohort);

  // Evaluates every condition at `at` (a slot boundary, later than the previous step).
  void Step(TimeNs at);
  // Incidents so far, in order of start; the last of a severity may still be open.
  const std::vector<Incident>& incidents() const { return incidents_; }
  bool active(const std::string& severity) const;
  TimeNs last_step() const { return last_; }

 private:
  void Close(Incident* incident, TimeNs at);
  const Evaluator& evaluator_;
  size_t slo_, cohort_;
  std::vector<Incident> incidents_;
  std::vector<int> open_;  // per severity slot: index into incidents_ or -1
  std::vector<TimeNs> since_;  // per condition: when it became active, or -1 (for `for:`)
  std::vector<std::string> severities_;
  TimeNs last_ = 0;
};

struct AlertTimeline {
  std::vector<Incident> incidents;
  size_t pages = 0, tickets = 0;
  // Mean time to recovery over closed incidents (0 when none closed).
  DurationNs mttr = 0;
  DurationNs page_mttr = 0;
};

// The timeline of `incidents` (from a machine stepped up to `to`): counts, MTTR, and open
// incidents accounted up to `to`.
AlertTimeline SummarizeIncidents(const Evaluator& evaluator, size_t slo, size_t cohort, std::vector<Incident> incidents,
                                 TimeNs to);
// Runs the state machine at every slot boundary in (from, to].
AlertTimeline Backtest(const Evaluator& evaluator, size_t slo, size_t cohort, TimeNs from, TimeNs to);

}  // namespace slokit
