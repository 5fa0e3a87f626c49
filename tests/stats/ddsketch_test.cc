#include "stats/ddsketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "scipy_reference.h"

namespace slokit::stats {
namespace {

using testing::Gen;

const double kQuantiles[] = {0.001, 0.01, 0.05, 0.1,  0.25,  0.5,
                             0.75,  0.9,  0.95, 0.99, 0.999, 0.9999};

// numpy.quantile(method='lower'): the guarantee is relative to this order statistic.
double LowerQuantile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<size_t>(std::floor(q * static_cast<double>(sorted.size() - 1)))];
}

DDSketch Sketch(const std::vector<double>& values, double alpha = 0.01,
                uint32_t max_buckets = DDSketch::kDefaultMaxBuckets) {
  DDSketch s;
  EXPECT_TRUE(DDSketch::Create(alpha, max_buckets, &s).ok());
  for (double v : values) EXPECT_TRUE(s.Add(v).ok());
  return s;
}

// kQuantiles plus every 0.1% step.
std::vector<double> ManyQuantiles() {
  std::vector<double> qs(std::begin(kQuantiles), std::end(kQuantiles));
  for (int i = 1; i < 1000; ++i) qs.push_back(i / 1000.0);
  return qs;
}

// Worst relative error over ManyQuantiles().
double WorstRelativeError(const DDSketch& s, std::vector<double> values) {
  std::sort(values.begin(), values.end());
  double worst = 0;
  for (double q : ManyQuantiles()) {
    double got;
    EXPECT_TRUE(s.Quantile(q, &got).ok());
    const double exact = LowerQuantile(values, q);
    worst = std::max(worst, std::fabs(got - exact) / std::fabs(exact));
  }
  return worst;
}

TEST(DDSketchTest, QuantilesWithinRelativeAccuracyOnHeavyTails) {
  Gen gen(2024);
  const std::vector<std::pair<const char*, std::vector<double>>> data = {
      {"lognormal(0, 2)", gen.LogNormal(200000, 0, 2)},
      {"lognormal(5, 1) latency ms", gen.LogNormal(200000, 5, 1)},
      {"pareto(1, 1.1)", gen.Pareto(200000, 1, 1.1)},
      {"pareto(1e-3, 0.7)", gen.Pareto(200000, 1e-3, 0.7)},  // infinite mean
  };
  for (double alpha : {0.001, 0.01, 0.05}) {
    // At 0.1% a bucket spans 0.2%: 2048 buckets cover only a factor 60, so allow more.
    const uint32_t max_buckets = alpha < 0.01 ? 1u << 16 : DDSketch::kDefaultMaxBuckets;
    for (const auto& [name, values] : data) {
      DDSketch s = Sketch(values, alpha, max_buckets);
      const double worst = WorstRelativeError(s, values);
      EXPECT_LE(worst, alpha * (1 + 1e-9)) << name << " alpha " << alpha;
      EXPECT_FALSE(s.collapsed());
      EXPECT_EQ(s.count(), values.size());
      std::printf(
          "[tolerance] ddsketch alpha=%g %s: max rel err %.3e over %zu quantiles, %zu buckets\n",
          alpha, name, worst, ManyQuantiles().size(), s.bucket_count());
    }
  }
}

TEST(DDSketchTest, ExactExtremesSumAndCount) {
  Gen gen(1);
  auto values = gen.LogNormal(1000, 0, 1);
  DDSketch s = Sketch(values);
  double lo, hi;
  ASSERT_TRUE(s.Quantile(0, &lo).ok());
  ASSERT_TRUE(s.Quantile(1, &hi).ok());
  EXPECT_EQ(lo, *std::min_element(values.begin(), values.end()));
  EXPECT_EQ(hi, *std::max_element(values.begin(), values.end()));
  EXPECT_EQ(s.min(), lo);
  EXPECT_EQ(s.max(), hi);
  double sum = 0;
  for (double v : values) sum += v;
  EXPECT_DOUBLE_EQ(s.sum(), sum);
  ASSERT_TRUE(s.Add(3.0, 5).ok());
  EXPECT_EQ(s.count(), 1005u);
}

