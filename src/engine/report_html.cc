// The HTML form of a Report: one self-contained page (inline CSS and SVG, no scripts, no outside
// assets) that can be mailed, attached to an incident review or served by the daemon. A summary
// table links to one section per SLO with its budget, burn rates, a chart of the budget left
// over the window with the alerts shaded, the alert timeline and the cohorts; then the
// regression and capacity checks.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <tuple>
#include <type_traits>

#include <fmt/format.h>

#include "engine/report.h"
#include "engine/report_text.h"

namespace slokit {
namespace {

using namespace report_text;

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// An id for an SLO's section: its name with anything but letters, digits, '-' and '_' replaced.
std::string Anchor(std::string_view name) {
  std::string id = "slo-";
  for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return id;
}

// Incidents past this many are summarised in one line: a year of flapping alerts would make the
// page unreadable, and --format json has them all.
constexpr size_t kMaxIncidentRows = 100;

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}"
    "h1{margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc}.meta{color:#555}"
    "table{border-collapse:collapse;margin:.6em 0}td,th{padding:3px 10px;border-bottom:1px solid #e3e3e3;"
    "text-align:right;white-space:nowrap}td:first-child,th:first-child{text-align:left}"
    ".bad{color:#b00020;font-weight:bold}.ok{color:#1b5e20}.warn{color:#a15c00;font-weight:bold}"
    ".badge{font-size:.6em;padding:2px 8px;border-radius:4px;vertical-align:middle;color:#fff}"
    ".badge.ok{background:#1b5e20}.badge.bad{background:#b00020}"
    ".bar{background:#eee;width:120px;height:10px;display:inline-block;vertical-align:middle}"
    ".fill{background:#1b5e20;height:10px;display:block}.fill.low{background:#b00020}"
    "svg{display:block;margin:.6em 0}rect.page,rect.critical{fill:#d32f2f;fill-opacity:.18}"
    "rect.ticket,rect.warn{fill:#f9a825;fill-opacity:.22}.page-lane,.critical-lane{fill:#d32f2f}"
    ".ticket-lane,.warn-lane{fill:#f9a825}.curve{fill:none;stroke:#1565c0;stroke-width:1.5}"
    ".reference{fill:none;stroke:#777;stroke-width:1.2;stroke-dasharray:5 3}"
    ".axis{stroke:#999;stroke-width:1}.zero{stroke:#b00020;stroke-dasharray:4 3}.limit{stroke:#a15c00;stroke-dasharray:2 3}"
    "svg text{font-size:11px;fill:#555}";

std::string BudgetBar(double left) {
  return fmt::format("<span class=\"bar\"><span class=\"fill{}\" style=\"width:{:.0f}%\"></span></span> {}",
                     left < 0.25 ? " low" : "", std::clamp(left, 0.0, 1.0) * 100, Percent(left, 1));
}

// A time chart: lines over [t0, t1] (NaN values break a line), dashed horizontal references,
// and lanes of spans under the axis (the alerts, as solid bars, shaded behind the lines too).
struct ChartLine {
  const char* css;
  std::vector<std::pair<TimeNs, double>> points;
};
struct ChartRule {
  const char* css;
  double value;
};
struct ChartLane {
  const char* css;  // also the lane's label
  std::vector<std::pair<TimeNs, TimeNs>> spans;
};

void RenderChart(std::string& out, const char* css, const char* label, TimeNs t0, TimeNs t1, double low, double high,
                 const std::vector<ChartLine>& lines, const std::vector<ChartRule>& rules,
                 const std::vector<ChartLane>& lanes, const std::function<std::string(double)>& format) {
  if (t1 <= t0 || !(high > low)) return;
  constexpr double kWidth = 760, kLeft = 56, kRight = 8, kTop = 8, kPlotBottom = 150, kLane = 14, kLaneHeight = 7;
  const double height = kPlotBottom + 8 + kLane * static_cast<double>(lanes.size()) + 16;
  auto x = [&](TimeNs t) {
    return kLeft + (kWidth - kLeft - kRight) * static_cast<double>(std::clamp(t, t0, t1) - t0) / static_cast<double>(t1 - t0);
  };
  auto y = [&](double v) { return kTop + (kPlotBottom - kTop) * (high - std::clamp(v, low, high)) / (high - low); };
  auto text = [&](double tx, double ty, const char* anchor, const std::string& s) {
    out += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"{}\">{}</text>", tx, ty, anchor, s);
  };
  out += fmt::format("<svg class=\"{3}\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
                     "aria-label=\"{2}\">",
                     kWidth, height, Escape(label), css);
  for (size_t l = 0; l < lanes.size(); ++l) {
    const double lane_y = kPlotBottom + 8 + kLane * static_cast<double>(l);
    for (const auto& [start, end] : lanes[l].spans) {
      if (end <= t0 || start >= t1) continue;
      const double left = x(start), width = std::max(1.0, x(end) - x(start));
      const std::string title =
          fmt::format("<title>{} {} - {}</title>", lanes[l].css, ShortTime(start), end >= t1 ? "end" : ShortTime(end));
      out += fmt::format("<rect class=\"{0}\" x=\"{1:.1f}\" y=\"{2}\" width=\"{3:.1f}\" height=\"{4}\">{6}</rect>"
                         "<rect class=\"{0}-lane\" x=\"{1:.1f}\" y=\"{5}\" width=\"{3:.1f}\" height=\"{7}\">{6}</rect>",
                         lanes[l].css, left, kTop, width, kPlotBottom - kTop, lane_y, title, kLaneHeight);
    }
    text(kLeft - 4, lane_y + kLaneHeight, "end", lanes[l].css);
  }
  out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", kLeft, kTop, kPlotBottom);
  out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>", kLeft, kPlotBottom,
                     kWidth - kRight);
  for (const ChartRule& r : rules) {
    if (r.value < low || r.value > high) continue;
    out += fmt::format("<line class=\"{}\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/>", r.css, kLeft, y(r.value),
                       kWidth - kRight, y(r.value));
  }
  for (const ChartLine& line : lines) {
    std::string points;
    auto flush = [&] {
      if (!points.empty()) out += fmt::format("<polyline class=\"{}\" points=\"{}\"/>", line.css, points);
      points.clear();
    };
    for (const auto& [t, v] : line.points) {
      if (std::isnan(v)) {
        flush();
        continue;
      }
      points += fmt::format("{:.1f},{:.1f} ", x(t), y(v));
    }
    flush();
  }
  text(kLeft - 4, kTop + 9, "end", format(high));
  text(kLeft - 4, kPlotBottom, "end", format(low));
  text(kLeft, height - 4, "start", ShortTime(t0));
  text(kWidth - kRight, height - 4, "end", ShortTime(t1));
  out += "</svg>\n";
}

