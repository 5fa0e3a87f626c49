// Alerting rules for one SLO: the multi-window, multi-burn-rate policy of the spec, one rule per
// severity (conditions of a severity joined with `or`, as the engine opens one incident per
// severity), split only where conditions ask for different `for:` durations. Labels severity,
// team, slo and service route them (alertmanager.h); annotations say how fast the budget burns,
// how much is left, and link the runbook and the dashboard.
#pragma once

#include <vector>

#include "rules/plan.h"
#include "rules/rule_group.h"

namespace slokit::rules {

std::vector<Rule> AlertingRules(const SloPlan& plan, const Options& options);

// The PromQL of one condition: burn rate over the long and the short window above the factor,
// and the low-traffic guard on the long window. Its value is the long-window burn rate.
std::string ConditionExpr(const SloPlan& plan, const AlertCondition& condition);

}  // namespace slokit::rules
