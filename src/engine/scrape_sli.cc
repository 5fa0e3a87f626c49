// Each binding selector becomes a Term: a sum over the series that match it, with the last value
// of every such series. A Plan says how an SLO's terms make valid/good counts. Observe measures
// every term's increase per cohort, then each plan turns them into slot counts.
#include "engine/scrape_sli.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <unordered_map>
#include <unordered_set>

namespace slokit {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Matcher {
  std::string label;
  enum class Op { kEq, kNe, kRe, kNre } op = Op::kEq;
  std::string value;
  std::regex re;  // kRe / kNre, anchored like PromQL's
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// `le` labels are numbers written many ways ("1", "1.0", "+Inf"); compare them as numbers, with a
// tolerance for thresholds converted between units.
bool SameBound(std::string_view le, double bound) {
  double v;
  if (le == "+Inf" || le == "Inf" || le == "inf") return std::isinf(bound) && bound > 0;
  if (!le.empty() && le[0] == '+') le.remove_prefix(1);
  auto r = std::from_chars(le.data(), le.data() + le.size(), v);
  if (r.ec != std::errc() || r.ptr != le.data() + le.size()) return false;
  return std::fabs(v - bound) <= 1e-9 * std::max(1.0, std::fabs(bound));
}

}  // namespace

struct ScrapeSli::SeriesState {
  double last = 0;      // value in the latest scrape that had the series
  double increase = 0;  // since the scrape before it
  uint64_t scrape = 0;  // the scrape `increase` belongs to
  const void* counted_by = nullptr;  // the term that read it last, to catch a series listed twice
};

struct ScrapeSli::SeriesMap
    : std::unordered_map<std::string, SeriesState, StringHash, std::equal_to<>> {};

struct ScrapeSli::Term {
  std::string metric;
  std::vector<Matcher> matchers;
  double le = kNaN;                   // bucket terms: the bucket at this bound only
  std::vector<std::string> cohort_labels;
  std::string what;                   // for warnings: "availability: total <selector>"
  std::string identity;               // what it reads: metric, selector, bound
  bool baselined = false;             // its series have values from an earlier scrape
  bool fresh = false;                 // the last Observe was its first
  bool may_be_absent = false;         // good and bad counters appear with their first event
  // Measured by the last Observe: increase per cohort key ("" when there are no cohort labels).
  std::map<std::string, double, std::less<>> increase;
  bool matched = false;               // some series matched in the last scrape