TEST(DDSketchTest, NegativeValuesAndZeros) {
  Gen gen(3);
  std::vector<double> values = gen.Normal(50000, 0, 100);
  for (int i = 0; i < 5000; ++i) values.push_back(0.0);
  for (int i = 0; i < 100; ++i) values.push_back(1e-320);  // subnormal: counted as zero
  DDSketch s = Sketch(values);
  std::sort(values.begin(), values.end());
  for (double q : kQuantiles) {
    double got;
    ASSERT_TRUE(s.Quantile(q, &got).ok());
    const double exact = LowerQuantile(values, q);
    EXPECT_LE(std::fabs(got - exact), 0.01 * (1 + 1e-9) * std::fabs(exact) + 1e-300) << q;
  }
}

TEST(DDSketchTest, MergeEqualsSketchOfUnion) {
  Gen gen(77);
  std::vector<double> all = gen.LogNormal(60000, 0, 3);
  auto extra = gen.Normal(5000, 0, 1);  // negatives and a zero store too
  all.insert(all.end(), extra.begin(), extra.end());
  all.push_back(0.0);
  for (uint32_t max_buckets : {DDSketch::kDefaultMaxBuckets, 64u}) {
    std::shuffle(all.begin(), all.end(), gen.rng());
    DDSketch whole = Sketch(all, 0.01, max_buckets);
    // Split into 7 parts, sketch each, merge in a shuffled order (and as a tree).
    std::vector<DDSketch> parts;
    for (int p = 0; p < 7; ++p) parts.push_back(Sketch({}, 0.01, max_buckets));
    for (size_t i = 0; i < all.size(); ++i) ASSERT_TRUE(parts[gen.Int(0, 6)].Add(all[i]).ok());
    DDSketch merged = Sketch({}, 0.01, max_buckets);
    for (int p : {4, 0, 6, 2}) ASSERT_TRUE(merged.Merge(parts[p]).ok());
    DDSketch subtree = parts[5];
    ASSERT_TRUE(subtree.Merge(parts[1]).ok());
    ASSERT_TRUE(subtree.Merge(parts[3]).ok());
    ASSERT_TRUE(merged.Merge(subtree).ok());
    EXPECT_TRUE(merged.SameBuckets(whole)) << "max_buckets " << max_buckets;
    EXPECT_EQ(merged.count(), whole.count());
    EXPECT_NEAR(merged.sum(), whole.sum(), 1e-9 * std::fabs(whole.sum()) + 1e-9);
    EXPECT_EQ(merged.collapsed(), whole.collapsed());
    EXPECT_EQ(whole.collapsed(), max_buckets == 64u);
    for (double q : kQuantiles) {
      double a, b;
      ASSERT_TRUE(merged.Quantile(q, &a).ok());
      ASSERT_TRUE(whole.Quantile(q, &b).ok());
      EXPECT_EQ(a, b) << q;
    }
  }
}

TEST(DDSketchTest, CollapsingLowestBucketsKeepsUpperQuantiles) {
  Gen gen(8);
  // lognormal(0, 1) over 1e5 values spans ~e^-4.4 .. e^4.4: ~440 buckets at alpha 1%. Cap at 200:
  // the kept window spans gamma^199 ~ e^4, so roughly the upper two thirds stay exact.
  std::vector<double> values = gen.LogNormal(100000, 0, 1);
  DDSketch s = Sketch(values, 0.01, 200);
  EXPECT_TRUE(s.collapsed());
  EXPECT_LE(s.bucket_count(), 200u);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const double gamma = (1 + 0.01) / (1 - 0.01);
  const double floor_value = sorted.back() / std::pow(gamma, 198);  // above the collapsed bucket
  double worst_kept = 0, worst_collapsed = 0;
  int kept = 0;
  for (double q : kQuantiles) {
    double got;
    ASSERT_TRUE(s.Quantile(q, &got).ok());
    const double exact = LowerQuantile(sorted, q);
    const double err = std::fabs(got - exact) / exact;
    if (exact > floor_value) {
      worst_kept = std::max(worst_kept, err);
      ++kept;
    } else {
      worst_collapsed = std::max(worst_collapsed, err);
      EXPECT_GE(got, s.min());  // no guarantee, but clamped to the data range
    }
  }
  EXPECT_GE(kept, 6);  // q >= 0.75 at least
  EXPECT_LE(worst_kept, 0.01 * (1 + 1e-9));
  EXPECT_GT(worst_collapsed, 0.01);  // the cap really did cost the low quantiles
  std::printf(
      "[tolerance] ddsketch capped at %zu buckets: %d upper quantiles max rel err %.3e "
      "(collapsed low quantiles %.3e)\n",
      s.bucket_count(), kept, worst_kept, worst_collapsed);
}

