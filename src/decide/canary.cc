#include "decide/canary.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/time.h"
#include "stats/chi_square.h"
#include "stats/hodges_lehmann.h"
#include "stats/mann_whitney.h"

namespace slokit::decide {

namespace {

constexpr uint64_t kSampleSeed = 0x5eed'ca4a'7157'0001ULL;

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lo + (hi - lo) / 2;
}

double Relative(double effect, double base) {
  if (base != 0) return effect / std::fabs(base);
  if (effect == 0) return 0;
  return std::copysign(std::numeric_limits<double>::infinity(), effect);
}

std::string Pct(double fraction) {
  if (std::isinf(fraction)) return fraction > 0 ? "+inf%" : "-inf%";
  return fmt::format("{:+.1f}%", fraction * 100);
}

std::string Num(double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e5)) return fmt::format("{:.4g}", v);
  if (a >= 100) return fmt::format("{:.1f}", v);
  return fmt::format("{:.4g}", v);
}

std::string PValue(double p) {
  if (p == 0) return "<1e-300";  // underflow: far below any alpha
  return p < 1e-4 ? fmt::format("{:.1e}", p) : fmt::format("{:.4f}", p);
}

// JSON has no infinities: they are written as the strings "inf" / "-inf".
nlohmann::json J(double v) {
  if (std::isfinite(v)) return v;
  if (std::isnan(v)) return nullptr;
  return v > 0 ? "inf" : "-inf";
}

}  // namespace

// --- BottomKSample ---------------------------------------------------------------------------

void BottomKSample::Add(int64_t time_ns, double value) {
  ++seen_;
  uint64_t priority = Mix(Mix(static_cast<uint64_t>(time_ns) ^ kSampleSeed) ^ std::bit_cast<uint64_t>(value));
  Offer(priority, value);
}

void BottomKSample::Offer(uint64_t priority, double value) {
  if (capacity_ == 0) return;
  if (items_.size() < capacity_) {
    items_.emplace_back(priority, value);
    if (items_.size() == capacity_) {
      std::make_heap(items_.begin(), items_.end());
      heap_ = true;
    }
    return;
  }
  std::pair<uint64_t, double> item(priority, value);
  if (!(item < items_.front())) return;
  std::pop_heap(items_.begin(), items_.end());
  items_.back() = item;
  std::push_heap(items_.begin(), items_.end());
}

void BottomKSample::Merge(const BottomKSample& other) {
  seen_ += other.seen_;
  for (const auto& [priority, value] : other.items_) Offer(priority, value);
}

std::vector<double> BottomKSample::Values() const {
  std::vector<double> out;
  out.reserve(items_.size());
  for (const auto& item : items_) out.push_back(item.second);
  return out;
}

// --- names -----------------------------------------------------------------------------------

const char* ClassificationName(Classification c) {
  switch (c) {
    case Classification::kPass: return "Pass";
    case Classification::kHigh: return "High";
    case Classification::kLow: return "Low";
    case Classification::kNoData: return "NoData";
  }
  return "NoData";
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPromote: return "promote";
    case Verdict::kMarginal: return "marginal";
    case Verdict::kRollback: return "rollback";
    case Verdict::kInconclusive: return "inconclusive";
  }
  return "inconclusive";
}

int VerdictExitCode(Verdict v) {
  switch (v) {
    case Verdict::kPromote: return 0;
    case Verdict::kRollback: return 1;
    case Verdict::kInconclusive: return 3;
    case Verdict::kMarginal: return 4;
  }
  return 3;
}

// --- CanaryAnalyzer --------------------------------------------------------------------------

CanaryAnalyzer::CanaryAnalyzer(const CanaryConfig& config) : config_(&config) {
  for (SideState& s : sides_) s.metrics.assign(config.metrics.size(), MetricSide(config.max_samples));
}

