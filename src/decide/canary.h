// Canary analysis (docs/canary.md): compares the canary's events with the baseline's, metric by
// metric, and turns the comparisons, their weights and an SLO gate into a verdict — promote,
// marginal, rollback or inconclusive. Independent of the CLI: feed Records, then Analyze.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/record.h"
#include "decide/canary_config.h"

namespace slokit::decide {

enum class Side { kBaseline = 0, kCanary = 1 };

// A deterministic, mergeable uniform sample of at most `capacity` values: every value gets a
// priority from a hash of (event time, value, its index among the record's values of this
// metric — always 0 here — and the seed), and the `capacity` values with the smallest
// priorities are kept. The kept set depends only on the multiset of (time, value) pairs added —
// not on their order, nor on how they were split between samplers that are merged — so a
// verdict does not depend on the thread count. Below the capacity every value is kept (exact).
class BottomKSample {
 public:
  explicit BottomKSample(uint64_t capacity = 200000) : capacity_(capacity) {}
  void Add(int64_t time_ns, double value);
  void Merge(const BottomKSample& other);
  uint64_t seen() const { return seen_; }  // values offered, kept or not
  std::vector<double> Values() const;      // the kept values, in no particular order
  size_t size() const { return items_.size(); }

 private:
  void Offer(uint64_t priority, double value);
  uint64_t capacity_;
  uint64_t seen_ = 0;
  bool heap_ = false;                                // items_ is a max-heap by priority
  std::vector<std::pair<uint64_t, double>> items_;  // (priority, value)
};

enum class Classification { kPass, kHigh, kLow, kNoData };
const char* ClassificationName(Classification c);  // "Pass", "High", "Low", "NoData"

struct MetricResult {
  std::string name;
  MetricTest test = MetricTest::kMannWhitney;
  Direction direction = Direction::kIncrease;
  std::string unit;
  bool critical = false;
  double weight = 1;
  double tolerance = 0;
  // Events of each side the metric looked at (after its filter); values kept for the test.
  uint64_t baseline_n = 0, canary_n = 0;
  uint64_t baseline_sampled = 0, canary_sampled = 0;
  // mann-whitney: medians of the kept values; proportion: bad rates (fractions).
  double baseline_value = 0, canary_value = 0;
  double statistic = 0;  // U of the canary sample, or the chi-square statistic
  double p_value = 1;
  double effect = 0;           // absolute: Hodges-Lehmann shift, or rate difference (canary - baseline)
  double relative_effect = 0;  // effect / |baseline median or rate|; +-inf when that is 0
  Classification classification = Classification::kNoData;
  bool passed = false;  // counts as passing in the score
  std::string reason;
};

struct GateResult {
  bool enabled = false;
  std::string slo;
  std::string description;
  double objective = 0;
  double max_burn_rate = 0;
  uint64_t valid = 0, bad = 0;  // canary events
  double error_ratio = 0;
  double burn_rate = 0;
  bool passed = true;
  std::string reason;
};

enum class Verdict { kPromote, kMarginal, kRollback, kInconclusive };
const char* VerdictName(Verdict v);  // "promote", "marginal", "rollback", "inconclusive"

struct CanaryResult {
  Verdict verdict = Verdict::kInconclusive;
  std::string reason;
  double score = 0;  // percent: weighted share of passing metrics among those with data
  double pass_threshold = 0, marginal_threshold = 0, alpha = 0;
  uint64_t min_events = 0;
  uint64_t baseline_events = 0, canary_events = 0;
  int64_t baseline_begin_ns = 0, baseline_end_ns = 0, canary_begin_ns = 0, canary_end_ns = 0;
  std::vector<MetricResult> metrics;
  GateResult gate;
};

// Accumulates events per side. Not thread-safe: give each reader thread its own analyzer and
// Merge them; the result does not depend on how events were split.
class CanaryAnalyzer {
 public:
  explicit CanaryAnalyzer(const CanaryConfig& config);  // keeps a reference to config

  void Push(Side side, const Record& record);
  void Merge(const CanaryAnalyzer& other);

  CanaryResult Analyze() const;

 private:
  struct MetricSide {
    explicit MetricSide(uint64_t capacity) : sample(capacity) {}
    uint64_t n = 0;    // events through the filter (proportion) or with a value (continuous)
    uint64_t bad = 0;  // proportion
    BottomKSample sample;
  };
  struct SideState {
    uint64_t events = 0;
    int64_t begin = INT64_MAX, end = INT64_MIN;
    uint64_t gate_valid = 0, gate_bad = 0;
    std::vector<MetricSide> metrics;
  };
  MetricResult AnalyzeMetric(size_t i) const;

  const CanaryConfig* config_;
  SideState sides_[2];
};

// Exit codes of `slokit canary` by verdict: promote 0, rollback 1, inconclusive 3, marginal 4.
int VerdictExitCode(Verdict v);

nlohmann::json CanaryResultToJson(const CanaryResult& result);
std::string RenderCanaryTable(const CanaryResult& result);

}  // namespace slokit::decide