// The budget left over the window, with the SLO's pages and tickets.
void RenderBudgetChart(std::string& out, const SloReport& sr) {
  const std::vector<BudgetPoint>& h = sr.budget_history;
  if (h.size() < 2) return;
  ChartLine curve{"curve", {}};
  double low = 0;
  for (const BudgetPoint& p : h) {
    curve.points.emplace_back(p.at, p.budget_remaining);
    low = std::min(low, p.budget_remaining);
  }
  std::vector<ChartLane> lanes = {{"page", {}}, {"ticket", {}}};
  for (const Incident& inc : sr.cohorts[0].alerts.incidents)
    lanes[inc.severity == "page" ? 0 : 1].spans.emplace_back(inc.start, inc.open ? h.back().at : inc.end);
  std::vector<ChartRule> rules;
  if (low < 0) rules.push_back({"zero", 0});
  RenderChart(out, "budget-chart", "error budget left over the window", h.front().at, h.back().at, low, 1, {curve}, rules, lanes,
              [](double v) { return Percent(v, 0); });
}

// A check's KPI (or load) against its reference, with its warn and critical alerts.
void RenderKpiChart(std::string& out, const char* label, const std::vector<KpiPoint>& h, const KpiTimeline& alerts,
                    const std::vector<ChartRule>& rules, const std::function<std::string(double)>& format) {
  if (h.size() < 2) return;
  ChartLine value{"curve", {}}, reference{"reference", {}};
  double high = 0;
  for (const KpiPoint& p : h) {
    value.points.emplace_back(p.at, p.value);
    reference.points.emplace_back(p.at, p.reference);
    for (double v : {p.value, p.reference})
      if (std::isfinite(v)) high = std::max(high, v);
  }
  for (const ChartRule& r : rules) high = std::max(high, r.value);
  out += fmt::format("<p class=\"meta\">{}</p>\n", Escape(label));
  std::vector<ChartLane> lanes = {{"critical", {}}, {"warn", {}}};
  for (const KpiIncident& inc : alerts.incidents)
    lanes[inc.severity == "critical" ? 0 : 1].spans.emplace_back(inc.start, inc.open ? h.back().at : inc.end);
  RenderChart(out, "kpi-chart", label, h.front().at, h.back().at, 0, high * 1.05, {reference, value}, rules, lanes, format);
}