  bool Matches(const promtext::Exposition& x, const promtext::Sample& s) const {
    if (!std::isnan(le) && !SameBound(x.LabelValue(s, "le"), le)) return false;
    for (const Matcher& m : matchers) {
      std::string_view v = m.label == "__name__" ? s.name : x.LabelValue(s, m.label);
      switch (m.op) {
        case Matcher::Op::kEq: if (v != m.value) return false; break;
        case Matcher::Op::kNe: if (v == m.value) return false; break;
        case Matcher::Op::kRe: if (!std::regex_match(v.begin(), v.end(), m.re)) return false; break;
        case Matcher::Op::kNre: if (std::regex_match(v.begin(), v.end(), m.re)) return false; break;
      }
    }
    return true;
  }
};

struct ScrapeSli::Plan {
  size_t slo = 0;
  Term* valid = nullptr;  // total, _count, or the throughput's events
  Term* good = nullptr;   // good counter or bucket
  Term* bad = nullptr;    // bad counter (good = valid - bad)
  Term* sum = nullptr;    // throughput: the counter whose rate is the SLI
  bool cohorts = false;
};

ScrapeSli::ScrapeSli() : series_(std::make_unique<SeriesMap>()) {}
ScrapeSli::~ScrapeSli() = default;

Status ScrapeSli::Create(const Spec& spec, const ScrapeSliOptions& options, std::unique_ptr<ScrapeSli>* out) {
  std::unique_ptr<ScrapeSli> x(new ScrapeSli());
  x->options_ = options;
  for (size_t i = 0; i < spec.slos.size(); ++i) {
    const Slo& slo = spec.slos[i];
    const Sli& sli = slo.sli;
    const PrometheusBinding& b = sli.prometheus;
    std::string why;
    if (!b.defined) {
      why = "no prometheus binding names the series that measure it";
    } else if (sli.kind == SliKind::kPercentile && !b.threshold_is_boundary) {
      why = "its threshold is between two bucket boundaries of " + b.histogram.metric +
            ": only histogram_quantile could estimate the percentile, scrapes give exact bucket counts; "
            "use a boundary as the threshold";
    } else if (sli.kind == SliKind::kThroughput && b.events.empty() && slo.budgeting.min_events > 1) {
      why = "min_events is " + std::to_string(slo.budgeting.min_events) +
            " but the binding has no `events` counter to count requests";
    }
    // Cohorts: the binding's `by` labels, else the SLO's cohort fields read as label names.
    std::vector<std::string> cohort_labels = b.by;
    if (cohort_labels.empty()) {
      for (int f : slo.cohorts.fields) cohort_labels.push_back(spec.fields.name(f));
    }
    Plan plan;
    plan.slo = i;
    plan.cohorts = !cohort_labels.empty();
    auto term = [&](const PromSelector& sel, std::string metric, double le, const char* role) -> Term* {
      auto t = std::make_unique<Term>();
      t->metric = std::move(metric);
      t->le = le;
      t->cohort_labels = cohort_labels;
      t->what = slo.name + ": " + role + " " + sel.Render();
      t->identity = t->metric + '\x01' + sel.Render();
      if (!std::isnan(le)) {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, le);
        t->identity += '\x01';
        t->identity.append(buf, r.ptr);
      }
      t->may_be_absent = std::string_view(role) == "good" || std::string_view(role) == "bad";
      for (const PromMatcher& m : sel.matchers) {
        Matcher mm;
        mm.label = m.label;
        mm.value = m.value;
        mm.op = m.op == "=" ? Matcher::Op::kEq : m.op == "!=" ? Matcher::Op::kNe
                : m.op == "=~" ? Matcher::Op::kRe : Matcher::Op::kNre;
        if (mm.op == Matcher::Op::kRe || mm.op == Matcher::Op::kNre) {
          try {
            mm.re = std::regex("^(?:" + m.value + ")$", std::regex::ECMAScript | std::regex::optimize);
          } catch (const std::regex_error&) {
            if (why.empty()) why = "the regular expression \"" + m.value + "\" of " + sel.Render() + " is not valid";
          }
        }
        t->matchers.push_back(std::move(mm));
      }
      x->terms_.push_back(std::move(t));
      return x->terms_.back().get();
    };
    if (why.empty()) {
      switch (sli.kind) {
        case SliKind::kRatio:
        case SliKind::kQuality:
        case SliKind::kComposite:
          plan.valid = term(b.total, b.total.metric, kNaN, "total");
          if (!b.good.empty()) plan.good = term(b.good, b.good.metric, kNaN, "good");
          else plan.bad = term(b.bad, b.bad.metric, kNaN, "bad");
          break;
        case SliKind::kLatency:
        case SliKind::kPercentile:
          plan.valid = term(b.histogram, b.histogram.metric + "_count", kNaN, "count of");
          plan.good = term(b.histogram, b.histogram.metric + "_bucket", b.threshold, "bucket of");
          break;
        case SliKind::kThroughput:
          plan.sum = term(b.counter, b.counter.metric, kNaN, "counter");
          if (!b.events.empty()) plan.valid = term(b.events, b.events.metric, kNaN, "events");
          break;
      }
    }
    x->measured_.push_back(why.empty());
    if (!why.empty()) {
      if (!options.skip_unmeasurable) {
        return Status::InvalidArgument("slo " + slo.name + " cannot be measured from scrapes: " + why);
      }
      x->skipped_.push_back(slo.name + ": " + why);
      continue;
    }
    x->plans_.push_back(plan);
  }
  *out = std::move(x);
  return Status::Ok();
}

