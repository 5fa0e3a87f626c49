#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "slokit/metrics/registry.h"

namespace slokit::metrics {
namespace {

TEST(CounterTest, IncAddsOneOrTheAmount) {
  Registry r;
  Counter c = r.AddCounter({.name = "requests", .help = "h"}).WithLabels();
  EXPECT_EQ(c.Value(), 0);
  c.Inc();
  c.Inc(2.5);
  EXPECT_DOUBLE_EQ(c.Value(), 3.5);
}

TEST(CounterTest, IgnoresNegativeAndNaNIncrements) {
  Registry r;
  Counter c = r.AddCounter({.name = "c"}).WithLabels();
  c.Inc(5);
  c.Inc(-1);
  c.Inc(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(c.Value(), 5);
  c.Inc(0);
  EXPECT_EQ(c.Value(), 5);
}

TEST(CounterTest, SameLabelsResolveToTheSameSeries) {
  Registry r;
  CounterFamily& f = r.AddCounter({.name = "http_requests", .labels = {"method", "code"}});
  Counter a = f.WithLabels({"GET", "200"});
  Counter b = f.WithLabels({"GET", "200"});
  Counter other = f.WithLabels({"POST", "200"});
  a.Inc();
  b.Inc();
  other.Inc(10);
  EXPECT_EQ(a.Value(), 2);
  EXPECT_EQ(b.Value(), 2);
  EXPECT_EQ(other.Value(), 10);
  EXPECT_EQ(f.series_count(), 2u);
}

TEST(CounterTest, ResolvesFromStringsAndViews) {
  Registry r;
  CounterFamily& f = r.AddCounter({.name = "x", .labels = {"a"}});
  std::vector<std::string> strings = {"v"};
  std::vector<std::string_view> views = {"v"};
  f.WithLabels(strings).Inc();
  f.WithLabels(std::span<const std::string_view>(views)).Inc();
  EXPECT_EQ(f.WithLabels({"v"}).Value(), 2);
}

TEST(CounterTest, WrongNumberOfLabelValuesThrows) {
  Registry r;
  CounterFamily& f = r.AddCounter({.name = "x", .labels = {"a", "b"}});
  EXPECT_THROW(f.WithLabels({"only-one"}), std::invalid_argument);
  EXPECT_THROW(f.WithLabels({"1", "2", "3"}), std::invalid_argument);
}

TEST(CounterTest, TrailingTotalIsDroppedFromTheName) {
  Registry r;
  CounterFamily& f = r.AddCounter({.name = "tokens_total"});
  EXPECT_EQ(f.name(), "tokens");
  // Registering either spelling again returns the same family.
  EXPECT_EQ(&r.AddCounter({.name = "tokens"}), &f);
}

TEST(CounterTest, HandlesAreCopyableAndDefaultIsInvalid) {
  Registry r;
  Counter empty;
  EXPECT_FALSE(empty.valid());
  Counter c = r.AddCounter({.name = "c"}).WithLabels();
  Counter copy = c;
  copy.Inc();
  EXPECT_TRUE(c.valid());
  EXPECT_EQ(c.Value(), 1);
}

TEST(CounterTest, LargeIntegerTotalsStayExact) {
  Registry r;
  Counter c = r.AddCounter({.name = "c"}).WithLabels();
  for (int i = 0; i < 1000; ++i) c.Inc(1e9);
  EXPECT_EQ(c.Value(), 1e12);
}

}  // namespace
}  // namespace slokit::metrics
