#include "engine/alerts.h"

#include <algorithm>

#include <fmt/format.h>

namespace slokit {
namespace {

// Share of the period's error budget spent over [from, to): the average burn rate over that
// span times the span's share of the budget period.
double BudgetConsumed(const Evaluator& evaluator, size_t slo, size_t cohort, TimeNs from, TimeNs to) {
  UnitCounts u = evaluator.units(slo, cohort).Count(from, to);
  if (u.valid == 0) return 0;
  double burn = static_cast<double>(u.bad()) / static_cast<double>(u.valid) / (1 - evaluator.spec().slos[slo].objective);
  return burn * static_cast<double>(to - from) / static_cast<double>(evaluator.Status(slo, cohort, to).window_length);
}

}  // namespace

AlertStateMachine::AlertStateMachine(const Evaluator& evaluator, size_t slo, size_t cohort)
    : evaluator_(evaluator), slo_(slo), cohort_(cohort) {
  for (const AlertCondition& c : evaluator.spec().slos[slo].alerting.conditions) {
    if (std::find(severities_.begin(), severities_.end(), c.severity) == severities_.end())
      severities_.push_back(c.severity);
  }
  open_.assign(severities_.size(), -1);
  since_.assign(evaluator.spec().slos[slo].alerting.conditions.size(), -1);
}

bool AlertStateMachine::active(const std::string& severity) const {
  for (size_t i = 0; i < severities_.size(); ++i)
    if (severities_[i] == severity) return open_[i] >= 0;
  return false;
}

void AlertStateMachine::Close(Incident* incident, TimeNs at) {
  incident->end = at;
  incident->budget_consumed = BudgetConsumed(evaluator_, slo_, cohort_, incident->start, at);
}

void AlertStateMachine::Step(TimeNs at) {
  const Slo& slo = evaluator_.spec().slos[slo_];
  last_ = at;
  for (size_t s = 0; s < severities_.size(); ++s) {
    double peak = 0;
    std::vector<std::string> fired;
    for (size_t k = 0; k < slo.alerting.conditions.size(); ++k) {
      const AlertCondition& c = slo.alerting.conditions[k];
      if (c.severity != severities_[s]) continue;
      BurnRate lw = evaluator_.Burn(slo_, cohort_, at, c.long_window);
      BurnRate sw = evaluator_.Burn(slo_, cohort_, at, c.short_window);
      bool active = lw.rate > c.factor && lw.units.valid >= slo.alerting.min_valid_events && sw.rate > c.factor;
      if (!active) {
        since_[k] = -1;
        continue;
      }
      if (since_[k] < 0) since_[k] = at;
      if (at - since_[k] < c.for_duration) continue;  // pending, like Prometheus' `for:`
      peak = std::max(peak, lw.rate);
      fired.push_back(fmt::format("{}/{} > {}", FormatDuration(c.long_window), FormatDuration(c.short_window), c.factor));
    }
    int& open = open_[s];
    if (!fired.empty()) {
      if (open < 0) {
        Incident inc;
        inc.severity = severities_[s];
        inc.start = at;
        incidents_.push_back(std::move(inc));
        open = static_cast<int>(incidents_.size()) - 1;
      }
      Incident& inc = incidents_[static_cast<size_t>(open)];
      inc.open = true;
      inc.peak_burn = std::max(inc.peak_burn, peak);
      for (auto& f : fired)
        if (std::find(inc.conditions.begin(), inc.conditions.end(), f) == inc.conditions.end())
          inc.conditions.push_back(std::move(f));
      inc.end = at;
    } else if (open >= 0) {
      Incident& inc = incidents_[static_cast<size_t>(open)];
      inc.open = false;
      Close(&inc, at);
      open = -1;
    }
  }
}

AlertTimeline SummarizeIncidents(const Evaluator& evaluator, size_t slo, size_t cohort, std::vector<Incident> incidents,
                                 TimeNs to) {
  AlertTimeline timeline;
  timeline.incidents = std::move(incidents);
  DurationNs total = 0, page_total = 0;
  size_t closed = 0, page_closed = 0;
  for (Incident& inc : timeline.incidents) {
    bool page = inc.severity == "page";
    (page ? timeline.pages : timeline.tickets)++;
    if (inc.open) {
      // Still firing at `to`: account for what it has consumed so far.
      inc.end = to;
      inc.budget_consumed = BudgetConsumed(evaluator, slo, cohort, inc.start, to);
      continue;
    }
    total += inc.duration();
    ++closed;
    if (page) {
      page_total += inc.duration();
      ++page_closed;
    }
  }
  if (closed) timeline.mttr = total / static_cast<DurationNs>(closed);
  if (page_closed) timeline.page_mttr = page_total / static_cast<DurationNs>(page_closed);
  return timeline;
}

AlertTimeline Backtest(const Evaluator& evaluator, size_t slo, size_t cohort, TimeNs from, TimeNs to) {
  AlertStateMachine machine(evaluator, slo, cohort);
  DurationNs step = evaluator.slot_width();
  for (TimeNs t = FloorDiv(from, step) * step + step; t <= to; t += step) machine.Step(t);
  return SummarizeIncidents(evaluator, slo, cohort, machine.incidents(), to);
}

}  // namespace slokit
