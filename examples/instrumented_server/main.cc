// instrumented_server: N worker threads play an LLM inference server (a bounded batch, so
// requests queue; prefill; token-by-token decode; occasional errors and cancellations), recording
// everything through slokit::metrics::InferenceMetrics, while /metrics serves the registry.
//
//   instrumented_server --port 9464 --threads 8 --duration 60 --error-rate 0.02
//
// It prints "serving http://HOST:PORT/metrics" once the port is bound (--port 0 picks a free
// one) and exits after --duration seconds, or on SIGINT/SIGTERM when the duration is 0.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <random>
#include <semaphore>
#include <thread>
#include <vector>

#include "slokit/metrics/http_server.h"
#include "slokit/metrics/inference.h"
#include "slokit/metrics/registry.h"

namespace {

namespace sm = slokit::metrics;
using std::chrono::duration;
using std::chrono::milliseconds;

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop.store(true); }

struct Config {
  int threads = 4;
  double error_rate = 0.02;
  double cancel_rate = 0.01;
};

// Requests the simulated GPU is running at once; more wait in the queue.
class Engine {
 public:
  explicit Engine(int capacity) : capacity_(capacity), slots_(capacity) {}
  void Acquire() {
    slots_.acquire();
    active_.fetch_add(1);
  }
  void Release() {
    active_.fetch_sub(1);
    slots_.release();
  }
  int active() const { return active_.load(); }
  int capacity() const { return capacity_; }

 private:
  const int capacity_;
  std::counting_semaphore<1 << 16> slots_;
  std::atomic<int> active_{0};
};

void SleepSeconds(double s) { std::this_thread::sleep_for(duration<double>(s)); }

void Worker(int id, const Config& cfg, sm::InferenceMetrics& llm, Engine& engine) {
  std::mt19937_64 rng(0x5eed + static_cast<uint64_t>(id));
  std::uniform_real_distribution<double> u(0, 1);
  sm::EndpointMetrics& chat = llm.Endpoint("/v1/chat/completions");
  sm::EndpointMetrics& completions = llm.Endpoint("/v1/completions");
  constexpr sm::ErrorType kMidRequestErrors[] = {sm::ErrorType::kOom, sm::ErrorType::kTimeout,
                                                 sm::ErrorType::kCudaError};
  while (!g_stop.load()) {
    SleepSeconds(0.05 + 0.2 * u(rng));  // think time between a client's requests
    sm::EndpointMetrics& ep = u(rng) < 0.7 ? chat : completions;
    sm::RequestTracker req = ep.StartRequest();
    const uint64_t prompt = 32 + static_cast<uint64_t>(u(rng) * 2000);
    req.PromptTokens(prompt);
    const bool fails = u(rng) < cfg.error_rate;
    if (fails && u(rng) < 0.4) {  // rejected up front
      req.Fail(u(rng) < 0.5 ? sm::ErrorType::kInvalidRequest : sm::ErrorType::kRateLimited);
      continue;
    }
    engine.Acquire();
    req.Scheduled();
    llm.AddPrefixCacheTokens(prompt,
                             static_cast<uint64_t>(static_cast<double>(prompt) * 0.3 * u(rng)));
    SleepSeconds(static_cast<double>(prompt) / 40000.0 + 0.01 * u(rng));  // prefill
    req.FirstToken();
    const uint64_t output = 8 + static_cast<uint64_t>(u(rng) * 120);
    const double per_token = 0.004 + 0.02 * u(rng);
    const uint64_t fail_at =
        fails ? 1 + static_cast<uint64_t>(u(rng) * static_cast<double>(output)) : 0;
    const bool cancels = !fails && u(rng) < cfg.cancel_rate;
    bool ended = false;
    for (uint64_t done = 1; done < output && !ended;) {
      const uint64_t chunk = std::min<uint64_t>(4, output - done);  // streamed 4 tokens at a time
      SleepSeconds(per_token * static_cast<double>(chunk));
      req.Tokens(chunk);
      done += chunk;
      if (fails && done >= fail_at) {
        req.Fail(kMidRequestErrors[static_cast<size_t>(u(rng) * 3) % 3]);
        ended = true;
      } else if ((cancels && done >= output / 2) || g_stop.load()) {
        req.Finish(sm::Outcome::kCancelled);
        ended = true;
      }
    }
    if (!ended) req.Finish();
    engine.Release();
  }
}

// What an engine loop and a GPU poller would report: batch sizes, cache and GPU gauges.
void EngineMonitor(sm::InferenceMetrics& llm, Engine& engine) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  sm::InferenceMetrics::Gpu gpu = llm.GpuDevice("0");
  const double limit = 80e9;
  while (!g_stop.load()) {
    const int active = engine.active();
    if (active > 0) llm.ObserveBatchSize(static_cast<uint64_t>(active));
    const double kv = std::min(1.0, (active + u(rng)) / (engine.capacity() + 1.0));
    llm.SetKvCacheUsage(kv);
    llm.SetPrefixCacheHitRatio(0.1 + 0.2 * u(rng));
    gpu.SetMemory(16e9 + kv * 50e9, limit);
    gpu.SetUtilization(std::min(1.0, 0.2 + 0.8 * kv));
    std::this_thread::sleep_for(milliseconds(100));
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Simulated LLM inference server instrumented with slokit metrics");
  std::string address = "127.0.0.1";
  int port = 9464;
  double run_seconds = 0;
  std::string model = "llama-3-8b";
  std::string ns;
  Config cfg;
  app.add_option("--address", address, "Interface to listen on");
  app.add_option("--port", port, "Port for /metrics (0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--threads", cfg.threads, "Worker threads (concurrent clients)")
      ->check(CLI::Range(1, 1024));
  app.add_option("--duration", run_seconds, "Seconds to run; 0 runs until SIGINT/SIGTERM")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--error-rate", cfg.error_rate, "Fraction of requests that fail")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--model", model, "Value of the model label");
  app.add_option("--namespace", ns, "Metric name prefix (e.g. llm)");
  CLI11_PARSE(app, argc, argv);

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  sm::Registry registry;
  sm::InferenceMetrics llm(registry, {.namespace_ = ns,
                                      .model = model,
                                      .objectives = {.time_to_first_token_seconds = 0.25,
                                                     .time_per_output_token_seconds = 0.02,
                                                     .request_duration_seconds = 5}});
  const auto load_start = sm::Clock::now();
  SleepSeconds(0.05);  // "loading the model"
  llm.ObserveModelLoad(duration<double>(sm::Clock::now() - load_start).count());

  sm::ServerOptions server_options;
  server_options.address =
      (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
      std::to_string(port);
  sm::MetricsServer server(registry, server_options);
  std::string error;
  if (!server.Start(&error)) {
    std::fprintf(stderr, "instrumented_server: %s\n", error.c_str());
    return 1;
  }
  std::printf("serving %s\n", server.url().c_str());
  std::fflush(stdout);

  Engine engine(std::max(1, cfg.threads * 3 / 4));
  std::vector<std::thread> threads;
  for (int i = 0; i < cfg.threads; ++i) {
    threads.emplace_back(Worker, i, std::cref(cfg), std::ref(llm), std::ref(engine));
  }
  threads.emplace_back(EngineMonitor, std::ref(llm), std::ref(engine));

  const auto deadline = sm::Clock::now() + duration<double>(run_seconds);
  while (!g_stop.load() && (run_seconds == 0 || sm::Clock::now() < deadline)) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  g_stop.store(true);
  for (std::thread& t : threads) t.join();
  server.Stop();
  return 0;
}
