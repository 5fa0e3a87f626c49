// InferenceMetrics: the metrics an LLM inference server should expose (slokit seed 003), recorded
// through per-request hooks. Names follow the OpenTelemetry GenAI semantic conventions translated
// to Prometheus (gen_ai.server.time_to_first_token -> gen_ai_server_time_to_first_token_seconds)
// under an optional namespace prefix; docs/metrics.md lists every metric with its buckets and its
// vLLM equivalent.
//
//   slokit::metrics::Registry registry;
//   slokit::metrics::InferenceMetrics llm(registry, {.namespace_ = "llm", .model = "llama-3-8b"});
//   auto& chat = llm.Endpoint("/v1/chat/completions");  // resolve once at startup
//   auto req = chat.StartRequest();                    // queued
//   req.Scheduled();                                   // queue time ends
//   req.PromptTokens(512);
//   req.FirstToken();                                  // TTFT
//   req.Tokens(1);                                     // each further token, or a batch of them
//   req.Finish();                                      // latency, TPOT, status, good/bad
//   auto server = slokit::metrics::Serve(registry, "127.0.0.1:9464");  // http_server.h
//
// Thread safety: InferenceMetrics and EndpointMetrics may be used from any number of threads at
// once; recording takes no lock and allocates nothing (Endpoint() with a new name, the string
// overloads of Fail/RecordError and the GPU setters that take a device name are the exceptions:
// they look label values up under a lock). A RequestTracker belongs to one request and is used by
// one thread at a time. Lifetime: the registry must outlive the InferenceMetrics, which must
// outlive its EndpointMetrics references and trackers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "slokit/metrics/counter.h"
#include "slokit/metrics/gauge.h"
#include "slokit/metrics/histogram.h"

namespace slokit::metrics {

class Registry;
class InferenceMetrics;
class EndpointMetrics;

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// How a request ended: the `status` label of gen_ai_server_requests_total.
enum class Outcome : uint8_t { kOk, kError, kCancelled };
inline constexpr size_t kOutcomeCount = 3;
std::string_view OutcomeName(Outcome outcome);  // "ok", "error", "cancelled"

// Well-known failure kinds: the `error_type` label of gen_ai_server_errors_total. Fail() also
// takes any other string (bounded by the family's series limit).
enum class ErrorType : uint8_t {
  kOom,
  kTimeout,
  kCudaError,
  kInvalidRequest,
  kRateLimited,
  kInternal
};
inline constexpr size_t kErrorTypeCount = 6;
// "oom", "timeout", "cuda_error", "invalid_request", "rate_limited", "internal"
std::string_view ErrorTypeName(ErrorType type);

// Per-request objectives. A request counts in gen_ai_server_requests_good_total when it finished
// ok and met every objective set here (0 = not part of the objective); a value equal to the
// threshold meets it, as a histogram's `le` bucket does. The thresholds are exposed as
// gen_ai_server_request_objective_seconds so PromQL can read them.
struct Objectives {
  double time_to_first_token_seconds = 0;
  double time_per_output_token_seconds = 0;
  double request_duration_seconds = 0;
  double queue_time_seconds = 0;
};

// Bucket upper bounds (seconds unless noted); defaults from seed 003. Families are shared by
// every InferenceMetrics with the same namespace, so they must agree on buckets.
struct InferenceBuckets {
  std::vector<double> request_duration = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  std::vector<double> time_to_first_token = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  // 1000 down to 1 tokens/s; 10, 20, 40 and 100 ms are seed 003's 100, 50, 25 and 10 tokens/s.
  std::vector<double> time_per_output_token = {
      0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1};
  std::vector<double> inter_token_latency = time_per_output_token;
  std::vector<double> queue_time = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                    0.5,   1,     2.5,  5,     10,   30};
  std::vector<double> model_load = {0.5, 1, 2.5, 5, 10, 30, 60, 120};
  std::vector<double> batch_size = {1, 4, 8, 16, 32};  // requests: 1, 2-4, 5-8, 9-16, 17-32, 33+
};

