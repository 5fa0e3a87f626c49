// KpiSeries' durable form (what the daemon stores and restores) and its retention.
#include "engine/kpi_series.h"

#include <gtest/gtest.h>

#include "core/record_batch.h"
#include "io/event_reader.h"
#include "sim/simulator.h"
#include "spec/loader.h"

namespace slokit {
namespace {

TEST(KpiSeries, StoredBucketsRestoreTheSameAggregates) {
  KpiSeries original(5 * kMinute, /*sketches=*/true);
  for (int i = 0; i < 600; ++i) original.Add(i * 7 * kSecond, 100 + (i * 37) % 900);
  KpiSeries restored(5 * kMinute, true);
  for (const auto& [index, bucket] : original.buckets()) {
    KpiBucket copy{bucket.count, bucket.sum, bucket.max, {}};
    std::string bytes = bucket.sketch.Serialize();
    ASSERT_TRUE(stats::DDSketch::Deserialize(bytes, &copy.sketch).ok());
    restored.AddBucket(index, copy);
  }
  KpiAggregate a = original.Range(0, kHour), b = restored.Range(0, kHour);
  EXPECT_EQ(a.count, b.count);
  EXPECT_EQ(a.sum, b.sum);
  EXPECT_EQ(a.max, b.max);
  EXPECT_TRUE(a.sketch.SameBuckets(b.sketch));
}

TEST(KpiSeries, DropBeforeForgetsBucketsThatStartEarlier) {
  KpiSeries s(kHour, false);
  for (int h = 0; h < 5; ++h) s.Add(h * kHour + kMinute, 1);
  s.DropBefore(2 * kHour);  // buckets starting at 0h and 1h go; 2h stays
  EXPECT_EQ(s.bucket_count(), 3u);
  EXPECT_EQ(s.Range(0, 5 * kHour).count, 3u);
  s.DropBefore(2 * kHour + 1);  // a bucket that started before t goes too
  EXPECT_EQ(s.bucket_count(), 2u);
  s.Add(4 * kHour + 2 * kMinute, 1);  // adding after a drop still finds its bucket
  EXPECT_EQ(s.Range(4 * kHour, 5 * kHour).count, 2u);
}

TEST(KpiTracker, PushBatchAddsWhatPushAdds) {
  Spec spec;
  ASSERT_TRUE(LoadSpecFile(std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml", &spec, nullptr).ok());
  ASSERT_FALSE(spec.regressions.empty());
  ASSERT_FALSE(spec.capacity.empty());
  sim::SimulateOptions o;
  o.scenario = sim::Scenario::kLatencyRegression;
  o.rate = 0.5;
  o.max_events = 20000;
  sim::Simulator simulator(o);
  sim::EventFormatter formatter(o.format);
  std::string trace;
  sim::Event e;
  while (simulator.Next(&e)) trace += formatter.Format(e);
  KpiTracker by_record(spec), by_batch(spec);
  RecordBatch batch(spec.fields.size());
  ReadStats stats;
  ASSERT_TRUE(ReadJsonLines(trace, "trace", spec.fields, ReadOptions{},
                            [&](const Record& r) {
                              by_record.Push(r);
                              batch.Append(r);
                              if (batch.full() || r.time_ns % 7 == 0) {  // full and partial batches
                                by_batch.PushBatch(batch);
                                batch.Clear();
                              }
                            },
                            &stats)
                  .ok());
  by_batch.PushBatch(batch);
  EXPECT_EQ(by_batch.data_start(), by_record.data_start());
  EXPECT_EQ(by_batch.data_end(), by_record.data_end());
  for (size_t k = 0; k < by_record.series_count(); ++k) {
    const auto& want = by_record.series(k).buckets();
    const auto& got = by_batch.series(k).buckets();
    ASSERT_EQ(got.size(), want.size()) << by_record.series_name(k);
    EXPECT_GT(want.size(), 0u) << by_record.series_name(k);
    for (const auto& [index, b] : want) {
      const KpiBucket& g = got.at(index);
      EXPECT_EQ(g.count, b.count);
      EXPECT_EQ(g.sum, b.sum);
      EXPECT_EQ(g.max, b.max);
      EXPECT_TRUE(g.sketch.SameBuckets(b.sketch));
    }
  }
}

}  // namespace
}  // namespace slokit
