// slokit::metrics hot paths against a straightforward mutex-per-metric implementation (and, for
// counters, a single shared atomic), at 1 and 2 threads. With ->Threads(n) every thread records
// into the SAME series, the case that makes naive implementations bounce cache lines. Compare the
// CPU column: Google Benchmark reports CPU time per iteration per thread.
//
//   build-metrics/bench/metrics_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <mutex>
#include <vector>

#include "slokit/metrics/inference.h"
#include "slokit/metrics/registry.h"

namespace {

namespace sm = slokit::metrics;
using std::chrono::milliseconds;

// ---- The baseline: one mutex per metric ----

struct MutexCounter {
  std::mutex mu;
  double value = 0;
  void Inc(double v = 1) {
    std::lock_guard lock(mu);
    value += v;
  }
};

struct MutexGauge {
  std::mutex mu;
  double value = 0;
  void Set(double v) {
    std::lock_guard lock(mu);
    value = v;
  }
  void Inc(double v = 1) {
    std::lock_guard lock(mu);
    value += v;
  }
};

struct MutexHistogram {
  explicit MutexHistogram(std::vector<double> b)
      : bounds(std::move(b)), counts(bounds.size() + 1) {}
  std::mutex mu;
  std::vector<double> bounds;
  std::vector<uint64_t> counts;
  double sum = 0;
  void ObserveN(double v, uint64_t n) {
    const size_t i =
        static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), v) - bounds.begin());
    std::lock_guard lock(mu);
    counts[i] += n;
    sum += v * static_cast<double>(n);
  }
  void Observe(double v) { ObserveN(v, 1); }
};

// The same updates RequestTracker makes, on mutex-based metrics.
struct MutexInference {
  sm::InferenceBuckets b;
  MutexCounter requests_ok, good, input_tokens, output_tokens;
  MutexGauge waiting, running;
  MutexHistogram duration{b.request_duration}, ttft{b.time_to_first_token},
      tpot{b.time_per_output_token}, itl{b.inter_token_latency}, queue{b.queue_time};

  struct Request {
    MutexInference* m;
    sm::TimePoint start, first, last;
    uint64_t tokens = 0;
    bool running = false;
    static double S(sm::Clock::duration d) { return std::chrono::duration<double>(d).count(); }
    void Scheduled(sm::TimePoint now) {
      m->queue.Observe(S(now - start));
      m->waiting.Inc(-1);
      m->running.Inc(1);
      running = true;
    }
    void PromptTokens(uint64_t n) { m->input_tokens.Inc(static_cast<double>(n)); }
    void Tokens(uint64_t n, sm::TimePoint now) {
      if (tokens == 0) {
        first = now;
        m->ttft.Observe(S(now - start));
      } else {
        m->itl.ObserveN(S(now - last) / static_cast<double>(n), n);
      }
      last = now;
      tokens += n;
      m->output_tokens.Inc(static_cast<double>(n));
    }
    void Finish(sm::TimePoint now) {
      m->running.Inc(-1);
      const double d = S(now - start);
      m->duration.Observe(d);
      const double tp = S(last - first) / static_cast<double>(tokens - 1);
      m->tpot.Observe(tp);
      m->requests_ok.Inc();
      if (d <= 10 && tp <= 0.05) m->good.Inc();
    }
  };
  Request Start(sm::TimePoint now) {
    waiting.Inc(1);
    return Request{this, now, {}, {}};
  }
};

// ---- Shared fixtures: every benchmark thread records into the same series ----

struct Slokit {
  sm::Registry registry;
  sm::Counter counter = registry.AddCounter({.name = "c"}).WithLabels();
  sm::Gauge gauge = registry.AddGauge({.name = "g"}).WithLabels();
  sm::Histogram histogram = registry
                                .AddHistogram({.name = "h_seconds", .unit = "seconds"},
                                              sm::InferenceBuckets().time_to_first_token)
                                .WithLabels();
  sm::InferenceMetrics llm{
      registry,
      {.model = "llama-3-8b",
       .objectives = {.time_per_output_token_seconds = 0.05, .request_duration_seconds = 10}}};
  sm::EndpointMetrics& chat = llm.Endpoint("/v1/chat/completions");
};
Slokit& S() {
  static Slokit s;
  return s;
}

struct Baseline {
  MutexCounter counter;
  MutexGauge gauge;
  MutexHistogram histogram{sm::InferenceBuckets().time_to_first_token};
  MutexInference llm;
  alignas(64) std::atomic<uint64_t> atomic_counter{0};
};
Baseline& B() {
  static Baseline b;
  return b;
}

// Latencies spread over the TTFT buckets (1 ms .. 5 s, log-uniform), so bucket search sees the
// same mix of outcomes as in production.
const std::array<double, 1024>& Values() {
  static const std::array<double, 1024> v = [] {
    std::array<double, 1024> a{};
    uint64_t x = 88172645463325252ull;
    for (double& d : a) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      d = 0.001 * std::pow(5000.0, static_cast<double>(x % 10000) / 10000.0);
    }
    return a;
  }();
  return v;
}

void BM_CounterInc_Slokit(benchmark::State& state) {
  sm::Counter c = S().counter;
  for (auto _ : state) c.Inc();
}
void BM_CounterInc_Mutex(benchmark::State& state) {
  MutexCounter& c = B().counter;
  for (auto _ : state) c.Inc();
}
void BM_CounterInc_SharedAtomic(benchmark::State& state) {
  std::atomic<uint64_t>& c = B().atomic_counter;
  for (auto _ : state) c.fetch_add(1, std::memory_order_relaxed);
}

