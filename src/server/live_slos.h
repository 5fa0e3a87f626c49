// LiveSlos: the daemon's view of one spec: the engine's Evaluator fed with counts, one alert
// state machine per SLO and cohort stepped at slot boundaries, the KpiTracker and alerters of
// the regression and capacity checks stepped at their own steps, and the answers the API and
// /metrics give. Everything is the engine's, unchanged: the daemon only decides when to step.
//
// Thread safety: none; the daemon holds its state lock around every call.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/alerts.h"
#include "engine/capacity.h"
#include "engine/evaluator.h"
#include "engine/kpi_series.h"
#include "engine/regression.h"
#include "engine/report.h"
#include "spec/spec.h"

namespace slokit::server {

// An alert that started firing or was resolved at a step.
struct AlertChange {
  size_t slo = 0;
  std::string cohort;  // "all" for the SLO as a whole
  Incident incident;   // incident.open: firing; else resolved at incident.end
};

// A regression or capacity alert that started firing or was resolved at a step.
struct KpiAlertChange {
  bool capacity = false;  // else a regression check
  size_t check = 0;       // index into the spec's regressions or capacity
  KpiIncident incident;
};

struct AlertChanges {
  std::vector<AlertChange> slos;
  std::vector<KpiAlertChange> kpis;
};

// What identifies the meaning of an SLO's stored counts: its SLI and cohort fields. Objective,
// window and alerting may change without invalidating them.
std::string SloFingerprint(const Spec& spec, const Slo& slo);

class LiveSlos {
 public:
  LiveSlos(std::shared_ptr<const Spec> spec, EvaluatorOptions options);

  const Spec& spec() const { return *spec_; }
  const std::shared_ptr<const Spec>& spec_ptr() const { return spec_; }
  Evaluator& evaluator() { return evaluator_; }
  const Evaluator& evaluator() const { return evaluator_; }
  KpiTracker& kpis() { return kpis_; }
  const KpiTracker& kpis() const { return kpis_; }
  bool has_kpi_checks() const { return !spec_->regressions.empty() || !spec_->capacity.empty(); }

  // Steps every SLO state machine at each slot boundary in (last step, at], and every
  // regression and capacity check at each multiple of its step in (its last step, at]. The
  // first call starts at the start of the data, as `slokit report`'s backtest does. Returns
  // the alerts that opened or closed.
  AlertChanges StepTo(TimeNs at);
  TimeNs last_step() const { return last_step_; }

  // Incidents open now, of every SLO and cohort and every check.
  AlertChanges Firing() const;

  // The same Report `slokit report` builds, with the live incidents as the alert timeline; the
  // machines are stepped (on copies) up to `at` when they lag behind it.
  Report BuildLiveReport(TimeNs at) const;
  // Budget remaining and burn rates of one SLO (cohort 0) at every `step` over its window.
  nlohmann::json Timeline(size_t slo, TimeNs at, DurationNs step) const;

 private:
  void EnsureMachines();
  void StepKpisTo(TimeNs at, std::vector<KpiAlertChange>* changes);
  std::shared_ptr<const Spec> spec_;
  Evaluator evaluator_;
  std::vector<std::vector<AlertStateMachine>> machines_;  // [slo][cohort]
  TimeNs last_step_ = 0;
  KpiTracker kpis_;
  std::vector<RegressionAlerter> regression_alerters_;  // they read kpis_
  std::vector<CapacityAlerter> capacity_alerters_;      // they read kpis_ and evaluator_
  std::vector<TimeNs> regression_steps_, capacity_steps_;  // the last step of each; 0: none yet
};

}  // namespace slokit::server
