#include "stats/chi_square.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "scipy_reference.h"
#include "stats/special_functions.h"

namespace slokit::stats {
namespace {

using testing::Gen;
using testing::Json;
using testing::Num;
using testing::RunScipy;
using testing::Tolerance;

constexpr double kRel = 1e-6;

TEST(ChiSquareTest, MatchesScipyContingency) {
  Gen gen(31337);
  std::vector<std::vector<std::vector<double>>> tables;
  // Two samples over K categories: small counts, zero cells, empty categories.
  for (int i = 0; i < 30; ++i) {
    const size_t k = gen.Int(2, 12);
    std::vector<double> a(k), b(k);
    for (size_t c = 0; c < k; ++c) {
      a[c] = static_cast<double>(gen.Int(0, 8));
      b[c] = static_cast<double>(gen.Int(0, 8 + i % 5));
    }
    a[0] += 1;  // keep both rows non-empty
    b[k - 1] += 1;
    if (i % 4 == 0) a[k / 2] = b[k / 2] = 0;  // a category neither sample saw: dropped
    tables.push_back({a, b});
  }
  // Large counts with a real difference: p-values far in the tail.
  for (int i = 0; i < 10; ++i) {
    const size_t k = gen.Int(2, 30);
    std::vector<double> a(k), b(k);
    for (size_t c = 0; c < k; ++c) {
      a[c] = static_cast<double>(gen.Int(100, 5000));
      b[c] = static_cast<double>(gen.Int(100, 5000 + 500 * i));
    }
    tables.push_back({a, b});
  }
  // 2 x 2 (dof 1, no Yates correction), R x C, fractional counts, many categories.
  tables.push_back({{10, 20}, {30, 5}});
  tables.push_back({{12, 7, 3, 0}, {8, 9, 11, 2}, {1, 4, 9, 16}});
  tables.push_back({{0.5, 2.25, 7.125}, {3.5, 1.75, 0.25}});
  {
    std::vector<double> a(400), b(400);
    for (size_t c = 0; c < 400; ++c) {
      a[c] = static_cast<double>(gen.Int(0, 40));
      b[c] = static_cast<double>(gen.Int(0, 40));
    }
    tables.push_back({a, b});
  }
  // Degenerate: one category left after dropping empties -> dof 0, p = 1.
  tables.push_back({{5, 0}, {7, 0}});

  Json jcases = Json::array();
  for (const auto& t : tables) jcases.push_back({{"kind", "chi2"}, {"table", t}});
  Json results;
  ASSERT_TRUE(RunScipy(jcases, &results));
  Tolerance tol("chi2_contingency");
  for (size_t i = 0; i < tables.size(); ++i) {
    ChiSquareResult r;
    ASSERT_TRUE(ChiSquareContingency(tables[i], &r).ok()) << i;
    const std::string ctx = "table " + std::to_string(i);
    EXPECT_EQ(r.dof, results[i]["dof"].get<int>()) << ctx;
    tol.Check("statistic", r.statistic, Num(results[i]["statistic"]), kRel, 1e-12, ctx);
    tol.Check("p", r.p_value, Num(results[i]["pvalue"]), kRel, 0, ctx);
    if (tables[i].size() == 2) {
      ChiSquareResult two;
      ASSERT_TRUE(ChiSquareTwoSample(tables[i][0], tables[i][1], &two).ok());
      EXPECT_EQ(two.statistic, r.statistic);
      EXPECT_EQ(two.p_value, r.p_value);
    }
  }
}

TEST(ChiSquareTest, SpecialFunctionsMatchScipy) {
  struct Q {
    double a, x, p;
  };
  std::vector<Q> qs;
  const double ps[] = {1e-300, 1e-20, 1e-8, 0.001, 0.02425, 0.1,
                       0.3,    0.5,   0.7,  0.975, 0.99,    0.999999};
  int i = 0;
  for (double a : {0.5, 1.0, 1.5, 2.5, 5.0, 12.0, 50.0, 200.0, 1000.0, 20000.0}) {
    for (double f : {0.01, 0.2, 0.7, 0.95, 1.0, 1.05, 1.3, 2.0, 4.0, 10.0}) {
      qs.push_back({a, a * f, ps[i++ % 12]});
    }
  }
  Json jcases = Json::array();
  for (const auto& q : qs)
    jcases.push_back({{"kind", "special"}, {"a", q.a}, {"x", q.x}, {"p", q.p}});
  Json results;
  ASSERT_TRUE(RunScipy(jcases, &results));
  Tolerance tol("special");
  for (size_t j = 0; j < qs.size(); ++j) {
    const Json& e = results[j];
    const std::string ctx = "a=" + std::to_string(qs[j].a) + " x=" + std::to_string(qs[j].x);
    tol.Check("gammainc", RegularizedGammaP(qs[j].a, qs[j].x), Num(e["gammainc"]), kRel, 1e-300,
              ctx);
    tol.Check("gammaincc", RegularizedGammaQ(qs[j].a, qs[j].x), Num(e["gammaincc"]), kRel, 1e-300,
              ctx);
    tol.Check("chi2.sf", ChiSquareSf(qs[j].x, 2 * qs[j].a), Num(e["chi2_sf"]), kRel, 1e-300, ctx);
    tol.Check("norm.sf", NormalSf(qs[j].x), Num(e["norm_sf"]), kRel, 1e-300, ctx);
    tol.Check("norm.ppf", NormalQuantile(qs[j].p), Num(e["norm_ppf"]), kRel, 1e-300,
              "p=" + std::to_string(qs[j].p));
  }
}

TEST(ChiSquareTest, RejectsBadInput) {
  ChiSquareResult r;
  EXPECT_FALSE(ChiSquareContingency({}, &r).ok());
  EXPECT_FALSE(ChiSquareContingency({{1, 2}, {3}}, &r).ok());
  EXPECT_FALSE(ChiSquareContingency({{1, -2}, {3, 4}}, &r).ok());
  EXPECT_FALSE(ChiSquareContingency({{0, 0}, {0, 0}}, &r).ok());
  EXPECT_FALSE(
      ChiSquareContingency({{1, std::numeric_limits<double>::quiet_NaN()}, {3, 4}}, &r).ok());
  std::vector<double> a = {1, 2, 3}, b = {1, 2};
  EXPECT_FALSE(ChiSquareTwoSample(a, b, &r).ok());  // mismatched categories
  std::vector<double> zeros = {0, 0, 0};
  EXPECT_FALSE(ChiSquareTwoSample(a, zeros, &r).ok());
}

}  // namespace
}  // namespace slokit::stats
