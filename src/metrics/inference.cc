// InferenceMetrics: the seed 003 metric set and the request lifecycle hooks.
#include "slokit/metrics/inference.h"

#include <stdexcept>

#include "slokit/metrics/registry.h"

namespace slokit::metrics {
namespace {

double Seconds(Clock::duration d) {
  const double s = std::chrono::duration<double>(d).count();
  return s > 0 ? s : 0;  // timestamps out of order (a caller bug) never go negative
}

constexpr std::string_view kOutcomeNames[kOutcomeCount] = {"ok", "error", "cancelled"};
constexpr std::string_view kErrorTypeNames[kErrorTypeCount] = {
    "oom", "timeout", "cuda_error", "invalid_request", "rate_limited", "internal"};

}  // namespace

std::string_view OutcomeName(Outcome outcome) {
  return kOutcomeNames[static_cast<size_t>(outcome)];
}
std::string_view ErrorTypeName(ErrorType type) {
  return kErrorTypeNames[static_cast<size_t>(type)];
}

// ---- RequestTracker ----

RequestTracker& RequestTracker::operator=(RequestTracker&& other) noexcept {
  if (this != &other) {
    if (active()) Fail(ErrorType::kInternal);
    endpoint_ = other.endpoint_;
    start_ = other.start_;
    scheduled_ = other.scheduled_;
    first_token_ = other.first_token_;
    last_token_ = other.last_token_;
    output_tokens_ = other.output_tokens_;
    running_ = other.running_;
    scheduled_called_ = other.scheduled_called_;
    other.endpoint_ = nullptr;
  }
  return *this;
}

RequestTracker::~RequestTracker() {
  if (active()) Fail(ErrorType::kInternal);
}

void RequestTracker::StartRunning() {
  running_ = true;
  endpoint_->waiting_.Dec();
  endpoint_->running_.Inc();
}

void RequestTracker::Scheduled(TimePoint now) {
  if (!active() || running_) return;
  scheduled_ = now;
  scheduled_called_ = true;
  endpoint_->queue_.Observe(Seconds(now - start_));
  StartRunning();
}

void RequestTracker::PromptTokens(uint64_t n) {
  if (!active()) return;
  endpoint_->input_tokens_.Inc(static_cast<double>(n));
}

void RequestTracker::FirstToken(TimePoint now) {
  if (output_tokens_ == 0) Tokens(1, now);
}

void RequestTracker::Tokens(uint64_t n, TimePoint now) {
  if (!active() || n == 0) return;
  if (!running_) StartRunning();
  EndpointMetrics& m = *endpoint_;
  if (output_tokens_ == 0) {
    first_token_ = now;
    m.ttft_.Observe(Seconds(now - start_));
  } else {
    m.itl_.ObserveN(Seconds(now - last_token_) / static_cast<double>(n), n);
  }
  last_token_ = now;
  output_tokens_ += n;
  m.output_tokens_.Inc(static_cast<double>(n));
}

void RequestTracker::Finish(Outcome outcome, TimePoint now) {
  if (!active()) return;
  if (outcome == Outcome::kError) {
    Fail(ErrorType::kInternal, now);
  } else {
    End(outcome, now, nullptr);
  }
}

void RequestTracker::Fail(ErrorType type, TimePoint now) {
  if (!active()) return;
  End(Outcome::kError, now, &endpoint_->parent_->errors_[static_cast<size_t>(type)]);
}

void RequestTracker::Fail(std::string_view error_type, TimePoint now) {
  if (!active()) return;
  InferenceMetrics& p = *endpoint_->parent_;
  Counter c = p.errors_f_->WithLabels({p.options_.model, error_type});
  End(Outcome::kError, now, &c);
}

void RequestTracker::End(Outcome outcome, TimePoint now, Counter* error) {
  EndpointMetrics& m = *endpoint_;
  endpoint_ = nullptr;
  if (running_) {
    m.running_.Dec();
  } else {
    m.waiting_.Dec();
  }
  const double duration = Seconds(now - start_);
  m.duration_.Observe(duration);
  double tpot = 0;
  if (output_tokens_ >= 2) {
    tpot = Seconds(last_token_ - first_token_) / static_cast<double>(output_tokens_ - 1);
    m.tpot_.Observe(tpot);
  }
  m.requests_[static_cast<size_t>(outcome)].Inc();
  if (error != nullptr) error->Inc();
  if (outcome != Outcome::kOk) return;
  // Good: every configured objective met (<=, like a histogram's le).
  if (m.duration_objective_ > 0 && duration > m.duration_objective_) return;
  if (m.ttft_objective_ > 0 &&
      (output_tokens_ == 0 || Seconds(first_token_ - start_) > m.ttft_objective_)) {
    return;
  }
  if (m.tpot_objective_ > 0 && output_tokens_ >= 2 && tpot > m.tpot_objective_) return;
  if (m.queue_objective_ > 0 && scheduled_called_ &&
      Seconds(scheduled_ - start_) > m.queue_objective_) {
    return;
  }
  m.good_.Inc();
}

// ---- EndpointMetrics ----

EndpointMetrics::EndpointMetrics(InferenceMetrics* parent, std::string endpoint)
    : parent_(parent), endpoint_(std::move(endpoint)) {
  const InferenceMetrics& p = *parent;
  const std::string& model = p.options_.model;
  const Objectives& o = p.options_.objectives;
  ttft_objective_ = o.time_to_first_token_seconds;
  tpot_objective_ = o.time_per_output_token_seconds;
  duration_objective_ = o.request_duration_seconds;
  queue_objective_ = o.queue_time_seconds;
  for (size_t i = 0; i < kOutcomeCount; ++i) {
    requests_[i] = p.requests_f_->WithLabels({model, endpoint_, kOutcomeNames[i]});
  }
  good_ = p.good_f_->WithLabels({model, endpoint_});
  input_tokens_ = p.input_tokens_;
  output_tokens_ = p.output_tokens_;
  waiting_ = p.waiting_;
  running_ = p.running_;
  duration_ = p.duration_f_->WithLabels({model, endpoint_});
  ttft_ = p.ttft_f_->WithLabels({model, endpoint_});
  tpot_ = p.tpot_f_->WithLabels({model, endpoint_});
  itl_ = p.itl_f_->WithLabels({model, endpoint_});
  queue_ = p.queue_f_->WithLabels({model, endpoint_});
}

// ---- InferenceMetrics ----

std::string InferenceMetrics::MetricName(std::string_view base) const {
  if (options_.namespace_.empty()) return std::string(base);
  return options_.namespace_ + "_" + std::string(base);
}

InferenceMetrics::InferenceMetrics(Registry& registry, InferenceOptions options)
    : registry_(registry), options_(std::move(options)) {
  const size_t limit = options_.max_series_per_family;
  const InferenceBuckets& b = options_.buckets;
  auto opts = [&](std::string_view base, std::string help, std::string unit,
                  std::vector<std::string> labels) {
    return MetricOptions{.name = MetricName(base),
                         .help = std::move(help),
                         .unit = std::move(unit),
                         .labels = std::move(labels),
                         .max_series = limit};
  };
  const std::vector<std::string> me = {"model", "endpoint"};
  const std::vector<std::string> m = {"model"};
  const std::vector<std::string> md = {"model", "device"};

  requests_f_ = &registry.AddCounter(opts(
      "gen_ai_server_requests", "Inference requests finished, by status (ok, error, cancelled).",
      "", {"model", "endpoint", "status"}));
  good_f_ =
      &registry.AddCounter(opts("gen_ai_server_requests_good",
                                "Requests that finished ok and met every configured objective "
                                "(thresholds in gen_ai_server_request_objective_seconds).",
                                "", me));
  errors_f_ = &registry.AddCounter(opts("gen_ai_server_errors",
                                        "Failed requests and engine errors, by error type.", "",
                                        {"model", "error_type"}));
  tokens_f_ = &registry.AddCounter(opts("gen_ai_server_tokens",
                                        "Tokens processed: prompt (input) and generated (output).",
                                        "", {"model", "token_type"}));
  auto& prefix_queried_f =
      registry.AddCounter(opts("gen_ai_server_prefix_cache_queried_tokens",
                               "Prompt tokens looked up in the prefix cache.", "", m));
  auto& prefix_hit_f = registry.AddCounter(opts("gen_ai_server_prefix_cache_hit_tokens",
                                                "Prompt tokens found in the prefix cache.", "", m));

  duration_f_ = &registry.AddHistogram(
      opts("gen_ai_server_request_duration_seconds",
           "Time from arrival to the end of the request (last output token or error).", "seconds",
           me),
      b.request_duration);
  ttft_f_ = &registry.AddHistogram(
      opts("gen_ai_server_time_to_first_token_seconds",
           "Time from arrival to the first output token, queue time included.", "seconds", me),
      b.time_to_first_token);
  tpot_f_ = &registry.AddHistogram(
      opts("gen_ai_server_time_per_output_token_seconds",
           "Per request, mean time per output token after the first one.", "seconds", me),
      b.time_per_output_token);
  itl_f_ = &registry.AddHistogram(opts("gen_ai_server_inter_token_latency_seconds",
                                       "Time between consecutive output tokens.", "seconds", me),
                                  b.inter_token_latency);
  queue_f_ = &registry.AddHistogram(
      opts("gen_ai_server_request_queue_time_seconds",
           "Time requests spent waiting before being scheduled.", "seconds", me),
      b.queue_time);
  auto& batch_f = registry.AddHistogram(
      opts("gen_ai_server_batch_size", "Requests per engine batch (forward pass).", "", m),
      b.batch_size);
  auto& load_f =
      registry.AddHistogram(opts("gen_ai_server_model_load_duration_seconds",
                                 "Time to load a model and make it ready.", "seconds", m),
                            b.model_load);

  auto& running_f = registry.AddGauge(
      opts("gen_ai_server_requests_running", "Requests scheduled and not yet finished.", "", m));
  auto& waiting_f = registry.AddGauge(
      opts("gen_ai_server_requests_waiting", "Requests queued, waiting to be scheduled.", "", m));
  auto& kv_f = registry.AddGauge(opts("gen_ai_server_kv_cache_usage_ratio",
                                      "Fraction of the KV cache in use (0..1).", "ratio", m));
  auto& prefix_ratio_f = registry.AddGauge(opts(
      "gen_ai_server_prefix_cache_hit_ratio",
      "Fraction of prompt tokens found in the prefix cache, as last reported (0..1).", "ratio", m));
  gpu_used_f_ =
      &registry.AddGauge(opts("hw_gpu_memory_usage_bytes", "GPU memory in use.", "bytes", md));
  gpu_limit_f_ = &registry.AddGauge(
      opts("hw_gpu_memory_limit_bytes", "GPU memory available in total.", "bytes", md));
  gpu_mem_util_f_ = &registry.AddGauge(opts("hw_gpu_memory_utilization_ratio",
                                            "Fraction of GPU memory in use (0..1).", "ratio", md));
  gpu_util_f_ = &registry.AddGauge(
      opts("hw_gpu_utilization_ratio", "Fraction of time the GPU was busy (0..1).", "ratio", md));
  auto& objective_f = registry.AddGauge(
      opts("gen_ai_server_request_objective_seconds",
           "Per-request objective thresholds behind gen_ai_server_requests_good_total.", "seconds",
           {"model", "objective"}));

  const std::string& model = options_.model;
  for (size_t i = 0; i < kErrorTypeCount; ++i) {
    errors_[i] = errors_f_->WithLabels({model, kErrorTypeNames[i]});
  }
  input_tokens_ = tokens_f_->WithLabels({model, "input"});
  output_tokens_ = tokens_f_->WithLabels({model, "output"});
  prefix_cache_queried_ = prefix_queried_f.WithLabels({model});
  prefix_cache_hit_ = prefix_hit_f.WithLabels({model});
  batch_size_ = batch_f.WithLabels({model});
  model_load_ = load_f.WithLabels({model});
  running_ = running_f.WithLabels({model});
  waiting_ = waiting_f.WithLabels({model});
  kv_cache_usage_ = kv_f.WithLabels({model});
  prefix_cache_hit_ratio_ = prefix_ratio_f.WithLabels({model});
  const Objectives& o = options_.objectives;
  const std::pair<std::string_view, double> objectives[] = {
      {"time_to_first_token", o.time_to_first_token_seconds},
      {"time_per_output_token", o.time_per_output_token_seconds},
      {"request_duration", o.request_duration_seconds},
      {"queue_time", o.queue_time_seconds}};
  for (const auto& [name, seconds] : objectives) {
    if (seconds > 0) objective_f.WithLabels({model, name}).Set(seconds);
  }
  tables_.push_back(std::make_unique<EndpointTable>());
  table_.store(tables_.back().get(), std::memory_order_release);
}

InferenceMetrics::~InferenceMetrics() = default;

EndpointMetrics* InferenceMetrics::Find(std::string_view endpoint) const {
  const EndpointTable* t = table_.load(std::memory_order_acquire);
  for (const auto& [name, m] : t->entries) {
    if (name == endpoint) return m;
  }
  return nullptr;
}

EndpointMetrics& InferenceMetrics::Endpoint(std::string_view endpoint) {
  if (EndpointMetrics* m = Find(endpoint)) return *m;
  std::lock_guard lock(mu_);
  if (EndpointMetrics* m = Find(endpoint)) return *m;
  if (endpoints_.size() >= options_.max_endpoints) {
    registry_.CountFolded(requests_f_->name());
    if (other_ == nullptr) {
      endpoints_.emplace_back(new EndpointMetrics(this, std::string(kOtherLabelValue)));
      other_ = endpoints_.back().get();
    }
    return *other_;
  }
  endpoints_.emplace_back(new EndpointMetrics(this, std::string(endpoint)));
  EndpointMetrics* m = endpoints_.back().get();
  // Publish a new table; readers still holding the old one keep it valid (tables are freed with
  // this object), so lookups never lock.
  auto next = std::make_unique<EndpointTable>(*table_.load(std::memory_order_relaxed));
  next->entries.emplace_back(std::string(endpoint), m);
  tables_.push_back(std::move(next));
  table_.store(tables_.back().get(), std::memory_order_release);
  return *m;
}

void InferenceMetrics::RecordError(std::string_view error_type) {
  errors_f_->WithLabels({options_.model, error_type}).Inc();
}

InferenceMetrics::Gpu InferenceMetrics::GpuDevice(std::string_view device) {
  const std::string& model = options_.model;
  return Gpu{.memory_used_bytes = gpu_used_f_->WithLabels({model, device}),
             .memory_limit_bytes = gpu_limit_f_->WithLabels({model, device}),
             .memory_utilization = gpu_mem_util_f_->WithLabels({model, device}),
             .utilization = gpu_util_f_->WithLabels({model, device})};
}

}  // namespace slokit::metrics
