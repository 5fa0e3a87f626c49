#include "engine/evaluator.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace slokit {

struct Evaluator::SloState {
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  const Slo* slo;
  bool track_sums;
  std::vector<SlotSeries> series;      // [0] = all, then cohorts
  std::vector<std::string> names;      // parallel to series
  mutable std::vector<UnitSeries> units;
  // The series' revision() when its units were built: the cache is fresh while the two agree.
  mutable std::vector<uint64_t> units_built_at;
  std::unordered_map<std::string, size_t, Hash, std::equal_to<>> index;
  size_t other = 0;  // index of the "other" cohort once created
  uint64_t overflow = 0;
  std::string key;   // scratch for building cohort keys

  SloState(const Slo& s, DurationNs width) : slo(&s), track_sums(s.sli.kind == SliKind::kThroughput) {
    AddSeries("all", width);
  }
  size_t AddSeries(std::string name, DurationNs width) {
    series.emplace_back(width, track_sums);
    names.push_back(std::move(name));
    units.emplace_back();
    units_built_at.push_back(UINT64_MAX);
    return series.size() - 1;
  }
  size_t CohortFor(const Record& r, DurationNs width) {
    key.clear();
    for (size_t i = 0; i < slo->cohorts.fields.size(); ++i) {
      int f = slo->cohorts.fields[i];
      if (i) key += ',';
      const Value& v = r.values[static_cast<size_t>(f)];
      switch (v.type) {
        case ValueType::kString: key.append(v.string); break;
        case ValueType::kBool: key += v.boolean ? "true" : "false"; break;
        case ValueType::kNumber: {
          char buf[32];
          auto res = std::to_chars(buf, buf + sizeof buf, v.number);
          key.append(buf, res.ptr);
          break;
        }
        default: key += "-"; break;
      }
    }
    return CohortNamed(key, width);
  }
  // `restoring`: the name comes from stored counts, where "other" is the overflow series itself.
  size_t CohortNamed(std::string_view name, DurationNs width, bool restoring = false) {
    auto it = index.find(name);
    if (it != index.end()) return it->second;
    if (restoring && name == "other") {
      if (other == 0) other = AddSeries("other", width);
      return other;
    }
    if (index.size() >= slo->cohorts.max) {
      ++overflow;
      if (other == 0) other = AddSeries("other", width);
      return other;
    }
    size_t id = AddSeries(std::string(name), width);
    index.emplace(std::string(name), id);
    return id;
  }
};

Evaluator::Evaluator(const Spec& spec, EvaluatorOptions options) : spec_(&spec), options_(options) {
  for (const Slo& slo : spec.slos) slos_.push_back(std::make_unique<SloState>(slo, options_.slot));
}
Evaluator::~Evaluator() = default;
Evaluator::Evaluator(Evaluator&&) noexcept = default;

void Evaluator::Push(const Record& r) {
  if (!any_ || r.time_ns < min_time_) min_time_ = r.time_ns;
  if (!any_ || r.time_ns > max_time_) max_time_ = r.time_ns;
  any_ = true;
  const int64_t slot = FloorDiv(r.time_ns, options_.slot);
  for (auto& state : slos_) {
    const Sli& sli = state->slo->sli;
    if (!sli.valid.Eval(r)) continue;
    bool good = false;
    double value = 0;
    switch (sli.kind) {
      case SliKind::kThroughput: {
        const Value& v = r.values[static_cast<size_t>(sli.field)];
        value = v.type == ValueType::kNumber ? v.number : 0;
        break;
      }
      default:
        good = sli.good.Eval(r);
    }
    state->series[0].AddToSlot(slot, good, value);
    if (!state->slo->cohorts.fields.empty()) {
      size_t c = state->CohortFor(r, options_.slot);
      state->series[c].AddToSlot(slot, good, value);
    }
  }
}

void Evaluator::AddCounts(size_t slo, std::string_view cohort, int64_t slot, SlotCounts counts, double sum) {
  if (counts.valid == 0 && sum == 0) return;
  const TimeNs t = slot * options_.slot;
  if (!any_ || t < min_time_) min_time_ = t;
  if (!any_ || t > max_time_) max_time_ = t;
  any_ = true;
  SloState& state = *slos_[slo];
  size_t c = cohort == "all" ? 0 : state.CohortNamed(cohort, options_.slot, /*restoring=*/true);
  state.series[c].AddCounts(slot, counts, sum);
}