void BM_GaugeSet_Slokit(benchmark::State& state) {
  sm::Gauge g = S().gauge;
  double v = 0;
  for (auto _ : state) g.Set(v += 1);
}
// Each thread sets its own series (a poller per GPU): nothing shared.
void BM_GaugeSetOwnSeries_Slokit(benchmark::State& state) {
  static sm::GaugeFamily& f = S().registry.AddGauge({.name = "per_thread", .labels = {"t"}});
  sm::Gauge g = f.WithLabels({state.thread_index() == 0 ? "0" : "1"});
  double v = 0;
  for (auto _ : state) g.Set(v += 1);
}
void BM_GaugeSet_Mutex(benchmark::State& state) {
  MutexGauge& g = B().gauge;
  double v = 0;
  for (auto _ : state) g.Set(v += 1);
}

void BM_GaugeIncDec_Slokit(benchmark::State& state) {
  sm::Gauge g = S().llm.requests_running();  // the shared "requests running" gauge
  for (auto _ : state) {
    g.Inc();
    g.Dec();
  }
}
void BM_GaugeIncDec_Mutex(benchmark::State& state) {
  MutexGauge& g = B().gauge;
  for (auto _ : state) {
    g.Inc(1);
    g.Inc(-1);
  }
}

void BM_HistogramObserve_Slokit(benchmark::State& state) {
  sm::Histogram h = S().histogram;
  const auto& v = Values();
  size_t i = static_cast<size_t>(state.thread_index()) * 512;
  for (auto _ : state) h.Observe(v[i++ & 1023]);
}
void BM_HistogramObserve_Mutex(benchmark::State& state) {
  MutexHistogram& h = B().histogram;
  const auto& v = Values();
  size_t i = static_cast<size_t>(state.thread_index()) * 512;
  for (auto _ : state) h.Observe(v[i++ & 1023]);
}

// A full request: start, scheduled, prompt tokens, first token, a batch of 15 more tokens,
// finish. Timestamps come from the caller, so this is the cost of the metrics alone.
void BM_Request_Slokit(benchmark::State& state) {
  sm::EndpointMetrics& chat = S().chat;
  const sm::TimePoint t = sm::Clock::now();
  for (auto _ : state) {
    sm::RequestTracker req = chat.StartRequest(t);
    req.Scheduled(t + milliseconds(2));
    req.PromptTokens(512);
    req.FirstToken(t + milliseconds(60));
    req.Tokens(15, t + milliseconds(360));
    req.Finish(sm::Outcome::kOk, t + milliseconds(370));
  }
}
// Control: each thread records into a registry of its own, so nothing at all is shared. If the
// 2-thread cost rises here too, the rise comes from the machine (two vCPUs sharing a physical
// core, shared caches), not from the library.
void BM_Request_SlokitPrivateRegistry(benchmark::State& state) {
  static Slokit per_thread[2];
  sm::EndpointMetrics& chat = per_thread[state.thread_index() % 2].chat;
  const sm::TimePoint t = sm::Clock::now();
  for (auto _ : state) {
    sm::RequestTracker req = chat.StartRequest(t);
    req.Scheduled(t + milliseconds(2));
    req.PromptTokens(512);
    req.FirstToken(t + milliseconds(60));
    req.Tokens(15, t + milliseconds(360));
    req.Finish(sm::Outcome::kOk, t + milliseconds(370));
  }
}
void BM_Request_Mutex(benchmark::State& state) {
  MutexInference& llm = B().llm;
  const sm::TimePoint t = sm::Clock::now();
  for (auto _ : state) {
    MutexInference::Request req = llm.Start(t);
    req.Scheduled(t + milliseconds(2));
    req.PromptTokens(512);
    req.Tokens(1, t + milliseconds(60));
    req.Tokens(15, t + milliseconds(360));
    req.Finish(t + milliseconds(370));
  }
}
// The same request letting every hook read steady_clock itself (5 clock reads).
void BM_Request_SlokitWithClock(benchmark::State& state) {
  sm::EndpointMetrics& chat = S().chat;
  for (auto _ : state) {
    sm::RequestTracker req = chat.StartRequest();
    req.Scheduled();
    req.PromptTokens(512);
    req.FirstToken();
    req.Tokens(15);
    req.Finish();
  }
}
// What one steady_clock read costs here, for reading the line above.
void BM_ClockNow(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sm::Clock::now());
}

#define SLOKIT_BENCH_THREADS(fn) BENCHMARK(fn)->Threads(1)->Threads(2)
SLOKIT_BENCH_THREADS(BM_CounterInc_Slokit);
SLOKIT_BENCH_THREADS(BM_CounterInc_Mutex);
SLOKIT_BENCH_THREADS(BM_CounterInc_SharedAtomic);
SLOKIT_BENCH_THREADS(BM_GaugeSet_Slokit);
SLOKIT_BENCH_THREADS(BM_GaugeSet_Mutex);
SLOKIT_BENCH_THREADS(BM_GaugeSetOwnSeries_Slokit);
SLOKIT_BENCH_THREADS(BM_GaugeIncDec_Slokit);
SLOKIT_BENCH_THREADS(BM_GaugeIncDec_Mutex);
SLOKIT_BENCH_THREADS(BM_HistogramObserve_Slokit);
SLOKIT_BENCH_THREADS(BM_HistogramObserve_Mutex);
SLOKIT_BENCH_THREADS(BM_Request_Slokit);
SLOKIT_BENCH_THREADS(BM_Request_SlokitPrivateRegistry);
SLOKIT_BENCH_THREADS(BM_Request_Mutex);
SLOKIT_BENCH_THREADS(BM_Request_SlokitWithClock);
BENCHMARK(BM_ClockNow);

}  // namespace

BENCHMARK_MAIN();
