#include "stats/divergence.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "scipy_reference.h"
#include "stats/binning.h"

namespace slokit::stats {
namespace {

using testing::Gen;
using testing::Json;
using testing::Num;
using testing::RunScipy;
using testing::Tolerance;

constexpr double kRel = 1e-6;
constexpr double kAbs = 1e-12;  // divergences of nearly equal distributions are ~0

TEST(DivergenceTest, BinnedCountsMatchScipy) {
  Gen gen(11);
  struct Case {
    std::vector<double> p, q;
    double epsilon;
  };
  std::vector<Case> cases;
  for (int i = 0; i < 30; ++i) {
    const size_t k = gen.Int(2, 20);
    std::vector<double> p(k), q(k);
    for (size_t c = 0; c < k; ++c) {
      p[c] = static_cast<double>(gen.Int(0, 50));
      q[c] = static_cast<double>(gen.Int(i % 3 == 0 ? 1 : 0, 50 + 10 * i));
    }
    p[0] += 1;
    q[0] += 1;
    cases.push_back({p, q, i % 3 == 0 ? 0.0 : kDefaultEpsilon});  // epsilon 0 only without empty q
  }
  cases.push_back({{5, 0, 0, 3}, {1, 1, 1, 1}, 0.01});       // empty bins, coarse smoothing
  cases.push_back({{0.25, 0.5, 0.25}, {0.2, 0.5, 0.3}, 0});  // shares instead of counts
  cases.push_back({{100, 200, 300}, {101, 199, 300}, kDefaultEpsilon});  // nearly equal

  Json jcases = Json::array();
  for (const auto& c : cases) {
    jcases.push_back({{"kind", "divergence"}, {"p", c.p}, {"q", c.q}, {"epsilon", c.epsilon}});
  }
  Json results;
  ASSERT_TRUE(RunScipy(jcases, &results));
  Tolerance tol("divergence");
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const Json& e = results[i];
    const std::string ctx = "case " + std::to_string(i);
    double psi, kl_pq, kl_qp, js;
    // Convention: p is the reference, q the current sample.
    ASSERT_TRUE(PopulationStabilityIndex(c.p, c.q, &psi, c.epsilon).ok());
    ASSERT_TRUE(KlDivergence(c.q, c.p, &kl_qp, c.epsilon).ok());
    ASSERT_TRUE(KlDivergence(c.p, c.q, &kl_pq, c.epsilon).ok());
    ASSERT_TRUE(JensenShannonDistance(c.p, c.q, &js).ok());
    tol.Check("psi", psi, Num(e["psi"]), kRel, kAbs, ctx);
    tol.Check("kl", kl_qp, Num(e["kl_cur_ref"]), kRel, kAbs, ctx);
    tol.Check("kl", kl_pq, Num(e["kl_ref_cur"]), kRel, kAbs, ctx);
    tol.Check("jensenshannon", js, Num(e["js"]), kRel, kAbs, ctx);
  }
}

TEST(DivergenceTest, SamplesBinnedByReferenceQuantilesMatchNumpyAndScipy) {
  Gen gen(12);
  struct Case {
    std::vector<double> reference, current;
    size_t bins;
    double epsilon;
  };
  std::vector<Case> cases;
  for (int i = 0; i < 6; ++i) {
    cases.push_back({gen.LogNormal(gen.Int(500, 2000), 0, 1),
                     gen.LogNormal(gen.Int(500, 2000), 0.1 * i, 1.1), 10, kDefaultEpsilon});
  }
  // Heavy ties: quantile edges collapse, fewer bins.
  cases.push_back({gen.Ints(1000, 0, 3), gen.Ints(800, 0, 5), 10, kDefaultEpsilon});
  // Small samples with ties, current outside the reference range (empty bins get smoothed).
  cases.push_back({{1, 2, 2, 3, 5, 8}, {0, 9, 9, 10, 2}, 4, kDefaultEpsilon});
  cases.push_back({gen.Pareto(3000, 1, 1.3), gen.Pareto(1000, 1, 1.1), 20, 1e-3});
  cases.push_back({gen.Normal(50, 0, 1), gen.Normal(40, 0, 1), 1, kDefaultEpsilon});

  Json jcases = Json::array();
  for (const auto& c : cases) {
    jcases.push_back({{"kind", "binned"},
                      {"reference", c.reference},
                      {"current", c.current},
                      {"num_bins", c.bins},
                      {"epsilon", c.epsilon}});
  }
  Json results;
  ASSERT_TRUE(RunScipy(jcases, &results));
  Tolerance tol("binned divergence");
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const Json& e = results[i];
    const std::string ctx = "case " + std::to_string(i);
    Binning b;
    ASSERT_TRUE(BinByReferenceQuantiles(c.reference, c.current, c.bins, &b).ok());
    ASSERT_EQ(b.edges.size(), e["edges"].size()) << ctx;
    for (size_t j = 0; j < b.edges.size(); ++j) EXPECT_EQ(b.edges[j], Num(e["edges"][j])) << ctx;
    for (size_t j = 0; j < b.reference_counts.size(); ++j) {
      EXPECT_EQ(b.reference_counts[j], e["reference_counts"][j].get<double>()) << ctx;
      EXPECT_EQ(b.current_counts[j], e["current_counts"][j].get<double>()) << ctx;
    }
    BinningOptions options{c.bins, c.epsilon};
    double psi, kl, js;
    ASSERT_TRUE(PsiOfSamples(c.reference, c.current, options, &psi).ok());
    ASSERT_TRUE(KlDivergenceOfSamples(c.reference, c.current, options, &kl).ok());
    ASSERT_TRUE(JensenShannonDistanceOfSamples(c.reference, c.current, options, &js).ok());
    tol.Check("psi", psi, Num(e["psi"]), kRel, kAbs, ctx);
    tol.Check("kl(current||reference)", kl, Num(e["kl_cur_ref"]), kRel, kAbs, ctx);
    tol.Check("jensenshannon", js, Num(e["js"]), kRel, kAbs, ctx);
  }
}

