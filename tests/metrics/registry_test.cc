#include "slokit/metrics/registry.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "slokit/metrics/exposition.h"

namespace slokit::metrics {
namespace {

// U(i), written so that GCC 12's -Wrestrict false positive stays quiet.
std::string U(int i) {
  std::string s = "u";
  s += std::to_string(i);
  return s;
}

const FamilySnapshot* FindFamily(const std::vector<FamilySnapshot>& fs, std::string_view name) {
  for (const auto& f : fs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(RegistryTest, RejectsInvalidNames) {
  Registry r;
  EXPECT_THROW(r.AddCounter({.name = ""}), std::invalid_argument);
  EXPECT_THROW(r.AddCounter({.name = "1abc"}), std::invalid_argument);
  EXPECT_THROW(r.AddCounter({.name = "a-b"}), std::invalid_argument);
  EXPECT_THROW(r.AddGauge({.name = "g", .labels = {"__reserved"}}), std::invalid_argument);
  EXPECT_THROW(r.AddGauge({.name = "g", .labels = {"a:b"}}), std::invalid_argument);
  EXPECT_THROW(r.AddGauge({.name = "g", .labels = {"a", "a"}}), std::invalid_argument);
  EXPECT_THROW(r.AddGauge({.name = "g", .max_series = 0}), std::invalid_argument);
  EXPECT_NO_THROW(r.AddGauge({.name = "ns:sub_name", .labels = {"_x", "y2"}}));
}

TEST(RegistryTest, UnitMustBeTheNameSuffix) {
  Registry r;
  EXPECT_THROW(r.AddHistogram({.name = "latency", .unit = "seconds"}, {1}), std::invalid_argument);
  EXPECT_THROW(r.AddGauge({.name = "x_seconds", .unit = "sec onds"}), std::invalid_argument);
  EXPECT_NO_THROW(r.AddHistogram({.name = "latency_seconds", .unit = "seconds"}, {1}));
  EXPECT_NO_THROW(r.AddCounter({.name = "busy_seconds_total", .unit = "seconds"}));
}

TEST(RegistryTest, RegistrationIsIdempotentWhenCompatible) {
  Registry r;
  GaugeFamily& a = r.AddGauge({.name = "g", .help = "first", .labels = {"x"}});
  GaugeFamily& b = r.AddGauge({.name = "g", .help = "second", .labels = {"x"}});
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(a.help(), "first");
}

TEST(RegistryTest, ConflictingRegistrationThrows) {
  Registry r;
  r.AddGauge({.name = "g", .labels = {"x"}});
  EXPECT_THROW(r.AddGauge({.name = "g", .labels = {"y"}}), std::invalid_argument);
  EXPECT_THROW(r.AddCounter({.name = "g", .labels = {"x"}}), std::invalid_argument);
  r.AddHistogram({.name = "h"}, {1, 2});
  EXPECT_THROW(r.AddHistogram({.name = "h"}, {1, 3}), std::invalid_argument);
}

TEST(RegistryTest, SampleNamesMayNotClash) {
  Registry r;
  r.AddCounter({.name = "requests"});
  EXPECT_THROW(r.AddGauge({.name = "requests_total"}), std::invalid_argument);
  EXPECT_THROW(r.AddGauge({.name = "requests_created"}), std::invalid_argument);
  r.AddHistogram({.name = "latency"}, {1});
  EXPECT_THROW(r.AddGauge({.name = "latency_count"}), std::invalid_argument);
  EXPECT_THROW(r.AddCounter({.name = "latency_bucket"}), std::invalid_argument);
}

TEST(RegistryTest, UnlabelledFamiliesAreExposedFromTheStart) {
  Registry r;
  r.AddCounter({.name = "plain"});
  r.AddCounter({.name = "labelled", .labels = {"x"}});
  auto fs = r.Collect();
  ASSERT_NE(FindFamily(fs, "plain"), nullptr);
  EXPECT_EQ(FindFamily(fs, "plain")->series.size(), 1u);
  EXPECT_EQ(FindFamily(fs, "labelled"), nullptr);  // no series yet
}

TEST(RegistryTest, CardinalityGuardFoldsIntoOther) {
  Registry r;
  CounterFamily& f = r.AddCounter({.name = "by_user", .labels = {"user", "kind"}, .max_series = 3});
  for (int i = 0; i < 3; ++i) f.WithLabels({U(i), "a"}).Inc();
  EXPECT_EQ(f.series_count(), 3u);
  EXPECT_EQ(f.folded(), 0u);

  Counter folded1 = f.WithLabels({"u3", "a"});
  Counter folded2 = f.WithLabels({"u4", "b"});
  folded1.Inc();
  folded2.Inc();
  EXPECT_EQ(f.series_count(), 4u);  // 3 + the `other` series, and no more
  EXPECT_EQ(f.folded(), 2u);
  EXPECT_EQ(f.WithLabels({"other", "other"}).Value(), 2);
  // Known label sets still resolve to their own series.
  f.WithLabels({"u0", "a"}).Inc();
  EXPECT_EQ(f.WithLabels({"u0", "a"}).Value(), 2);
  for (int i = 5; i < 1000; ++i) f.WithLabels({U(i), "a"});
  EXPECT_EQ(f.series_count(), 4u);

  auto fs = r.Collect();
  const FamilySnapshot* folded = FindFamily(fs, kFoldedMetricName);
  ASSERT_NE(folded, nullptr);
  ASSERT_EQ(folded->series.size(), 1u);
  EXPECT_EQ(folded->series[0].label_values, std::vector<std::string>{"by_user"});
  EXPECT_EQ(folded->series[0].value, 997);
}

TEST(RegistryTest, FoldedCounterAppearsInExposition) {
  Registry r;
  GaugeFamily& f = r.AddGauge({.name = "g", .labels = {"id"}, .max_series = 1});
  f.WithLabels({"a"}).Set(1);
  f.WithLabels({"b"}).Set(2);
  std::string text = Serialize(r, Format::kPrometheusText);
  EXPECT_NE(text.find("g{id=\"other\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("slokit_metrics_label_sets_folded_total{metric=\"g\"} 1\n"),
            std::string::npos)
      << text;
}

TEST(RegistryTest, InvalidUtf8LabelValuesAreRepaired) {
  Registry r;
  CounterFamily& f = r.AddCounter({.name = "c", .labels = {"v"}});
  f.WithLabels({"ok\xff"}).Inc();
  f.WithLabels({"ok\xfe"}).Inc();  // repairs to the same value, so the same series
  auto fs = r.Collect();
  const FamilySnapshot* c = FindFamily(fs, "c");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->series.size(), 1u);
  EXPECT_EQ(c->series[0].label_values[0], "ok\xEF\xBF\xBD");
  EXPECT_EQ(c->series[0].value, 2);
}

TEST(RegistryTest, CollectKeepsRegistrationAndCreationOrder) {
  Registry r;
  r.AddGauge({.name = "b"});
  r.AddGauge({.name = "a"});
  GaugeFamily& c = r.AddGauge({.name = "c", .labels = {"x"}});
  c.WithLabels({"2"});
  c.WithLabels({"1"});
  auto fs = r.Collect();
  ASSERT_EQ(fs.size(), 3u);
  EXPECT_EQ(fs[0].name, "b");
  EXPECT_EQ(fs[1].name, "a");
  EXPECT_EQ(fs[2].series[0].label_values[0], "2");
  EXPECT_GT(fs[2].series[0].created, 1.6e9);
}

TEST(RegistryTest, ManySeriesSpanSeveralBlocks) {
  Registry r;
  HistogramFamily& f =
      r.AddHistogram({.name = "h", .labels = {"i"}, .max_series = 5000}, LinearBuckets(1, 1, 16));
  for (int i = 0; i < 200; ++i) f.WithLabels({std::to_string(i)}).Observe(i % 20);
  EXPECT_GT(r.blocks(), 1u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(f.WithLabels({std::to_string(i)}).Count(), 1u);
}

}  // namespace
}  // namespace slokit::metrics
