#include "engine/evaluator.h"

#include <gtest/gtest.h>

#include "engine_test_util.h"

namespace slokit {
namespace {

using testing::kT0;
using testing::MustLoad;
using testing::RecordBuilder;

std::string OneSlo(const std::string& body) {
  return "service: s\nowners: {infra: sre, quality: ml}\nslos:\n  - name: x\n" + body;
}

TEST(Evaluator, ErrorBudgetOfThreeNinesOverThirtyDaysIs43m12s) {
  Spec spec = MustLoad(OneSlo("    objective: 99.9\n    window: 30d\n    sli: {ratio: {good: ok}}\n"));
  Evaluator ev(spec);
  RecordBuilder b(spec);
  ev.Push(b.At(kT0).Bool("ok", true).record());
  SloStatus st = ev.Status(0, 0, kT0 + kMinute);
  EXPECT_EQ(st.budget_total_time, 43 * kMinute + 12 * kSecond);
  EXPECT_EQ(FormatDuration(st.budget_total_time), "43m12s");
}

TEST(Evaluator, BurnRateOf14Point4ForAnHourSpendsTwoPercentOfThirtyDays) {
  Spec spec = MustLoad(OneSlo("    objective: 99.9\n    window: 30d\n    sli: {ratio: {good: ok}}\n"));
  Evaluator ev(spec);
  RecordBuilder b(spec);
  // 2500 requests a minute, 36 of them bad: an error ratio of 1.44% = 14.4 x 0.1%.
  for (int m = 0; m < 60; ++m)
    for (int i = 0; i < 2500; ++i) ev.Push(b.At(kT0 + m * kMinute + i * 20 * kMillisecond).Bool("ok", i >= 36).record());
  TimeNs end = kT0 + kHour;
  BurnRate burn = ev.Burn(0, 0, end, kHour);
  EXPECT_NEAR(burn.rate, 14.4, 1e-9);
  EXPECT_EQ(burn.units.valid, 150000u);
  EXPECT_EQ(burn.units.bad(), 2160u);
  SloStatus st = ev.Status(0, 0, end);
  EXPECT_EQ(st.covered, kHour);
  EXPECT_NEAR(st.budget_consumed, 0.02, 1e-12);
  EXPECT_FALSE(st.met);
  EXPECT_NEAR(st.sli, 1 - 0.0144, 1e-12);
}

TEST(Evaluator, FullWindowBudgetIsBadOverAllowedBad) {
  Spec spec = MustLoad(OneSlo("    objective: 99.9\n    window: 30d\n    sli: {ratio: {good: ok}}\n"));
  Evaluator ev(spec);
  RecordBuilder b(spec);
  // One request a minute for 30 days (43200), 43 of them bad: 43 / 43.2 allowed.
  for (int m = 0; m < 43200; ++m) ev.Push(b.At(kT0 + m * kMinute).Bool("ok", m % 1000 != 7 || m >= 43000).record());
  SloStatus st = ev.Status(0, 0, kT0 + 30 * kDay);
  EXPECT_EQ(st.units.valid, 43200u);
  EXPECT_EQ(st.units.bad(), 43u);
  EXPECT_NEAR(st.budget_consumed, 43.0 / 43.2, 1e-9);
  EXPECT_TRUE(st.met);
}

TEST(Evaluator, LatencySliCountsEventsAtOrUnderTheThresholdInTheFieldsUnit) {
  Spec spec = MustLoad(OneSlo("    objective: 50\n    window: 1h\n    sli: {latency: {field: ttft_ms, unit: ms, threshold: 2.5s}}\n"));
  Evaluator ev(spec);
  RecordBuilder b(spec);
  ev.Push(b.At(kT0).Num("ttft_ms", 2500).record());   // at the threshold: good
  ev.Push(b.At(kT0).Num("ttft_ms", 2500.1).record()); // bad
  ev.Push(b.At(kT0).Num("ttft_ms", 10).record());     // good
  ev.Push(b.At(kT0).record());                        // no measurement: not valid
  SloStatus st = ev.Status(0, 0, kT0 + kMinute);
  EXPECT_EQ(st.units.valid, 3u);
  EXPECT_EQ(st.units.good, 2u);
}

TEST(Evaluator, QualitySliScoreAndFlag) {
  Spec spec = MustLoad(R"(service: s
slos:
  - name: score
    objective: 90
    sli: {quality: {field: score, min: 0.7}}
  - name: flag
    objective: 90
    sli: {quality: {flag: hallucination}}
)");
  Evaluator ev(spec);
  RecordBuilder b(spec);
  ev.Push(b.At(kT0).Num("score", 0.7).Bool("hallucination", false).record());
  ev.Push(b.At(kT0).Num("score", 0.2).Bool("hallucination", true).record());
  ev.Push(b.At(kT0).record());  // not evaluated: counts for neither
  EXPECT_EQ(ev.Status(0, 0, kT0 + kMinute).units.valid, 2u);
  EXPECT_EQ(ev.Status(0, 0, kT0 + kMinute).units.good, 1u);
  EXPECT_EQ(ev.Status(1, 0, kT0 + kMinute).units.valid, 2u);
  EXPECT_EQ(ev.Status(1, 0, kT0 + kMinute).units.good, 1u);
}

TEST(Evaluator, CompositeNeedsEveryConditionAndSkipsUnscoredQuality) {
  Spec spec = MustLoad(OneSlo(R"(    objective: 90
    valid: status != 499
    sli:
      composite:
        - good: status < 500
        - latency: {field: e2e_ms, unit: ms, threshold: 1s}
        - quality: {field: score, min: 0.5}
)"));
  Evaluator ev(spec);
  RecordBuilder b(spec);
  ev.Push(b.At(kT0).Num("status", 200).Num("e2e_ms", 900).Num("score", 0.9).record());  // good
  ev.Push(b.At(kT0).Num("status", 200).Num("e2e_ms", 900).record());                    // good: unscored
  ev.Push(b.At(kT0).Num("status", 200).Num("e2e_ms", 900).Num("score", 0.1).record());  // bad: quality
  ev.Push(b.At(kT0).Num("status", 500).Num("e2e_ms", 10).Num("score", 0.9).record());   // bad: error
  ev.Push(b.At(kT0).Num("status", 200).Num("e2e_ms", 1001).record());                   // bad: slow
  ev.Push(b.At(kT0).Num("status", 200).Num("score", 0.9).record());                     // bad: no latency
  ev.Push(b.At(kT0).Num("status", 499).record());                                       // not valid
  SloStatus st = ev.Status(0, 0, kT0 + kMinute);
  EXPECT_EQ(st.units.valid, 6u);
  EXPECT_EQ(st.units.good, 2u);
}

TEST(Evaluator, PercentileSliJudgesEachSliceByItsPercentile) {
  Spec spec = MustLoad(OneSlo(R"(    objective: 50
    window: 1h
    budgeting: {timeslices: 5m, min_events: 20}
    sli: {percentile: {field: ms, unit: ms, p: 95, threshold: 500ms}}
)"));
  Evaluator ev(spec);
  RecordBuilder b(spec);
  // Slice 0: 20 events, 19 fast, 1 slow: p95 (nearest rank 19) is fast -> good.
  for (int i = 0; i < 20; ++i) ev.Push(b.At(kT0 + i * kSecond).Num("ms", i == 0 ? 900 : 100).record());
  // Slice 1: 20 events, 2 slow: p95 is slow -> bad.
  for (int i = 0; i < 20; ++i) ev.Push(b.At(kT0 + 5 * kMinute + i * kSecond).Num("ms", i < 2 ? 900 : 100).record());
  // Slice 2: 19 events only: sparse, skipped.
  for (int i = 0; i < 19; ++i) ev.Push(b.At(kT0 + 10 * kMinute + i * kSecond).Num("ms", 900).record());
  SloStatus st = ev.Status(0, 0, kT0 + 15 * kMinute);
  EXPECT_EQ(st.units.valid, 2u);
  EXPECT_EQ(st.units.good, 1u);
  EXPECT_EQ(st.valid_events, 59u);
  // A window that ends inside a slice counts only the slices it holds whole.
  EXPECT_EQ(ev.units(0, 0).Count(kT0, kT0 + 7 * kMinute).valid, 1u);
}

TEST(Evaluator, SparseSliceRuleCanCountThemBad) {
  Spec spec = MustLoad(OneSlo(R"(    objective: 50
    window: 1h
    budgeting: {timeslices: 5m, min_events: 5, sparse: bad}
    sli: {percentile: {field: ms, p: 99, threshold: 1s}}
)"));
  Evaluator ev(spec);
  RecordBuilder b(spec);
  ev.Push(b.At(kT0).Num("ms", 0.1).record());
  UnitCounts u = ev.units(0, 0).Count(kT0, kT0 + 5 * kMinute);
  EXPECT_EQ(u.valid, 1u);
  EXPECT_EQ(u.good, 0u);
}

TEST(Evaluator, ThroughputSliDividesTheSliceSumBySeconds) {
  Spec spec = MustLoad(OneSlo(R"(    objective: 50
    window: 1h
    budgeting: {timeslices: 1m}
    sli: {throughput: {field: tokens, min: 10}}
)"));
  Evaluator ev(spec);
  RecordBuilder b(spec);
  ev.Push(b.At(kT0).Num("tokens", 600).record());               // 600/60s = 10/s: good
  ev.Push(b.At(kT0 + kMinute).Num("tokens", 599).record());     // 9.98/s: bad
  ev.Push(b.At(kT0 + 2 * kMinute).Num("tokens", 300).record()); // two events: 600 -> good
  ev.Push(b.At(kT0 + 2 * kMinute + kSecond).Num("tokens", 300).record());
  UnitCounts u = ev.units(0, 0).Count(kT0, kT0 + 3 * kMinute);
  EXPECT_EQ(u.valid, 3u);
  EXPECT_EQ(u.good, 2u);
}

TEST(Evaluator, RatioInTimeslicesUsesTheSliceTarget) {
  Spec spec = MustLoad(OneSlo(R"(    objective: 50
    window: 1h
    budgeting: {timeslices: 1m, slice_target: 90}
    sli: {ratio: {good: ok}}
)"));
  Evaluator ev(spec);
  RecordBuilder b(spec);
  for (int i = 0; i < 10; ++i) ev.Push(b.At(kT0).Bool("ok", i != 0).record());            // 90%: good
  for (int i = 0; i < 10; ++i) ev.Push(b.At(kT0 + kMinute).Bool("ok", i > 1).record());   // 80%: bad
  UnitCounts u = ev.units(0, 0).Count(kT0, kT0 + 2 * kMinute);
  EXPECT_EQ(u.valid, 2u);
  EXPECT_EQ(u.good, 1u);
}

TEST(Evaluator, RollingAndCalendarWindows) {
  Spec spec = MustLoad(R"(service: s
slos:
  - name: rolling
    objective: 50
    window: 7d
    sli: {ratio: {good: ok}}
  - name: monthly
    objective: 50
    window: month
    sli: {ratio: {good: ok}}
  - name: weekly
    objective: 50
    window: week
    sli: {ratio: {good: ok}}
)");
  Evaluator ev(spec);
  RecordBuilder b(spec);
  // One event a day from 2026-09-20 to 2026-10-09 (20 days).
  TimeNs sep20 = kT0 - 11 * kDay;
  for (int d = 0; d < 20; ++d) ev.Push(b.At(sep20 + d * kDay + kHour).Bool("ok", true).record());
  TimeNs at = kT0 + 8 * kDay + 12 * kHour;  // 2026-10-09T12:00Z, a Friday
  EXPECT_EQ(ev.Status(0, 0, at).units.valid, 7u);
  SloStatus month = ev.Status(1, 0, at);
  EXPECT_EQ(month.units.valid, 9u);  // Oct 1..9
  EXPECT_EQ(FormatTime(month.window_start), "2026-10-01T00:00:00Z");
  EXPECT_EQ(month.window_length, 31 * kDay);
  SloStatus week = ev.Status(2, 0, at);
  EXPECT_EQ(FormatTime(week.window_start), "2026-10-05T00:00:00Z");  // Monday
  EXPECT_EQ(week.units.valid, 5u);  // Mon..Fri
  EXPECT_EQ(week.window_length, kWeek);
}

TEST(Evaluator, CohortsOverflowIntoOther) {
  Spec spec = MustLoad(OneSlo("    objective: 99\n    sli: {ratio: {good: ok}}\n    cohorts: {by: [model, region], max: 2}\n"));
  Evaluator ev(spec);
  RecordBuilder b(spec);
  ev.Push(b.At(kT0).Str("model", "a").Str("region", "eu").Bool("ok", true).record());
  ev.Push(b.At(kT0).Str("model", "b").Str("region", "eu").Bool("ok", true).record());
  ev.Push(b.At(kT0).Str("model", "a").Str("region", "eu").Bool("ok", false).record());
  ev.Push(b.At(kT0).Str("model", "c").Str("region", "us").Bool("ok", false).record());
  ev.Push(b.At(kT0).Str("model", "d").Bool("ok", true).record());
  ASSERT_EQ(ev.cohort_count(0), 4u);
  EXPECT_EQ(ev.cohort_name(0, 0), "all");
  EXPECT_EQ(ev.cohort_name(0, 1), "a,eu");
  EXPECT_EQ(ev.cohort_name(0, 2), "b,eu");
  EXPECT_EQ(ev.cohort_name(0, 3), "other");
  EXPECT_EQ(ev.overflow_events(0), 2u);
  TimeNs at = kT0 + kMinute;
  EXPECT_EQ(ev.Status(0, 0, at).units.valid, 5u);
  EXPECT_EQ(ev.Status(0, 1, at).units.valid, 2u);
  EXPECT_EQ(ev.Status(0, 1, at).units.good, 1u);
  EXPECT_EQ(ev.Status(0, 3, at).units.valid, 2u);
}

TEST(Evaluator, OutOfOrderEventsAndMergeGiveTheSameCounts) {
  Spec spec = MustLoad(OneSlo("    objective: 99\n    sli: {ratio: {good: ok}}\n    cohorts: [model]\n"));
  Evaluator in_order(spec), part1(spec), part2(spec);
  RecordBuilder b(spec);
  for (int i = 0; i < 500; ++i) {
    TimeNs t = kT0 + (i * 7919 % 500) * kMinute;
    const Record& r = b.At(t).Str("model", i % 3 ? "x" : "y").Bool("ok", i % 11 != 0).record();
    in_order.Push(r);
    (i % 2 ? part1 : part2).Push(r);
  }
  part1.Merge(part2);
  ASSERT_EQ(part1.cohort_count(0), 3u);
  for (size_t c = 0; c < 3; ++c) {
    size_t m = 0;
    while (part1.cohort_name(0, m) != in_order.cohort_name(0, c)) ++m;
    EXPECT_EQ(in_order.Status(0, c, kT0 + kDay).units.valid, part1.Status(0, m, kT0 + kDay).units.valid);
    EXPECT_EQ(in_order.Status(0, c, kT0 + kDay).units.good, part1.Status(0, m, kT0 + kDay).units.good);
  }
  EXPECT_EQ(in_order.data_start(), kT0);
  EXPECT_EQ(in_order.data_end(), kT0 + 500 * kMinute);
  // Storage grows to the left with slack; coverage counts from the first event all the same.
  Evaluator backwards(spec);
  backwards.Push(b.At(kT0 + 10 * kMinute).Str("model", "x").Bool("ok", true).record());
  backwards.Push(b.At(kT0).Str("model", "x").Bool("ok", true).record());
  EXPECT_EQ(backwards.Status(0, 0, kT0 + kDay).covered, kDay);
  part1.Merge(backwards);
  EXPECT_EQ(part1.Status(0, 0, kT0 + kDay).covered, kDay);
}

TEST(Evaluator, AddCountsRestoresWhatPushBuilt) {
  Spec spec = MustLoad(OneSlo("    objective: 99\n    sli: {ratio: {good: ok}}\n    cohorts: {by: [model], max: 2}\n"));
  Evaluator pushed(spec), restored(spec);
  RecordBuilder b(spec);
  const char* models[] = {"x", "y", "z", "w"};
  for (int i = 0; i < 300; ++i)
    pushed.Push(b.At(kT0 + (i % 90) * kMinute).Str("model", models[i % 4]).Bool("ok", i % 7 != 0).record());
  // Copy every series slot by slot, as the daemon's store does on restart.
  for (size_t c = 0; c < pushed.cohort_count(0); ++c) {
    const SlotSeries& s = pushed.slots(0, c);
    for (int64_t slot = s.first_slot(); slot < s.end_slot(); ++slot)
      restored.AddCounts(0, pushed.cohort_name(0, c), slot, s.at(slot));
  }
  ASSERT_EQ(restored.cohort_count(0), pushed.cohort_count(0));
  EXPECT_EQ(restored.overflow_events(0), 0u);
  for (size_t c = 0; c < pushed.cohort_count(0); ++c) {
    EXPECT_EQ(restored.cohort_name(0, c), pushed.cohort_name(0, c));
    EXPECT_EQ(restored.Status(0, c, kT0 + kDay).units.valid, pushed.Status(0, c, kT0 + kDay).units.valid);
    EXPECT_EQ(restored.Status(0, c, kT0 + kDay).units.good, pushed.Status(0, c, kT0 + kDay).units.good);
    EXPECT_EQ(restored.Burn(0, c, kT0 + kHour, kHour).rate, pushed.Burn(0, c, kT0 + kHour, kHour).rate);
  }
  EXPECT_EQ(restored.data_start(), pushed.data_start());
  EXPECT_EQ(restored.data_end(), pushed.data_end());
  // A cached UnitSeries is rebuilt after counts arrive.
  uint64_t before = restored.Status(0, 0, kT0 + kDay).units.valid;
  restored.AddCounts(0, "all", FloorDiv(kT0, kMinute), SlotCounts{5, 5});
  EXPECT_EQ(restored.Status(0, 0, kT0 + kDay).units.valid, before + 5);
}

}  // namespace
}  // namespace slokit
