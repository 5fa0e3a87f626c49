#include "slokit/metrics/inference.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "slokit/metrics/exposition.h"
#include "slokit/metrics/registry.h"

namespace slokit::metrics {
namespace {

using std::chrono::milliseconds;

// Reads one series of a facade metric from the registry.
class Reader {
 public:
  explicit Reader(const Registry& r) : families_(r.Collect()) {}

  const SeriesSnapshot* Find(std::string_view family,
                             std::vector<std::pair<std::string, std::string>> labels) const {
    for (const auto& f : families_) {
      if (f.name != family) continue;
      for (const auto& s : f.series) {
        bool match = true;
        for (const auto& [k, v] : labels) {
          for (size_t i = 0; i < f.label_names.size(); ++i) {
            if (f.label_names[i] == k && s.label_values[i] != v) match = false;
          }
        }
        if (match) return &s;
      }
    }
    return nullptr;
  }
  double Value(std::string_view family,
               std::vector<std::pair<std::string, std::string>> labels) const {
    const SeriesSnapshot* s = Find(family, std::move(labels));
    return s ? s->value : -1;
  }
  uint64_t Count(std::string_view family,
                 std::vector<std::pair<std::string, std::string>> labels) const {
    const SeriesSnapshot* s = Find(family, std::move(labels));
    return s ? s->count() : 0;
  }

