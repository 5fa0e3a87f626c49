// Capacity alerts: utilization of a declared capacity (rates, Little's law, gauges), the 80%/90%
// policy with `for:`, the latency inflection rule, and the spec section.
#include "engine/capacity.h"

#include <gtest/gtest.h>

#include "engine_test_util.h"

namespace slokit {
namespace {

using testing::kT0;
using testing::MustLoad;
using testing::RecordBuilder;

const char* kSlos = R"(service: s
slos:
  - name: ttft
    objective: 99
    window: 7d
    sli: {latency: {field: ttft_ms, unit: ms, threshold: 1s}}
  - name: ok
    objective: 99
    sli: {ratio: {good: ok}}
capacity:
)";

Spec SpecWith(const std::string& capacity) { return MustLoad(kSlos + capacity); }

// One event a second over [from, from + seconds), built by `fill`.
template <typename Fn>
void Feed(const Spec& spec, KpiTracker* kpis, Evaluator* ev, TimeNs from, int64_t seconds, Fn fill) {
  RecordBuilder b(spec);
  for (int64_t s = 0; s < seconds; ++s) {
    b.At(from + s * kSecond);
    fill(b);
    kpis->Push(b.record());
    if (ev) ev->Push(b.record());
  }
}

TEST(Capacity, TokensPerSecondAgainstWarnAndCritical) {
  Spec spec = SpecWith("  - {name: tok, resource: tokens_per_second, field: tokens, capacity: 100, for: 0}\n");
  const CapacityCheck& c = spec.capacity[0];
  EXPECT_DOUBLE_EQ(c.warn, 0.8);  // seed 000's capacity_policy, from the catalog
  EXPECT_DOUBLE_EQ(c.critical, 0.9);
  EXPECT_EQ(c.window, 5 * kMinute);
  KpiTracker t(spec);
  // 10 minutes at 70 tokens/s, 10 at 85, 10 at 95.
  Feed(spec, &t, nullptr, kT0, 600, [](RecordBuilder& b) { b.Num("tokens", 70); });
  Feed(spec, &t, nullptr, kT0 + 10 * kMinute, 600, [](RecordBuilder& b) { b.Num("tokens", 85); });
  Feed(spec, &t, nullptr, kT0 + 20 * kMinute, 600, [](RecordBuilder& b) { b.Num("tokens", 95); });
  CapacityStatus s = EvaluateCapacity(t, nullptr, 0, kT0 + 10 * kMinute);
  ASSERT_TRUE(s.has_value);
  EXPECT_DOUBLE_EQ(s.load, 70);
  EXPECT_DOUBLE_EQ(s.utilization, 0.7);
  EXPECT_FALSE(s.warn);
  s = EvaluateCapacity(t, nullptr, 0, kT0 + 20 * kMinute);
  EXPECT_DOUBLE_EQ(s.utilization, 0.85);
  EXPECT_TRUE(s.warn);
  EXPECT_FALSE(s.critical);
  // Two minutes into the 95 stretch, the 5m window averages (3 x 85 + 2 x 95) / 5 = 89: warn only.
  EXPECT_FALSE(EvaluateCapacity(t, nullptr, 0, kT0 + 22 * kMinute).critical);
  EXPECT_TRUE(EvaluateCapacity(t, nullptr, 0, kT0 + 23 * kMinute).critical);  // 91

  KpiTimeline tl = BacktestCapacity(t, nullptr, 0, t.data_start(), kT0 + 30 * kMinute);
  ASSERT_EQ(tl.incidents.size(), 2u);
  // The 5m window passes 80% when 4 of its minutes are at 85 (3 of 5: 79, 4 of 5: 82).
  EXPECT_EQ(tl.incidents[0].severity, "warn");
  EXPECT_EQ(tl.incidents[0].start, kT0 + 14 * kMinute);
  EXPECT_EQ(tl.incidents[1].severity, "critical");
  EXPECT_EQ(tl.incidents[1].start, kT0 + 23 * kMinute);
  EXPECT_DOUBLE_EQ(tl.incidents[1].peak, 0.95);
  EXPECT_DOUBLE_EQ(tl.incidents[1].reference, 100);
}

TEST(Capacity, SustainedMeansFor) {
  // The default `for: 10m`: a 5-minute spike is not sustained, a 20-minute one is.
  Spec spec = SpecWith("  - {name: rps, resource: requests_per_second, capacity: 1}\n");
  KpiTracker t(spec);
  Feed(spec, &t, nullptr, kT0, 1800, [](RecordBuilder&) {});  // 100%
  KpiTimeline tl = BacktestCapacity(t, nullptr, 0, t.data_start(), kT0 + 30 * kMinute);
  ASSERT_EQ(tl.incidents.size(), 2u);
  // Active from the first full window (5m), fires 10m later.
  EXPECT_EQ(tl.incidents[0].start, kT0 + 15 * kMinute);
  EXPECT_TRUE(tl.incidents[0].open);
}

TEST(Capacity, LittlesLawAndGauges) {
  Spec spec = SpecWith(
      "  - {name: inflight, resource: concurrent_requests, duration: e2e_ms, unit: ms, capacity: 4, for: 0}\n"
      "  - {name: queue, resource: queue_depth, field: queue_len, statistic: max, capacity: 10, for: 0}\n");
  KpiTracker t(spec);
  // One request a second lasting 3.7 s: 3.7 in flight on average, 92.5% of 4.
  Feed(spec, &t, nullptr, kT0, 600, [](RecordBuilder& b) { b.Num("e2e_ms", 3700).Num("queue_len", 3); });
  RecordBuilder b(spec);
  t.Push(b.At(kT0 + 9 * kMinute).Num("queue_len", 9.5).record());
  CapacityStatus in = EvaluateCapacity(t, nullptr, 0, kT0 + 10 * kMinute);
  EXPECT_NEAR(in.load, 3.7, 1e-9);
  EXPECT_TRUE(in.critical);
  CapacityStatus q = EvaluateCapacity(t, nullptr, 1, kT0 + 10 * kMinute);
  EXPECT_DOUBLE_EQ(q.load, 9.5);
  EXPECT_TRUE(q.critical);
  // A gauge window without samples has no value (it does not read as an empty queue).
  EXPECT_FALSE(EvaluateCapacity(t, nullptr, 1, kT0 + 20 * kMinute).has_value);
}

TEST(Capacity, LatencyInflectionNeedsLoadInTheWarnBand) {
  Spec spec = SpecWith(
      "  - {name: tok, resource: tokens_per_second, field: tokens, capacity: 100, for: 0,\n"
      "     inflection: {slo: ttft, window: 15m}}\n");
  EXPECT_EQ(spec.capacity[0].inflection_slo, 0);
  KpiTracker t(spec);
  Evaluator ev(spec);
  // 30 minutes at 50% load with 5% slow requests (burn 5 for a 99% objective), then 30 minutes
  // at 85% load with the same latency: only the second is a capacity problem.
  auto fill = [](double tokens) {
    return [tokens, n = 0](RecordBuilder& b) mutable { b.Num("tokens", tokens).Num("ttft_ms", ++n % 20 ? 300 : 3000); };
  };
  Feed(spec, &t, &ev, kT0, 1800, fill(50));
  Feed(spec, &t, &ev, kT0 + 30 * kMinute, 1800, fill(85));
  CapacityStatus low = EvaluateCapacity(t, &ev, 0, kT0 + 30 * kMinute);
  EXPECT_FALSE(low.has_burn);  // not even read below the warn band
  EXPECT_FALSE(low.inflection);
  EXPECT_FALSE(low.critical);
  CapacityStatus high = EvaluateCapacity(t, &ev, 0, kT0 + 60 * kMinute);
  EXPECT_TRUE(high.has_burn);
  EXPECT_NEAR(high.burn, 5, 0.1);
  EXPECT_TRUE(high.inflection);
  EXPECT_FALSE(high.utilization > 0.9);
  EXPECT_TRUE(high.critical);
  KpiTimeline tl = BacktestCapacity(t, &ev, 0, t.data_start(), kT0 + 60 * kMinute);
  ASSERT_EQ(tl.criticals, 1u);
  for (const KpiIncident& inc : tl.incidents) {
    if (inc.severity != "critical") continue;
    ASSERT_EQ(inc.reasons.size(), 1u);
    EXPECT_EQ(inc.reasons[0], "latency inflection: ttft burn > 1 over 15m at >= 80%");
  }
  // Without the evaluator the rule is not evaluated.
  EXPECT_FALSE(EvaluateCapacity(t, nullptr, 0, kT0 + 60 * kMinute).critical);
}

TEST(CapacitySpec, ErrorsNameTheField) {
  struct Case {
    const char* yaml;
    const char* error;
  };
  for (const Case& c : {
           Case{"  - {name: x, resource: tokens, field: t, capacity: 1}\n", "capacity[0].resource: unknown resource 'tokens'"},
           Case{"  - {name: x, resource: queue_depth, field: q, duration: d, capacity: 1}\n", "give either 'field'"},
           Case{"  - {name: x, resource: tokens_per_second, capacity: 1}\n", "missing required field 'field'"},
           Case{"  - {name: x, resource: requests_per_second, capacity: 0}\n", "capacity[0].capacity: expected the declared"},
           Case{"  - {name: x, resource: requests_per_second, capacity: 5, warn: 80}\n", "capacity[0].warn: 80 is not a share of capacity; write 80%"},
           Case{"  - {name: x, resource: requests_per_second, capacity: 5, warn: 95%}\n", "critical must be above warn"},
           Case{"  - {name: x, resource: requests_per_second, capacity: 5, inflection: {slo: ok}}\n",
                "capacity[0].inflection.slo: SLO 'ok' is a ratio SLO; the inflection rule needs a latency or percentile SLO"},
           Case{"  - {name: x, resource: requests_per_second, capacity: 5, inflection: {slo: nope}}\n", "no SLO named 'nope'"},
           Case{"  - {name: x, resource: concurrent_requests, field: f, statistic: rate, capacity: 5}\n", "unknown statistic 'rate'"},
       }) {
    Spec spec;
    Status s = LoadSpecString(kSlos + std::string(c.yaml), "t.yaml", &spec, nullptr);
    ASSERT_FALSE(s.ok()) << c.yaml;
    EXPECT_NE(s.message().find(c.error), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace slokit
