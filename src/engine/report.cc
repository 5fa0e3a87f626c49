#include "engine/report.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace slokit {

bool Report::all_met() const {
  for (const SloReport& s : slos)
    if (!s.met()) return false;
  return true;
}

TimeNs KpiBacktestStart(const Evaluator& evaluator, const KpiTracker& kpis) {
  TimeNs from = kpis.data_end() ? kpis.data_start() : evaluator.data_start();
  if (evaluator.data_end()) from = std::min(from, evaluator.data_start());
  return from;
}

Report BuildReport(const Evaluator& evaluator, TimeNs at) { return BuildReport(evaluator, nullptr, at); }

Report BuildReport(const Evaluator& evaluator, const KpiTracker* kpis, TimeNs at) {
  return BuildReport(evaluator, kpis, at, nullptr);
}

Report BuildReport(const Evaluator& evaluator, const KpiTracker* kpis, TimeNs at, const AlertTimelineFn& timeline,
                   const KpiTimelineFn& kpi_timeline) {
  Report report;
  report.spec = &evaluator.spec();
  report.data_start = evaluator.data_start();
  report.at = at;
  for (size_t i = 0; i < evaluator.spec().slos.size(); ++i) {
    SloReport sr;
    sr.index = i;
    sr.overflow_events = evaluator.overflow_events(i);
    for (size_t c = 0; c < evaluator.cohort_count(i); ++c) {
      CohortReport cr;
      cr.name = evaluator.cohort_name(i, c);
      cr.status = evaluator.Status(i, c, at);
      for (DurationNs w : kReportBurnWindows) cr.burn_rates.push_back(evaluator.Burn(i, c, at, w));
      cr.alerts = timeline ? timeline(i, c) : Backtest(evaluator, i, c, report.data_start, at);
      sr.cohorts.push_back(std::move(cr));
    }
    // Cohorts appear in arrival order, which parallel reading does not fix: sort them by name,
    // "other" last, so the same data always gives the same report.
    std::sort(sr.cohorts.begin() + 1, sr.cohorts.end(), [](const CohortReport& a, const CohortReport& b) {
      return std::make_pair(a.name == "other", a.name) < std::make_pair(b.name == "other", b.name);
    });
    report.slos.push_back(std::move(sr));
  }
  if (kpis) {
    const TimeNs from = KpiBacktestStart(evaluator, *kpis);
    for (size_t i = 0; i < evaluator.spec().regressions.size(); ++i)
      report.regressions.push_back({i, EvaluateRegression(*kpis, i, at),
                                    kpi_timeline ? kpi_timeline(false, i) : BacktestRegression(*kpis, i, from, at), {}});
    for (size_t i = 0; i < evaluator.spec().capacity.size(); ++i)
      report.capacity.push_back({i, EvaluateCapacity(*kpis, &evaluator, i, at),
                                 kpi_timeline ? kpi_timeline(true, i) : BacktestCapacity(*kpis, &evaluator, i, from, at), {}});
  }
  return report;
}

