// Warnings about SLOs that load but cannot work as their authors expect.
#include <fmt/format.h>

#include "spec/kpi_alert_loader.h"
#include "spec/loader.h"

namespace slokit {

std::vector<Diagnostic> LintSpec(const Spec& spec) {
  std::vector<Diagnostic> out;
  auto warn = [&](const Slo& slo, std::string field, std::string message) {
    Diagnostic d;
    d.file = spec.file;
    d.line = slo.line;
    d.column = 1;
    d.field = fmt::format("slos[{}].{}", slo.name, field);
    d.message = std::move(message);
    out.push_back(std::move(d));
  };
  for (const Slo& slo : spec.slos) {
    double budget = 1 - slo.objective;
    DurationNs window = slo.window.NominalLength();
    for (const AlertCondition& c : slo.alerting.conditions) {
      // The highest possible burn rate is 1/budget (every event bad).
      if (c.factor * budget >= 1) {
        warn(slo, "alerting", fmt::format("{} alert at burn rate {} can never fire: with objective {}% the burn rate "
                                          "cannot exceed {:.4g}", c.severity, c.factor, slo.objective * 100, 1 / budget));
      }
      if (c.long_window > window) {
        warn(slo, "window", fmt::format("{} alert window {} is longer than the SLO window {}", c.severity,
                                        FormatDuration(c.long_window), slo.window.text.empty() ? FormatDuration(window)
                                                                                               : slo.window.text));
      }
      if (slo.budgeting.kind == Budgeting::Kind::kTimeslices &&
          static_cast<uint64_t>(c.long_window / slo.budgeting.slice) < slo.alerting.min_valid_events) {
        warn(slo, "alerting", fmt::format("{} alert can never fire: its {} window holds {} slices, fewer than "
                                          "min_valid_events ({}), which counts slices for this SLO", c.severity,
                                          FormatDuration(c.long_window), c.long_window / slo.budgeting.slice,
                                          slo.alerting.min_valid_events));
      }
      if (slo.budgeting.kind == Budgeting::Kind::kTimeslices && c.short_window < slo.budgeting.slice) {
        warn(slo, "budgeting", fmt::format("{} alert short window {} is shorter than the {} slice: it sees at most "
                                           "one slice and reacts only when a slice completes", c.severity,
                                           FormatDuration(c.short_window), FormatDuration(slo.budgeting.slice)));
      }
    }
    if (slo.alerting.conditions.empty()) warn(slo, "alerting", "no alert conditions: this SLO never pages or tickets");
    if (!spec.owners.empty()) {
      bool known = false;
      for (const auto& [role, owner] : spec.owners) known |= role == slo.owner;
      if (!known) warn(slo, "owner", fmt::format("owner role '{}' is not in the owners section: its alerts have no route", slo.owner));
    }
    if (slo.objective >= 0.99999 && window <= kWeek) {
      warn(slo, "objective", fmt::format("objective {}% over {} leaves an error budget of {}: a single slow minute "
                                         "spends it", slo.objective * 100, FormatDuration(window),
                                         FormatDuration(static_cast<DurationNs>(budget * static_cast<double>(window)))));
    }
  }
  if (spec.owners.empty()) {
    Diagnostic d;
    d.file = spec.file;
    d.line = 1;
    d.column = 1;
    d.field = "owners";
    d.message = "no owners section: alerts cannot be routed to infra and quality teams";
    out.push_back(std::move(d));
  }
  LintKpiAlerts(spec, &out);
  return out;
}

}  // namespace slokit