void CanaryAnalyzer::Push(Side side, const Record& r) {
  SideState& s = sides_[static_cast<int>(side)];
  ++s.events;
  s.begin = std::min(s.begin, r.time_ns);
  s.end = std::max(s.end, r.time_ns);
  const SloGateConfig& gate = config_->gate;
  if (gate.enabled && gate.valid.Eval(r)) {
    ++s.gate_valid;
    if (!gate.good.Eval(r)) ++s.gate_bad;
  }
  for (size_t i = 0; i < config_->metrics.size(); ++i) {
    const MetricConfig& m = config_->metrics[i];
    if (!m.filter.Eval(r)) continue;
    MetricSide& ms = s.metrics[i];
    if (m.test == MetricTest::kProportion) {
      ++ms.n;
      if (m.bad.Eval(r)) ++ms.bad;
      continue;
    }
    const Value& v = r.values[static_cast<size_t>(m.field_index)];
    if (v.type != ValueType::kNumber) continue;
    double x = v.number;
    if (m.divide_by_index >= 0) {
      const Value& d = r.values[static_cast<size_t>(m.divide_by_index)];
      if (d.type != ValueType::kNumber || d.number == 0) continue;
      x /= d.number;
    }
    x *= m.scale;
    if (!std::isfinite(x)) continue;
    ++ms.n;
    ms.sample.Add(r.time_ns, x);
  }
}

void CanaryAnalyzer::Merge(const CanaryAnalyzer& other) {
  for (int k = 0; k < 2; ++k) {
    SideState& s = sides_[k];
    const SideState& o = other.sides_[k];
    s.events += o.events;
    s.begin = std::min(s.begin, o.begin);
    s.end = std::max(s.end, o.end);
    s.gate_valid += o.gate_valid;
    s.gate_bad += o.gate_bad;
    for (size_t i = 0; i < s.metrics.size(); ++i) {
      s.metrics[i].n += o.metrics[i].n;
      s.metrics[i].bad += o.metrics[i].bad;
      s.metrics[i].sample.Merge(o.metrics[i].sample);
    }
  }
}

MetricResult CanaryAnalyzer::AnalyzeMetric(size_t i) const {
  const MetricConfig& m = config_->metrics[i];
  const MetricSide& b = sides_[0].metrics[i];
  const MetricSide& c = sides_[1].metrics[i];
  MetricResult r;
  r.name = m.name;
  r.test = m.test;
  r.direction = m.direction;
  r.unit = m.unit;
  r.critical = m.critical;
  r.weight = m.weight;
  r.tolerance = m.tolerance;
  r.baseline_n = b.n;
  r.canary_n = c.n;
  r.baseline_sampled = m.test == MetricTest::kProportion ? b.n : b.sample.size();
  r.canary_sampled = m.test == MetricTest::kProportion ? c.n : c.sample.size();
  r.p_value = std::numeric_limits<double>::quiet_NaN();
  r.statistic = std::numeric_limits<double>::quiet_NaN();
  r.effect = r.relative_effect = std::numeric_limits<double>::quiet_NaN();
  r.baseline_value = r.canary_value = std::numeric_limits<double>::quiet_NaN();
  const uint64_t need = config_->min_events;
  if (b.n < need || c.n < need) {
    r.classification = Classification::kNoData;
    r.reason = fmt::format("too little data: {} baseline and {} canary events, need {} each", b.n, c.n, need);
    return r;
  }
  Status s;
  if (m.test == MetricTest::kProportion) {
    const double bn = static_cast<double>(b.n), cn = static_cast<double>(c.n);
    const double bb = static_cast<double>(b.bad), cb = static_cast<double>(c.bad);
    r.baseline_value = bb / bn;
    r.canary_value = cb / cn;
    stats::ChiSquareResult chi;
    std::vector<double> base_counts = {bn - bb, bb}, canary_counts = {cn - cb, cb};
    s = stats::ChiSquareTwoSample(base_counts, canary_counts, &chi);
    r.statistic = chi.statistic;
    r.p_value = chi.p_value;
    r.effect = r.canary_value - r.baseline_value;
  } else {
    std::vector<double> x = b.sample.Values(), y = c.sample.Values();
    r.baseline_value = Median(x);
    r.canary_value = Median(y);
    stats::MannWhitneyResult mw;
    s = stats::MannWhitneyU(x, y, &mw);
    if (s.ok()) {
      r.statistic = mw.u2;  // U of the canary sample
      r.p_value = mw.p_value;
      s = stats::HodgesLehmannShift(x, y, &r.effect);
    }
  }
  if (!s.ok()) {
    r.classification = Classification::kNoData;
    r.reason = "test failed: " + s.message();
    return r;
  }
  r.relative_effect = Relative(r.effect, r.baseline_value);
  const bool significant = r.p_value < config_->alpha;
  const bool beyond = std::fabs(r.relative_effect) > m.tolerance;
  if (!significant) {
    r.classification = Classification::kPass;
    r.passed = true;
    r.reason = fmt::format("no significant difference (p {} >= alpha {})", PValue(r.p_value), config_->alpha);
    return r;
  }
  if (!beyond) {
    r.classification = Classification::kPass;
    r.passed = true;
    r.reason = fmt::format("significant but within tolerance ({} within +-{:.4g}%)", Pct(r.relative_effect),
                           m.tolerance * 100);
    return r;
  }
  const bool high = r.effect > 0;
  r.classification = high ? Classification::kHigh : Classification::kLow;
  const bool bad = high ? m.direction != Direction::kDecrease : m.direction != Direction::kIncrease;
  r.passed = !bad;
  r.reason = fmt::format("canary {} by {} (tolerance {:.4g}%, p {}): {}", high ? "higher" : "lower",
                         Pct(r.relative_effect), m.tolerance * 100, PValue(r.p_value),
                         bad ? (m.direction == Direction::kEither ? "any change is bad"
                                                                  : high ? "an increase is bad" : "a decrease is bad")
                             : (high ? "only a decrease is bad" : "only an increase is bad"));
  return r;
}

