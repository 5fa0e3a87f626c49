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

// Equality of short strings (cohort keys) without a call to memcmp.
bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return false;
  }
  for (; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
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

// One field's part of a cohort key: the string itself, "true"/"false", the number, or "-".
void AppendKeyPart(const Value& v, std::string* key) {
  switch (v.type) {
    case ValueType::kString: key->append(v.string); break;
    case ValueType::kBool: *key += v.boolean ? "true" : "false"; break;
    case ValueType::kNumber: {
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, v.number);
      key->append(buf, res.ptr);
      break;
    }
    default: *key += "-"; break;
  }
}

// A record's cohort key for one list of cohort fields, built at most once per record.
struct Evaluator::CohortKey {
  std::vector<int> fields;
  std::string key;           // the key when it has to be built
  std::string_view current;  // the current record's key (in `key` or in the record)
  uint64_t hash = 0;
  uint64_t built_for = 0;  // the Push() call the key belongs to

  // `value(field)` gives the record's value of a field.
  template <typename ValueOf>
  std::string_view Build(ValueOf value) {
    if (fields.size() == 1 && value(fields[0]).type == ValueType::kString) {
      std::string_view s = value(fields[0]).string;  // the key is the string: no copy
      hash = HashKey(s);
      return s;
    }
    key.clear();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) key += ',';
      AppendKeyPart(value(fields[i]), &key);
    }
    hash = HashKey(key);
    return key;
  }
};

// The distinct cohort keys of one batch for one key group, and which one each row has.
struct Evaluator::BatchKeys {
  static constexpr uint32_t kEmpty = UINT32_MAX;
  std::vector<uint32_t> row_key;  // per row, an index into keys
  std::vector<std::string> keys;  // the first `count` are this batch's
  std::vector<uint64_t> hashes;
  size_t count = 0;
  std::vector<uint32_t> table;    // open addressing over key indices

  void Build(const RecordBatch& b, CohortKey* k) {
    const size_t capacity = 2 * RecordBatch::kCapacity;  // at least twice the keys: probes stay short
    table.assign(capacity, kEmpty);
    row_key.resize(b.size());
    count = 0;
    for (size_t row = 0; row < b.size(); ++row) {
      std::string_view key = k->Build([&](int f) -> const Value& { return b.value(row, f); });
      size_t i = k->hash & (capacity - 1);
      for (; table[i] != kEmpty; i = (i + 1) & (capacity - 1)) {
        if (hashes[table[i]] == k->hash && SameBytes(keys[table[i]], key)) break;
      }
      if (table[i] == kEmpty) {
        if (count == keys.size()) {
          keys.emplace_back();
          hashes.push_back(0);
        }
        keys[count].assign(key);
        hashes[count] = k->hash;
        table[i] = static_cast<uint32_t>(count++);
      }
      row_key[row] = table[i];
    }
  }
};

Evaluator::Evaluator(const Spec& spec, EvaluatorOptions options) : spec_(&spec), options_(options) {
  for (const Slo& slo : spec.slos) {
    auto state = std::make_unique<SloState>(slo, options_.slot);
    if (!slo.cohorts.fields.empty()) {
      auto same = std::find_if(keys_.begin(), keys_.end(),
                               [&](const CohortKey& k) { return k.fields == slo.cohorts.fields; });
      state->key_group = static_cast<size_t>(same - keys_.begin());
      if (same == keys_.end()) keys_.push_back(CohortKey{slo.cohorts.fields, {}, {}, 0, 0});
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
        k.current = k.Build([&](int f) -> const Value& { return r.values[static_cast<size_t>(f)]; });
        k.built_for = pushes_;
      }
      size_t c = state->CohortNamed(k.current, k.hash, options_.slot);
      state->series[c].AddToSlot(slot, good, value);
    }
  }
}

// The same counts as Push() for each row in order, computed a batch at a time: each filter is
// walked once per batch, rows in the same slot reach the SLO-wide series as one addition, and
// each distinct cohort key of the batch is looked up once per SLO.
void Evaluator::PushBatch(const RecordBatch& b) {
  const size_t rows = b.size();
  if (rows == 0) return;
  int64_t slot[RecordBatch::kCapacity];
  for (size_t i = 0; i < rows; ++i) {
    const TimeNs t = b.time(i);
    if (!any_ || t < min_time_) min_time_ = t;
    if (!any_ || t > max_time_) max_time_ = t;
    any_ = true;
    slot[i] = FloorDiv(t, options_.slot);
  }
  pushes_ += rows;
  batch_keys_.resize(keys_.size());
  for (size_t g = 0; g < keys_.size(); ++g) batch_keys_[g].Build(b, &keys_[g]);

  const size_t words = (rows + 63) / 64;
  uint64_t valid[RecordBatch::kWords], good[RecordBatch::kWords];
  // A batch's key resolves to a series once, or to "other" past the bound, which counts again
  // for every event, as in Push().
  constexpr size_t kUnresolved = SIZE_MAX, kOverflowed = SIZE_MAX - 1;
  for (auto& state_ptr : slos_) {
    SloState& state = *state_ptr;
    const Sli& sli = state.slo->sli;
    const bool throughput = sli.kind == SliKind::kThroughput;
    sli.valid.EvalBatch(b, valid);
    if (throughput) {
      std::fill(std::begin(good), std::end(good), 0);  // counted by their sums, as in Push()
    } else {
      sli.good.EvalBatch(b, good);
    }
    const bool cohorts = !state.slo->cohorts.fields.empty();
    BatchKeys* bk = cohorts ? &batch_keys_[state.key_group] : nullptr;
    if (cohorts) series_of_key_.assign(bk->count, kUnresolved);

    int64_t run_slot = 0;
    SlotCounts run;
    double run_sum = 0;
    for (size_t w = 0; w < words; ++w) {
      for (uint64_t bits = valid[w]; bits != 0; bits &= bits - 1) {
        const size_t row = w * 64 + static_cast<size_t>(__builtin_ctzll(bits));
        const bool is_good = (good[w] >> (row % 64)) & 1;
        double value = 0;
        if (throughput) {
          const Value& v = b.value(row, sli.field);
          value = v.type == ValueType::kNumber ? v.number : 0;
        }
        if (run.valid != 0 && slot[row] != run_slot) {
          state.series[0].AddCounts(run_slot, run, run_sum);
          run = SlotCounts{};
          run_sum = 0;
        }
        run_slot = slot[row];
        ++run.valid;
        run.good += is_good ? 1 : 0;
        run_sum += value;
        if (!cohorts) continue;
        const uint32_t key = bk->row_key[row];
        size_t c = series_of_key_[key];
        if (c == kUnresolved) {
          const uint64_t overflow_before = state.overflow;
          c = state.CohortNamed(bk->keys[key], bk->hashes[key], options_.slot);
          series_of_key_[key] = state.overflow != overflow_before ? kOverflowed : c;
        } else if (c == kOverflowed) {
          ++state.overflow;
          c = state.other;
        }
        state.series[c].AddToSlot(slot[row], is_good, value);
      }
    }
    if (run.valid != 0) state.series[0].AddCounts(run_slot, run, run_sum);
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
