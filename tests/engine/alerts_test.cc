#include "engine/alerts.h"

#include <gtest/gtest.h>

#include "engine_test_util.h"

namespace slokit {
namespace {

using testing::kT0;
using testing::MustLoad;
using testing::RecordBuilder;

const char* kSpec = R"(service: s
slos:
  - name: availability
    objective: 99.9
    window: 30d
    sli: {ratio: {good: ok}}
)";

}  // namespace

namespace testing_spec {

const char* kSpecWithPolicy = R"(service: s
slos:
  - name: availability
    objective: 99.9
    window: 30d
    sli: {ratio: {good: ok}}
    alerting:
      page:
        - {long: 1h, short: 5m, budget: 2%, for: 3m}
        - {long: 6h, short: 30m, budget: "5%", for: 3m}
        - {long: 1d, short: 2h, burn_rate: 3, enabled: false}
      ticket: false
)";

// 100 requests a minute for two days; from `burst` on, `burst_minutes` minutes at 50% errors.
void Traffic(Evaluator* ev, const Spec& spec, TimeNs burst, int burst_minutes) {
  RecordBuilder b(spec);
  for (TimeNs m = kT0; m < kT0 + 2 * kDay; m += kMinute) {
    bool in_burst = m >= burst && m < burst + burst_minutes * kMinute;
    for (int i = 0; i < 100; ++i) ev->Push(b.At(m + i * 600 * kMillisecond).Bool("ok", !(in_burst && i % 2)).record());
  }
}

}  // namespace testing_spec

namespace {

using testing_spec::Traffic;

TEST(Alerts, PageFiresWhenBothWindowsBurnAndResolvesWhenTheyStop) {
  Spec spec = MustLoad(kSpec);
  Evaluator ev(spec);
  TimeNs burst = kT0 + kDay;
  Traffic(&ev, spec, burst, 30);
  AlertTimeline t = Backtest(ev, 0, 0, kT0, kT0 + 2 * kDay);
  ASSERT_EQ(t.pages, 1u);
  const Incident* page = nullptr;
  for (const Incident& i : t.incidents)
    if (i.severity == "page") page = &i;
  ASSERT_NE(page, nullptr);
  // After one bad minute the 1h burn is 50/6000/0.001 = 8.3 (< 14.4); after two it is 16.7.
  EXPECT_EQ(page->start, burst + 2 * kMinute);
  // 1h/5m stops 5 minutes after the burst; 6h/30m keeps the page open until the 30m window is clean.
  EXPECT_EQ(page->end, burst + 60 * kMinute);
  EXPECT_FALSE(page->open);
  EXPECT_EQ(page->conditions.size(), 2u);
  EXPECT_NEAR(page->peak_burn, 1500.0 / 6000 / 0.001, 1e-9);  // 1h window at the end of the burst
  // Bad events while open: 28 minutes x 50; over [start, end): 5800 valid, 1400 bad.
  EXPECT_NEAR(page->budget_consumed, (1400.0 / 5800 / 0.001) * (58.0 / (30 * 24 * 60)), 1e-9);
  EXPECT_EQ(t.page_mttr, 58 * kMinute);
  ASSERT_EQ(t.tickets, 1u);
}

TEST(Alerts, ConditionNeedsTheShortWindowToo) {
  Spec spec = MustLoad(kSpec);
  Evaluator ev(spec);
  TimeNs burst = kT0 + kDay;
  Traffic(&ev, spec, burst, 30);
  AlertStateMachine m(ev, 0, 0);
  m.Step(burst + 40 * kMinute);  // 1h burn is still 250, but the 5m window is clean
  EXPECT_TRUE(m.active("page"));  // 6h/30m still burns
  AlertStateMachine m2(ev, 0, 0);
  m2.Step(burst + 61 * kMinute);
  EXPECT_FALSE(m2.active("page"));
  EXPECT_TRUE(m2.active("ticket"));
}

TEST(Alerts, QuietTrafficFiresNothing) {
  Spec spec = MustLoad(kSpec);
  Evaluator ev(spec);
  Traffic(&ev, spec, kT0, 0);
  AlertTimeline t = Backtest(ev, 0, 0, kT0, kT0 + 2 * kDay);
  EXPECT_TRUE(t.incidents.empty());
  EXPECT_EQ(t.mttr, 0);
}

TEST(Alerts, LowTrafficGuardHoldsAlertsBack) {
  std::string yaml = kSpec;
  yaml += "    alerting: {min_valid_events: 1000000}\n";
  Spec spec = MustLoad(yaml);
  Evaluator ev(spec);
  Traffic(&ev, spec, kT0 + kDay, 30);
  EXPECT_TRUE(Backtest(ev, 0, 0, kT0, kT0 + 2 * kDay).incidents.empty());
}

TEST(Alerts, IncidentStillFiringAtTheEndIsOpen) {
  Spec spec = MustLoad(kSpec);
  Evaluator ev(spec);
  TimeNs burst = kT0 + 2 * kDay - 20 * kMinute;
  Traffic(&ev, spec, burst, 20);
  AlertTimeline t = Backtest(ev, 0, 0, kT0, kT0 + 2 * kDay);
  ASSERT_GE(t.incidents.size(), 1u);
  EXPECT_TRUE(t.incidents[0].open);
  EXPECT_EQ(t.incidents[0].end, kT0 + 2 * kDay);
  EXPECT_EQ(t.mttr, 0);  // open incidents do not count toward MTTR
  EXPECT_GT(t.incidents[0].budget_consumed, 0);
}

}  // namespace
}  // namespace slokit

namespace slokit {
namespace {

TEST(Alerts, ForDelaysFiringAndBudgetSharesBecomeFactors) {
  std::string yaml = testing_spec::kSpecWithPolicy;
  Spec spec = testing::MustLoad(yaml);
  const auto& conds = spec.slos[0].alerting.conditions;
  ASSERT_EQ(conds.size(), 2u);  // ticket tier disabled
  EXPECT_NEAR(conds[0].factor, 14.4, 1e-9);  // 2% of 30d in 1h
  EXPECT_NEAR(conds[1].factor, 6, 1e-9);     // 5% of 30d in 6h
  EXPECT_EQ(conds[0].for_duration, 3 * kMinute);
  Evaluator ev(spec);
  TimeNs burst = testing::kT0 + kDay;
  testing_spec::Traffic(&ev, spec, burst, 30);
  AlertTimeline t = Backtest(ev, 0, 0, testing::kT0, testing::kT0 + 2 * kDay);
  ASSERT_EQ(t.incidents.size(), 1u);
  EXPECT_EQ(t.incidents[0].severity, "page");
  // Without `for:` the 1h/5m condition fires at +2m; it must hold 3m more. 6h/30m becomes active
  // at +5m and also waits 3m: the page opens at +5m.
  EXPECT_EQ(t.incidents[0].start, burst + 5 * kMinute);
}

}  // namespace
}  // namespace slokit