CanaryResult CanaryAnalyzer::Analyze() const {
  CanaryResult out;
  const CanaryConfig& cfg = *config_;
  out.pass_threshold = cfg.pass_threshold;
  out.marginal_threshold = cfg.marginal_threshold;
  out.alpha = cfg.alpha;
  out.min_events = cfg.min_events;
  out.baseline_events = sides_[0].events;
  out.canary_events = sides_[1].events;
  out.baseline_begin_ns = sides_[0].events ? sides_[0].begin : 0;
  out.baseline_end_ns = sides_[0].events ? sides_[0].end : 0;
  out.canary_begin_ns = sides_[1].events ? sides_[1].begin : 0;
  out.canary_end_ns = sides_[1].events ? sides_[1].end : 0;

  // The SLO gate, on the canary's events.
  GateResult& g = out.gate;
  g.enabled = cfg.gate.enabled;
  bool gate_no_data = false;
  if (g.enabled) {
    g.slo = cfg.gate.slo;
    g.description = cfg.gate.description;
    g.objective = cfg.gate.objective;
    g.max_burn_rate = cfg.gate.max_burn_rate;
    g.valid = sides_[1].gate_valid;
    g.bad = sides_[1].gate_bad;
    if (g.valid == 0) {
      gate_no_data = true;
      g.passed = false;
      g.error_ratio = g.burn_rate = std::numeric_limits<double>::quiet_NaN();
      g.reason = "no valid canary events for the SLO";
    } else {
      g.error_ratio = static_cast<double>(g.bad) / static_cast<double>(g.valid);
      g.burn_rate = g.error_ratio / (1 - g.objective);
      g.passed = g.burn_rate <= g.max_burn_rate;
      g.reason = fmt::format("canary burn rate {:.2f} {} {:g} ({} bad of {} valid events, budget {:.4g}%)", g.burn_rate,
                             g.passed ? "<=" : ">", g.max_burn_rate, g.bad, g.valid, (1 - g.objective) * 100);
    }
  }

  double total_weight = 0, passed_weight = 0;
  std::vector<std::string> critical_failures, critical_missing;
  for (size_t i = 0; i < cfg.metrics.size(); ++i) {
    MetricResult r = AnalyzeMetric(i);
    if (r.classification != Classification::kNoData) {
      total_weight += r.weight;
      if (r.passed) passed_weight += r.weight;
      if (r.critical && !r.passed) critical_failures.push_back(fmt::format("'{}' ({})", r.name, r.reason));
    } else if (r.critical) {
      critical_missing.push_back(r.name);
    }
    out.metrics.push_back(std::move(r));
  }
  out.score = total_weight > 0 ? 100.0 * passed_weight / total_weight : 0;

  const uint64_t need = cfg.min_events;
  if (out.baseline_events < need || out.canary_events < need) {
    out.verdict = Verdict::kInconclusive;
    out.reason = fmt::format("too little data: {} baseline and {} canary events, need at least {} each",
                             out.baseline_events, out.canary_events, need);
    return out;
  }
  if (!critical_failures.empty()) {
    out.verdict = Verdict::kRollback;
    out.reason = "critical metric failed: " + critical_failures.front();
    for (size_t i = 1; i < critical_failures.size(); ++i) out.reason += "; " + critical_failures[i];
    return out;
  }
  if (g.enabled && !g.passed && !gate_no_data) {
    out.verdict = Verdict::kRollback;
    out.reason = "SLO gate failed: " + g.reason;
    return out;
  }
  if (total_weight == 0 || !critical_missing.empty() || gate_no_data) {
    out.verdict = Verdict::kInconclusive;
    if (total_weight == 0) {
      out.reason = "no metric has enough data";
    } else if (!critical_missing.empty()) {
      out.reason = fmt::format("critical metric '{}' has too little data", critical_missing.front());
    } else {
      out.reason = "SLO gate: " + g.reason;
    }
    return out;
  }
  std::string score = fmt::format("score {:.1f}%", out.score);
  if (out.score >= cfg.pass_threshold) {
    out.verdict = Verdict::kPromote;
    out.reason = fmt::format("{} >= pass threshold {:g}%", score, cfg.pass_threshold);
  } else if (out.score >= cfg.marginal_threshold) {
    out.verdict = Verdict::kMarginal;
    out.reason = fmt::format("{} below pass threshold {:g}% but >= marginal threshold {:g}%", score,
                             cfg.pass_threshold, cfg.marginal_threshold);
  } else {
    out.verdict = Verdict::kRollback;
    out.reason = fmt::format("{} below marginal threshold {:g}%", score, cfg.marginal_threshold);
  }
  return out;
}

