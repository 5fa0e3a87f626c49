// Report: everything `slokit report` says about a spec over a trace, per SLO and per cohort:
// SLI over the window, objective met or not, error budget (fraction and time), burn rates at the
// end of the data, and the alert timeline of the backtest. Rendered as a table or as JSON.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/alerts.h"
#include "engine/capacity.h"
#include "engine/evaluator.h"
#include "engine/regression.h"

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

// A regression or capacity check: its state at the end of the data and its alert backtest.
// These are alerts, not objectives: they do not make an SLO violated nor change the exit code.
struct RegressionReport {
  size_t index = 0;  // into Spec::regressions
  RegressionStatus last;
  KpiTimeline alerts;
};
struct CapacityReport {
  size_t index = 0;  // into Spec::capacity
  CapacityStatus last;
  KpiTimeline alerts;
};

struct Report {
  const Spec* spec = nullptr;
  TimeNs data_start = 0;
  TimeNs at = 0;
  std::vector<SloReport> slos;
  std::vector<RegressionReport> regressions;  // empty without a KpiTracker
  std::vector<CapacityReport> capacity;
  bool all_met() const;
};

// Where regression and capacity backtests start: the start of the data, the SLO evaluator's or
// the tracker's, whichever is earlier.
TimeNs KpiBacktestStart(const Evaluator& evaluator, const KpiTracker& kpis);

// Evaluates every SLO and cohort at `at` and backtests the alerts from the start of the data;
// with a tracker (fed the same records), also the spec's regression and capacity checks.
Report BuildReport(const Evaluator& evaluator, TimeNs at);
Report BuildReport(const Evaluator& evaluator, const KpiTracker* kpis, TimeNs at);
// The same, with each cohort's alert timeline from `timeline` instead of a backtest (the daemon
// passes the incidents of its live state machines).
using AlertTimelineFn = std::function<AlertTimeline(size_t slo, size_t cohort)>;
// And each regression (capacity = false) or capacity check's from `kpi_timeline`.
using KpiTimelineFn = std::function<KpiTimeline(bool capacity, size_t check)>;
Report BuildReport(const Evaluator& evaluator, const KpiTracker* kpis, TimeNs at, const AlertTimelineFn& timeline,
                   const KpiTimelineFn& kpi_timeline = nullptr);

nlohmann::json ReportToJson(const Report& report);
std::string RenderReportTable(const Report& report);

}  // namespace slokit