struct InferenceOptions {
  std::string namespace_{};  // metric name prefix: "llm" -> llm_gen_ai_server_...; may be empty
  std::string model{};       // the `model` label of every series
  Objectives objectives{};
  InferenceBuckets buckets{};
  // Distinct endpoint names; later ones are recorded as endpoint="other" (and counted in
  // slokit_metrics_label_sets_folded_total).
  size_t max_endpoints = 32;
  size_t max_series_per_family = 1024;  // cardinality guard of every family
};

// RequestTracker: the hooks of one in-flight request, from StartRequest to Finish or Fail. Each
// hook takes an optional timestamp (default: now) for servers that already read the clock.
// Movable, not copyable; destroying an unfinished tracker records Fail(ErrorType::kInternal).
class RequestTracker {
 public:
  RequestTracker() = default;  // inactive: every hook is a no-op
  RequestTracker(RequestTracker&& other) noexcept { *this = std::move(other); }
  RequestTracker& operator=(RequestTracker&& other) noexcept;
  RequestTracker(const RequestTracker&) = delete;
  RequestTracker& operator=(const RequestTracker&) = delete;
  ~RequestTracker();

  // The request leaves the queue: records queue time and moves it from waiting to running.
  // Without this call the request is treated as running from its first token (or Finish), and
  // no queue time is recorded.
  void Scheduled(TimePoint now = Clock::now());
  // Counts prompt (input) tokens.
  void PromptTokens(uint64_t n);
  // The first output token: records time to first token (from StartRequest, so queue time
  // included) and counts one output token. Ignored when tokens were already counted.
  void FirstToken(TimePoint now = Clock::now());
  // `n` more output tokens arrived now. The first call records time to first token; later
  // calls record n inter-token latencies of (now - previous call) / n each.
  void Tokens(uint64_t n, TimePoint now = Clock::now());
  // Ends the request: request duration, time per output token (requests with >= 2 output
  // tokens), the status counter and, for ok requests meeting the objectives, the good counter.
  // Finish(Outcome::kError) is Fail(ErrorType::kInternal).
  void Finish(Outcome outcome = Outcome::kOk, TimePoint now = Clock::now());
  // Ends the request as an error of the given type (also counted in gen_ai_server_errors_total).
  void Fail(ErrorType type, TimePoint now = Clock::now());
  void Fail(std::string_view error_type, TimePoint now = Clock::now());

  bool active() const { return endpoint_ != nullptr; }
  uint64_t output_tokens() const { return output_tokens_; }

 private:
  friend class EndpointMetrics;
  RequestTracker(EndpointMetrics* endpoint, TimePoint start) : endpoint_(endpoint), start_(start) {}
  void StartRunning();
  void End(Outcome outcome, TimePoint now, Counter* error);

  EndpointMetrics* endpoint_ = nullptr;
  TimePoint start_{}, scheduled_{}, first_token_{}, last_token_{};
  uint64_t output_tokens_ = 0;
  bool running_ = false;
  bool scheduled_called_ = false;
};

// EndpointMetrics: the series of one (model, endpoint), resolved once. Get it from
// InferenceMetrics::Endpoint and keep the reference.
class EndpointMetrics {
 public:
  // Starts tracking a request that has just arrived (it counts as waiting until Scheduled).
  [[nodiscard]] RequestTracker StartRequest(TimePoint now = Clock::now()) {
    waiting_.Inc();
    return RequestTracker(this, now);
  }
  const std::string& endpoint() const { return endpoint_; }

 private:
  friend class InferenceMetrics;
  friend class RequestTracker;
  EndpointMetrics(InferenceMetrics* parent, std::string endpoint);

  InferenceMetrics* parent_;
  std::string endpoint_;
  double ttft_objective_, tpot_objective_, duration_objective_, queue_objective_;
  Counter requests_[kOutcomeCount];
  Counter good_;
  Counter input_tokens_, output_tokens_;
  Gauge waiting_, running_;
  Histogram duration_, ttft_, tpot_, itl_, queue_;
};

class InferenceMetrics {
 public:
  // Registers (or joins) the families in `registry`. Throws std::invalid_argument when the
  // namespace or buckets are invalid or clash with families already registered.
  InferenceMetrics(Registry& registry, InferenceOptions options);
  ~InferenceMetrics();
  InferenceMetrics(const InferenceMetrics&) = delete;
  InferenceMetrics& operator=(const InferenceMetrics&) = delete;

