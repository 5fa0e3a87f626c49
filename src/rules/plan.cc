#include "rules/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace slokit::rules {

std::string PromDuration(DurationNs d) {
  if (d <= 0) return "0s";
  std::string out;
  struct Unit {
    DurationNs ns;
    const char* name;
  };
  for (Unit u : {Unit{kDay, "d"}, Unit{kHour, "h"}, Unit{kMinute, "m"}, Unit{kSecond, "s"},
                 Unit{kMillisecond, "ms"}}) {
    if (d >= u.ns) {
      out += fmt::format("{}{}", d / u.ns, u.name);
      d %= u.ns;
    }
  }
  return out;
}

std::string ErrorsMetric(DurationNs step) {
  return "slokit:sli_errors:increase" + PromDuration(step);
}
std::string RequestsMetric(DurationNs step) {
  return "slokit:sli_requests:increase" + PromDuration(step);
}
std::string SliceMetric(DurationNs slice) { return "slokit:sli_slice:good" + PromDuration(slice); }
std::string ErrorRatioMetric(DurationNs window) {
  return "slokit:sli_error:ratio" + PromDuration(window);
}

std::string PromConstant(double v) {
  std::string s = fmt::format("{:.12g}", v);
  return s;
}

std::string ExpandTemplate(std::string text,
                           const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [key, value] : values) {
    std::string placeholder = "{" + key + "}";
    for (size_t pos = text.find(placeholder); pos != std::string::npos;
         pos = text.find(placeholder, pos + value.size()))
      text.replace(pos, placeholder.size(), value);
  }
  return text;
}

std::string DashboardUid(const std::string& service) {
  std::string uid = "slokit-";
  for (char c : service) {
    if (uid.size() >= 40) break;
    uid += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '-';
  }
  return uid;
}

std::string SloPlan::Range(DurationNs window) const {
  // Tiles are stamped at evaluation instants, one step apart; the tile stamped s covers
  // (s - step, s]. A closed range [t - R, t] (Prometheus 2) or a left-open one (Prometheus 3)
  // with R one second short of the window holds exactly the window/step tiles inside (t - W, t].
  // A slice verdict stamped e covers (e - slice, e]: the slice lies inside the window when
  // e >= t - W + slice, which on the step grid is R = W - slice + step - 1s.
  DurationNs r = slices ? window - slice + step - kSecond : window - kSecond;
  return PromDuration(r);
}

std::string SloPlan::SumBy(const std::string& extra) const {
  std::vector<std::string> labels;
  if (!extra.empty()) labels.push_back(extra);
  labels.insert(labels.end(), binding->by.begin(), binding->by.end());
  if (labels.empty()) return "sum";
  std::string joined;
  for (const std::string& l : labels) joined += (joined.empty() ? "" : ", ") + l;
  return "sum by (" + joined + ") ";
}

namespace {

Status PlanSlo(const Spec& spec, const Slo& slo, const Options& options, SloPlan* p) {
  auto fail = [&](const std::string& message) {
    return Status::InvalidArgument(
        fmt::format("{}:{}: SLO '{}': {}", spec.file, slo.line, slo.name, message));
  };
  p->slo = &slo;
  p->binding = &slo.sli.prometheus;
  p->service = spec.service;
  p->team = slo.owner;
  for (const auto& [role, owner] : spec.owners) {
    if (role == slo.owner && !owner.team.empty()) p->team = owner.team;
  }
  p->slices = slo.budgeting.kind == Budgeting::Kind::kTimeslices;
  p->step = options.step;
  p->slice = slo.budgeting.slice;
  p->slo_window = slo.window.NominalLength();
  p->objective = slo.objective;
  p->budget = 1 - slo.objective;
  p->match = fmt::format("{{slo={},service={}}}", PromQuote(slo.name), PromQuote(spec.service));
  p->group = fmt::format("slokit-{}-{}", spec.service, slo.name);
  p->budget_group = p->group + "-budget";
  p->dashboard_uid = DashboardUid(spec.service);

  if (p->slices && p->slice % p->step != 0)
    return fail(fmt::format("its {} slices are not a whole number of {} steps (--step)",
                            PromDuration(p->slice), PromDuration(p->step)));
  for (const AlertCondition& c : slo.alerting.conditions) {
    for (DurationNs w : {c.long_window, c.short_window}) {
      if (w % p->step != 0)
        return fail(fmt::format("the {} alert window {} is not a whole number of {} steps (--step)",
                                c.severity, PromDuration(w), PromDuration(p->step)));
    }
    if (p->slices && std::min(c.long_window, c.short_window) < p->slice) {
      p->notes.push_back(fmt::format(
          "SLO {}: the {} condition {}/{} is left out: no {} slice fits in its {} window, so "
          "it can never fire",
          slo.name, c.severity, PromDuration(c.long_window), PromDuration(c.short_window),
          PromDuration(p->slice), PromDuration(std::min(c.long_window, c.short_window))));
      continue;
    }
    p->conditions.push_back(&c);
    p->alert_windows.push_back(c.long_window);
    p->alert_windows.push_back(c.short_window);
  }
  if (p->slo_window % p->step != 0)
    return fail(fmt::format("its window {} is not a whole number of {} steps",
                            PromDuration(p->slo_window), PromDuration(p->step)));
  std::sort(p->alert_windows.begin(), p->alert_windows.end());
  p->alert_windows.erase(std::unique(p->alert_windows.begin(), p->alert_windows.end()),
                         p->alert_windows.end());

  const PrometheusBinding& b = *p->binding;
  if (slo.sli.kind == SliKind::kThroughput && b.events.empty() &&
      slo.budgeting.sparse != SparseSlices::kBad)
    return fail(
        "a throughput binding needs `events:` (a counter of requests) to tell sparse slices, as "
        "min_events "
        "and sparse do; without it every quiet slice would count as bad");
  return Status::Ok();
}

}  // namespace

Status PlanSpec(const Spec& spec, const Options& options, std::vector<SloPlan>* plans,
                std::vector<std::string>* skipped) {
  plans->clear();
  if (options.step < kSecond * 2 || options.step % kSecond != 0)
    return Status::InvalidArgument("the step must be a whole number of seconds, at least 2s");
  for (const Slo& slo : spec.slos) {
    if (!slo.sli.prometheus.defined) {
      if (options.skip_unbound) {
        if (skipped) skipped->push_back(slo.name);
        continue;
      }
      return Status::InvalidArgument(
          fmt::format("{}:{}: SLO '{}' has no Prometheus binding: add `prometheus:` to its sli.{} "
                      "(docs/spec.md, \"Prometheus "
                      "bindings\") or pass --skip-unbound to compile the others",
                      spec.file, slo.line, slo.name, SliKindName(slo.sli.kind)));
    }
    SloPlan plan;
    Status s = PlanSlo(spec, slo, options, &plan);
    if (!s.ok()) return s;
    plans->push_back(std::move(plan));
  }
  if (plans->empty())
    return Status::InvalidArgument(fmt::format("{}: no SLO has a Prometheus binding", spec.file));
  return Status::Ok();
}

}  // namespace slokit::rules
