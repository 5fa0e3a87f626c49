#include "engine/evaluator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace slokit {

namespace {

// A cheap hash for short cohort keys, a word at a time: std::hash and the prime-modulo buckets of
// std::unordered_map were a tenth of `report`'s time.
uint64_t HashKey(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
  }
  if (i < s.size()) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = (h ^ w) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
  }
  return h;
}

// Cohort names to series indices: open addressing over the names the SLO state owns.
class CohortIndex {
 public:
  static constexpr size_t kNone = SIZE_MAX;
  size_t size() const { return size_; }
  size_t Find(std::string_view name, uint64_t hash, const std::vector<std::string>& names) const {
    if (slots_.empty()) return kNone;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == kNone) return kNone;
      if (slot.hash == hash && names[slot.id] == name) return slot.id;
    }
  }
  void Insert(uint64_t hash, size_t id) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    Place(hash, id);
    ++size_;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    size_t id = kNone;
  };
  void Place(uint64_t hash, size_t id) {
    size_t i = hash & mask_;
    while (slots_[i].id != kNone) i = (i + 1) & mask_;
    slots_[i] = Slot{hash, id};
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old)
      if (s.id != kNone) Place(s.hash, s.id);
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace

struct Evaluator::SloState {
  const Slo* slo;
  bool track_sums;
  size_t key_group = 0;                // SLOs with the same cohort fields share a record's key
  std::vector<SlotSeries> series;      // [0] = all, then cohorts
  std::vector<std::string> names;      // parallel to series
  mutable std::vector<UnitSeries> units;
  // The series' revision() when its units were built: the cache is fresh while the two agree.
  mutable std::vector<uint64_t> units_built_at;
  CohortIndex index;  // named cohorts, not "all" or "other"
  size_t other = 0;   // index of the "other" cohort once created
  uint64_t overflow = 0;

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
  size_t Find(std::string_view name) const { return index.Find(name, HashKey(name), names); }
  // `restoring`: the name comes from stored counts, where "other" is the overflow series itself.
  size_t CohortNamed(std::string_view name, DurationNs width, bool restoring = false) {
    return CohortNamed(name, HashKey(name), width, restoring);
  }
  size_t CohortNamed(std::string_view name, uint64_t hash, DurationNs width, bool restoring = false) {
    size_t id = index.Find(name, hash, names);
    if (id != CohortIndex::kNone) return id;
    if (restoring && name == "other") {
      if (other == 0) other = AddSeries("other", width);
      return other;
    }
    if (index.size() >= slo->cohorts.max) {
      ++overflow;
      if (other == 0) other = AddSeries("other", width);
      return other;
    }
    id = AddSeries(std::string(name), width);
    index.Insert(hash, id);
    return id;
  }
};

// A record's cohort key for one list of cohort fields, built at most once per record.
struct Evaluator::CohortKey {
  std::vector<int> fields;
  std::string key;
  uint64_t hash = 0;
  uint64_t built_for = 0;  // the Push() call the key belongs to

  void Build(const Record& r) {
    key.clear();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) key += ',';
      const Value& v = r.values[static_cast<size_t>(fields[i])];
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
    hash = HashKey(key);
  }
};

Evaluator::Evaluator(const Spec& spec, EvaluatorOptions options) : spec_(&spec), options_(options) {
  for (const Slo& slo : spec.slos) {
    auto state = std::make_unique<SloState>(slo, options_.slot);
    if (!slo.cohorts.fields.empty()) {
      auto same = std::find_if(keys_.begin(), keys_.end(),
                               [&](const CohortKey& k) { return k.fields == slo.cohorts.fields; });
      state->key_group = static_cast<size_t>(same - keys_.begin());
      if (same == keys_.end()) keys_.push_back(CohortKey{slo.cohorts.fields, {}, 0, 0});
    }
    slos_.push_back(std::move(state));
  }
}
Evaluator::~Evaluator() = default;
Evaluator::Evaluator(Evaluator&&) noexcept = default;

void Evaluator::Push(const Record& r) {
  if (!any_ || r.time_ns < min_time_) min_time_ = r.time_ns;
  if (!any_ || r.time_ns > max_time_) max_time_ = r.time_ns;
  any_ = true;
  ++pushes_;
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
      CohortKey& k = keys_[state->key_group];
      if (k.built_for != pushes_) {
        k.Build(r);
        k.built_for = pushes_;
      }
      size_t c = state->CohortNamed(k.key, k.hash, options_.slot);
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
      size_t target = mine.Find(theirs.names[c]);
      if (target == CohortIndex::kNone && (c == theirs.other || mine.index.size() >= mine.slo->cohorts.max)) {
        if (mine.other == 0) mine.other = mine.AddSeries("other", options_.slot);
        target = mine.other;
        if (c != theirs.other) ++mine.overflow;
      } else if (target == CohortIndex::kNone) {
        target = mine.AddSeries(theirs.names[c], options_.slot);
        mine.index.Insert(HashKey(theirs.names[c]), target);
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
  return name == "all" || (name == "other" && s.other != 0) || s.Find(name) != CohortIndex::kNone;
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
