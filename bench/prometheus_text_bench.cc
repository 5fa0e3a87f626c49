// The scrape parser (src/io/prometheus_text.h) against our own exposition writer rendering the
// same registry: parsing should cost about what producing the text does. 2000 series: 1600
// counter series (model x endpoint x status) and 400 histogram series of 11 buckets, ~7200
// samples, ~600 KB of text.
//
//   build/bench/prometheus_text_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <string>

#include "io/prometheus_text.h"
#include "slokit/metrics/exposition.h"
#include "slokit/metrics/registry.h"

namespace {

namespace sm = slokit::metrics;

std::vector<sm::FamilySnapshot> Families() {
  static sm::Registry* registry = [] {
    auto* r = new sm::Registry();
    auto& requests = r->AddCounter({.name = "gen_ai_server_requests", .help = "Requests finished.",
                                    .labels = {"model", "endpoint", "status"}, .max_series = 5000});
    auto& ttft = r->AddHistogram({.name = "gen_ai_server_time_to_first_token_seconds", .help = "TTFT.",
                                  .unit = "seconds", .labels = {"model", "endpoint"}, .max_series = 5000},
                                 {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
    for (int m = 0; m < 20; ++m) {
      for (int e = 0; e < 20; ++e) {
        std::string model = "model-" + std::to_string(m), endpoint = "/v1/endpoint/" + std::to_string(e);
        for (const char* status : {"ok", "error", "cancelled", "rate_limited"}) {
          requests.WithLabels({model, endpoint, status}).Inc(1000.0 * m + e);
        }
        sm::Histogram h = ttft.WithLabels({model, endpoint});
        for (int i = 0; i < 50; ++i) h.Observe(0.003 * i * (m + 1));
      }
    }
    return r;
  }();
  return registry->Collect();
}

void BM_Serialize(benchmark::State& state, sm::Format format) {
  auto families = Families();
  std::string out;
  for (auto _ : state) {
    out.clear();
    sm::Serialize(families, format, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}

void BM_Parse(benchmark::State& state, sm::Format format) {
  std::string text = sm::Serialize(Families(), format);
  slokit::promtext::Exposition x;
  for (auto _ : state) {
    slokit::Status s = slokit::promtext::ParseExposition(text, slokit::promtext::Format::kAuto, &x);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    benchmark::DoNotOptimize(x.samples().data());
  }
  state.counters["samples"] = static_cast<double>(x.samples().size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

BENCHMARK_CAPTURE(BM_Serialize, text, sm::Format::kPrometheusText)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Parse, text, sm::Format::kPrometheusText)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Serialize, openmetrics, sm::Format::kOpenMetrics)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Parse, openmetrics, sm::Format::kOpenMetrics)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
