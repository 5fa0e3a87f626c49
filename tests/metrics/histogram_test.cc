#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include "slokit/metrics/registry.h"

namespace slokit::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Histogram Make(Registry& r, std::vector<double> bounds) {
  return r.AddHistogram({.name = "h"}, std::move(bounds)).WithLabels();
}

TEST(HistogramTest, ValueEqualToABoundCountsInThatBucket) {
  Registry r;
  Histogram h = Make(r, {0.1, 0.5, 1});
  h.Observe(0.1);
  h.Observe(0.5);
  h.Observe(1);
  EXPECT_EQ(h.CumulativeBuckets(), (std::vector<uint64_t>{1, 2, 3, 3}));
}

TEST(HistogramTest, ValuesJustAboveABoundGoToTheNextBucket) {
  Registry r;
  Histogram h = Make(r, {0.1, 0.5, 1});
  h.Observe(std::nextafter(0.1, 1.0));
  h.Observe(std::nextafter(1.0, 2.0));
  EXPECT_EQ(h.CumulativeBuckets(), (std::vector<uint64_t>{0, 1, 1, 2}));
}

TEST(HistogramTest, BelowFirstAboveLastAndInfinities) {
  Registry r;
  Histogram h = Make(r, {1, 2});
  h.Observe(-5);
  h.Observe(0);
  h.Observe(3);
  h.Observe(kInf);
  h.Observe(-kInf);
  EXPECT_EQ(h.CumulativeBuckets(), (std::vector<uint64_t>{3, 3, 5}));
  EXPECT_EQ(h.Count(), 5u);
}

TEST(HistogramTest, NaNIsIgnored) {
  Registry r;
  Histogram h = Make(r, {1});
  h.Observe(kNaN);
  h.Observe(0.5);
  EXPECT_EQ(h.Count(), 1u);
  EXPECT_EQ(h.Sum(), 0.5);
}

TEST(HistogramTest, SumAndCount) {
  Registry r;
  Histogram h = Make(r, {1, 2});
  h.Observe(0.25);
  h.Observe(1.5);
  h.Observe(10);
  EXPECT_DOUBLE_EQ(h.Sum(), 11.75);
  EXPECT_EQ(h.Count(), 3u);
}

TEST(HistogramTest, ObserveNRecordsManyEqualObservations) {
  Registry r;
  Histogram h = Make(r, {0.01, 0.1});
  h.ObserveN(0.05, 4);
  EXPECT_EQ(h.CumulativeBuckets(), (std::vector<uint64_t>{0, 4, 4}));
  EXPECT_DOUBLE_EQ(h.Sum(), 0.2);
}

TEST(HistogramTest, NoBoundsMeansOnlyInf) {
  Registry r;
  Histogram h = Make(r, {});
  h.Observe(3);
  EXPECT_EQ(h.CumulativeBuckets(), (std::vector<uint64_t>{1}));
}

// Reference: first bound >= v, else the +Inf bucket.
size_t Expected(const std::vector<double>& bounds, double v) {
  return static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), v) - bounds.begin());
}

void CheckAgainstReference(const std::vector<double>& bounds) {
  Registry r;
  Histogram h = Make(r, bounds);
  std::vector<uint64_t> expected(bounds.size() + 1);
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(bounds.front() - 1, bounds.back() + 1);
  std::vector<double> values;
  for (double b : bounds) {
    values.push_back(b);
    values.push_back(std::nextafter(b, kInf));
    values.push_back(std::nextafter(b, -kInf));
  }
  for (int i = 0; i < 2000; ++i) values.push_back(u(rng));
  for (double v : values) {
    h.Observe(v);
    ++expected[Expected(bounds, v)];
  }
  for (size_t i = 1; i < expected.size(); ++i) expected[i] += expected[i - 1];
  EXPECT_EQ(h.CumulativeBuckets(), expected) << bounds.size() << " bounds";
}

TEST(HistogramTest, MatchesReferenceForEveryBoundCount) {
  // 1..16 bounds use the branch-free scan, more use binary search.
  for (size_t n : {1, 2, 5, 15, 16, 17, 40, 256}) {
    CheckAgainstReference(LinearBuckets(0.5, 0.25, n));
  }
}

TEST(HistogramTest, BucketHelpers) {
  EXPECT_EQ(LinearBuckets(1, 2, 3), (std::vector<double>{1, 3, 5}));
  EXPECT_EQ(ExponentialBuckets(0.01, 10, 3), (std::vector<double>{0.01, 0.1, 1}));
}

TEST(HistogramTest, InvalidBoundsAreRejected) {
  Registry r;
  EXPECT_THROW(r.AddHistogram({.name = "a"}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(r.AddHistogram({.name = "b"}, {2, 1}), std::invalid_argument);
  EXPECT_THROW(r.AddHistogram({.name = "c"}, {kNaN}), std::invalid_argument);
  EXPECT_THROW(r.AddHistogram({.name = "d"}, {-kInf, 1}), std::invalid_argument);
  EXPECT_THROW(r.AddHistogram({.name = "e"}, LinearBuckets(0, 1, kMaxBuckets + 1)),
               std::invalid_argument);
  EXPECT_THROW(r.AddHistogram({.name = "f", .labels = {"le"}}, {1}), std::invalid_argument);
}

TEST(HistogramTest, TrailingInfIsImplied) {
  Registry r;
  HistogramFamily& f = r.AddHistogram({.name = "h"}, {1, 2, kInf});
  EXPECT_EQ(f.bounds(), (std::vector<double>{1, 2}));
  EXPECT_EQ(&r.AddHistogram({.name = "h"}, {1, 2}), &f);
}

TEST(HistogramTest, SeriesOfAFamilyShareBounds) {
  Registry r;
  HistogramFamily& f = r.AddHistogram(
      {.name = "latency_seconds", .unit = "seconds", .labels = {"endpoint"}}, {0.1, 1});
  Histogram a = f.WithLabels({"/a"});
  Histogram b = f.WithLabels({"/b"});
  a.Observe(0.05);
  b.Observe(0.5);
  EXPECT_EQ(a.CumulativeBuckets(), (std::vector<uint64_t>{1, 1, 1}));
  EXPECT_EQ(b.CumulativeBuckets(), (std::vector<uint64_t>{0, 1, 1}));
  EXPECT_EQ(a.bounds(), b.bounds());
}

}  // namespace
}  // namespace slokit::metrics
