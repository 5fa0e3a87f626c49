// LoadFromPrometheus (`slokit report --prometheus`) over a scripted query function: which queries
// it sends, where the increases land, and what a missing series says.
#include "rules/prometheus_source.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/evaluator.h"
#include "spec/loader.h"

namespace slokit {
namespace {

using io::PromSample;
using io::PromSeries;

constexpr char kSpec[] = R"(
service: svc
slos:
  - name: availability
    objective: 99
    window: 7d
    sli:
      ratio:
        good: status < 500
        prometheus:
          bad: requests_total{status="error"}
          total: requests_total
    cohorts: [model]
  - name: throughput
    objective: 90
    window: 7d
    budgeting: {timeslices: 5m, min_events: 1}
    sli:
      throughput:
        field: tokens
        min: 1
        prometheus: {counter: tokens_total, events: requests_total}
)";

constexpr TimeNs kT0 = 1790812800LL * kSecond;  // 2026-10-01T00:00:00Z, a slice boundary

PromSeries Series(std::vector<std::pair<std::string, std::string>> labels,
                  std::vector<PromSample> samples) {
  PromSeries s;
  s.labels = std::move(labels);
  s.samples = std::move(samples);
  return s;
}

TEST(PrometheusSource, IncreasesLandInTheSlotTheyCoverWithCohorts) {
  Spec spec;
  ASSERT_TRUE(LoadSpecString(kSpec, "t.yaml", &spec, nullptr).ok());
  std::vector<std::string> queries;
  RangeQueryFn fake = [&](const std::string& q, TimeNs start, TimeNs end, DurationNs step,
                          std::vector<PromSeries>* out) {
    queries.push_back(q);
    EXPECT_LE((end - start) / step + 1, 3);  // max_points below
    out->clear();
    if (q == "sum by (model) (increase(requests_total[1m]))" && start == kT0 + kMinute)
      *out = {Series({{"model", "a"}}, {{kT0 + kMinute, 100}, {kT0 + 2 * kMinute, 50}}),
              Series({{"model", "b"}}, {{kT0 + kMinute, 10}})};
    if (q == "sum by (model) (increase(requests_total{status=\"error\"}[1m]))" && start == kT0 + kMinute)
      *out = {Series({{"model", "a"}}, {{kT0 + kMinute, 4}})};
    if (q == "sum(increase(tokens_total[5m]))" && start == kT0 + 5 * kMinute)
      *out = {Series({}, {{kT0 + 5 * kMinute, 600}, {kT0 + 10 * kMinute, 60}})};
    if (q == "sum(increase(requests_total[5m]))" && start == kT0 + 5 * kMinute)
      *out = {Series({}, {{kT0 + 5 * kMinute, 160}, {kT0 + 10 * kMinute, 2}})};
    return Status::Ok();
  };
  Evaluator ev(spec);
  PrometheusSourceOptions o;
  o.from = kT0;
  o.to = kT0 + 10 * kMinute;
  o.max_points = 3;
  PrometheusSourceResult result;
  Status s = LoadFromPrometheus(spec, o, fake, &ev, &result);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(result.queries, 4 + 4 + 1 + 1);  // 10 one-minute steps in chunks of 3; 2 slices
  // The increase stamped T covers [T - 1m, T): slot 0 is the first minute.
  SlotCounts c = ev.slots(0, 0).at(kT0 / kMinute);
  EXPECT_EQ(c.valid, 110u);
  EXPECT_EQ(c.good, 106u);
  EXPECT_EQ(ev.slots(0, 0).at(kT0 / kMinute + 1).valid, 50u);
  ASSERT_EQ(ev.cohort_count(0), 3u);
  EXPECT_EQ(ev.cohort_name(0, 1), "a");
  EXPECT_EQ(ev.slots(0, 1).at(kT0 / kMinute).good, 96u);
  // Slices: the whole slice's increase in its first slot; 600 tokens / 300 s >= 1, 60 / 300 < 1.
  EXPECT_EQ(ev.slots(1, 0).sum_at(kT0 / kMinute), 600);
  UnitCounts slices = ev.units(1, 0).Count(kT0, kT0 + 10 * kMinute);
  EXPECT_EQ(slices.valid, 2u);
  EXPECT_EQ(slices.good, 1u);
}

TEST(PrometheusSource, MissingSeriesIsAnErrorNamingIt) {
  Spec spec;
  ASSERT_TRUE(LoadSpecString(kSpec, "t.yaml", &spec, nullptr).ok());
  RangeQueryFn empty = [](const std::string&, TimeNs, TimeNs, DurationNs, std::vector<PromSeries>* out) {
    out->clear();
    return Status::Ok();
  };
  Evaluator ev(spec);
  PrometheusSourceOptions o;
  o.from = kT0;
  o.to = kT0 + kHour;
  PrometheusSourceResult result;
  Status s = LoadFromPrometheus(spec, o, empty, &ev, &result);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_NE(s.message().find("SLO 'availability': series requests_total is missing: the query "
                             "returned no data between 2026-10-01T00:00:00Z and 2026-10-01T01:00:00Z"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace slokit
