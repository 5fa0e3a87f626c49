// Property: Evaluator::PushBatch leaves an evaluator exactly as Push of the same records in the
// same order does — every series of every SLO and cohort, the cohort names and their order,
// the overflow counts — for every SLI kind, out-of-order times and cohort overflow.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "engine_test_util.h"

namespace slokit {
namespace {

using testing::kT0;
using testing::MustLoad;

const char* kSpec = R"(service: s
owners: {infra: sre, quality: ml}
slos:
  - name: availability
    objective: 99.9
    window: 7d
    valid: not maintenance and status not in [499, 401, 403]
    sli: {ratio: {good: status < 500}}
    cohorts: {by: [model, region], max: 5}
  - name: ttft
    objective: 99
    window: 7d
    valid: status == 200
    sli: {latency: {field: ttft_ms, unit: ms, threshold: 2.5s}}
    cohorts: [model]
  - name: p95
    objective: 99
    window: 7d
    budgeting: {timeslices: 5m, min_events: 3}
    sli: {percentile: {field: ttft_ms, unit: ms, p: 95, threshold: 1500ms}}
  - name: throughput
    objective: 95
    window: 7d
    budgeting: {timeslices: 5m, min_events: 2}
    sli: {throughput: {field: tokens, min: 5}}
    cohorts: [tier]
  - name: quality
    objective: 95
    window: 7d
    sli: {quality: {field: score, min: 0.7}}
    cohorts: {by: [region], max: 2}
  - name: safe
    objective: 98
    window: 7d
    sli: {quality: {flag: unsafe}}
  - name: composite
    objective: 99
    window: 7d
    sli:
      composite:
        - good: status < 500
        - latency: {field: e2e_ms, unit: ms, threshold: 30s}
    cohorts: [model, tier]
)";

TEST(PushBatch, LeavesTheEvaluatorAsPushDoes) {
  Spec spec = MustLoad(kSpec);
  const char* kModels[] = {"llama-3-8b", "llama-3-70b", "mixtral-8x7b-instruct-v0.1", "q"};
  const char* kRegions[] = {"us-east", "eu-west", "ap-south", "sa-east", "me-central", "af-south"};
  const double kStatus[] = {200, 200, 200, 200, 429, 499, 500, 503, 401};
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::string> strings;  // the records' string values, alive for the whole test
  for (int trial = 0; trial < 4; ++trial) {
    Evaluator by_record(spec), by_batch(spec);
    RecordBatch batch(spec.fields.size());
    const int n = 3000 + 700 * trial;
    for (int i = 0; i < n; ++i) {
      Record r;
      r.Reset(spec.fields.size());
      // Mostly in order, with some events hours late or early.
      r.time_ns = kT0 + i * 7 * kSecond + (u(rng) < 0.05 ? static_cast<TimeNs>((u(rng) - 0.5) * 4 * kHour) : 0);
      auto set = [&](const char* field, Value v) {
        int f = spec.fields.Find(field);
        ASSERT_GE(f, 0) << field;
        if (u(rng) < 0.03) return;  // now and then a field is missing
        r.values[static_cast<size_t>(f)] = v;
      };
      set("status", Value::Number(kStatus[rng() % 9]));
      set("maintenance", Value::Bool(u(rng) < 0.02));
      set("model", Value::String(kModels[rng() % 4]));
      set("region", Value::String(kRegions[rng() % 6]));
      set("tier", rng() % 5 == 0 ? Value::Number(static_cast<double>(rng() % 3)) : Value::String("pro"));
      set("ttft_ms", Value::Number(u(rng) * 3000));
      set("e2e_ms", Value::Number(u(rng) * 40000));
      set("tokens", Value::Number(static_cast<double>(rng() % 400)));
      set("score", rng() % 7 == 0 ? Value::Null() : Value::Number(u(rng)));
      set("unsafe", Value::Bool(u(rng) < 0.03));
      by_record.Push(r);
      batch.Append(r);
      // Batches of every size, not only full ones.
      if (batch.full() || rng() % 300 == 0) {
        by_batch.PushBatch(batch);
        batch.Clear();
      }
    }
    by_batch.PushBatch(batch);

    EXPECT_EQ(by_batch.data_start(), by_record.data_start());
    EXPECT_EQ(by_batch.data_end(), by_record.data_end());
    for (size_t s = 0; s < spec.slos.size(); ++s) {
      SCOPED_TRACE(spec.slos[s].name);
      ASSERT_EQ(by_batch.cohort_count(s), by_record.cohort_count(s));
      EXPECT_EQ(by_batch.overflow_events(s), by_record.overflow_events(s));
      for (size_t c = 0; c < by_record.cohort_count(s); ++c) {
        ASSERT_EQ(by_batch.cohort_name(s, c), by_record.cohort_name(s, c));
        const SlotSeries& want = by_record.slots(s, c);
        const SlotSeries& got = by_batch.slots(s, c);
        ASSERT_EQ(got.total_valid(), want.total_valid()) << by_record.cohort_name(s, c);
        ASSERT_EQ(got.first_data_slot(), want.first_data_slot());
        for (int64_t slot = want.first_data_slot(); slot < want.end_slot(); ++slot) {
          ASSERT_EQ(got.at(slot).valid, want.at(slot).valid) << "slot " << slot;
          ASSERT_EQ(got.at(slot).good, want.at(slot).good) << "slot " << slot;
          // Integer token counts: the sums are exact in either order.
          ASSERT_EQ(got.sum_at(slot), want.sum_at(slot)) << "slot " << slot;
        }
      }
    }
    EXPECT_GT(by_record.overflow_events(0), 0u) << "the test should reach the cohort bound";
  }
}

}  // namespace
}  // namespace slokit