void Evaluator::Merge(const Evaluator& other) {
  if (other.any_) {
    if (!any_ || other.min_time_ < min_time_) min_time_ = other.min_time_;
    if (!any_ || other.max_time_ > max_time_) max_time_ = other.max_time_;
    any_ = true;
  }
  for (size_t i = 0; i < slos_.size(); ++i) {
    SloState& mine = *slos_[i];
    const SloState& theirs = *other.slos_[i];
    mine.series[0].Merge(theirs.series[0]);
    for (size_t c = 1; c < theirs.series.size(); ++c) {
      size_t target;
      auto it = mine.index.find(theirs.names[c]);
      if (it != mine.index.end()) {
        target = it->second;
      } else if (c == theirs.other || mine.index.size() >= mine.slo->cohorts.max) {
        if (mine.other == 0) mine.other = mine.AddSeries("other", options_.slot);
        target = mine.other;
        if (c != theirs.other) ++mine.overflow;
      } else {
        target = mine.AddSeries(theirs.names[c], options_.slot);
        mine.index.emplace(theirs.names[c], target);
      }
      mine.series[target].Merge(theirs.series[c]);
    }
    mine.overflow += theirs.overflow;
  }
}

TimeNs Evaluator::data_end() const {
  return any_ ? (FloorDiv(max_time_, options_.slot) + 1) * options_.slot : 0;
}
TimeNs Evaluator::data_start() const { return any_ ? FloorDiv(min_time_, options_.slot) * options_.slot : 0; }

size_t Evaluator::cohort_count(size_t slo) const { return slos_[slo]->series.size(); }
const std::string& Evaluator::cohort_name(size_t slo, size_t cohort) const { return slos_[slo]->names[cohort]; }
uint64_t Evaluator::overflow_events(size_t slo) const { return slos_[slo]->overflow; }
void Evaluator::DeclareCohort(size_t slo, std::string_view name) {
  if (name != "all") slos_[slo]->CohortNamed(name, options_.slot, /*restoring=*/true);
}
void Evaluator::AddOverflow(size_t slo, uint64_t events) { slos_[slo]->overflow += events; }
bool Evaluator::has_cohort(size_t slo, std::string_view name) const {
  const SloState& s = *slos_[slo];
  return name == "all" || (name == "other" && s.other != 0) || s.index.find(name) != s.index.end();
}
const SlotSeries& Evaluator::slots(size_t slo, size_t cohort) const { return slos_[slo]->series[cohort]; }

const UnitSeries& Evaluator::units(size_t slo, size_t cohort) const {
  SloState& s = *slos_[slo];
  if (s.units_built_at[cohort] != s.series[cohort].revision()) {
    s.units[cohort] = UnitSeries(s.series[cohort], *s.slo);
    s.units_built_at[cohort] = s.series[cohort].revision();
  }
  return s.units[cohort];
}

BurnRate Evaluator::Burn(size_t slo, size_t cohort, TimeNs at, DurationNs window) const {
  BurnRate b;
  b.window = window;
  b.units = units(slo, cohort).Count(at - window, at);
  double budget = 1 - spec_->slos[slo].objective;
  if (b.units.valid > 0) b.rate = static_cast<double>(b.units.bad()) / static_cast<double>(b.units.valid) / budget;
  return b;
}

SloStatus Evaluator::Status(size_t slo_index, size_t cohort, TimeNs at) const {
  const Slo& slo = spec_->slos[slo_index];
  SloStatus st;
  st.at = at;
  slo.window.Bounds(at, &st.window_start, &st.period_end);
  st.window_length = slo.window.kind == Window::Kind::kRolling ? slo.window.length : st.period_end - st.window_start;
  TimeNs from = st.window_start;
  const SlotSeries& series = slots(slo_index, cohort);
  if (!series.empty()) {
    TimeNs first = series.first_data_slot() * series.width();
    st.covered = std::max<DurationNs>(0, at - std::max(from, first));
    for (int64_t s = FloorDiv(std::max(from, first), series.width()); s < FloorDiv(at, series.width()); ++s)
      st.valid_events += series.at(s).valid;
  }
  st.units = units(slo_index, cohort).Count(from, at);
  double budget = 1 - slo.objective;
  st.budget_total_time = std::llround(budget * static_cast<double>(st.window_length));
  st.has_data = st.units.valid > 0;
  if (st.has_data) {
    st.sli = static_cast<double>(st.units.good) / static_cast<double>(st.units.valid);
    st.met = st.sli >= slo.objective - 1e-12;
    // Burn over the covered part, weighted by how much of the period it is: equal to bad events
    // over the budget of bad events when traffic is steady, and defined for partial windows.
    double burn = (1 - st.sli) / budget;
    st.budget_consumed = burn * static_cast<double>(st.covered) / static_cast<double>(st.window_length);
  }
  return st;
}

}  // namespace slokit