 private:
  std::vector<FamilySnapshot> families_;
};

class InferenceTest : public ::testing::Test {
 protected:
  Registry registry;
  InferenceMetrics llm{registry,
                       {.model = "m",
                        .objectives = {.time_to_first_token_seconds = 0.5,
                                       .time_per_output_token_seconds = 0.05,
                                       .request_duration_seconds = 10}}};
  TimePoint t0 = Clock::now();
  TimePoint At(int ms) { return t0 + milliseconds(ms); }
};

TEST_F(InferenceTest, FullRequestRecordsEveryMetric) {
  RequestTracker req = llm.StartRequest("/v1/chat/completions", At(0));
  req.PromptTokens(100);
  req.Scheduled(At(20));
  req.FirstToken(At(120));
  req.Tokens(4, At(200));  // 4 tokens, 20 ms apart
  req.Tokens(1, At(230));
  req.Finish(Outcome::kOk, At(250));
  EXPECT_FALSE(req.active());

  Reader r(registry);
  const std::pair<std::string, std::string> ep = {"endpoint", "/v1/chat/completions"};
  EXPECT_EQ(r.Value("gen_ai_server_requests", {ep, {"status", "ok"}}), 1);
  EXPECT_EQ(r.Value("gen_ai_server_requests", {ep, {"status", "error"}}), 0);
  EXPECT_EQ(r.Value("gen_ai_server_requests_good", {ep}), 1);
  EXPECT_EQ(r.Value("gen_ai_server_tokens", {{"token_type", "input"}}), 100);
  EXPECT_EQ(r.Value("gen_ai_server_tokens", {{"token_type", "output"}}), 6);

  const SeriesSnapshot* q = r.Find("gen_ai_server_request_queue_time_seconds", {ep});
  ASSERT_NE(q, nullptr);
  EXPECT_DOUBLE_EQ(q->sum, 0.02);
  const SeriesSnapshot* ttft = r.Find("gen_ai_server_time_to_first_token_seconds", {ep});
  ASSERT_NE(ttft, nullptr);
  EXPECT_DOUBLE_EQ(ttft->sum, 0.12);
  // TTFT buckets 0.005 .. 2.5: 0.12 lands in le=0.25 (index 5).
  EXPECT_EQ(ttft->buckets[4], 0u);
  EXPECT_EQ(ttft->buckets[5], 1u);
  const SeriesSnapshot* tpot = r.Find("gen_ai_server_time_per_output_token_seconds", {ep});
  ASSERT_NE(tpot, nullptr);
  EXPECT_NEAR(tpot->sum, 0.11 / 5, 1e-12);  // (230 - 120) ms over 5 tokens after the first
  const SeriesSnapshot* itl = r.Find("gen_ai_server_inter_token_latency_seconds", {ep});
  ASSERT_NE(itl, nullptr);
  EXPECT_EQ(itl->count(), 5u);
  EXPECT_NEAR(itl->sum, 0.11, 1e-12);
  const SeriesSnapshot* dur = r.Find("gen_ai_server_request_duration_seconds", {ep});
  ASSERT_NE(dur, nullptr);
  EXPECT_DOUBLE_EQ(dur->sum, 0.25);
  EXPECT_EQ(r.Value("gen_ai_server_requests_running", {}), 0);
  EXPECT_EQ(r.Value("gen_ai_server_requests_waiting", {}), 0);
}

TEST_F(InferenceTest, WaitingAndRunningFollowTheLifecycle) {
  EndpointMetrics& ep = llm.Endpoint("/e");
  RequestTracker a = ep.StartRequest(At(0));
  RequestTracker b = ep.StartRequest(At(0));
  EXPECT_EQ(llm.requests_waiting().Value(), 2);
  a.Scheduled(At(5));
  EXPECT_EQ(llm.requests_waiting().Value(), 1);
  EXPECT_EQ(llm.requests_running().Value(), 1);
  b.FirstToken(At(9));  // no Scheduled call: running from the first token, no queue time
  EXPECT_EQ(llm.requests_waiting().Value(), 0);
  EXPECT_EQ(llm.requests_running().Value(), 2);
  a.Finish(Outcome::kOk, At(10));
  b.Finish(Outcome::kCancelled, At(10));
  EXPECT_EQ(llm.requests_running().Value(), 0);
  Reader r(registry);
  EXPECT_EQ(r.Count("gen_ai_server_request_queue_time_seconds", {{"endpoint", "/e"}}), 1u);
  EXPECT_EQ(r.Value("gen_ai_server_requests", {{"endpoint", "/e"}, {"status", "cancelled"}}), 1);
}

TEST_F(InferenceTest, ErrorsAreCountedByType) {
  EndpointMetrics& ep = llm.Endpoint("/e");
  ep.StartRequest(At(0)).Fail(ErrorType::kOom, At(1));
  ep.StartRequest(At(0)).Fail(ErrorType::kTimeout, At(1));
  ep.StartRequest(At(0)).Fail("tokenizer_crash", At(1));
  ep.StartRequest(At(0)).Finish(Outcome::kError, At(1));
  { RequestTracker abandoned = ep.StartRequest(At(0)); }  // destroyed unfinished
  llm.RecordError(ErrorType::kCudaError);
  Reader r(registry);
  EXPECT_EQ(r.Value("gen_ai_server_requests", {{"status", "error"}}), 5);
  EXPECT_EQ(r.Value("gen_ai_server_errors", {{"error_type", "oom"}}), 1);
  EXPECT_EQ(r.Value("gen_ai_server_errors", {{"error_type", "timeout"}}), 1);
  EXPECT_EQ(r.Value("gen_ai_server_errors", {{"error_type", "tokenizer_crash"}}), 1);
  EXPECT_EQ(r.Value("gen_ai_server_errors", {{"error_type", "internal"}}), 2);
  EXPECT_EQ(r.Value("gen_ai_server_errors", {{"error_type", "cuda_error"}}), 1);
  EXPECT_EQ(r.Value("gen_ai_server_requests_good", {}), 0);
  EXPECT_EQ(llm.requests_waiting().Value(), 0);
}

TEST_F(InferenceTest, GoodRequestsMeetEveryObjectiveInclusive) {
  EndpointMetrics& ep = llm.Endpoint("/e");
  auto run = [&](int ttft_ms, int tpot_ms, int end_extra_ms) {
    RequestTracker req = ep.StartRequest(At(0));
    req.FirstToken(At(ttft_ms));
    req.Tokens(1, At(ttft_ms + tpot_ms));
    req.Finish(Outcome::kOk, At(ttft_ms + tpot_ms + end_extra_ms));
  };
  run(500, 50, 0);     // exactly at both thresholds: good
  run(501, 10, 0);     // TTFT over
  run(100, 51, 0);     // TPOT over
  run(100, 10, 9891);  // duration 10.001 s: over
  run(100, 10, 0);     // good
  Reader r(registry);
  EXPECT_EQ(r.Value("gen_ai_server_requests_good", {}), 2);
  EXPECT_EQ(r.Value("gen_ai_server_requests", {{"status", "ok"}}), 5);
  EXPECT_EQ(
      r.Value("gen_ai_server_request_objective_seconds", {{"objective", "time_to_first_token"}}),
      0.5);
  EXPECT_EQ(r.Find("gen_ai_server_request_objective_seconds", {{"objective", "queue_time"}}),
            nullptr);
}

TEST_F(InferenceTest, RequestWithoutTokensIsNotGoodWhenTtftIsAnObjective) {
  llm.StartRequest("/e", At(0)).Finish(Outcome::kOk, At(1));
  EXPECT_EQ(Reader(registry).Value("gen_ai_server_requests_good", {}), 0);
}

TEST_F(InferenceTest, TrackersMove) {
  RequestTracker a = llm.StartRequest("/e", At(0));
  RequestTracker b = std::move(a);
  EXPECT_FALSE(a.active());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(b.active());
  a.Finish();  // inactive: no-op
  b.Finish(Outcome::kOk, At(1));
  EXPECT_EQ(Reader(registry).Value("gen_ai_server_requests", {{"status", "ok"}}), 1);
  RequestTracker c;
  c.Tokens(3);
  c.Finish();
  EXPECT_EQ(Reader(registry).Value("gen_ai_server_requests", {{"status", "ok"}}), 1);
}

TEST_F(InferenceTest, EndpointsAreBounded) {
  InferenceMetrics small(registry, {.model = "small", .max_endpoints = 2});
  EndpointMetrics& a = small.Endpoint("/a");
  EXPECT_EQ(&small.Endpoint("/a"), &a);
  small.Endpoint("/b");
  EndpointMetrics& c = small.Endpoint("/c");
  EndpointMetrics& d = small.Endpoint("/d");
  EXPECT_EQ(&c, &d);
  EXPECT_EQ(c.endpoint(), "other");
  Reader r(registry);
  EXPECT_EQ(r.Value(kFoldedMetricName, {{"metric", "gen_ai_server_requests"}}), 2);
}

TEST_F(InferenceTest, ModelsShareFamilies) {
  InferenceMetrics other(registry, {.model = "other-model"});
  llm.StartRequest("/e", At(0)).Finish(Outcome::kOk, At(1));
  other.StartRequest("/e", At(0)).Finish(Outcome::kOk, At(1));
  Reader r(registry);
  EXPECT_EQ(r.Value("gen_ai_server_requests", {{"model", "m"}, {"status", "ok"}}), 1);
  EXPECT_EQ(r.Value("gen_ai_server_requests", {{"model", "other-model"}, {"status", "ok"}}), 1);
}

TEST_F(InferenceTest, EngineLevelMetrics) {
  llm.ObserveBatchSize(1);
  llm.ObserveBatchSize(4);
  llm.ObserveBatchSize(5);
  llm.ObserveBatchSize(33);
  llm.ObserveModelLoad(3);
  llm.SetKvCacheUsage(0.4);
  llm.SetPrefixCacheHitRatio(0.3);
  llm.AddPrefixCacheTokens(100, 40);
  llm.SetGpuMemory("0", 40e9, 80e9);
  llm.SetGpuUtilization("0", 0.9);
  Reader r(registry);
  const SeriesSnapshot* batch = r.Find("gen_ai_server_batch_size", {});
  ASSERT_NE(batch, nullptr);
  // Bounds 1, 4, 8, 16, 32: buckets 1 | 2-4 | 5-8 | 9-16 | 17-32 | 33+.
  EXPECT_EQ(batch->buckets, (std::vector<uint64_t>{1, 2, 3, 3, 3, 4}));
  EXPECT_EQ(r.Count("gen_ai_server_model_load_duration_seconds", {}), 1u);
  EXPECT_EQ(r.Value("gen_ai_server_kv_cache_usage_ratio", {}), 0.4);
  EXPECT_EQ(r.Value("gen_ai_server_prefix_cache_hit_ratio", {}), 0.3);
  EXPECT_EQ(r.Value("gen_ai_server_prefix_cache_queried_tokens", {}), 100);
  EXPECT_EQ(r.Value("gen_ai_server_prefix_cache_hit_tokens", {}), 40);
  EXPECT_EQ(r.Value("hw_gpu_memory_usage_bytes", {{"device", "0"}}), 40e9);
  EXPECT_EQ(r.Value("hw_gpu_memory_limit_bytes", {{"device", "0"}}), 80e9);
  EXPECT_EQ(r.Value("hw_gpu_memory_utilization_ratio", {{"device", "0"}}), 0.5);
  EXPECT_EQ(r.Value("hw_gpu_utilization_ratio", {{"device", "0"}}), 0.9);
}

TEST(InferenceNamespaceTest, NamespacePrefixesEveryName) {
  Registry registry;
  InferenceMetrics llm(registry, {.namespace_ = "llm", .model = "m"});
  EXPECT_EQ(llm.MetricName("gen_ai_server_requests"), "llm_gen_ai_server_requests");
  llm.StartRequest("/e").Finish();
  for (const FamilySnapshot& f : registry.Collect()) {
    if (f.name != kFoldedMetricName) {
      EXPECT_TRUE(f.name.starts_with("llm_")) << f.name;
    }
  }
  std::string om = Serialize(registry, Format::kOpenMetrics);
  EXPECT_NE(om.find("# TYPE llm_gen_ai_server_time_to_first_token_seconds histogram"),
            std::string::npos);
  EXPECT_NE(om.find("# UNIT llm_gen_ai_server_time_to_first_token_seconds seconds"),
            std::string::npos);
}

TEST(InferenceNamespaceTest, InvalidNamespaceThrows) {
  Registry registry;
  EXPECT_THROW(InferenceMetrics(registry, {.namespace_ = "bad-ns", .model = "m"}),
               std::invalid_argument);
}

TEST(InferenceNamespaceTest, MismatchedBucketsThrow) {
  Registry registry;
  InferenceMetrics a(registry, {.model = "a"});
  InferenceBuckets b;
  b.request_duration = {1, 2, 3};
  EXPECT_THROW(InferenceMetrics(registry, {.model = "b", .buckets = b}), std::invalid_argument);
}

}  // namespace
}  // namespace slokit::metrics
