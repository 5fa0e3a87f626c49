// Canary analysis: classification of synthetic samples, the verdict arithmetic (critical flag,
// weights, thresholds, SLO gate), config errors with file:line:column, and the bounded sample.
#include "decide/canary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "decide/canary_config.h"

namespace slokit::decide {
namespace {

CanaryConfig Load(const std::string& yaml) {
  CanaryConfig c;
  Status s = LoadCanaryConfigString(yaml, "test.yaml", &c);
  EXPECT_TRUE(s.ok()) << s.message();
  return c;
}

std::string LoadError(const std::string& yaml) {
  CanaryConfig c;
  Status s = LoadCanaryConfigString(yaml, "test.yaml", &c);
  EXPECT_FALSE(s.ok());
  return s.message();
}

// Pushes n events on one side with latency drawn from lognormal(median, 0.3) * factor, and a
// status that is 500 with probability p_error.
void Feed(const CanaryConfig& c, CanaryAnalyzer* a, Side side, int n, double factor, double p_error, uint32_t seed,
          double quality_shift = 0) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> lat(std::log(400.0), 0.3);
  std::normal_distribution<double> q(0.8, 0.05);
  std::uniform_real_distribution<double> u(0, 1);
  Record r;
  int f_lat = c.fields.Find("ttft_ms"), f_status = c.fields.Find("status"), f_q = c.fields.Find("quality_score");
  for (int i = 0; i < n; ++i) {
    r.Reset(c.fields.size());
    r.time_ns = 1'000'000'000LL * i;
    if (f_lat >= 0) r.values[static_cast<size_t>(f_lat)] = Value::Number(lat(rng) * factor);
    if (f_status >= 0) r.values[static_cast<size_t>(f_status)] = Value::Number(u(rng) < p_error ? 500 : 200);
    if (f_q >= 0) r.values[static_cast<size_t>(f_q)] = Value::Number(q(rng) + quality_shift);
    a->Push(side, r);
  }
}

const char* kLatencyOnly = R"(
metrics:
  - name: ttft
    field: ttft_ms
    direction: increase
    tolerance: 10%
    critical: true
)";

TEST(CanaryTest, ClearRegressionIsHighAndRollsBack) {
  CanaryConfig c = Load(kLatencyOnly);
  CanaryAnalyzer a(c);
  Feed(c, &a, Side::kBaseline, 3000, 1.0, 0, 1);
  Feed(c, &a, Side::kCanary, 1000, 1.3, 0, 2);
  CanaryResult r = a.Analyze();
  ASSERT_EQ(r.metrics.size(), 1u);
  EXPECT_EQ(r.metrics[0].classification, Classification::kHigh);
  EXPECT_FALSE(r.metrics[0].passed);
  EXPECT_LT(r.metrics[0].p_value, 1e-10);
  EXPECT_NEAR(r.metrics[0].relative_effect, 0.3, 0.06);
  EXPECT_EQ(r.verdict, Verdict::kRollback);
  EXPECT_EQ(VerdictExitCode(r.verdict), 1);
  EXPECT_NE(r.reason.find("critical"), std::string::npos) << r.reason;
}

TEST(CanaryTest, EqualSamplesPassAndPromote) {
  CanaryConfig c = Load(kLatencyOnly);
  CanaryAnalyzer a(c);
  Feed(c, &a, Side::kBaseline, 3000, 1.0, 0, 1);
  Feed(c, &a, Side::kCanary, 1000, 1.0, 0, 2);
  CanaryResult r = a.Analyze();
  EXPECT_EQ(r.metrics[0].classification, Classification::kPass);
  EXPECT_TRUE(r.metrics[0].passed);
  EXPECT_EQ(r.score, 100);
  EXPECT_EQ(r.verdict, Verdict::kPromote);
  EXPECT_EQ(VerdictExitCode(r.verdict), 0);
}

