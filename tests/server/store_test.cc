#include "server/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

namespace slokit::server {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  StoreTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("slokit_store_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(dir_);
  }
  ~StoreTest() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Store> Open() {
    std::unique_ptr<Store> store;
    Status s = Store::Open(dir_.string(), &store);
    EXPECT_TRUE(s.ok()) << s.message();
    return store;
  }
  std::filesystem::path dir_;
};

TEST_F(StoreTest, CommittedBatchesAddUpAndSurviveReopening) {
  {
    auto store = Open();
    ASSERT_TRUE(store->CommitBatch("b1", 3, {{"avail", "all", 60, 3, 2, 0}, {"avail", "m1", 60, 3, 2, 0}}, {}).ok());
    ASSERT_TRUE(store->CommitBatch("b2", 2, {{"avail", "all", 60, 2, 2, 0}, {"tput", "all", 120, 2, 0, 7.5}},
                                   {{"avail", 4}})
                    .ok());
    EXPECT_TRUE(store->HasBatch("b1"));
    EXPECT_FALSE(store->HasBatch("b3"));
  }
  auto store = Open();
  std::map<std::string, SlotDelta> rows;
  ASSERT_TRUE(store->ForEachSlot([&](const SlotDelta& d) { rows[d.slo + "/" + d.cohort] = d; }).ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows["avail/all"].valid, 5u);
  EXPECT_EQ(rows["avail/all"].good, 4u);
  EXPECT_EQ(rows["avail/m1"].valid, 3u);
  EXPECT_DOUBLE_EQ(rows["tput/all"].sum, 7.5);
  EXPECT_EQ(store->events_total(), 5u);
  EXPECT_EQ(store->batches_total(), 2u);
  EXPECT_EQ(store->overflow("avail"), 4u);
  EXPECT_TRUE(store->HasBatch("b2"));
}

TEST_F(StoreTest, AReusedBatchKeyIsRefusedAndCountsNothing) {
  auto store = Open();
  ASSERT_TRUE(store->CommitBatch("k", 1, {{"a", "all", 0, 1, 1, 0}}, {}).ok());
  EXPECT_FALSE(store->CommitBatch("k", 1, {{"a", "all", 0, 1, 1, 0}}, {}).ok());
  uint64_t valid = 0;
  ASSERT_TRUE(store->ForEachSlot([&](const SlotDelta& d) { valid += d.valid; }).ok());
  EXPECT_EQ(valid, 1u);
  EXPECT_EQ(store->events_total(), 1u);
}

TEST_F(StoreTest, FingerprintsDropAndRetention) {
  auto store = Open();
  ASSERT_TRUE(store->CommitBatch("", 2, {{"a", "all", 0, 1, 1, 0}, {"a", "all", 100, 1, 1, 0}, {"b", "all", 0, 1, 0, 0}}, {}).ok());
  ASSERT_TRUE(store->SetFingerprint("a", "v1").ok());
  EXPECT_EQ(store->Fingerprint("a"), "v1");
  EXPECT_EQ(store->Fingerprint("zz"), "");
  uint64_t dropped = 0;
  ASSERT_TRUE(store->Compact(50, 0, 0, &dropped).ok());
  EXPECT_EQ(dropped, 2u);
  ASSERT_TRUE(store->DropSlo("a").ok());
  size_t rows = 0;
  ASSERT_TRUE(store->ForEachSlot([&](const SlotDelta&) { ++rows; }).ok());
  EXPECT_EQ(rows, 0u);
  ASSERT_TRUE(store->SaveIncident({"b", "all", "page", 10, 20, true, 15}).ok());
  ASSERT_TRUE(store->SaveIncident({"b", "all", "page", 10, 30, false, 16}).ok());
  auto incidents = store->Incidents("b");
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].end, 30);
  EXPECT_FALSE(incidents[0].open);
}

TEST_F(StoreTest, AnUnwritableDirectoryIsAClearError) {
  std::unique_ptr<Store> store;
  Status s = Store::Open("/proc/slokit-cannot-be-here", &store);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/proc/slokit-cannot-be-here"), std::string::npos) << s.message();
}

