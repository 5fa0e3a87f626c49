// The human-readable form of a Report: one block per SLO with its budget, burn rates, alert
// timeline, and a table of cohorts; then the regression and capacity checks with theirs.
#include <cmath>

#include <fmt/format.h>

#include "engine/report.h"
#include "engine/report_text.h"

namespace slokit {
namespace {

using namespace report_text;

void RenderBudget(std::string& out, const Slo& slo, const SloStatus& s) {
  auto consumed = static_cast<DurationNs>(s.budget_consumed * static_cast<double>(s.budget_total_time));
  out += fmt::format("  error budget {} ({} of {}): consumed {} ({}), remaining {} ({})\n",
                     FormatDuration(s.budget_total_time), Percent(1 - slo.objective, 2),
                     FormatDuration(s.window_length), Percent(s.budget_consumed, 1), FormatDuration(consumed),
                     Percent(1 - s.budget_consumed, 1), FormatDuration(s.budget_total_time - consumed));
}

// Long timelines are cut to their first incidents in the table; the JSON form has them all.
constexpr size_t kMaxIncidentsShown = 12;

void RenderTimeline(std::string& out, const AlertTimeline& t, const char* indent) {
  if (t.incidents.empty()) {
    out += fmt::format("{}alerts: none would have fired\n", indent);
    return;
  }
  out += fmt::format("{}alerts: {} page, {} ticket; MTTR {} (pages {})\n", indent, t.pages, t.tickets,
                     t.mttr ? FormatDuration(t.mttr) : "-", t.page_mttr ? FormatDuration(t.page_mttr) : "-");
  for (size_t i = 0; i < t.incidents.size() && i < kMaxIncidentsShown; ++i) {
    const Incident& inc = t.incidents[i];
    out += fmt::format("{}  {:<6} {} -> {}  {:>8}  peak {:>7.1f}x  budget {:>6}  [{}]\n", indent,
                       inc.severity == "page" ? "PAGE" : "TICKET", ShortTime(inc.start),
                       inc.open ? "(open)          " : ShortTime(inc.end), FormatDuration(inc.duration()),
                       inc.peak_burn, Percent(inc.budget_consumed, 1), fmt::join(inc.conditions, ", "));
  }
  if (t.incidents.size() > kMaxIncidentsShown)
    out += fmt::format("{}  ... {} more (--format json lists them all)\n", indent, t.incidents.size() - kMaxIncidentsShown);
}

void RenderKpiTimeline(std::string& out, const KpiTimeline& t, const std::string& unit, bool utilization) {
  if (t.incidents.empty()) {
    out += "    alerts: none would have fired\n";
    return;
  }
  out += fmt::format("    alerts: {} warn, {} critical; MTTR {}\n", t.warns, t.criticals,
                     t.mttr ? FormatDuration(t.mttr) : "-");
  for (size_t i = 0; i < t.incidents.size() && i < kMaxIncidentsShown; ++i) {
    const KpiIncident& inc = t.incidents[i];
    std::string peak = utilization ? fmt::format("peak {:>5.1f}% ({})", inc.peak * 100, WithUnit(inc.peak_value, unit))
                                   : fmt::format("peak {:>5}x baseline {}", Num(inc.peak), WithUnit(inc.reference, unit));
    out += fmt::format("      {:<8} {} -> {}  {:>8}  {}  [{}]\n", inc.severity == "warn" ? "WARN" : "CRITICAL",
                       ShortTime(inc.start), inc.open ? "(open)          " : ShortTime(inc.end),
                       FormatDuration(inc.duration()), peak, fmt::join(inc.reasons, ", "));
  }
  if (t.incidents.size() > kMaxIncidentsShown)
    out += fmt::format("      ... {} more (--format json lists them all)\n", t.incidents.size() - kMaxIncidentsShown);
}

const char* State(bool warn, bool critical) { return critical ? "CRITICAL" : warn ? "WARN" : "OK"; }

void RenderRegressions(std::string& out, const Report& report) {
  const Spec& spec = *report.spec;
  out += "\nRegression alerts (each KPI against its own baseline; alerts only, they do not change the exit code)\n";
  for (const RegressionReport& r : report.regressions) {
    const RegressionCheck& c = spec.regressions[r.index];
    const RegressionStatus& s = r.last;
    out += fmt::format("  {}  [{}]  {}\n", c.name, OwnerText(spec, c.owner), State(s.warn, s.critical));
    // A daily seasonal baseline is the same hours of each earlier day, not the whole span.
    const std::string baseline = c.daily_seasonal
                                     ? fmt::format("the same hours of the {} before", FormatDuration(c.baseline))
                                     : fmt::format("the {} baseline before it", FormatDuration(c.baseline));
    out += fmt::format("    {}{} over {} vs {}; {} > {}x, critical > {}x ({})\n", DescribeRegressionKpi(spec, c),
                       c.kpi.empty() ? "" : " (" + c.kpi + ")", FormatDuration(c.window), baseline,
                       c.higher_is_bad ? "warn" : "worse: warn", c.warn, c.critical, c.factors_from);
    if (s.has_value && s.has_baseline) {
      out += fmt::format("    now {}, baseline {}: {}x{}\n", WithUnit(s.value, c.unit), WithUnit(s.baseline, c.unit),
                         Num(c.higher_is_bad ? s.value / s.baseline : s.ratio), c.higher_is_bad ? "" : " worse");
    } else {
      out += fmt::format("    now: {} ({} events in the window, baseline covers {})\n",
                         s.has_value ? "no baseline yet" : "too few events", s.window_events,
                         FormatDuration(s.baseline_covered));
    }
    RenderKpiTimeline(out, r.alerts, c.unit, false);
  }
}

void RenderCapacity(std::string& out, const Report& report) {
  const Spec& spec = *report.spec;
  out += "\nCapacity alerts (load against the declared steady-state capacity; alerts only, no exit code)\n";
  for (const CapacityReport& r : report.capacity) {
    const CapacityCheck& c = spec.capacity[r.index];
    const CapacityStatus& s = r.last;
    std::string unit = CapacityResourceName(c.resource);
    out += fmt::format("  {}  [{}]  {}\n", c.name, OwnerText(spec, c.owner), State(s.warn, s.critical));
    std::string inflection;
    if (c.inflection_slo >= 0)
      inflection = fmt::format(", or {} burn > {} over {} at >= {}%", spec.slos[static_cast<size_t>(c.inflection_slo)].name,
                               c.inflection_burn, FormatDuration(c.inflection_window), Num(c.warn * 100));
    out += fmt::format("    {} {} over {} of {}; warn > {}%, critical > {}%{}; sustained {}\n", unit,
                       DescribeCapacityLoad(spec, c), FormatDuration(c.window), WithUnit(c.capacity, unit),
                       Num(c.warn * 100), Num(c.critical * 100), inflection,
                       c.for_duration ? FormatDuration(c.for_duration) : "at one step");
    if (s.has_value) out += fmt::format("    now {} = {:.1f}% of capacity\n", WithUnit(s.load, unit), s.utilization * 100);
    RenderKpiTimeline(out, r.alerts, unit, true);
  }
}

}  // namespace

std::string RenderReportTable(const Report& report) {
  const Spec& spec = *report.spec;
  std::string out;
  out += fmt::format("slokit report: service {} ({})\n", spec.service, spec.file);
  out += fmt::format("data {} .. {}  ({})\n", FormatTime(report.data_start), FormatTime(report.at),
                     FormatDuration(report.at - report.data_start));
  for (const SloReport& sr : report.slos) {
    const Slo& slo = spec.slos[sr.index];
    const CohortReport& all = sr.cohorts[0];
    const SloStatus& s = all.status;
    bool slices = slo.budgeting.kind == Budgeting::Kind::kTimeslices;
    out += fmt::format("\nSLO {}  [{}]  {}\n", slo.name, OwnerText(spec, slo.owner), sr.met() ? "MET" : "VIOLATED");
    if (!slo.description.empty()) out += fmt::format("  {}\n", slo.description);
    out += fmt::format("  {} SLI: {}\n", SliKindName(slo.sli.kind), slo.sli.description);
    std::string window = WindowText(slo);
    if (s.has_data) {
      out += fmt::format("  objective {} over {}: SLI {} ({} of {} {}{})\n", Percent(slo.objective, 2), window,
                         Percent(s.sli), s.units.good, s.units.valid, slices ? "slices good" : "events good",
                         s.covered < s.window_length ? fmt::format(", data covers {}", FormatDuration(s.covered)) : "");
    } else {
      out += fmt::format("  objective {} over {}: no valid {} in the window\n", Percent(slo.objective, 2), window,
                         slices ? "slices" : "events");
    }
    RenderBudget(out, slo, s);
    out += "  burn rate ";
    for (const BurnRate& b : all.burn_rates) out += fmt::format(" {} {}", FormatDuration(b.window), BurnCell(b));
    out += "\n";
    RenderTimeline(out, all.alerts, "  ");
    if (sr.cohorts.size() > 1) {
      std::vector<std::string> by;
      for (int f : slo.cohorts.fields) by.push_back(spec.fields.name(f));
      out += fmt::format("  cohorts by {}:\n", fmt::join(by, ", "));
      size_t width = 6;
      for (size_t c = 1; c < sr.cohorts.size(); ++c) width = std::max(width, sr.cohorts[c].name.size());
      out += fmt::format("    {:<{}}  {:>9}  {:>4}  {:>11}  {:>7}  {:>7}  {:>5}  {:>7}\n", "cohort", width, "SLI",
                         "met", "budget left", "burn 1h", "burn 1d", "pages", "tickets");
      for (size_t c = 1; c < sr.cohorts.size(); ++c) {
        const CohortReport& cr = sr.cohorts[c];
        out += fmt::format("    {:<{}}  {:>9}  {:>4}  {:>11}  {:>7}  {:>7}  {:>5}  {:>7}\n", cr.name, width,
                           cr.status.has_data ? Percent(cr.status.sli) : "-", cr.status.met ? "yes" : "NO",
                           Percent(1 - cr.status.budget_consumed, 1), BurnCell(cr.burn_rates[2]),
                           BurnCell(cr.burn_rates[4]), cr.alerts.pages, cr.alerts.tickets);
      }
      if (sr.overflow_events)
        out += fmt::format("    ({} events beyond the {}-cohort bound were folded into 'other')\n", sr.overflow_events,
                           slo.cohorts.max);
    }
  }
  if (!report.regressions.empty()) RenderRegressions(out, report);
  if (!report.capacity.empty()) RenderCapacity(out, report);
  size_t violated = 0;
  for (const SloReport& sr : report.slos) violated += sr.met() ? 0 : 1;
  out += fmt::format("\n{} of {} SLOs met{}\n", report.slos.size() - violated, report.slos.size(),
                     violated ? fmt::format("; {} violated", violated) : "");
  return out;
}

}  // namespace slokit
