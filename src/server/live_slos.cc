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

LiveSlos::LiveSlos(std::shared_ptr<const Spec> spec, EvaluatorOptions options)
    : spec_(std::move(spec)), evaluator_(*spec_, options), machines_(spec_->slos.size()) {}

void LiveSlos::EnsureMachines() {
  for (size_t i = 0; i < machines_.size(); ++i)
    while (machines_[i].size() < evaluator_.cohort_count(i)) machines_[i].emplace_back(evaluator_, i, machines_[i].size());
}

std::vector<AlertChange> LiveSlos::StepTo(TimeNs at) {
  std::vector<AlertChange> changes;
  const DurationNs slot = evaluator_.slot_width();
  if (evaluator_.data_end() == 0) return changes;
  if (last_step_ == 0) last_step_ = evaluator_.data_start();
  EnsureMachines();
  for (TimeNs t = last_step_ + slot; t <= at; t += slot) {
    for (size_t i = 0; i < machines_.size(); ++i) {
      for (size_t c = 0; c < machines_[i].size(); ++c) {
        AlertStateMachine& m = machines_[i][c];
        std::vector<size_t> open_before;
        for (size_t k = 0; k < m.incidents().size(); ++k)
          if (m.incidents()[k].open) open_before.push_back(k);
        size_t before = m.incidents().size();
        m.Step(t);
        const std::vector<Incident>& after = m.incidents();
        for (size_t k : open_before)
          if (!after[k].open) changes.push_back({i, evaluator_.cohort_name(i, c), after[k]});
        for (size_t k = before; k < after.size(); ++k) changes.push_back({i, evaluator_.cohort_name(i, c), after[k]});
      }
    }
    last_step_ = t;
  }
  return changes;
}

std::vector<AlertChange> LiveSlos::Firing() const {
  std::vector<AlertChange> out;
  for (size_t i = 0; i < machines_.size(); ++i)
    for (size_t c = 0; c < machines_[i].size(); ++c)
      for (const Incident& inc : machines_[i][c].incidents())
        if (inc.open) out.push_back({i, evaluator_.cohort_name(i, c), inc});
  return out;
}

Report LiveSlos::BuildLiveReport(TimeNs at) const {
  const DurationNs slot = evaluator_.slot_width();
  const TimeNs data_start = evaluator_.data_start();
  return BuildReport(evaluator_, nullptr, at, [&](size_t i, size_t c) {
    // Step a copy up to `at`; a cohort that appeared after the last step has no machine yet and
    // starts from the data.
    bool has = c < machines_[i].size();
    AlertStateMachine m = has ? machines_[i][c] : AlertStateMachine(evaluator_, i, c);
    TimeNs from = has && last_step_ ? last_step_ : data_start;
    for (TimeNs t = from + slot; t <= at; t += slot) m.Step(t);
    return SummarizeIncidents(evaluator_, i, c, m.incidents(), at);
  });
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