bool ScrapeSli::measures(size_t slo) const { return slo < measured_.size() && measured_[slo]; }

void ScrapeSli::Measure(const promtext::Exposition& x, Term* t) {
  t->increase.clear();
  t->matched = false;
  const bool first = !t->baselined;
  t->fresh = first;
  t->baselined = true;
  std::string key, cohort;
  for (const promtext::Sample& s : x.samples()) {
    if (s.name != t->metric || !t->Matches(x, s) || std::isnan(s.value)) continue;
    t->matched = true;
    key.assign(s.name);
    for (const promtext::Label& l : x.labels(s)) {
      key += '\x01';
      key += l.name;
      key += '\x02';
      key += l.value;
    }
    // Several terms may read one series: its increase is worked out once per scrape.
    auto it = series_->find(std::string_view(key));
    if (it == series_->end()) {
      ++stats_.series;
      const double inc = first || !options_.count_new_series ? 0 : s.value;
      it = series_->emplace(key, SeriesState{s.value, inc, scrape_id_, t}).first;
    } else if (it->second.scrape == scrape_id_) {
      if (it->second.counted_by == t) {  // the same series twice in one scrape: keep the first
        stats_.warnings.push_back("series " + std::string(s.name) + " appears twice in the scrape; the repeat is ignored");
        continue;
      }
      it->second.counted_by = t;
    } else {
      it->second.counted_by = t;
      if (s.value < it->second.last) {  // the counter restarted from 0
        ++stats_.resets;
        it->second.increase = s.value;
      } else {
        it->second.increase = s.value - it->second.last;
      }
      it->second.last = s.value;
      it->second.scrape = scrape_id_;
    }
    const double inc = it->second.increase;
    if (!(inc > 0) || std::isinf(inc)) continue;
    cohort.clear();
    for (size_t i = 0; i < t->cohort_labels.size(); ++i) {
      if (i) cohort += ',';
      bool found;
      std::string_view v = x.LabelValue(s, t->cohort_labels[i], &found);
      if (found) cohort.append(v);
      else cohort += '-';  // as the engine names a missing field
    }
    auto jt = t->increase.find(std::string_view(cohort));
    if (jt == t->increase.end()) t->increase.emplace(cohort, inc);
    else jt->second += inc;
  }
}

void ScrapeSli::Observe(TimeNs at, const promtext::Exposition& scrape, Evaluator* evaluator) {
  stats_.warnings.clear();
  if (restored_ && have_previous_ && at <= previous_) {
    // The restored scrape is not in the past (the clock went back while the daemon was down):
    // waiting for the clock to pass it would stop scraping, so this scrape is a baseline again.
    stats_.warnings.push_back("scrape at " + std::to_string(at) +
                              " is not after the restored baseline: it becomes the baseline");
    for (auto& t : terms_) t->baselined = false;
    series_->clear();
    have_previous_ = false;
  }
  restored_ = false;
  if (have_previous_ && at <= previous_) {
    ++stats_.ignored_out_of_order;
    stats_.warnings.push_back("scrape at " + std::to_string(at) + " is not after the previous one: ignored");
    return;
  }
  ++stats_.scrapes;
  ++scrape_id_;
  for (auto& t : terms_) {
    Measure(scrape, t.get());
    if (!t->matched && !t->may_be_absent) {
      stats_.warnings.push_back(t->what + " matched no series" +
                                (std::isnan(t->le) ? "" : " (no bucket at the threshold?)"));
    }
  }
  auto fresh = [](const Term* t) { return t != nullptr && t->fresh; };
  for (const Plan& p : plans_) {
    if (fresh(p.valid) || fresh(p.good) || fresh(p.bad) || fresh(p.sum)) continue;  // no baseline yet
    Feed(p, previous_, at, evaluator);
  }
  have_previous_ = true;
  previous_ = at;
}