TEST(DivergenceTest, WassersteinMatchesScipy) {
  Gen gen(13);
  std::vector<std::pair<std::vector<double>, std::vector<double>>> cases;
  cases.push_back({{1}, {2}});
  cases.push_back({{0, 1, 3}, {5, 6, 8}});
  for (int i = 0; i < 10; ++i)
    cases.push_back({gen.Ints(gen.Int(1, 8), 0, 4), gen.Ints(gen.Int(1, 8), 0, 6)});
  for (int i = 0; i < 4; ++i) {
    cases.push_back(
        {gen.LogNormal(gen.Int(500, 2000), 0, 1.5), gen.LogNormal(gen.Int(500, 2000), 0.2, 1.5)});
    cases.push_back(
        {gen.Pareto(gen.Int(500, 2000), 1, 1.1), gen.Pareto(gen.Int(500, 2000), 1, 1.3)});
  }
  Json jcases = Json::array();
  for (const auto& [u, v] : cases) jcases.push_back({{"kind", "wasserstein"}, {"u", u}, {"v", v}});
  Json results;
  ASSERT_TRUE(RunScipy(jcases, &results));
  Tolerance tol("wasserstein");
  for (size_t i = 0; i < cases.size(); ++i) {
    double w;
    ASSERT_TRUE(WassersteinDistance(cases[i].first, cases[i].second, &w).ok());
    tol.Check("distance", w, Num(results[i]["distance"]), kRel, kAbs, "case " + std::to_string(i));
  }
}

TEST(DivergenceTest, SmoothingAndEdgeCases) {
  std::vector<double> ref = {10, 10, 0}, cur = {5, 10, 5};
  double v;
  ASSERT_TRUE(PopulationStabilityIndex(ref, cur, &v, 0.0).ok());
  EXPECT_TRUE(std::isinf(v));  // unsmoothed empty reference bin
  ASSERT_TRUE(PopulationStabilityIndex(ref, cur, &v).ok());
  EXPECT_TRUE(std::isfinite(v));
  ASSERT_TRUE(PopulationStabilityIndex(ref, ref, &v).ok());
  EXPECT_EQ(v, 0.0);
  ASSERT_TRUE(JensenShannonDistance(ref, ref, &v).ok());
  EXPECT_EQ(v, 0.0);
  std::vector<double> a = {1, 0}, b = {0, 1};
  ASSERT_TRUE(JensenShannonDistance(a, b, &v).ok());
  EXPECT_NEAR(v, std::sqrt(std::log(2.0)), 1e-15);  // disjoint supports: the maximum
}

TEST(DivergenceTest, RejectsBadInput) {
  double v;
  std::vector<double> three = {1, 2, 3}, two = {1, 2}, zeros = {0, 0, 0}, negative = {1, -1, 2};
  std::vector<double> empty;
  EXPECT_FALSE(PopulationStabilityIndex(three, two, &v).ok());  // mismatched bins
  EXPECT_FALSE(KlDivergence(three, zeros, &v).ok());
  EXPECT_FALSE(JensenShannonDistance(negative, three, &v).ok());
  EXPECT_FALSE(PopulationStabilityIndex(three, three, &v, -0.1).ok());
  EXPECT_FALSE(WassersteinDistance(empty, three, &v).ok());
  std::vector<double> nan = {std::numeric_limits<double>::quiet_NaN()};
  EXPECT_FALSE(WassersteinDistance(three, nan, &v).ok());
  Binning b;
  EXPECT_FALSE(BinByReferenceQuantiles(three, three, 0, &b).ok());
  EXPECT_FALSE(PsiOfSamples(empty, three, BinningOptions{}, &v).ok());
}

}  // namespace
}  // namespace slokit::stats