void RenderIncidents(std::string& out, const AlertTimeline& t) {
  if (t.incidents.empty()) {
    out += "<p>No alert would have fired.</p>\n";
    return;
  }
  out += fmt::format("<p>{} page, {} ticket; MTTR {} (pages {}).</p>\n", t.pages, t.tickets,
                     t.mttr ? FormatDuration(t.mttr) : "-", t.page_mttr ? FormatDuration(t.page_mttr) : "-");
  out += "<table class=\"alerts\"><tr><th>alert</th><th>start</th><th>end</th><th>duration</th><th>peak burn</th>"
         "<th>budget spent</th><th>conditions</th></tr>\n";
  for (size_t i = 0; i < t.incidents.size() && i < kMaxIncidentRows; ++i) {
    const Incident& inc = t.incidents[i];
    out += fmt::format("<tr class=\"incident\"><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}x</td>"
                       "<td>{}</td><td>{}</td></tr>\n",
                       inc.severity == "page" ? "bad" : "warn", inc.severity, ShortTime(inc.start),
                       inc.open ? "open" : ShortTime(inc.end), FormatDuration(inc.duration()), inc.peak_burn,
                       Percent(inc.budget_consumed, 1), Escape(fmt::format("{}", fmt::join(inc.conditions, ", "))));
  }
  out += "</table>\n";
  if (t.incidents.size() > kMaxIncidentRows)
    out += fmt::format("<p>... and {} more (--format json lists them all).</p>\n", t.incidents.size() - kMaxIncidentRows);
}

void RenderSlo(std::string& out, const Report& report, const SloReport& sr) {
  const Spec& spec = *report.spec;
  const Slo& slo = spec.slos[sr.index];
  const CohortReport& all = sr.cohorts[0];
  const SloStatus& s = all.status;
  const bool slices = slo.budgeting.kind == Budgeting::Kind::kTimeslices;
  out += fmt::format("<section class=\"slo\" id=\"{}\"><h2>{} <span class=\"badge {}\">{}</span></h2>\n",
                     Anchor(slo.name), Escape(slo.name), sr.met() ? "ok" : "bad", sr.met() ? "MET" : "VIOLATED");
  out += fmt::format("<p class=\"meta\">{}{}owner {}</p>\n", Escape(slo.description), slo.description.empty() ? "" : " · ",
                     Escape(OwnerText(spec, slo.owner)));
  out += fmt::format("<p>{} SLI: <code>{}</code></p>\n", SliKindName(slo.sli.kind), Escape(slo.sli.description));
  auto consumed = static_cast<DurationNs>(s.budget_consumed * static_cast<double>(s.budget_total_time));
  out += "<table class=\"status\">";
  out += fmt::format("<tr><td>objective</td><td>{} over {}</td></tr>", Percent(slo.objective, 2), Escape(WindowText(slo)));
  out += fmt::format("<tr><td>SLI</td><td class=\"{}\">{}</td></tr>", sr.met() ? "ok" : "bad",
                     s.has_data ? fmt::format("{} ({} of {} {} good)", Percent(s.sli), s.units.good, s.units.valid,
                                              slices ? "slices" : "events")
                                : std::string("no valid units in the window"));
  out += fmt::format("<tr><td>error budget</td><td>{} ({} of {})</td></tr>", FormatDuration(s.budget_total_time),
                     Percent(1 - slo.objective, 2), FormatDuration(s.window_length));
  out += fmt::format("<tr><td>consumed</td><td>{} ({})</td></tr>", Percent(s.budget_consumed, 1), FormatDuration(consumed));
  out += fmt::format("<tr><td>remaining</td><td>{} ({})</td></tr></table>\n", BudgetBar(1 - s.budget_consumed),
                     FormatDuration(s.budget_total_time - consumed));
  out += "<table class=\"burn\"><tr><th>burn rate</th>";
  for (const BurnRate& b : all.burn_rates) out += fmt::format("<th>{}</th>", FormatDuration(b.window));
  out += "</tr><tr><td>at the end</td>";
  for (const BurnRate& b : all.burn_rates) out += fmt::format("<td>{}</td>", BurnCell(b));
  out += "</tr></table>\n";
  RenderBudgetChart(out, sr);
  RenderIncidents(out, all.alerts);
  if (sr.cohorts.size() > 1) {
    std::vector<std::string> by;
    for (int f : slo.cohorts.fields) by.push_back(spec.fields.name(f));
    out += fmt::format("<h3>Cohorts by {}</h3>\n", Escape(fmt::format("{}", fmt::join(by, ", "))));
    out += "<table class=\"cohorts\"><tr><th>cohort</th><th>SLI</th><th>met</th><th>budget left</th><th>burn 1h</th>"
           "<th>burn 1d</th><th>pages</th><th>tickets</th></tr>\n";
    for (size_t c = 1; c < sr.cohorts.size(); ++c) {
      const CohortReport& cr = sr.cohorts[c];
      out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                         "<td>{}</td></tr>\n",
                         Escape(cr.name), cr.status.has_data ? Percent(cr.status.sli) : "-",
                         cr.status.met ? "ok" : "bad", cr.status.met ? "yes" : "no",
                         BudgetBar(1 - cr.status.budget_consumed), BurnCell(cr.burn_rates[2]),
                         BurnCell(cr.burn_rates[4]), cr.alerts.pages, cr.alerts.tickets);
    }
    out += "</table>\n";
    if (sr.overflow_events)
      out += fmt::format("<p>{} events beyond the {}-cohort bound were folded into 'other'.</p>\n", sr.overflow_events,
                         slo.cohorts.max);
  }
  out += "</section>\n";
}