TEST(CanaryTest, SignificantButWithinTolerancePasses) {
  CanaryConfig c = Load(kLatencyOnly);
  CanaryAnalyzer a(c);
  Feed(c, &a, Side::kBaseline, 20000, 1.0, 0, 1);
  Feed(c, &a, Side::kCanary, 20000, 1.04, 0, 2);  // +4%: detectable with 20k each, under 10%
  CanaryResult r = a.Analyze();
  EXPECT_LT(r.metrics[0].p_value, 0.05);
  EXPECT_EQ(r.metrics[0].classification, Classification::kPass);
  EXPECT_NE(r.metrics[0].reason.find("within tolerance"), std::string::npos) << r.metrics[0].reason;
  EXPECT_EQ(r.verdict, Verdict::kPromote);
}

TEST(CanaryTest, TinySamplesAreInconclusive) {
  CanaryConfig c = Load(kLatencyOnly);
  CanaryAnalyzer a(c);
  Feed(c, &a, Side::kBaseline, 3000, 1.0, 0, 1);
  Feed(c, &a, Side::kCanary, 20, 3.0, 0, 2);
  CanaryResult r = a.Analyze();
  EXPECT_EQ(r.metrics[0].classification, Classification::kNoData);
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);
  EXPECT_EQ(VerdictExitCode(r.verdict), 3);
  EXPECT_NE(r.reason.find("too little data"), std::string::npos) << r.reason;
}

TEST(CanaryTest, DirectionDecidesWhetherAChangeFails) {
  for (const char* dir : {"increase", "decrease", "either"}) {
    CanaryConfig c = Load(std::string("metrics:\n  - {field: ttft_ms, tolerance: 10%, direction: ") + dir + "}\n");
    CanaryAnalyzer a(c);
    Feed(c, &a, Side::kBaseline, 3000, 1.0, 0, 1);
    Feed(c, &a, Side::kCanary, 1000, 0.7, 0, 2);  // faster canary
    CanaryResult r = a.Analyze();
    EXPECT_EQ(r.metrics[0].classification, Classification::kLow) << dir;
    EXPECT_EQ(r.metrics[0].passed, std::string(dir) == "increase") << dir;
  }
}

TEST(CanaryTest, WeightsGiveTheScoreAndNonCriticalFailureIsMarginal) {
  // ttft (weight 1) fails, quality (weight 3) passes: score 75 -> marginal at {95, 75}.
  CanaryConfig c = Load(R"(
thresholds: {pass: 95, marginal: 75}
metrics:
  - {name: ttft, field: ttft_ms, tolerance: 10%, weight: 1}
  - {name: quality, field: quality_score, direction: decrease, tolerance: 5%, weight: 3}
)");
  CanaryAnalyzer a(c);
  Feed(c, &a, Side::kBaseline, 3000, 1.0, 0, 1);
  Feed(c, &a, Side::kCanary, 1000, 1.5, 0, 2);
  CanaryResult r = a.Analyze();
  EXPECT_FALSE(r.metrics[0].passed);
  EXPECT_TRUE(r.metrics[1].passed);
  EXPECT_DOUBLE_EQ(r.score, 75.0);
  EXPECT_EQ(r.verdict, Verdict::kMarginal);
  EXPECT_EQ(VerdictExitCode(r.verdict), 4);

  // Weight 1 vs 2: 66.7 -> rollback by score.
  c.metrics[1].weight = 2;
  CanaryResult r2 = a.Analyze();
  EXPECT_NEAR(r2.score, 200.0 / 3, 1e-9);
  EXPECT_EQ(r2.verdict, Verdict::kRollback);
  EXPECT_NE(r2.reason.find("below marginal"), std::string::npos) << r2.reason;

  // The same failure on a critical metric rolls back whatever the score.
  c.metrics[1].weight = 100;
  c.metrics[0].critical = true;
  CanaryResult r3 = a.Analyze();
  EXPECT_GT(r3.score, 95);
  EXPECT_EQ(r3.verdict, Verdict::kRollback);
}