TEST(DDSketchTest, SerializationRoundTripsAndRejectsCorruption) {
  Gen gen(21);
  std::vector<double> values = gen.LogNormal(5000, 0, 2);
  auto neg = gen.Normal(100, 0, 1);
  values.insert(values.end(), neg.begin(), neg.end());
  values.push_back(0);
  DDSketch s = Sketch(values, 0.02, 100);
  const std::string bytes = s.Serialize();
  DDSketch back;
  ASSERT_TRUE(DDSketch::Deserialize(bytes, &back).ok());
  EXPECT_TRUE(back.SameBuckets(s));
  EXPECT_EQ(back.sum(), s.sum());
  EXPECT_EQ(back.collapsed(), s.collapsed());
  EXPECT_EQ(back.Serialize(), bytes);
  DDSketch empty_back;
  ASSERT_TRUE(DDSketch::Deserialize(DDSketch().Serialize(), &empty_back).ok());
  EXPECT_TRUE(empty_back.empty());
  // Every truncation and every single-byte change parses or fails cleanly.
  for (size_t n = 0; n < bytes.size(); ++n) {
    DDSketch t;
    EXPECT_FALSE(DDSketch::Deserialize(bytes.substr(0, n), &t).ok()) << n;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int flip : {0x01, 0x80, 0xff}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ flip);
      DDSketch t;
      if (DDSketch::Deserialize(bad, &t).ok()) {
        double q;
        EXPECT_TRUE(t.empty() || t.Quantile(0.5, &q).ok());
      }
    }
  }
  DDSketch t;
  EXPECT_FALSE(DDSketch::Deserialize(bytes + "x", &t).ok());  // trailing bytes
}

TEST(DDSketchTest, RejectsBadInput) {
  DDSketch s;
  double q;
  EXPECT_FALSE(s.Quantile(0.5, &q).ok());  // empty
  EXPECT_FALSE(s.Add(std::numeric_limits<double>::quiet_NaN()).ok());
  EXPECT_FALSE(s.Add(std::numeric_limits<double>::infinity()).ok());
  EXPECT_TRUE(s.empty());
  ASSERT_TRUE(s.Add(1.0).ok());
  EXPECT_FALSE(s.Quantile(-0.1, &q).ok());
  EXPECT_FALSE(s.Quantile(1.5, &q).ok());
  EXPECT_FALSE(s.Quantile(std::numeric_limits<double>::quiet_NaN(), &q).ok());
  DDSketch other;
  ASSERT_TRUE(DDSketch::Create(0.02, 2048, &other).ok());
  ASSERT_TRUE(other.Add(2.0).ok());
  Status m = s.Merge(other);
  EXPECT_FALSE(m.ok());
  EXPECT_NE(m.message().find("relative accuracy"), std::string::npos);
  EXPECT_EQ(s.count(), 1u);  // unchanged
  EXPECT_FALSE(DDSketch::Create(0.0, 2048, &other).ok());
  EXPECT_FALSE(DDSketch::Create(0.9, 2048, &other).ok());
  EXPECT_FALSE(DDSketch::Create(0.01, 0, &other).ok());
  s.Clear();
  EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace slokit::stats