namespace {

double Round(double v, double scale) { return std::round(v * scale) / scale; }

nlohmann::json CohortToJson(const Slo& slo, const CohortReport& c) {
  const SloStatus& s = c.status;
  double budget = 1 - slo.objective;
  auto consumed_time = static_cast<DurationNs>(s.budget_consumed * static_cast<double>(s.budget_total_time));
  nlohmann::json j = {
      {"cohort", c.name},
      {"window_start", FormatTime(s.window_start)},
      {"window_end", FormatTime(s.at)},
      {"covered_seconds", s.covered / kSecond},
      {"valid_events", s.valid_events},
      {"valid_units", s.units.valid},
      {"good_units", s.units.good},
      {"has_data", s.has_data},
      {"sli", s.has_data ? nlohmann::json(s.sli) : nlohmann::json(nullptr)},
      {"met", s.met},
      {"error_budget",
       {{"fraction", budget},
        {"total_seconds", static_cast<double>(s.budget_total_time) / kSecond},
        {"total", FormatDuration(s.budget_total_time)},
        {"consumed", s.budget_consumed},
        {"consumed_seconds", static_cast<double>(consumed_time) / kSecond},
        {"remaining", 1 - s.budget_consumed},
        {"remaining_seconds", static_cast<double>(s.budget_total_time - consumed_time) / kSecond}}},
  };
  nlohmann::json burns = nlohmann::json::object();
  for (const BurnRate& b : c.burn_rates) burns[FormatDuration(b.window)] = b.units.valid ? nlohmann::json(b.rate) : nlohmann::json(nullptr);
  j["burn_rates"] = burns;
  nlohmann::json incidents = nlohmann::json::array();
  for (const Incident& inc : c.alerts.incidents) {
    incidents.push_back({{"severity", inc.severity},
                         {"start", FormatTime(inc.start)},
                         {"end", inc.open ? nlohmann::json(nullptr) : nlohmann::json(FormatTime(inc.end))},
                         {"open", inc.open},
                         {"duration_seconds", inc.duration() / kSecond},
                         {"peak_burn_rate", Round(inc.peak_burn, 1000)},
                         {"budget_consumed", inc.budget_consumed},
                         {"conditions", inc.conditions}});
  }
  j["alerts"] = {{"pages", c.alerts.pages},
                 {"tickets", c.alerts.tickets},
                 {"mttr_seconds", c.alerts.mttr / kSecond},
                 {"page_mttr_seconds", c.alerts.page_mttr / kSecond},
                 {"incidents", incidents}};
  return j;
}

// Infinite ratios (a rate that fell to 0 when lower is bad) are written as null.
nlohmann::json Number(double v) { return std::isfinite(v) ? nlohmann::json(Round(v, 1e6)) : nlohmann::json(nullptr); }

nlohmann::json KpiTimelineToJson(const KpiTimeline& t) {
  nlohmann::json incidents = nlohmann::json::array();
  for (const KpiIncident& inc : t.incidents) {
    incidents.push_back({{"severity", inc.severity},
                         {"start", FormatTime(inc.start)},
                         {"end", inc.open ? nlohmann::json(nullptr) : nlohmann::json(FormatTime(inc.end))},
                         {"open", inc.open},
                         {"duration_seconds", inc.duration() / kSecond},
                         {"peak", Number(inc.peak)},
                         {"peak_value", Number(inc.peak_value)},
                         {"reference", Number(inc.reference)},
                         {"reasons", inc.reasons}});
  }
  return {{"warns", t.warns}, {"criticals", t.criticals}, {"mttr_seconds", t.mttr / kSecond}, {"incidents", incidents}};
}

nlohmann::json RegressionToJson(const Spec& spec, const RegressionReport& r) {
  const RegressionCheck& c = spec.regressions[r.index];
  const RegressionStatus& s = r.last;
  nlohmann::json j = {
      {"name", c.name},
      {"kpi", c.kpi.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.kpi)},
      {"measures", DescribeRegressionKpi(spec, c)},
      {"unit", c.unit},
      {"statistic", c.statistic.text},
      {"bad", c.higher_is_bad ? "higher" : "lower"},
      {"window", FormatDuration(c.window)},
      {"step", FormatDuration(c.step)},
      {"baseline_window", FormatDuration(c.baseline)},
      {"seasonal", c.daily_seasonal ? "daily" : "none"},
      {"warn", c.warn},
      {"critical", c.critical},
      {"factors_from", c.factors_from},
      {"owner", c.owner},
      {"value", s.has_value ? Number(s.value) : nlohmann::json(nullptr)},
      {"baseline", s.has_baseline ? Number(s.baseline) : nlohmann::json(nullptr)},
      {"ratio", s.has_value && s.has_baseline ? Number(s.ratio) : nlohmann::json(nullptr)},
      {"window_events", s.window_events},
      {"baseline_events", s.baseline_events},
      {"baseline_covered_seconds", s.baseline_covered / kSecond},
      {"state", s.critical ? "critical" : s.warn ? "warn" : "ok"},
      {"alerts", KpiTimelineToJson(r.alerts)},
  };
  return j;
}

nlohmann::json CapacityToJson(const Spec& spec, const CapacityReport& r) {
  const CapacityCheck& c = spec.capacity[r.index];
  const CapacityStatus& s = r.last;
  nlohmann::json j = {
      {"name", c.name},
      {"resource", CapacityResourceName(c.resource)},
      {"load", DescribeCapacityLoad(spec, c)},
      {"capacity", c.capacity},
      {"window", FormatDuration(c.window)},
      {"step", FormatDuration(c.step)},
      {"for_seconds", c.for_duration / kSecond},
      {"warn", c.warn},
      {"critical", c.critical},
      {"owner", c.owner},
      {"value", s.has_value ? Number(s.load) : nlohmann::json(nullptr)},
      {"utilization", s.has_value ? Number(s.utilization) : nlohmann::json(nullptr)},
      {"state", s.critical ? "critical" : s.warn ? "warn" : "ok"},
      {"alerts", KpiTimelineToJson(r.alerts)},
  };
  if (c.inflection_slo >= 0) {
    j["inflection"] = {{"slo", spec.slos[static_cast<size_t>(c.inflection_slo)].name},
                       {"window", FormatDuration(c.inflection_window)},
                       {"burn_rate", c.inflection_burn},
                       {"burn", s.has_burn ? Number(s.burn) : nlohmann::json(nullptr)},
                       {"active", s.inflection}};
  }
  return j;
}

}  // namespace

