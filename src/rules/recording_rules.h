// Recording rules for one SLO (docs/rules.md):
//   SLI group (every step): tiles of errors and requests, or one verdict per timeslice; the error
//                           ratio over every alert window, summed from the tiles (or verdicts)
//   budget group (slower):  the error ratio over the SLO window, objective, error budget and
//                           remaining budget
// The alerting rules (alerting_rules.h) are appended to the SLI group so that they see this
// evaluation's ratios.
#pragma once

#include <string>

#include "rules/plan.h"
#include "rules/rule_group.h"

namespace slokit::rules {

// The SLI group's recording rules (tiles or verdicts, then the alert-window ratios).
RuleGroup SliRecordingGroup(const SloPlan& plan);
// The SLO-window ratio and the budget series.
RuleGroup BudgetRecordingGroup(const SloPlan& plan, const Options& options);

// PromQL of the tile (per-step) or slice-verdict series, exposed for tests and docs.
std::string ErrorsExpr(const SloPlan& plan, DurationNs range);
std::string RequestsExpr(const SloPlan& plan, DurationNs range);
std::string SliceVerdictExpr(const SloPlan& plan);
// The error ratio over `window`, read from the per-step series.
std::string WindowRatioExpr(const SloPlan& plan, DurationNs window);

}  // namespace slokit::rules