// Regression and capacity checks: one row each, then their alerts.
template <typename Checks, typename Describe, typename Chart>
void RenderChecks(std::string& out, const char* title, const Checks& checks, Describe describe, Chart chart) {
  if (checks.empty()) return;
  out += fmt::format("<section class=\"checks\"><h2>{}</h2>\n", title);
  out += "<p class=\"meta\">Alerts only: they do not make an SLO violated nor change the exit code.</p>\n";
  out += "<table><tr><th>check</th><th>state</th><th>now</th><th>warn</th><th>critical</th></tr>\n";
  std::vector<std::string> names;
  for (const auto& r : checks) {
    auto [name, state, now] = describe(r);
    out += fmt::format("<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", Escape(name),
                       state == "OK" ? "ok" : state == "WARN" ? "warn" : "bad", state, Escape(now), r.alerts.warns,
                       r.alerts.criticals);
    names.push_back(name);
  }
  out += "</table>\n";
  for (size_t c = 0; c < checks.size(); ++c) {
    const auto& r = checks[c];
    out += fmt::format("<h3>{}</h3>\n", Escape(names[c]));
    chart(r);
    if (r.alerts.incidents.empty()) continue;
    out += "<table class=\"alerts\"><tr><th>alert</th><th>start</th><th>end</th><th>duration</th><th>peak</th>"
           "<th>why</th></tr>\n";
    for (size_t i = 0; i < r.alerts.incidents.size() && i < kMaxIncidentRows; ++i) {
      const KpiIncident& inc = r.alerts.incidents[i];
      out += fmt::format("<tr class=\"incident\"><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                         "<td>{}</td></tr>\n",
                         inc.severity == "critical" ? "bad" : "warn", inc.severity, ShortTime(inc.start),
                         inc.open ? "open" : ShortTime(inc.end), FormatDuration(inc.duration()),
                         // Capacity peaks are utilizations; regression peaks, ratios to the baseline.
                         std::is_same_v<typename Checks::value_type, CapacityReport> ? Percent(inc.peak, 1)
                                                                                     : fmt::format("{:.2f}x", inc.peak),
                         Escape(fmt::format("{}", fmt::join(inc.reasons, ", "))));
    }
    out += "</table>\n";
  }
  out += "</section>\n";
}

const char* State(bool warn, bool critical) { return critical ? "CRITICAL" : warn ? "WARN" : "OK"; }

}  // namespace

