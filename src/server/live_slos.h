// LiveSlos: the daemon's view of one spec: the engine's Evaluator fed with counts, one alert
// state machine per SLO and cohort stepped at slot boundaries, and the answers the API and
// /metrics give. Everything is the engine's, unchanged: the daemon only decides when to step.
//
// Thread safety: none; the daemon holds its state lock around every call.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/alerts.h"
#include "engine/evaluator.h"
#include "engine/report.h"
#include "spec/spec.h"

namespace slokit::server {

// An alert that started firing or was resolved at a step.
struct AlertChange {
  size_t slo = 0;
  std::string cohort;  // "all" for the SLO as a whole
  Incident incident;   // incident.open: firing; else resolved at incident.end
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

  // Steps every state machine at each slot boundary in (last step, at]. The first call starts
  // at the start of the data. Returns the alerts that opened or closed.
  std::vector<AlertChange> StepTo(TimeNs at);
  TimeNs last_step() const { return last_step_; }

  // Incidents open now, of every SLO and cohort.
  std::vector<AlertChange> Firing() const;

  // The same Report `slokit report` builds, with the live incidents as the alert timeline; the
  // machines are stepped (on copies) up to `at` when they lag behind it.
  Report BuildLiveReport(TimeNs at) const;
  // Budget remaining and burn rates of one SLO (cohort 0) at every `step` over its window.
  nlohmann::json Timeline(size_t slo, TimeNs at, DurationNs step) const;

 private:
  void EnsureMachines();
  std::shared_ptr<const Spec> spec_;
  Evaluator evaluator_;
  std::vector<std::vector<AlertStateMachine>> machines_;  // [slo][cohort]
  TimeNs last_step_ = 0;
};

}  // namespace slokit::server