TEST(CanaryTest, ErrorRateProportion) {
  CanaryConfig c = Load(R"(
metrics:
  - {name: errors, filter: status != null, bad: status >= 500, tolerance: 50%, critical: true}
)");
  EXPECT_EQ(c.metrics[0].test, MetricTest::kProportion);
  {
    CanaryAnalyzer a(c);
    Feed(c, &a, Side::kBaseline, 20000, 1.0, 0.001, 1);
    Feed(c, &a, Side::kCanary, 5000, 1.0, 0.02, 2);
    CanaryResult r = a.Analyze();
    EXPECT_EQ(r.metrics[0].classification, Classification::kHigh);
    EXPECT_NEAR(r.metrics[0].canary_value, 0.02, 0.006);
    EXPECT_EQ(r.verdict, Verdict::kRollback);
  }
  {
    CanaryAnalyzer a(c);
    Feed(c, &a, Side::kBaseline, 20000, 1.0, 0.01, 1);
    Feed(c, &a, Side::kCanary, 5000, 1.0, 0.01, 2);
    CanaryResult r = a.Analyze();
    EXPECT_EQ(r.metrics[0].classification, Classification::kPass) << r.metrics[0].reason;
    EXPECT_EQ(r.verdict, Verdict::kPromote);
  }
}

TEST(CanaryTest, SloGateRollsBackOnHighBurnRate) {
  CanaryConfig c = Load(R"(
slo_gate: {objective: 99.9, good: status < 500, max_burn_rate: 2}
metrics:
  - {field: ttft_ms, tolerance: 10%}
)");
  {
    CanaryAnalyzer a(c);
    Feed(c, &a, Side::kBaseline, 3000, 1.0, 0.0, 1);
    Feed(c, &a, Side::kCanary, 3000, 1.0, 0.01, 2);  // 1% errors: burn rate ~10
    CanaryResult r = a.Analyze();
    EXPECT_TRUE(r.gate.enabled);
    EXPECT_FALSE(r.gate.passed);
    EXPECT_GT(r.gate.burn_rate, 5);
    EXPECT_EQ(r.verdict, Verdict::kRollback);
    EXPECT_NE(r.reason.find("SLO gate"), std::string::npos) << r.reason;
  }
  {
    CanaryAnalyzer a(c);
    Feed(c, &a, Side::kBaseline, 3000, 1.0, 0.0, 1);
    Feed(c, &a, Side::kCanary, 3000, 1.0, 0.0, 2);
    CanaryResult r = a.Analyze();
    EXPECT_TRUE(r.gate.passed);
    EXPECT_EQ(r.gate.burn_rate, 0);
    EXPECT_EQ(r.verdict, Verdict::kPromote);
  }
}

