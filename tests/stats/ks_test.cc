#include "stats/ks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "scipy_reference.h"
#include "stats/kolmogorov.h"

namespace slokit::stats {
namespace {

using testing::Gen;
using testing::Json;
using testing::Num;
using testing::RunScipy;
using testing::Tolerance;

constexpr double kRel = 1e-6;

const char* MethodName(PValueMethod m) {
  switch (m) {
    case PValueMethod::kAuto:
      return "auto";
    case PValueMethod::kExact:
      return "exact";
    case PValueMethod::kAsymptotic:
      return "asymp";
  }
  return "?";
}

struct KsCase {
  std::vector<double> x, y;
  PValueMethod method;
};

TEST(KolmogorovSmirnovTest, MatchesScipyOnGeneratedSamples) {
  Gen gen(7001);
  std::vector<KsCase> cases;
  // Small samples with repeated integers (ties across samples), exact by scipy's rule.
  for (int i = 0; i < 30; ++i) {
    cases.push_back(
        {gen.Ints(gen.Int(5, 8), 0, 5), gen.Ints(gen.Int(5, 8), i % 3, 6), PValueMethod::kAuto});
  }
  // Small continuous samples, equal sizes (the closed n1 == n2 form) and unequal.
  for (int i = 0; i < 20; ++i) {
    size_t n = gen.Int(1, 15);
    cases.push_back({gen.Normal(n, 0, 1), gen.Normal(n, 0.4 * (i % 4), 1), PValueMethod::kAuto});
    cases.push_back({gen.Normal(gen.Int(1, 15), 0, 1), gen.Normal(gen.Int(1, 20), 0.4 * (i % 4), 1),
                     PValueMethod::kAuto});
  }
  // Forced asymptotic on small and medium samples: kstwo.sf for n <= 140 (Durbin matrix,
  // Pomeranz, Smirnov branches).
  for (int i = 0; i < 30; ++i) {
    cases.push_back({gen.Normal(gen.Int(2, 300), 0, 1),
                     gen.Normal(gen.Int(2, 300), 0.1 * (i % 6), 1), PValueMethod::kAsymptotic});
  }
  // Large samples: exact (<= 10000) and forced asymptotic (Durbin / Pelz-Good / Smirnov branches).
  for (int i = 0; i < 6; ++i) {
    size_t n1 = gen.Int(500, 2000), n2 = gen.Int(500, 2000);
    auto x = gen.LogNormal(n1, 0, 1);
    auto y = gen.LogNormal(n2, 0.04 * i, 1);
    cases.push_back({x, y, PValueMethod::kAuto});
    cases.push_back({x, y, PValueMethod::kAsymptotic});
    cases.push_back({gen.Ints(n1, 0, 30), gen.Ints(n2, i, 30), PValueMethod::kAuto});
  }
  cases.push_back({gen.Normal(1500, 0, 1), gen.Normal(1500, 0.05, 1), PValueMethod::kAuto});
  cases.push_back({gen.Pareto(1200, 1, 1.5), gen.Pareto(1800, 1.1, 1.5), PValueMethod::kAuto});
  // Above 10000: 'auto' switches to the asymptotic distribution.
  cases.push_back({gen.Normal(12000, 0, 1), gen.Normal(10500, 0.02, 1), PValueMethod::kAuto});

  Json jcases = Json::array();
  for (const auto& c : cases) {
    jcases.push_back({{"kind", "ks"}, {"x", c.x}, {"y", c.y}, {"method", MethodName(c.method)}});
  }
  Json results;
  ASSERT_TRUE(RunScipy(jcases, &results));
  Tolerance tol("ks_2samp");
  for (size_t i = 0; i < cases.size(); ++i) {
    KsResult r;
    ASSERT_TRUE(KolmogorovSmirnov2(cases[i].x, cases[i].y, &r, cases[i].method).ok()) << i;
    const std::string ctx = "case " + std::to_string(i) +
                            " n1=" + std::to_string(cases[i].x.size()) +
                            " n2=" + std::to_string(cases[i].y.size());
    tol.Check("D", r.statistic, Num(results[i]["statistic"]), kRel, 0, ctx);
    tol.Check(r.exact ? "p (exact)" : "p (asymp)", r.p_value, Num(results[i]["pvalue"]), kRel, 0,
              ctx);
    EXPECT_EQ(r.location, Num(results[i]["location"])) << ctx;
    EXPECT_EQ(r.sign, results[i]["sign"].get<int>()) << ctx;
  }
}

TEST(KolmogorovSmirnovTest, OneSampleDistributionsMatchScipy) {
  struct Q {
    int64_t n;
    double d;
  };
  std::vector<Q> qs;
  for (int64_t n : {1, 2, 3, 5, 10, 37, 100, 140, 141, 500, 1000, 5000, 30000, 2000000}) {
    // scipy's smirnov sums ~n terms in double-double: keep the grid short for large n.
    const std::vector<double> zs = n >= 30000 ? std::vector<double>{0.5, 1.2, 2.0, 3.0, 6.0}
                                              : std::vector<double>{0.3, 0.5, 0.7, 0.85, 1.0, 1.2,
                                                                    1.5, 2.0, 2.5, 3.0,  4.0, 6.0};
    for (double z : zs) {
      double d = z / std::sqrt(static_cast<double>(n));
      if (d < 1.0) qs.push_back({n, d});
    }
    for (double d :
         {0.51 / static_cast<double>(n), 0.8 / static_cast<double>(n), 0.45, 0.55, 0.9, 0.999}) {
      if (d < 1.0) qs.push_back({n, d});
    }
  }
  Json jcases = Json::array();
  for (const auto& q : qs) {
    jcases.push_back({{"kind", "kstwo_sf"}, {"n", q.n}, {"d", q.d}});
    jcases.push_back({{"kind", "smirnov"}, {"n", q.n}, {"d", q.d}});
  }
  Json results;
  ASSERT_TRUE(RunScipy(jcases, &results));
  Tolerance tol("kolmogorov");
  for (size_t i = 0; i < qs.size(); ++i) {
    const std::string ctx = "n=" + std::to_string(qs[i].n) + " d=" + std::to_string(qs[i].d);
    // Absolute 1e-15: below that scipy's 1 - cdf branches are rounding noise.
    tol.Check("kstwo.sf", KolmogorovSf(qs[i].n, qs[i].d), Num(results[2 * i]["sf"]), kRel, 1e-15,
              ctx);
    tol.Check("smirnov", SmirnovSf(qs[i].n, qs[i].d), Num(results[2 * i + 1]["sf"]), kRel, 1e-15,
              ctx);
  }
}

TEST(KolmogorovSmirnovTest, ExactKernelIsAProbability) {
  for (int64_t m : {3, 7, 20}) {
    for (int64_t n : {3, 5, 20, 33}) {
      const int64_t lcm = std::lcm(m, n);
      double last = 1.0;
      for (int64_t h = 1; h <= lcm; ++h) {
        const double p = KolmogorovSmirnov2ExactSf(m, n, h);
        EXPECT_GE(p, 0.0);
        EXPECT_LE(p, last + 1e-15) << m << " " << n << " " << h;  // non-increasing in D
        last = p;
      }
    }
  }
}

TEST(KolmogorovSmirnovTest, RejectsBadInput) {
  KsResult r;
  std::vector<double> empty;
  std::vector<double> ok = {1, 2, 3};
  std::vector<double> nan = {std::numeric_limits<double>::quiet_NaN()};
  EXPECT_FALSE(KolmogorovSmirnov2(empty, ok, &r).ok());
  EXPECT_FALSE(KolmogorovSmirnov2(ok, nan, &r).ok());
  std::vector<double> one = {1}, other = {2};
  EXPECT_FALSE(KolmogorovSmirnov2(one, other, &r, PValueMethod::kAsymptotic).ok());
  ASSERT_TRUE(KolmogorovSmirnov2(one, other, &r).ok());
  EXPECT_DOUBLE_EQ(r.statistic, 1.0);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
}

}  // namespace
}  // namespace slokit::stats
