#include "server/status_page.h"

#include <fmt/format.h>

namespace slokit::server {
namespace {

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Percent(double v) { return fmt::format("{:.3f}%", v * 100); }

}  // namespace

std::string RenderStatusPage(const Report& report, const std::string& clock) {
  const Spec& spec = *report.spec;
  std::string html = fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"30\">"
      "<title>{0} — slokit</title><style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}"
      "td,th{{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}}td:first-child,th:first-child{{text-align:left}}"
      ".bad{{color:#b00020;font-weight:bold}}.ok{{color:#1b5e20}}.bar{{background:#eee;width:120px;height:10px;display:inline-block}}"
      ".fill{{background:#1b5e20;height:10px;display:block}}</style></head><body>\n"
      "<h1>{0}</h1><p>Evaluated at {1} ({2} clock). <a href=\"/api/v1/slos\">JSON</a> · <a href=\"/metrics\">metrics</a></p>\n",
      Escape(spec.service), report.at ? FormatTime(report.at) : "— no events yet", Escape(clock));
  if (report.slos.empty()) return html + "</body></html>\n";
  html += "<table><tr><th>SLO / cohort</th><th>SLI</th><th>objective</th><th>budget left</th><th>burn 1h</th>"
          "<th>burn 6h</th><th>alerts open</th></tr>\n";
  for (const SloReport& sr : report.slos) {
    const Slo& slo = spec.slos[sr.index];
    for (size_t c = 0; c < sr.cohorts.size(); ++c) {
      const CohortReport& cr = sr.cohorts[c];
      double left = 1 - cr.status.budget_consumed;
      std::string open;
      for (const Incident& inc : cr.alerts.incidents)
        if (inc.open) open += (open.empty() ? "" : ", ") + inc.severity;
      auto burn = [&](DurationNs w) {
        for (const BurnRate& b : cr.burn_rates)
          if (b.window == w) return b.units.valid ? fmt::format("{:.2f}", b.rate) : std::string("—");
        return std::string("—");
      };
      double width = std::clamp(left, 0.0, 1.0) * 100;
      html += fmt::format(
          "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td><span class=\"bar\"><span class=\"fill\" "
          "style=\"width:{:.0f}%\"></span></span> {}</td><td>{}</td><td>{}</td><td class=\"bad\">{}</td></tr>\n",
          c == 0 ? "<b>" + Escape(slo.name) + "</b>" : "&nbsp;&nbsp;" + Escape(cr.name), cr.status.met ? "ok" : "bad",
          cr.status.has_data ? Percent(cr.status.sli) : "—", Percent(slo.objective), width, Percent(left),
          burn(kHour), burn(6 * kHour), Escape(open));
    }
  }
  return html + "</table></body></html>\n";
}

}  // namespace slokit::server