TEST_F(StoreTest, ScrapeBaselinesAreCommittedWithTheirCountsAndReplaced) {
  const std::string binary("slokit-scrape-baseline 1\nseries 3:a\x01\x00 5\n", 40);
  {
    auto store = Open();
    EXPECT_EQ(store->ScrapeBaseline("vllm\nhttp://a/metrics"), "");
    ScrapeBaselineRow first{"vllm\nhttp://a/metrics", "first"};
    ASSERT_TRUE(store->CommitBatch("", 0, {{"avail", "all", 60, 3, 2, 0}}, {}, {}, &first).ok());
    ScrapeBaselineRow second{"vllm\nhttp://a/metrics", binary};
    ASSERT_TRUE(store->CommitBatch("", 0, {}, {}, {}, &second).ok());
    // A batch that fails (its key was committed before) leaves the baseline as it was.
    ASSERT_TRUE(store->CommitBatch("k", 1, {}, {}).ok());
    ScrapeBaselineRow lost{"vllm\nhttp://a/metrics", "lost"};
    EXPECT_FALSE(store->CommitBatch("k", 0, {}, {}, {}, &lost).ok());
  }
  auto store = Open();
  EXPECT_EQ(store->ScrapeBaseline("vllm\nhttp://a/metrics"), binary);
  EXPECT_EQ(store->ScrapeBaseline("vllm\nhttp://b/metrics"), "");
}

TEST_F(StoreTest, KpiBucketsAreReplacedDroppedAndCompacted) {
  {
    auto store = Open();
    KpiCommit first;
    first.buckets = {{"regression/ttft/steps", 0, 2, 5, 3, "sketch-a"}, {"regression/ttft/steps", 300, 1, 1, 1, ""}};
    first.data_start = 10;
    first.data_end = 400;
    ASSERT_TRUE(store->CommitBatch("k1", 3, {}, {}, first).ok());
    // A later batch's bucket replaces the stored one: it carries the merged values.
    KpiCommit second;
    second.buckets = {{"regression/ttft/steps", 300, 4, 9, 6, "sketch-b"}, {"capacity/tokens/steps", 300, 1, 2, 2, ""}};
    second.data_start = 10;
    second.data_end = 500;
    ASSERT_TRUE(store->CommitBatch("k2", 1, {}, {}, second).ok());
    ASSERT_TRUE(store->SetKpiFingerprint("regression/ttft/steps", "w300").ok());
  }
  auto store = Open();
  EXPECT_EQ(store->KpiFingerprint("regression/ttft/steps"), "w300");
  EXPECT_EQ(store->KpiFingerprint("capacity/tokens/steps"), "");
  TimeNs start, end;
  store->KpiDataRange(&start, &end);
  EXPECT_EQ(start, 10);
  EXPECT_EQ(end, 500);
  std::map<std::pair<std::string, TimeNs>, KpiBucketRow> rows;
  auto read = [&] {
    rows.clear();
    ASSERT_TRUE(store->ForEachKpiBucket([&](const KpiBucketRow& r) { rows[{r.series, r.start}] = r; }).ok());
  };
  read();
  ASSERT_EQ(rows.size(), 3u);
  const KpiBucketRow& replaced = rows[{"regression/ttft/steps", 300}];
  EXPECT_EQ(replaced.count, 4u);
  EXPECT_EQ(replaced.sum, 9);
  EXPECT_EQ(replaced.max, 6);
  EXPECT_EQ(replaced.sketch, "sketch-b");
  EXPECT_EQ((rows[{"regression/ttft/steps", 0}].sketch), "sketch-a");
  ASSERT_TRUE(store->Compact(0, 100, 0).ok());  // KPI buckets starting before 100 go
  read();
  EXPECT_EQ(rows.size(), 2u);
  ASSERT_TRUE(store->DropKpiSeries("capacity/tokens/steps").ok());
  read();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.begin()->first.first, "regression/ttft/steps");
}

}  // namespace
}  // namespace slokit::server