std::string RenderReportHtml(const Report& report, const HtmlOptions& options) {
  const Spec& spec = *report.spec;
  std::string out = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  if (options.refresh_seconds > 0)
    out += fmt::format("<meta http-equiv=\"refresh\" content=\"{}\">", options.refresh_seconds);
  out += fmt::format("<title>{} — slokit</title><style>{}</style></head><body>\n<h1>{}</h1>\n", Escape(spec.service),
                     kStyle, Escape(spec.service));
  size_t violated = 0;
  for (const SloReport& sr : report.slos) violated += sr.met() ? 0 : 1;
  out += "<p class=\"meta\">";
  if (report.at == 0) {
    out += "No events yet.";
  } else {
    out += fmt::format("Data {} .. {} ({}). <span class=\"{}\">{} of {} SLOs met</span>.", FormatTime(report.data_start),
                       FormatTime(report.at), FormatDuration(report.at - report.data_start), violated ? "bad" : "ok",
                       report.slos.size() - violated, report.slos.size());
  }
  if (!options.clock.empty()) out += fmt::format(" Clock: {}.", Escape(options.clock));
  for (const auto& [text, href] : options.links) out += fmt::format(" <a href=\"{}\">{}</a>", Escape(href), Escape(text));
  out += "</p>\n";
  if (report.at == 0 || report.slos.empty()) return out + "</body></html>\n";

  out += "<table class=\"summary\"><tr><th>SLO / cohort</th><th>SLI</th><th>objective</th><th>budget left</th>"
         "<th>burn 1h</th><th>burn 6h</th><th>alerts</th><th>open</th></tr>\n";
  for (const SloReport& sr : report.slos) {
    const Slo& slo = spec.slos[sr.index];
    for (size_t c = 0; c < sr.cohorts.size(); ++c) {
      const CohortReport& cr = sr.cohorts[c];
      std::string open;
      for (const Incident& inc : cr.alerts.incidents)
        if (inc.open) open += (open.empty() ? "" : ", ") + inc.severity;
      out += fmt::format("<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                         "<td>{}</td><td class=\"bad\">{}</td></tr>\n",
                         c == 0 ? fmt::format("<a href=\"#{}\"><b>{}</b></a>", Anchor(slo.name), Escape(slo.name))
                                : "&nbsp;&nbsp;" + Escape(cr.name),
                         cr.status.met ? "ok" : "bad", cr.status.has_data ? Percent(cr.status.sli) : "-",
                         Percent(slo.objective), BudgetBar(1 - cr.status.budget_consumed), BurnCell(cr.burn_rates[2]),
                         BurnCell(cr.burn_rates[3]), cr.alerts.incidents.size(), open);
    }
  }
  out += "</table>\n";
  for (const SloReport& sr : report.slos) RenderSlo(out, report, sr);
  RenderChecks(out, "Regression alerts", report.regressions, [&](const RegressionReport& r) {
    const RegressionCheck& c = spec.regressions[r.index];
    const RegressionStatus& s = r.last;
    std::string now = s.has_value && s.has_baseline
                          ? fmt::format("{} vs baseline {}", WithUnit(s.value, c.unit), WithUnit(s.baseline, c.unit))
                          : std::string(s.has_value ? "no baseline yet" : "too few events");
    return std::tuple<std::string, std::string, std::string>(c.name, State(s.warn, s.critical), now);
  }, [&](const RegressionReport& r) {
    const RegressionCheck& c = spec.regressions[r.index];
    const std::string label = DescribeRegressionKpi(spec, c) + " (solid) against its baseline (dashed)";
    RenderKpiChart(out, label.c_str(), r.history, r.alerts, {}, [&](double v) { return WithUnit(v, c.unit); });
  });
  RenderChecks(out, "Capacity alerts", report.capacity, [&](const CapacityReport& r) {
    const CapacityCheck& c = spec.capacity[r.index];
    const CapacityStatus& s = r.last;
    std::string now = s.has_value ? fmt::format("{} = {:.1f}% of capacity", WithUnit(s.load, CapacityResourceName(c.resource)),
                                                s.utilization * 100)
                                  : std::string("no data");
    return std::tuple<std::string, std::string, std::string>(c.name, State(s.warn, s.critical), now);
  }, [&](const CapacityReport& r) {
    const CapacityCheck& c = spec.capacity[r.index];
    RenderKpiChart(out, "utilization of the declared capacity (dotted: warn and critical)", r.history, r.alerts,
                   {{"limit", c.warn}, {"limit", c.critical}}, [](double v) { return Percent(v, 0); });
  });
  return out + "<p class=\"meta\">Generated by slokit.</p></body></html>\n";
}

}  // namespace slokit
