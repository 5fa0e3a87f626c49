// Report: everything `slokit report` says about a spec over a trace, per SLO and per cohort:
// SLI over the window, objective met or not, error budget (fraction and time), burn rates at the
// end of the data, and the alert timeline of the backtest. Rendered as a table or as JSON.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/alerts.h"
#include "engine/evaluator.h"

namespace slokit {

// The burn-rate windows the report shows at the end of the data.
inline constexpr DurationNs kReportBurnWindows[] = {5 * kMinute, 30 * kMinute, kHour, 6 * kHour, kDay, 3 * kDay};

struct CohortReport {
  std::string name;  // "all" for the SLO as a whole
  SloStatus status;
  std::vector<BurnRate> burn_rates;
  AlertTimeline alerts;
};

struct SloReport {
  size_t index = 0;
  std::vector<CohortReport> cohorts;  // [0] is the whole SLO
  uint64_t overflow_events = 0;
  bool met() const { return cohorts.empty() || cohorts[0].status.met; }
};

struct Report {
  const Spec* spec = nullptr;
  TimeNs data_start = 0;
  TimeNs at = 0;
  std::vector<SloReport> slos;
  bool all_met() const;
};

// Evaluates every SLO and cohort at `at` and backtests the alerts from the start of the data.
Report BuildReport(const Evaluator& evaluator, TimeNs at);

nlohmann::json ReportToJson(const Report& report);
std::string RenderReportTable(const Report& report);

}  // namespace slokit
