#include "stats/hodges_lehmann.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "scipy_reference.h"

namespace slokit::stats {
namespace {

using testing::Gen;
using testing::Json;
using testing::Num;
using testing::RunScipy;
using testing::Tolerance;

struct HlCase {
  std::vector<double> x, y;
  double confidence;
};

TEST(HodgesLehmannTest, MatchesNumpyAndScipyExactDistribution) {
  Gen gen(424242);
  std::vector<HlCase> cases;
  // Small samples: exact critical values from scipy's Mann-Whitney distribution.
  for (int i = 0; i < 12; ++i) {
    cases.push_back({gen.Normal(gen.Int(4, 10), 0, 1), gen.Normal(gen.Int(4, 12), 0.5 * (i % 3), 1),
                     i % 2 ? 0.90 : 0.95});
  }
  // Small samples with ties (repeated integers), exact k: endpoints are order statistics.
  for (int i = 0; i < 8; ++i) {
    cases.push_back({gen.Ints(gen.Int(5, 8), 0, 4), gen.Ints(gen.Int(5, 8), i % 3, 5), 0.95});
  }
  // Moderate: exact table still fits (C(n1+n2, n1) < 2^126).
  cases.push_back({gen.Normal(25, 0, 1), gen.Normal(30, 0.3, 1), 0.95});
  // Large samples: normal-approximation critical value; heavy tails and ties.
  for (int i = 0; i < 3; ++i) {
    cases.push_back({gen.LogNormal(gen.Int(500, 1500), 0, 1),
                     gen.LogNormal(gen.Int(500, 1500), 0.1 * i, 1), 0.95});
    cases.push_back(
        {gen.Ints(gen.Int(500, 1500), 0, 50), gen.Ints(gen.Int(500, 1500), i, 50), 0.99});
  }
  cases.push_back({gen.Pareto(2000, 1, 1.2), gen.Pareto(1500, 1.2, 1.2), 0.95});

  Json jcases = Json::array();
  for (const auto& c : cases) {
    jcases.push_back({{"kind", "hl"}, {"x", c.x}, {"y", c.y}, {"confidence", c.confidence}});
  }
  Json results;
  ASSERT_TRUE(RunScipy(jcases, &results));
  Tolerance tol("hodges_lehmann");
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string ctx = "case " + std::to_string(i) +
                            " n1=" + std::to_string(cases[i].x.size()) +
                            " n2=" + std::to_string(cases[i].y.size());
    const Json& e = results[i];
    double shift;
    ASSERT_TRUE(HodgesLehmannShift(cases[i].x, cases[i].y, &shift).ok());
    tol.Check("shift vs numpy median", shift, Num(e["shift"]), 1e-12, 1e-300, ctx);
    HodgesLehmannResult r;
    Status s = HodgesLehmann(cases[i].x, cases[i].y, cases[i].confidence, &r);
    if (e["k"].get<int64_t>() < 1) {
      EXPECT_FALSE(s.ok()) << ctx;
      continue;
    }
    ASSERT_TRUE(s.ok()) << s.ToString() << " " << ctx;
    EXPECT_EQ(r.exact, e["exact"].get<bool>()) << ctx;
    EXPECT_EQ(static_cast<int64_t>(r.k), e["k"].get<int64_t>()) << ctx;
    EXPECT_EQ(r.shift, shift);
    tol.Check("lower", r.lower, Num(e["lower"]), 1e-12, 1e-300, ctx);
    tol.Check("upper", r.upper, Num(e["upper"]), 1e-12, 1e-300, ctx);
    tol.Check("achieved confidence", r.confidence, Num(e["confidence"]), 1e-6, 0, ctx);
    EXPECT_GE(r.confidence, cases[i].confidence - 1e-12) << ctx;
    EXPECT_LE(r.lower, r.shift);
    EXPECT_GE(r.upper, r.shift);
  }
}

TEST(HodgesLehmannTest, OrderStatisticsMatchSortedDifferences) {
  Gen gen(99);
  std::vector<double> x = gen.Ints(37, -5, 5);  // ties, negative and zero differences
  std::vector<double> y = gen.Normal(23, 0, 3);
  y.push_back(0.0);
  std::vector<double> diffs;
  for (double yj : y) {
    for (double xi : x) diffs.push_back(yj - xi);
  }
  std::sort(diffs.begin(), diffs.end());
  for (uint64_t k = 1; k <= diffs.size(); ++k) {
    double got;
    ASSERT_TRUE(PairwiseDifferenceOrderStatistic(x, y, k, &got).ok());
    ASSERT_EQ(got, diffs[k - 1]) << k;
  }
  double got;
  EXPECT_FALSE(PairwiseDifferenceOrderStatistic(x, y, 0, &got).ok());
  EXPECT_FALSE(PairwiseDifferenceOrderStatistic(x, y, diffs.size() + 1, &got).ok());
}

TEST(HodgesLehmannTest, LargeSamplesNeedNoPairMatrix) {
  Gen gen(5);
  auto x = gen.Normal(10000, 0, 1);
  auto y = gen.Normal(10000, 0.25, 1);
  HodgesLehmannResult r;
  ASSERT_TRUE(HodgesLehmann(x, y, 0.95, &r).ok());
  EXPECT_FALSE(r.exact);
  EXPECT_NEAR(r.shift, 0.25, 0.05);
  EXPECT_LT(r.lower, 0.25);
  EXPECT_GT(r.upper, 0.25);
  EXPECT_LT(r.upper - r.lower, 0.1);
}

TEST(HodgesLehmannTest, RejectsBadInput) {
  HodgesLehmannResult r;
  std::vector<double> empty;
  std::vector<double> ok = {1, 2, 3};
  std::vector<double> nan = {std::numeric_limits<double>::quiet_NaN()};
  EXPECT_FALSE(HodgesLehmann(empty, ok, 0.95, &r).ok());
  EXPECT_FALSE(HodgesLehmann(ok, nan, 0.95, &r).ok());
  EXPECT_FALSE(HodgesLehmann(ok, ok, 1.0, &r).ok());
  EXPECT_FALSE(HodgesLehmann(ok, ok, 0.0, &r).ok());
  // n1 = n2 = 2: P(U = 0) = 1/6 > 2.5%, no 95% interval exists.
  std::vector<double> a = {1, 2}, b = {3, 4};
  Status s = HodgesLehmann(a, b, 0.95, &r);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("too small"), std::string::npos);
  std::vector<double> huge = {-1.7e308}, huge2 = {1.7e308};
  double shift;
  EXPECT_FALSE(HodgesLehmannShift(huge, huge2, &shift).ok());  // difference overflows
}

}  // namespace
}  // namespace slokit::stats
