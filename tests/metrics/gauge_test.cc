#include <gtest/gtest.h>

#include <thread>

#include "slokit/metrics/registry.h"

namespace slokit::metrics {
namespace {

TEST(GaugeTest, SetHoldsTheLastValueExactly) {
  Registry r;
  Gauge g = r.AddGauge({.name = "kv_cache_usage_ratio", .unit = "ratio"}).WithLabels();
  EXPECT_EQ(g.Value(), 0);
  g.Set(0.3);
  g.Set(0.1);
  EXPECT_EQ(g.Value(), 0.1);
  g.Set(-4);
  EXPECT_EQ(g.Value(), -4);
}

TEST(GaugeTest, IncAndDecMoveTheValue) {
  Registry r;
  Gauge g = r.AddGauge({.name = "active"}).WithLabels();
  g.Inc();
  g.Inc(2);
  g.Dec();
  EXPECT_EQ(g.Value(), 2);
  g.Dec(5);
  EXPECT_EQ(g.Value(), -3);
}

TEST(GaugeTest, SetAfterIncOverridesAndLaterIncAddsToIt) {
  Registry r;
  Gauge g = r.AddGauge({.name = "queue"}).WithLabels();
  g.Inc(7);
  g.Set(3);
  EXPECT_EQ(g.Value(), 3);
  g.Inc();
  EXPECT_EQ(g.Value(), 4);
  g.Set(0);
  EXPECT_EQ(g.Value(), 0);
}

TEST(GaugeTest, SetAccountsForDeltasOfOtherThreads) {
  Registry r;
  Gauge g = r.AddGauge({.name = "running"}).WithLabels();
  std::thread([&] { g.Inc(10); }).join();
  std::thread([&] { g.Dec(3); }).join();
  EXPECT_EQ(g.Value(), 7);
  g.Set(1);
  EXPECT_EQ(g.Value(), 1);
  std::thread([&] { g.Inc(); }).join();
  EXPECT_EQ(g.Value(), 2);
}

TEST(GaugeTest, LabelledSeriesAreIndependent) {
  Registry r;
  GaugeFamily& f =
      r.AddGauge({.name = "gpu_utilization_ratio", .unit = "ratio", .labels = {"device"}});
  f.WithLabels({"0"}).Set(0.5);
  f.WithLabels({"1"}).Set(0.25);
  EXPECT_EQ(f.WithLabels({"0"}).Value(), 0.5);
  EXPECT_EQ(f.WithLabels({"1"}).Value(), 0.25);
}

}  // namespace
}  // namespace slokit::metrics
