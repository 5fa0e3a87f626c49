#include "server/live_slos.h"

#include <algorithm>

#include <fmt/format.h>

namespace slokit::server {

std::string SloFingerprint(const Spec& spec, const Slo& slo) {
  const Sli& sli = slo.sli;
  std::string fp = fmt::format("{}|valid:{}|good:{}|field:{}|p{}|t{}", SliKindName(sli.kind),
                               sli.valid.ToString(spec.fields), sli.good.ToString(spec.fields),
                               sli.field >= 0 ? spec.fields.name(sli.field) : "", sli.percentile, sli.threshold);
  for (int f : slo.cohorts.fields) fp += "|by:" + spec.fields.name(f);
  return fp;
}

namespace {

// Runs `step` and hands `emit` every incident it opened or closed. `incidents` is the machine's
// own list, which `step` appends to and updates.
template <typename Incidents, typename Step, typename Emit>
void StepAndDiff(const Incidents& incidents, Step step, Emit emit) {
  std::vector<size_t> open_before;
  for (size_t k = 0; k < incidents.size(); ++k)
    if (incidents[k].open) open_before.push_back(k);
  const size_t before = incidents.size();
  step();
  for (size_t k : open_before)
    if (!incidents[k].open) emit(incidents[k]);
  for (size_t k = before; k < incidents.size(); ++k) emit(incidents[k]);
}

// Steps a regression or capacity alerter at every multiple of `step` in (*last, at], from the
// step after `from` when it has not stepped yet (*last == 0), handing `emit` what changed.
template <typename Alerter, typename Emit>
void StepCheck(Alerter& alerter, DurationNs step, TimeNs from, TimeNs at, TimeNs* last, Emit emit) {
  if (*last == 0) *last = FloorDiv(from, step) * step;
  for (TimeNs t = *last + step; t <= at; t += step) {
    StepAndDiff(alerter.machine().incidents(), [&] { alerter.Step(t); }, emit);
    *last = t;
  }
}

}  // namespace

LiveSlos::LiveSlos(std::shared_ptr<const Spec> spec, EvaluatorOptions options)
    : spec_(std::move(spec)),
      evaluator_(*spec_, options),
      machines_(spec_->slos.size()),
      kpis_(*spec_),
      regression_steps_(spec_->regressions.size(), 0),
      capacity_steps_(spec_->capacity.size(), 0) {
  for (size_t i = 0; i < spec_->regressions.size(); ++i) regression_alerters_.emplace_back(kpis_, i);
  for (size_t i = 0; i < spec_->capacity.size(); ++i) capacity_alerters_.emplace_back(kpis_, &evaluator_, i);
}

void LiveSlos::EnsureMachines() {
  for (size_t i = 0; i < machines_.size(); ++i)
    while (machines_[i].size() < evaluator_.cohort_count(i)) machines_[i].emplace_back(evaluator_, i, machines_[i].size());
}

AlertChanges LiveSlos::StepTo(TimeNs at) {
  AlertChanges changes;
  StepKpisTo(at, &changes.kpis);
  const DurationNs slot = evaluator_.slot_width();
  if (evaluator_.data_end() == 0) return changes;
  if (last_step_ == 0) last_step_ = evaluator_.data_start();
  EnsureMachines();
  for (TimeNs t = last_step_ + slot; t <= at; t += slot) {
    for (size_t i = 0; i < machines_.size(); ++i) {
      for (size_t c = 0; c < machines_[i].size(); ++c) {
        AlertStateMachine& m = machines_[i][c];
        StepAndDiff(m.incidents(), [&] { m.Step(t); },
                    [&](const Incident& inc) { changes.slos.push_back({i, evaluator_.cohort_name(i, c), inc}); });
      }
    }
    last_step_ = t;
  }
  return changes;
}

void LiveSlos::StepKpisTo(TimeNs at, std::vector<KpiAlertChange>* changes) {
  if (kpis_.data_end() == 0 && evaluator_.data_end() == 0) return;
  const TimeNs from = KpiBacktestStart(evaluator_, kpis_);
  for (size_t i = 0; i < regression_alerters_.size(); ++i)
    StepCheck(regression_alerters_[i], spec_->regressions[i].step, from, at, &regression_steps_[i],
              [&](const KpiIncident& inc) { changes->push_back({false, i, inc}); });
  for (size_t i = 0; i < capacity_alerters_.size(); ++i)
    StepCheck(capacity_alerters_[i], spec_->capacity[i].step, from, at, &capacity_steps_[i],
              [&](const KpiIncident& inc) { changes->push_back({true, i, inc}); });
}

AlertChanges LiveSlos::Firing() const {
  AlertChanges out;
  for (size_t i = 0; i < machines_.size(); ++i)
    for (size_t c = 0; c < machines_[i].size(); ++c)
      for (const Incident& inc : machines_[i][c].incidents())
        if (inc.open) out.slos.push_back({i, evaluator_.cohort_name(i, c), inc});
  for (size_t i = 0; i < regression_alerters_.size(); ++i)
    for (const KpiIncident& inc : regression_alerters_[i].machine().incidents())
      if (inc.open) out.kpis.push_back({false, i, inc});
  for (size_t i = 0; i < capacity_alerters_.size(); ++i)
    for (const KpiIncident& inc : capacity_alerters_[i].machine().incidents())
      if (inc.open) out.kpis.push_back({true, i, inc});
  return out;
}

Report LiveSlos::BuildLiveReport(TimeNs at) const {
  const DurationNs slot = evaluator_.slot_width();
  const TimeNs data_start = evaluator_.data_start();
  auto slo_timeline = [&](size_t i, size_t c) {
    // Step a copy up to `at`; a cohort that appeared after the last step has no machine yet and
    // starts from the data.
    bool has = c < machines_[i].size();
    AlertStateMachine m = has ? machines_[i][c] : AlertStateMachine(evaluator_, i, c);
    TimeNs from = has && last_step_ ? last_step_ : data_start;
    for (TimeNs t = from + slot; t <= at; t += slot) m.Step(t);
    return SummarizeIncidents(evaluator_, i, c, m.incidents(), at);
  };
  // The checks' timelines likewise: their alerters, stepped on copies up to `at`.
  const TimeNs kpi_from = KpiBacktestStart(evaluator_, kpis_);
  auto kpi_timeline = [&](bool capacity, size_t i) {
    auto run = [&](auto alerter, TimeNs last, DurationNs step) {
      StepCheck(alerter, step, kpi_from, at, &last, [](const KpiIncident&) {});
      return alerter.machine().Timeline(at);
    };
    return capacity ? run(capacity_alerters_[i], capacity_steps_[i], spec_->capacity[i].step)
                    : run(regression_alerters_[i], regression_steps_[i], spec_->regressions[i].step);
  };
  return BuildReport(evaluator_, has_kpi_checks() ? &kpis_ : nullptr, at, slo_timeline, kpi_timeline);
}

nlohmann::json LiveSlos::Timeline(size_t slo, TimeNs at, DurationNs step) const {
  nlohmann::json points = nlohmann::json::array();
  SloStatus now = evaluator_.Status(slo, 0, at);
  TimeNs from = std::max(now.window_start, evaluator_.data_start());
  step = std::max(step, evaluator_.slot_width());
  // Never more than ~2000 points, whatever step was asked for.
  step = std::max<DurationNs>(step, (at - from) / 2000 / evaluator_.slot_width() * evaluator_.slot_width());
  static constexpr DurationNs kWindows[] = {5 * kMinute, kHour, 6 * kHour, 3 * kDay};
  for (TimeNs t = FloorDiv(from, step) * step + step; t <= at && from < at; t += step) {
    SloStatus st = evaluator_.Status(slo, 0, t);
    nlohmann::json burns = nlohmann::json::object();
    for (DurationNs w : kWindows) {
      BurnRate b = evaluator_.Burn(slo, 0, t, w);
      burns[FormatDuration(w)] = b.units.valid ? nlohmann::json(b.rate) : nlohmann::json(nullptr);
    }
    points.push_back({{"t", FormatTime(t)},
                      {"sli", st.has_data ? nlohmann::json(st.sli) : nlohmann::json(nullptr)},
                      {"budget_remaining", 1 - st.budget_consumed},
                      {"burn_rates", burns}});
  }
  return {{"step_seconds", step / kSecond}, {"points", points}};
}

}  // namespace slokit::server
