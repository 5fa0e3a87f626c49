#include "stats/mann_whitney.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "scipy_reference.h"

namespace slokit::stats {
namespace {

using testing::Gen;
using testing::Json;
using testing::Num;
using testing::RunScipy;
using testing::Tolerance;

constexpr double kRel = 1e-6;

struct MwuCase {
  std::vector<double> x, y;
  PValueMethod method;
};

const char* MethodName(PValueMethod m) {
  switch (m) {
    case PValueMethod::kAuto:
      return "auto";
    case PValueMethod::kExact:
      return "exact";
    case PValueMethod::kAsymptotic:
      return "asymptotic";
  }
  return "?";
}

TEST(MannWhitneyTest, MatchesScipyOnGeneratedSamples) {
  Gen gen(20240601);
  std::vector<MwuCase> cases;
  // Small continuous samples without ties: scipy's 'auto' takes the exact distribution.
  for (int i = 0; i < 40; ++i) {
    size_t n1 = gen.Int(1, 8), n2 = gen.Int(1, 12);
    cases.push_back({gen.Normal(n1, 0, 1), gen.Normal(n2, i % 4 * 0.7, 1), PValueMethod::kAuto});
  }
  // Completely separated small samples: the smallest exact p-values.
  cases.push_back({{1, 2, 3, 4, 5, 6, 7, 8}, {9, 10, 11, 12, 13, 14, 15, 16}, PValueMethod::kAuto});
  cases.push_back({{20, 21, 22}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, PValueMethod::kAuto});
  // Small samples with repeated integers: ties force the asymptotic method with tie correction.
  for (int i = 0; i < 40; ++i) {
    size_t n1 = gen.Int(5, 8), n2 = gen.Int(5, 8);
    cases.push_back({gen.Ints(n1, 0, 4), gen.Ints(n2, i % 3, 5), PValueMethod::kAuto});
  }
  // Every value tied.
  cases.push_back({{3, 3, 3}, {3, 3, 3, 3}, PValueMethod::kAuto});
  // One sample small, the other larger, no ties: still exact under scipy's rule.
  for (int i = 0; i < 4; ++i) {
    cases.push_back({gen.Normal(gen.Int(3, 8), 0.5, 1), gen.Normal(gen.Int(20, 60), 0, 1),
                     PValueMethod::kAuto});
  }
  // Forced exact on moderate sizes.
  for (int i = 0; i < 6; ++i) {
    cases.push_back({gen.Normal(gen.Int(10, 25), 0, 1), gen.Normal(gen.Int(10, 25), i * 0.3, 1),
                     PValueMethod::kExact});
  }
  // Forced asymptotic on small samples without ties.
  for (int i = 0; i < 10; ++i) {
    cases.push_back({gen.Normal(gen.Int(2, 8), 0, 1), gen.Normal(gen.Int(2, 8), 0.5, 1),
                     PValueMethod::kAsymptotic});
  }
  // Large samples, continuous and heavily tied, shifted and not.
  for (int i = 0; i < 8; ++i) {
    size_t n1 = gen.Int(500, 2000), n2 = gen.Int(500, 2000);
    cases.push_back({gen.LogNormal(n1, 0, 1), gen.LogNormal(n2, 0.05 * i, 1), PValueMethod::kAuto});
    cases.push_back({gen.Ints(n1, 0, 20), gen.Ints(n2, i / 2, 20), PValueMethod::kAuto});
  }
  // Very different large samples: p-values far in the tail.
  cases.push_back({gen.Normal(800, 0, 1), gen.Normal(900, 0.8, 1), PValueMethod::kAuto});

  Json jcases = Json::array();
  for (const auto& c : cases) {
    jcases.push_back({{"kind", "mwu"}, {"x", c.x}, {"y", c.y}, {"method", MethodName(c.method)}});
  }
  Json results;
  ASSERT_TRUE(RunScipy(jcases, &results));
  Tolerance tol("mann_whitney");
  int exact_count = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    MannWhitneyResult r;
    ASSERT_TRUE(MannWhitneyU(cases[i].x, cases[i].y, &r, cases[i].method).ok()) << i;
    const std::string ctx = "case " + std::to_string(i) +
                            " n1=" + std::to_string(cases[i].x.size()) +
                            " n2=" + std::to_string(cases[i].y.size());
    tol.Check("U", r.u1, Num(results[i]["statistic"]), kRel, 0, ctx);
    tol.Check(r.exact ? "p (exact)" : "p (asymptotic)", r.p_value, Num(results[i]["pvalue"]), kRel,
              0, ctx);
    EXPECT_DOUBLE_EQ(r.u1 + r.u2, static_cast<double>(cases[i].x.size() * cases[i].y.size()));
    exact_count += r.exact;
  }
  EXPECT_GT(exact_count, 40);
}

TEST(MannWhitneyTest, ExactDistributionMatchesScipy) {
  struct Q {
    uint64_t n1, n2;
    int64_t u;
  };
  std::vector<Q> qs;
  for (uint64_t n1 : {1, 2, 5, 8}) {
    for (uint64_t n2 : {1, 3, 8, 13}) {
      for (int64_t u : {0L, 1L, static_cast<int64_t>(n1 * n2 / 3),
                        static_cast<int64_t>(n1 * n2 / 2), static_cast<int64_t>(n1 * n2) - 1}) {
        qs.push_back({n1, n2, u});
      }
    }
  }
  qs.push_back({20, 20, 60});
  qs.push_back({30, 25, 100});
  Json jcases = Json::array();
  for (const auto& q : qs)
    jcases.push_back({{"kind", "mwu_cdf"}, {"n1", q.n1}, {"n2", q.n2}, {"u", q.u}});
  Json results;
  ASSERT_TRUE(RunScipy(jcases, &results));
  Tolerance tol("mann_whitney");
  for (size_t i = 0; i < qs.size(); ++i) {
    MannWhitneyExactDistribution dist;
    ASSERT_TRUE(MannWhitneyExactDistribution::Create(qs[i].n1, qs[i].n2, &dist).ok());
    tol.Check("exact cdf", dist.Cdf(qs[i].u), Num(results[i]["cdf"]), kRel, 0,
              "n1=" + std::to_string(qs[i].n1) + " n2=" + std::to_string(qs[i].n2) +
                  " u=" + std::to_string(qs[i].u));
    // Symmetry of the null distribution.
    const int64_t mn = static_cast<int64_t>(qs[i].n1 * qs[i].n2);
    EXPECT_NEAR(dist.Sf(mn - qs[i].u), dist.Cdf(qs[i].u), 1e-15);
  }
}

TEST(MannWhitneyTest, ExactTableLimits) {
  EXPECT_TRUE(MannWhitneyExactDistribution::Supported(8, 100000));
  EXPECT_TRUE(MannWhitneyExactDistribution::Supported(60, 60));
  EXPECT_FALSE(MannWhitneyExactDistribution::Supported(100, 100));  // C(200, 100) > 2^126
  EXPECT_FALSE(MannWhitneyExactDistribution::Supported(0, 5));
  MannWhitneyExactDistribution dist;
  ASSERT_TRUE(MannWhitneyExactDistribution::Create(8, 100000, &dist).ok());
  EXPECT_DOUBLE_EQ(dist.Cdf(800000), 1.0);
  EXPECT_GT(dist.Cdf(0), 0.0);  // 1 / C(100008, 8) ~ 1e-35, not 0
  EXPECT_LT(dist.Cdf(0), 1e-30);
}

TEST(MannWhitneyTest, RejectsBadInput) {
  MannWhitneyResult r;
  std::vector<double> empty;
  std::vector<double> ok = {1, 2, 3};
  std::vector<double> nan = {1, std::numeric_limits<double>::quiet_NaN()};
  std::vector<double> inf = {1, std::numeric_limits<double>::infinity()};
  EXPECT_FALSE(MannWhitneyU(empty, ok, &r).ok());
  EXPECT_FALSE(MannWhitneyU(ok, empty, &r).ok());
  EXPECT_FALSE(MannWhitneyU(nan, ok, &r).ok());
  EXPECT_FALSE(MannWhitneyU(ok, inf, &r).ok());
  std::vector<double> tied = {1, 1, 2};
  Status s = MannWhitneyU(tied, ok, &r, PValueMethod::kExact);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("ties"), std::string::npos);
}

}  // namespace
}  // namespace slokit::stats
