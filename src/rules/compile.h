// `slokit rules`: a spec's SLOs compiled to a Prometheus rule file, Alertmanager routes or a
// Grafana dashboard. Each function plans every bound SLO (plan.h) and writes one artefact.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "rules/plan.h"
#include "rules/rule_group.h"
#include "spec/spec.h"

namespace slokit::rules {

struct Output {
  std::string text;                  // the file's content
  std::vector<std::string> skipped;  // SLOs without a binding (with skip_unbound)
  size_t recording_rules = 0, alerting_rules = 0;
};

// Recording and alerting rules: two groups per SLO (docs/rules.md).
Status CompileRules(const Spec& spec, const Options& options, Output* out);
Status CompileAlertmanager(const Spec& spec, const Options& options, Output* out);
Status CompileGrafana(const Spec& spec, const Options& options, Output* out);

// The rule groups themselves, for tests and benchmarks.
std::vector<RuleGroup> RuleGroups(const std::vector<SloPlan>& plans, const Options& options);

}  // namespace slokit::rules