  // The series of `endpoint` (e.g. "/v1/chat/completions"); the reference stays valid for the
  // lifetime of this object. Lock-free once the endpoint is known.
  EndpointMetrics& Endpoint(std::string_view endpoint);
  // Endpoint(endpoint).StartRequest(now).
  [[nodiscard]] RequestTracker StartRequest(std::string_view endpoint,
                                            TimePoint now = Clock::now()) {
    return Endpoint(endpoint).StartRequest(now);
  }

  // Engine-level observations.
  void ObserveBatchSize(uint64_t requests) { batch_size_.Observe(static_cast<double>(requests)); }
  void ObserveModelLoad(double seconds) { model_load_.Observe(seconds); }
  void SetKvCacheUsage(double ratio) { kv_cache_usage_.Set(ratio); }                 // 0..1
  void SetPrefixCacheHitRatio(double ratio) { prefix_cache_hit_ratio_.Set(ratio); }  // 0..1
  void AddPrefixCacheTokens(uint64_t queried, uint64_t hit) {
    prefix_cache_queried_.Inc(static_cast<double>(queried));
    prefix_cache_hit_.Inc(static_cast<double>(hit));
  }
  // Errors outside any request (a failed model load, a crashed worker).
  void RecordError(ErrorType type) { errors_[static_cast<size_t>(type)].Inc(); }
  void RecordError(std::string_view error_type);

  // GPU readings fed by the caller (from NVML, DCGM, rocm-smi...): one set of gauges per device.
  struct Gpu {
    Gauge memory_used_bytes, memory_limit_bytes, memory_utilization, utilization;
    void SetMemory(double used_bytes, double limit_bytes) {
      memory_used_bytes.Set(used_bytes);
      memory_limit_bytes.Set(limit_bytes);
      memory_utilization.Set(limit_bytes > 0 ? used_bytes / limit_bytes : 0);
    }
    void SetUtilization(double ratio) { utilization.Set(ratio); }  // 0..1
  };
  Gpu GpuDevice(std::string_view device);  // resolve once, keep
  void SetGpuMemory(std::string_view device, double used_bytes, double limit_bytes) {
    GpuDevice(device).SetMemory(used_bytes, limit_bytes);
  }
  void SetGpuUtilization(std::string_view device, double ratio) {
    GpuDevice(device).SetUtilization(ratio);
  }

  // The gauges the request hooks maintain, for servers that want to read them.
  Gauge requests_waiting() const { return waiting_; }
  Gauge requests_running() const { return running_; }
  const InferenceOptions& options() const { return options_; }
  // The full name of a facade metric, e.g. MetricName("gen_ai_server_requests") is
  // "llm_gen_ai_server_requests" with namespace "llm".
  std::string MetricName(std::string_view base) const;

 private:
  friend class EndpointMetrics;
  friend class RequestTracker;
  struct EndpointTable {
    std::vector<std::pair<std::string, EndpointMetrics*>> entries;
  };
  EndpointMetrics* Find(std::string_view endpoint) const;

  Registry& registry_;
  const InferenceOptions options_;
  CounterFamily *requests_f_, *good_f_, *errors_f_, *tokens_f_;
  HistogramFamily *duration_f_, *ttft_f_, *tpot_f_, *itl_f_, *queue_f_;
  GaugeFamily *gpu_used_f_, *gpu_limit_f_, *gpu_mem_util_f_, *gpu_util_f_;
  Counter errors_[kErrorTypeCount];
  Counter input_tokens_, output_tokens_, prefix_cache_queried_, prefix_cache_hit_;
  Gauge waiting_, running_, kv_cache_usage_, prefix_cache_hit_ratio_;
  Histogram batch_size_, model_load_;

  std::mutex mu_;  // guards endpoints_, tables_, other_
  std::vector<std::unique_ptr<EndpointMetrics>> endpoints_;
  std::vector<std::unique_ptr<EndpointTable>> tables_;  // every version, freed with this object
  std::atomic<const EndpointTable*> table_{nullptr};
  EndpointMetrics* other_ = nullptr;
};

}  // namespace slokit::metrics
