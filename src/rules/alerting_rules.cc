#include "rules/alerting_rules.h"

#include <fmt/format.h>

#include <algorithm>

#include "rules/promql.h"

namespace slokit::rules {
namespace {

std::string BurnRate(const SloPlan& p, DurationNs window) {
  return fmt::format("max without (sli_window) ({}) / {}", p.Ratio(window), PromConstant(p.budget));
}

// "> 14.4 over 1h and 5m, or > 6 over 6h and 30m"
std::string ConditionsText(const std::vector<const AlertCondition*>& conditions) {
  std::string out;
  for (const AlertCondition* c : conditions) {
    if (!out.empty()) out += ", or ";
    out += fmt::format("> {} over {} and {}", PromConstant(c->factor), PromDuration(c->long_window),
                       PromDuration(c->short_window));
    if (c->for_duration > 0) out += fmt::format(" for {}", PromDuration(c->for_duration));
  }
  return out;
}

std::string WindowText(const SloPlan& p) {
  const Window& w = p.slo->window;
  if (w.kind == Window::Kind::kCalendarMonth) return "30d (the calendar month, as a rolling 30d)";
  if (w.kind == Window::Kind::kCalendarWeek) return "7d (the calendar week, as a rolling 7d)";
  return PromDuration(p.slo_window);
}

// A Go-template query for this SLO's remaining budget, selecting the alert's own `by` labels.
std::string RemainingBudgetTemplate(const SloPlan& p) {
  std::string format = std::string(kBudgetRemainingMetric) + "{slo=%q,service=%q";
  std::string args = "$labels.slo $labels.service";
  for (const std::string& l : p.binding->by) {
    format += "," + l + "=%q";
    args += " $labels." + l;
  }
  format += "}";
  return fmt::format(
      "{{{{ with printf \"{}\" {} | query }}}}{{{{ . | first | value | humanizePercentage }}}}"
      "{{{{ else }}}}unknown{{{{ end }}}}",
      format, args);
}

std::string ByText(const SloPlan& p) {
  std::string out;
  for (const std::string& l : p.binding->by)
    out += fmt::format("{}{}={{{{ $labels.{} }}}}", out.empty() ? " for " : ", ", l, l);
  return out;
}

}  // namespace

std::string ConditionExpr(const SloPlan& p, const AlertCondition& c) {
  std::string factor = PromConstant(c.factor);
  std::string expr = fmt::format("  {} > {}\n  and\n  {} > {}", BurnRate(p, c.long_window), factor,
                                 BurnRate(p, c.short_window), factor);
  uint64_t min = p.slo->alerting.min_valid_events;
  if (min > 0) {
    // The low-traffic guard: enough events (slices) in the long window.
    std::string counted =
        p.slices ? fmt::format("count_over_time({}[{}])", p.Slices(), p.Range(c.long_window))
                 : fmt::format("sum_over_time({}[{}])", p.Requests(), p.Range(c.long_window));
    expr += fmt::format("\n  and\n  sum without (sli_window) ({}) >= {}", counted, min);
  }
  return "(\n" + expr + "\n)";
}

std::vector<Rule> AlertingRules(const SloPlan& p, const Options& options) {
  const Slo& slo = *p.slo;
  std::vector<std::string> severities;
  for (const AlertCondition* c : p.conditions)
    if (std::find(severities.begin(), severities.end(), c->severity) == severities.end())
      severities.push_back(c->severity);
  std::vector<Rule> rules;
  for (const std::string& severity : severities) {
    std::vector<const AlertCondition*> all;
    std::vector<DurationNs> fors;
    for (const AlertCondition* c : p.conditions) {
      if (c->severity != severity) continue;
      all.push_back(c);
      if (std::find(fors.begin(), fors.end(), c->for_duration) == fors.end())
        fors.push_back(c->for_duration);
    }
    for (DurationNs for_duration : fors) {
      std::string expr;
      std::vector<const AlertCondition*> these;
      for (const AlertCondition* c : all) {
        if (c->for_duration != for_duration) continue;
        these.push_back(c);
        expr += (expr.empty() ? "" : "\nor\n") + ConditionExpr(p, *c);
      }
      std::vector<std::pair<std::string, std::string>> vars = {{"service", p.service},
                                                               {"slo", slo.name},
                                                               {"severity", severity},
                                                               {"team", p.team},
                                                               {"uid", p.dashboard_uid}};
      Rule r;
      r.alert = kAlertName;
      r.expr = expr;
      r.for_duration = for_duration;
      r.labels = {
          {"severity", severity}, {"team", p.team}, {"slo", slo.name}, {"service", p.service}};
      std::string what = slo.description.empty() ? slo.sli.description : slo.description;
      r.annotations = {
          {"summary", fmt::format("{} {}{}: error budget burning too fast ({})", p.service,
                                  slo.name, ByText(p), severity)},
          {"description", fmt::format("SLO {} of {} ({}: {}% over {}) is burning its error budget "
                                      "{{{{ printf \"%.1f\" $value }}}} times "
                                      "faster than sustainable over the long window of a {} "
                                      "condition ({}). Error budget left over {}: "
                                      "{}.",
                                      slo.name, p.service, what, PromConstant(slo.objective * 100),
                                      WindowText(p), severity, ConditionsText(these),
                                      PromDuration(p.slo_window), RemainingBudgetTemplate(p))},
          {"runbook_url", ExpandTemplate(options.runbook_url, vars)},
          {"dashboard", ExpandTemplate(options.dashboard_url, vars)},
      };
      rules.push_back(std::move(r));
    }
  }
  return rules;
}

}  // namespace slokit::rules