// Text, one item a line, strings length-prefixed (series keys hold any bytes):
//   slokit-scrape-baseline 1 / at <ns> / term <n>:<identity> ... / series <n>:<key> <value> ...
namespace {
constexpr std::string_view kBaselineMagic = "slokit-scrape-baseline 1\n";

void PutString(std::string_view s, std::string* out) {
  *out += std::to_string(s.size());
  *out += ':';
  *out += s;
}

// Reads "<n>:<n bytes>" at the front of *in.
bool TakeString(std::string_view* in, std::string_view* out) {
  size_t n = 0;
  auto r = std::from_chars(in->data(), in->data() + in->size(), n);
  if (r.ec != std::errc() || r.ptr == in->data() + in->size() || *r.ptr != ':') return false;
  in->remove_prefix(static_cast<size_t>(r.ptr - in->data()) + 1);
  if (n > in->size()) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

bool TakeWord(std::string_view* in, std::string_view word) {
  if (in->substr(0, word.size()) != word) return false;
  in->remove_prefix(word.size());
  return true;
}

template <typename T>
bool TakeNumber(std::string_view* in, T* out) {
  auto r = std::from_chars(in->data(), in->data() + in->size(), *out);
  if (r.ec != std::errc()) return false;
  in->remove_prefix(static_cast<size_t>(r.ptr - in->data()));
  return true;
}
}  // namespace

std::string ScrapeSli::SaveBaseline() const {
  if (!have_previous_) return "";
  std::string out(kBaselineMagic);
  out += "at " + std::to_string(previous_) + "\n";
  for (const auto& t : terms_) {
    if (!t->baselined) continue;
    out += "term ";
    PutString(t->identity, &out);
    out += '\n';
  }
  std::vector<const SeriesMap::value_type*> series;  // in key order: the same state, the same text
  for (const auto& entry : *series_) series.push_back(&entry);
  std::sort(series.begin(), series.end(), [](auto* a, auto* b) { return a->first < b->first; });
  char buf[32];
  for (const auto* entry : series) {
    out += "series ";
    PutString(entry->first, &out);
    auto r = std::to_chars(buf, buf + sizeof buf, entry->second.last);
    out += ' ';
    out.append(buf, r.ptr);
    out += '\n';
  }
  return out;
}

Status ScrapeSli::RestoreBaseline(std::string_view in) {
  auto bad = [](const char* what) { return Status::InvalidArgument(std::string("scrape baseline: ") + what); };
  if (!TakeWord(&in, kBaselineMagic)) return bad("not a saved baseline (or another version)");
  TimeNs at = 0;
  if (!TakeWord(&in, "at ") || !TakeNumber(&in, &at) || !TakeWord(&in, "\n")) return bad("no scrape time");
  std::unordered_set<std::string_view> terms;
  SeriesMap series;
  while (!in.empty()) {
    std::string_view item;
    if (TakeWord(&in, "term ")) {
      if (!TakeString(&in, &item) || !TakeWord(&in, "\n")) return bad("malformed term");
      terms.insert(item);
    } else if (TakeWord(&in, "series ")) {
      double last;
      if (!TakeString(&in, &item) || !TakeWord(&in, " ") || !TakeNumber(&in, &last) || !TakeWord(&in, "\n"))
        return bad("malformed series");
      series.emplace(std::string(item), SeriesState{last, 0, 0, nullptr});
    } else {
      return bad("unknown line");
    }
  }
  *series_ = std::move(series);
  for (auto& t : terms_) t->baselined = terms.count(t->identity) != 0;
  have_previous_ = true;
  previous_ = at;
  restored_ = true;
  return Status::Ok();
}

namespace {

// Shares `total` among slots in proportion to `weights` (summing to 1) with whole numbers that
// add up to it exactly: slot k gets round(total * cumulative_k) - round(total * cumulative_k-1).
std::vector<uint64_t> Apportion(uint64_t total, const std::vector<double>& weights) {
  std::vector<uint64_t> out(weights.size());
  double cum = 0;
  uint64_t given = 0;
  for (size_t k = 0; k < weights.size(); ++k) {
    cum += weights[k];
    uint64_t upto = k + 1 == weights.size() ? total : static_cast<uint64_t>(std::llround(static_cast<double>(total) * cum));
    upto = std::min(std::max(upto, given), total);
    out[k] = upto - given;
    given = upto;
  }
  return out;
}

uint64_t Whole(double v) { return v > 0 ? static_cast<uint64_t>(std::llround(std::min(v, 1e18))) : 0; }

}  // namespace

void ScrapeSli::Feed(const Plan& p, TimeNs from, TimeNs to, Evaluator* evaluator) {
  // The slots (from, to] covers and the share of the interval in each.
  const DurationNs w = evaluator->slot_width();
  const int64_t s0 = FloorDiv(from, w), s1 = FloorDiv(to - 1, w);
  std::vector<double> weights;
  for (int64_t s = s0; s <= s1; ++s) {
    TimeNs a = std::max(from, s * w), b = std::min(to, (s + 1) * w);
    weights.push_back(static_cast<double>(b - a) / static_cast<double>(to - from));
  }
  // Cohort keys: every cohort any term saw, plus "all" (the empty key sums them).
  std::map<std::string, bool, std::less<>> cohorts;
  for (const Term* t : {p.valid, p.good, p.bad, p.sum}) {
    if (t == nullptr) continue;
    for (const auto& [k, v] : t->increase) cohorts.emplace(k, true);
  }
  auto get = [](const Term* t, const std::string& cohort, bool all) {
    if (t == nullptr) return 0.0;
    if (!all) {
      auto it = t->increase.find(cohort);
      return it == t->increase.end() ? 0.0 : it->second;
    }
    double sum = 0;
    for (const auto& [k, v] : t->increase) sum += v;
    return sum;
  };
  auto feed = [&](std::string_view name, const std::string& key, bool all) {
    uint64_t valid, good = 0;
    const double sum = get(p.sum, key, all);
    if (p.sum != nullptr && p.valid == nullptr) {
      valid = sum > 0 || all ? 1 : 0;  // no request counter: mark the slots as observed
    } else {
      valid = Whole(get(p.valid, key, all));
    }
    if (p.good != nullptr) good = std::min(valid, Whole(get(p.good, key, all)));
    if (p.bad != nullptr) good = valid - std::min(valid, Whole(get(p.bad, key, all)));
    if (valid == 0 && sum <= 0) return;
    std::vector<uint64_t> v_k, g_k;
    if (p.sum != nullptr && p.valid == nullptr) {
      v_k.assign(weights.size(), valid);
    } else {
      v_k = Apportion(valid, weights);
    }
    // Good events follow the same shares, capped by each slot's valid events; what the caps hold
    // back goes to the latest slots that have room.
    g_k = Apportion(good, weights);
    uint64_t spill = 0;
    for (size_t k = 0; k < g_k.size(); ++k) {
      if (g_k[k] > v_k[k]) spill += g_k[k] - v_k[k], g_k[k] = v_k[k];
    }
    for (size_t k = g_k.size(); k-- > 0 && spill > 0;) {
      uint64_t room = std::min(spill, v_k[k] - g_k[k]);
      g_k[k] += room;
      spill -= room;
    }
    for (size_t k = 0; k < weights.size(); ++k) {
      uint64_t vk = v_k[k], gk = g_k[k];
      double sk = sum * weights[k];
      // SlotCounts holds 32-bit counts: very large increases go in several additions.
      do {
        uint32_t vv = static_cast<uint32_t>(std::min<uint64_t>(vk, UINT32_MAX));
        uint32_t gg = static_cast<uint32_t>(std::min<uint64_t>(gk, vv));
        evaluator->AddCounts(p.slo, name, s0 + static_cast<int64_t>(k), SlotCounts{vv, gg}, sk);
        vk -= vv;
        gk -= gg;
        sk = 0;
      } while (vk > 0);
    }
  };
  feed("all", "", true);
  if (p.cohorts) {
    for (const auto& [key, unused] : cohorts) feed(key, key, false);
  }
}

}  // namespace slokit
