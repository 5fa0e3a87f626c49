// Report: everything `slokit report` says about a spec over a trace, per SLO and per cohort:
// SLI over the window, objective met or not, error budget (fraction and time), burn rates at the
// end of the data, and the alert timeline of the backtest. Rendered as a table, JSON or HTML.
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

// The SLO's error budget left at one instant (negative once overspent), for charts.
struct BudgetPoint {
  TimeNs at = 0;
  double budget_remaining = 1;
};

struct SloReport {
  size_t index = 0;
  std::vector<CohortReport> cohorts;  // [0] is the whole SLO
  uint64_t overflow_events = 0;
  std::vector<BudgetPoint> budget_history;  // the SLO as a whole; empty unless AddBudgetHistory ran
  bool met() const { return cohorts.empty() || cohorts[0].status.met; }
};

// One instant of a regression or capacity check, for charts: the KPI and its baseline, or the
// utilization of the capacity (no reference); NaN where the check has none.
struct KpiPoint {
  TimeNs at = 0;
  double value = 0;
  double reference = 0;
};

// A regression or capacity check: its state at the end of the data and its alert backtest.
// These are alerts, not objectives: they do not make an SLO violated nor change the exit code.
struct RegressionReport {
  size_t index = 0;  // into Spec::regressions
  RegressionStatus last;
  KpiTimeline alerts;
  std::vector<KpiPoint> history;  // empty unless AddKpiHistory ran
};
struct CapacityReport {
  size_t index = 0;  // into Spec::capacity
  CapacityStatus last;
  KpiTimeline alerts;
  std::vector<KpiPoint> history;  // empty unless AddKpiHistory ran
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

// Samples each SLO's budget left at `points` instants from the start of its window (or of the
// data, if later) to the report's instant, for the HTML charts.
void AddBudgetHistory(const Evaluator& evaluator, Report* report, int points = 240);
// Samples each regression and capacity check at `points` instants over the data, likewise.
void AddKpiHistory(const KpiTracker& tracker, const Evaluator* evaluator, Report* report, int points = 240);

nlohmann::json ReportToJson(const Report& report);
std::string RenderReportTable(const Report& report);

struct HtmlOptions {
  int refresh_seconds = 0;  // > 0: the page reloads itself (the daemon's page)
  std::vector<std::pair<std::string, std::string>> links;  // (text, href) after the summary line
  std::string clock;        // the daemon's clock, shown when set
};
// One self-contained page: no scripts, no outside assets; charts need budget_history.
std::string RenderReportHtml(const Report& report, const HtmlOptions& options = {});

}  // namespace slokit