// --- output ----------------------------------------------------------------------------------

nlohmann::json CanaryResultToJson(const CanaryResult& r) {
  nlohmann::json j;
  j["verdict"] = VerdictName(r.verdict);
  j["exit_code"] = VerdictExitCode(r.verdict);
  j["reason"] = r.reason;
  j["score"] = r.score;
  j["thresholds"] = {{"pass", r.pass_threshold}, {"marginal", r.marginal_threshold}};
  j["alpha"] = r.alpha;
  j["min_events"] = r.min_events;
  auto side = [](uint64_t n, int64_t b, int64_t e) {
    nlohmann::json s = {{"events", n}};
    s["begin"] = n ? nlohmann::json(FormatTime(b)) : nlohmann::json(nullptr);
    s["end"] = n ? nlohmann::json(FormatTime(e)) : nlohmann::json(nullptr);
    return s;
  };
  j["baseline"] = side(r.baseline_events, r.baseline_begin_ns, r.baseline_end_ns);
  j["canary"] = side(r.canary_events, r.canary_begin_ns, r.canary_end_ns);
  j["metrics"] = nlohmann::json::array();
  for (const MetricResult& m : r.metrics) {
    j["metrics"].push_back({{"name", m.name},
                            {"test", MetricTestName(m.test)},
                            {"direction", DirectionName(m.direction)},
                            {"unit", m.unit},
                            {"critical", m.critical},
                            {"weight", m.weight},
                            {"tolerance", m.tolerance},
                            {"baseline", {{"n", m.baseline_n}, {"sampled", m.baseline_sampled}, {"value", J(m.baseline_value)}}},
                            {"canary", {{"n", m.canary_n}, {"sampled", m.canary_sampled}, {"value", J(m.canary_value)}}},
                            {"statistic", J(m.statistic)},
                            {"p_value", J(m.p_value)},
                            {"effect", J(m.effect)},
                            {"relative_effect", J(m.relative_effect)},
                            {"classification", ClassificationName(m.classification)},
                            {"passed", m.passed},
                            {"reason", m.reason}});
  }
  if (r.gate.enabled) {
    j["slo_gate"] = {{"slo", r.gate.slo},
                     {"description", r.gate.description},
                     {"objective", r.gate.objective},
                     {"max_burn_rate", r.gate.max_burn_rate},
                     {"valid", r.gate.valid},
                     {"bad", r.gate.bad},
                     {"error_ratio", J(r.gate.error_ratio)},
                     {"burn_rate", J(r.gate.burn_rate)},
                     {"passed", r.gate.passed},
                     {"reason", r.gate.reason}};
  } else {
    j["slo_gate"] = nullptr;
  }
  return j;
}

