// KpiSeries' durable form (what the daemon stores and restores) and its retention.
#include "engine/kpi_series.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace slokit
