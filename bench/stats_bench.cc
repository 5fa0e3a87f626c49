// Benchmarks of src/stats. Named peer for the sketch: the exact quantile from std::sort over the
// raw values (what an engine without a sketch would do per slot). Keep runs short on shared
// machines: --benchmark_min_time=0.2.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

#include "stats/ddsketch.h"
#include "stats/hodges_lehmann.h"
#include "stats/ks.h"
#include "stats/mann_whitney.h"

namespace {

using slokit::stats::DDSketch;

std::vector<double> LogNormal(size_t n, double mu, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(mu, 1.0);
  std::vector<double> v(n);
  for (double& x : v) x = d(rng);
  return v;
}

// ns per Add on latency-like data (lognormal around e^5 ms), steady state.
void BM_DDSketchAdd(benchmark::State& state) {
  const std::vector<double> values = LogNormal(1 << 16, 5, 1);
  DDSketch sketch;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(sketch.Add(values[i]));
    i = (i + 1) & (values.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DDSketchAdd);

// Sketch N values, then read p50 and p99: the per-slot work with a sketch.
void BM_DDSketchQuantiles(benchmark::State& state) {
  const std::vector<double> values = LogNormal(static_cast<size_t>(state.range(0)), 5, 2);
  for (auto _ : state) {
    DDSketch sketch;
    for (double v : values) benchmark::DoNotOptimize(sketch.Add(v));
    double p50, p99;
    benchmark::DoNotOptimize(sketch.Quantile(0.5, &p50));
    benchmark::DoNotOptimize(sketch.Quantile(0.99, &p99));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DDSketchQuantiles)->Arg(1000)->Arg(100000);

// Peer: keep the N raw values, std::sort, index p50 and p99 (exact, O(N) memory per slot).
void BM_SortExactQuantiles(benchmark::State& state) {
  const std::vector<double> values = LogNormal(static_cast<size_t>(state.range(0)), 5, 2);
  std::vector<double> buffer;
  for (auto _ : state) {
    buffer.clear();
    for (double v : values) buffer.push_back(v);
    std::sort(buffer.begin(), buffer.end());
    benchmark::DoNotOptimize(buffer[buffer.size() / 2]);
    benchmark::DoNotOptimize(buffer[buffer.size() * 99 / 100]);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SortExactQuantiles)->Arg(1000)->Arg(100000);

// Merging one minute's sketch into a window.
void BM_DDSketchMerge(benchmark::State& state) {
  DDSketch a, b;
  for (double v : LogNormal(10000, 5, 3)) (void)a.Add(v);
  for (double v : LogNormal(10000, 5.1, 4)) (void)b.Add(v);
  for (auto _ : state) {
    DDSketch window = a;
    benchmark::DoNotOptimize(window.Merge(b));
  }
}
BENCHMARK(BM_DDSketchMerge);

void BM_MannWhitney10kVs10k(benchmark::State& state) {
  const auto x = LogNormal(10000, 0, 5);
  const auto y = LogNormal(10000, 0.05, 6);
  slokit::stats::MannWhitneyResult r;
  for (auto _ : state) benchmark::DoNotOptimize(slokit::stats::MannWhitneyU(x, y, &r));
}
BENCHMARK(BM_MannWhitney10kVs10k)->Unit(benchmark::kMillisecond);

void BM_KolmogorovSmirnov10kVs10k(benchmark::State& state) {
  const auto x = LogNormal(10000, 0, 5);
  const auto y = LogNormal(10000, 0.05, 6);
  slokit::stats::KsResult r;
  for (auto _ : state) benchmark::DoNotOptimize(slokit::stats::KolmogorovSmirnov2(x, y, &r));
}
BENCHMARK(BM_KolmogorovSmirnov10kVs10k)->Unit(benchmark::kMillisecond);

void BM_HodgesLehmann10kVs10k(benchmark::State& state) {
  const auto x = LogNormal(10000, 0, 5);
  const auto y = LogNormal(10000, 0.05, 6);
  slokit::stats::HodgesLehmannResult r;
  for (auto _ : state) benchmark::DoNotOptimize(slokit::stats::HodgesLehmann(x, y, 0.95, &r));
}
BENCHMARK(BM_HodgesLehmann10kVs10k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