std::string RenderCanaryTable(const CanaryResult& r) {
  std::string out;
  std::string verdict = VerdictName(r.verdict);
  std::transform(verdict.begin(), verdict.end(), verdict.begin(), [](unsigned char ch) { return std::toupper(ch); });
  out += fmt::format("Canary verdict: {} (exit {})\n  {}\n\n", verdict, VerdictExitCode(r.verdict), r.reason);
  auto span = [](uint64_t n, int64_t b, int64_t e) {
    return n ? fmt::format("{} events, {} .. {}", n, FormatTime(b), FormatTime(e)) : std::string("0 events");
  };
  out += fmt::format("Baseline: {}\nCanary:   {}\n", span(r.baseline_events, r.baseline_begin_ns, r.baseline_end_ns),
                     span(r.canary_events, r.canary_begin_ns, r.canary_end_ns));
  out += fmt::format("Score:    {:.1f}% (promote >= {:g}%, marginal >= {:g}%; alpha {:g}, min {} events per side)\n\n",
                     r.score, r.pass_threshold, r.marginal_threshold, r.alpha, r.min_events);

  std::vector<std::vector<std::string>> rows;
  rows.push_back({"METRIC", "TEST", "BAD IF", "WEIGHT", "N BASE", "N CANARY", "BASELINE", "CANARY", "STATISTIC",
                  "P-VALUE", "EFFECT", "CLASS", "RESULT"});
  for (const MetricResult& m : r.metrics) {
    std::string name = m.name + (m.critical ? " *" : "");
    bool prop = m.test == MetricTest::kProportion;
    auto value = [&](double v) {
      if (std::isnan(v)) return std::string("-");
      return prop ? fmt::format("{:.3f}%", v * 100) : Num(v) + (m.unit.empty() ? "" : " " + m.unit);
    };
    std::string effect = std::isnan(m.relative_effect) ? "-" : Pct(m.relative_effect);
    std::string result = m.classification == Classification::kNoData ? "n/a" : m.passed ? "pass" : "FAIL";
    rows.push_back({name, MetricTestName(m.test), DirectionName(m.direction), fmt::format("{:g}", m.weight),
                    std::to_string(m.baseline_n), std::to_string(m.canary_n), value(m.baseline_value),
                    value(m.canary_value), Num(m.statistic), std::isnan(m.p_value) ? "-" : PValue(m.p_value), effect,
                    ClassificationName(m.classification), result});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      bool right = c >= 3 && c <= 10;
      line += right ? fmt::format("{:>{}}", row[c], width[c]) : fmt::format("{:<{}}", row[c], width[c]);
      if (c + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  out += "\n";
  for (const MetricResult& m : r.metrics) out += fmt::format("  {}: {}\n", m.name, m.reason);
  bool any_critical = std::any_of(r.metrics.begin(), r.metrics.end(), [](const MetricResult& m) { return m.critical; });
  if (any_critical) out += "  (* critical: a failure rolls the canary back whatever the score)\n";
  if (r.gate.enabled) {
    out += fmt::format("\nSLO gate: {} — {}: {}\n", r.gate.passed ? "pass" : "FAIL", r.gate.description, r.gate.reason);
  }
  return out;
}

}  // namespace slokit::decide
