// The plan of one SLO's rules: the names of its recorded series, the windows it needs, the ranges
// that read them, its owner's team and its constants. Recording rules, alerting rules, the
// Alertmanager routes and the Grafana dashboard are all written from plans, so they agree on
// every name. docs/rules.md describes the scheme and its arithmetic.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "spec/spec.h"

namespace slokit::rules {

struct Options {
  // The tile: every SLI group runs at this interval and records increases over exactly this
  // range, so windows are sums of whole tiles. It must be at least twice the scrape interval.
  DurationNs step = kMinute;
  // How often the SLO-window ratio and the budget series are recomputed (at least `step`).
  DurationNs budget_interval = 5 * kMinute;
  // Templates with {service}, {slo}, {severity}, {team} and {uid} (the dashboard's uid).
  std::string runbook_url = "https://runbooks.example.com/slo/{service}/{slo}";
  std::string dashboard_url = "https://grafana.example.com/d/{uid}";
  bool skip_unbound = false;  // compile the SLOs that have a binding, skip the rest
  std::string source;         // the spec's path, named in generated headers
};

// Names of the recorded series.
inline constexpr char kObjectiveMetric[] = "slokit:slo_objective:ratio";
inline constexpr char kErrorBudgetMetric[] = "slokit:slo_error_budget:ratio";
inline constexpr char kBudgetRemainingMetric[] = "slokit:slo_error_budget_remaining:ratio";
inline constexpr char kAlertName[] = "ErrorBudgetBurn";

// A duration as PromQL writes it: 5m, 1h, 3d, 59m59s.
std::string PromDuration(DurationNs d);
std::string ErrorsMetric(DurationNs step);        // slokit:sli_errors:increase1m
std::string RequestsMetric(DurationNs step);      // slokit:sli_requests:increase1m
std::string SliceMetric(DurationNs slice);        // slokit:sli_slice:good5m
std::string ErrorRatioMetric(DurationNs window);  // slokit:sli_error:ratio1h
// Formats a constant with at most 12 significant digits: 0.999, 14.4, 0.001.
std::string PromConstant(double v);
// Fills {service}, {slo}, {severity}, {team}, {uid} in a URL template.
std::string ExpandTemplate(std::string text,
                           const std::vector<std::pair<std::string, std::string>>& values);

struct SloPlan {
  const Slo* slo = nullptr;
  const PrometheusBinding* binding = nullptr;
  std::string service;
  std::string team;     // from the owners section; the role when it names no team
  bool slices = false;  // timeslice budgeting: windows count slice verdicts instead of events
  DurationNs step = kMinute;
  DurationNs slice = 5 * kMinute;
  DurationNs slo_window = 30 * kDay;  // the nominal length (a calendar month counts as 30d)
  // The alert conditions compiled: the policy's, less those that can never fire (a window shorter
  // than a timeslice holds no slice; the engine never fires them either).
  std::vector<const AlertCondition*> conditions;
  std::vector<DurationNs> alert_windows;  // every long and short window, ascending, unique
  std::vector<std::string> notes;         // what was left out and why, for the file header
  std::string match;                      // {slo="...",service="..."}
  double objective = 0.999, budget = 0.001;
  std::string group, budget_group;  // rule group names
  std::string dashboard_uid;

  // The range that reads the per-step series (tiles or slice verdicts) over `window`, chosen so
  // that exactly the tiles (slices) lying inside the window are summed (docs/rules.md).
  std::string Range(DurationNs window) const;
  // The series this SLO's windows are read from: tiles of errors and requests, or verdicts.
  std::string Errors() const { return ErrorsMetric(step) + match; }
  std::string Requests() const { return RequestsMetric(step) + match; }
  std::string Slices() const { return SliceMetric(slice) + match; }
  std::string Ratio(DurationNs window) const { return ErrorRatioMetric(window) + match; }
  // "sum by (model) " / "sum " for aggregations that keep the binding's `by` labels.
  std::string SumBy(const std::string& extra = "") const;
};

// Plans every SLO of `spec` that can be compiled. Without a binding an SLO is an error naming it,
// unless options.skip_unbound (then it is listed in *skipped). Also rejects windows the step
// cannot tile and slice widths it does not divide.
Status PlanSpec(const Spec& spec, const Options& options, std::vector<SloPlan>* plans,
                std::vector<std::string>* skipped);

// The dashboard's uid for a service: "slokit-" and the service, at most 40 characters.
std::string DashboardUid(const std::string& service);

}  // namespace slokit::rules