nlohmann::json ReportToJson(const Report& report) {
  const Spec& spec = *report.spec;
  nlohmann::json slos = nlohmann::json::array();
  for (const SloReport& sr : report.slos) {
    const Slo& slo = spec.slos[sr.index];
    nlohmann::json cohorts = nlohmann::json::array();
    for (size_t c = 1; c < sr.cohorts.size(); ++c) cohorts.push_back(CohortToJson(slo, sr.cohorts[c]));
    std::vector<std::string> by;
    for (int f : slo.cohorts.fields) by.push_back(spec.fields.name(f));
    nlohmann::json j = {
        {"name", slo.name},
        {"description", slo.description},
        {"owner", slo.owner},
        {"sli_kind", SliKindName(slo.sli.kind)},
        {"sli", slo.sli.description},
        {"objective", slo.objective},
        {"window", slo.window.text.empty() ? FormatDuration(slo.window.length) : slo.window.text},
        {"budgeting", slo.budgeting.kind == Budgeting::Kind::kOccurrences ? "occurrences" : "timeslices"},
        {"met", sr.met()},
        {"overall", CohortToJson(slo, sr.cohorts[0])},
        {"cohorts_by", by},
        {"cohorts", cohorts},
        {"cohort_overflow_events", sr.overflow_events},
    };
    if (slo.budgeting.kind == Budgeting::Kind::kTimeslices) j["slice_seconds"] = slo.budgeting.slice / kSecond;
    slos.push_back(std::move(j));
  }
  nlohmann::json regressions = nlohmann::json::array(), capacity = nlohmann::json::array();
  for (const RegressionReport& r : report.regressions) regressions.push_back(RegressionToJson(spec, r));
  for (const CapacityReport& c : report.capacity) capacity.push_back(CapacityToJson(spec, c));
  return {{"service", spec.service},
          {"spec", spec.file},
          {"data_start", FormatTime(report.data_start)},
          {"at", FormatTime(report.at)},
          {"all_met", report.all_met()},
          {"slos", slos},
          {"regressions", regressions},
          {"capacity", capacity}};
}

void AddBudgetHistory(const Evaluator& evaluator, Report* report, int points) {
  if (report->at == 0 || points < 2) return;
  for (SloReport& sr : report->slos) {
    const SloStatus& now = sr.cohorts[0].status;
    const TimeNs from = std::max(now.window_start, report->data_start);
    sr.budget_history.clear();
    if (from >= report->at) continue;
    for (int i = 0; i < points; ++i) {
      TimeNs t = from + (report->at - from) * (i + 1) / points;
      sr.budget_history.push_back({t, 1 - evaluator.Status(sr.index, 0, t).budget_consumed});
    }
    sr.budget_history.insert(sr.budget_history.begin(), {from, 1});
  }
}

void AddKpiHistory(const KpiTracker& tracker, const Evaluator* evaluator, Report* report, int points) {
  if (report->at <= report->data_start || points < 2) return;
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  auto instant = [&](int i) { return report->data_start + (report->at - report->data_start) * i / points; };
  for (RegressionReport& r : report->regressions) {
    r.history.clear();
    for (int i = 1; i <= points; ++i) {
      const RegressionStatus s = EvaluateRegression(tracker, r.index, instant(i));
      r.history.push_back({instant(i), s.has_value ? s.value : kNone, s.has_baseline ? s.baseline : kNone});
    }
  }
  for (CapacityReport& c : report->capacity) {
    c.history.clear();
    for (int i = 1; i <= points; ++i) {
      const CapacityStatus s = EvaluateCapacity(tracker, evaluator, c.index, instant(i));
      c.history.push_back({instant(i), s.has_value ? s.utilization : kNone, kNone});
    }
  }
}

}  // namespace slokit