TEST(CanaryTest, SloGateFromASpecFile) {
  CanaryConfig c;
  std::string path = std::string(SLOKIT_SOURCE_DIR) + "/examples/canary.yaml";
  Status s = LoadCanaryConfigFile(path, &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(c.gate.enabled);
  EXPECT_EQ(c.gate.slo, "availability");
  EXPECT_DOUBLE_EQ(c.gate.objective, 0.999);
  EXPECT_EQ(c.metrics.size(), 6u);
  EXPECT_GE(c.fields.Find("maintenance"), 0);
}

TEST(CanaryTest, ConfigErrorsNameFileLineColumnAndField) {
  EXPECT_EQ(LoadError("metrics:\n  - field: ttft_ms\n    direction: upward\n"),
            "test.yaml:3:16: metrics[0].direction: unknown direction 'upward'; expected increase, decrease or "
            "either (the change that is bad)");
  EXPECT_EQ(LoadError("metrics:\n  - field: ttft_ms\n    tolerance: lots\n"),
            "test.yaml:3:16: metrics[0].tolerance: expected a percentage like 10 or \"10%\", got 'lots'");
  EXPECT_EQ(LoadError("metrics:\n  - field: ttft_ms\n    filter: status <\n"),
            "test.yaml:3:21: metrics[0].filter: expected a literal, got end of expression")
      << "expression errors point into the expression";
  std::string e = LoadError("metric:\n  - field: x\n");
  EXPECT_NE(e.find("test.yaml:1:1: metric: unknown field 'metric' (did you mean 'metrics'?)"), std::string::npos) << e;
  e = LoadError("metrics:\n  - {test: proportion, field: x}\n");
  EXPECT_NE(e.find("test.yaml:2:5: metrics[0]: a proportion metric needs 'bad'"), std::string::npos) << e;
  e = LoadError("thresholds: {pass: 70, marginal: 80}\nmetrics:\n  - {field: x}\n");
  EXPECT_NE(e.find("test.yaml:1:34: thresholds.marginal: the marginal threshold (80) must not exceed"), std::string::npos)
      << e;
  e = LoadError("metrics: [{field: x}, {field: x}]\n");
  EXPECT_NE(e.find("duplicate metric name 'x'"), std::string::npos) << e;
  e = LoadError("slo_gate: {spec: nowhere.yaml, slo: a}\nmetrics: [{field: x}]\n");
  EXPECT_NE(e.find("test.yaml:1:18: slo_gate.spec: cannot load the spec"), std::string::npos) << e;
  e = LoadError("metrics: [{field: x}\n");
  EXPECT_NE(e.find("invalid YAML"), std::string::npos) << e;
  e = LoadError(std::string(200, '['));
  EXPECT_NE(e.find("nested"), std::string::npos) << e;
}

TEST(BottomKSampleTest, ExactBelowCapacityAndOrderIndependentAbove) {
  BottomKSample small(100);
  for (int i = 0; i < 50; ++i) small.Add(i, i);
  std::vector<double> v = small.Values();
  std::sort(v.begin(), v.end());
  ASSERT_EQ(v.size(), 50u);
  EXPECT_EQ(v.front(), 0);
  EXPECT_EQ(v.back(), 49);

  BottomKSample forward(1000), split_a(1000), split_b(1000), backward(1000);
  for (int i = 0; i < 20000; ++i) {
    forward.Add(i, i * 0.5);
    (i % 3 == 0 ? split_a : split_b).Add(i, i * 0.5);
  }
  for (int i = 19999; i >= 0; --i) backward.Add(i, i * 0.5);
  split_a.Merge(split_b);
  auto sorted = [](const BottomKSample& s) {
    std::vector<double> x = s.Values();
    std::sort(x.begin(), x.end());
    return x;
  };
  EXPECT_EQ(forward.seen(), 20000u);
  EXPECT_EQ(split_a.seen(), 20000u);
  ASSERT_EQ(forward.size(), 1000u);
  EXPECT_EQ(sorted(forward), sorted(split_a));
  EXPECT_EQ(sorted(forward), sorted(backward));
  // Roughly uniform: the kept values' mean is near the population's (4999.75).
  double mean = 0;
  for (double x : forward.Values()) mean += x / 1000;
  EXPECT_NEAR(mean, 4999.75, 400);
}

TEST(CanaryTest, MergedAnalyzersGiveTheSameResult) {
  CanaryConfig c = Load(kLatencyOnly);
  c.max_samples = 500;
  CanaryAnalyzer one(c), a(c), b(c);
  Feed(c, &one, Side::kBaseline, 3000, 1.0, 0, 1);
  Feed(c, &one, Side::kCanary, 1000, 1.1, 0, 2);
  Feed(c, &a, Side::kBaseline, 3000, 1.0, 0, 1);
  Feed(c, &b, Side::kCanary, 1000, 1.1, 0, 2);
  a.Merge(b);
  CanaryResult r1 = one.Analyze(), r2 = a.Analyze();
  EXPECT_EQ(r1.metrics[0].p_value, r2.metrics[0].p_value);
  EXPECT_EQ(r1.metrics[0].effect, r2.metrics[0].effect);
  EXPECT_EQ(r1.metrics[0].baseline_sampled, 500u);
  EXPECT_EQ(r1.metrics[0].baseline_n, 3000u);
}

}  // namespace
}  // namespace slokit::decide
