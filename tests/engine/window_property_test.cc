// Property: for random traces and random instants, every window's counts from the engine equal a
// brute-force recount of the raw events, for occurrence and timeslice budgeting and per cohort.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "engine_test_util.h"

namespace slokit {
namespace {

using testing::kT0;
using testing::MustLoad;
using testing::RecordBuilder;

struct Raw {
  TimeNs t;
  bool ok;
  double ms;
  int cohort;
};

const char* kSpec = R"(service: s
slos:
  - name: ratio
    objective: 99
    window: 3d
    sli: {ratio: {good: ok}}
    cohorts: [model]
  - name: p90
    objective: 99
    window: 3d
    budgeting: {timeslices: 5m, min_events: 3, sparse: skip}
    sli: {percentile: {field: ms, unit: ms, p: 90, threshold: 100ms}}
    cohorts: [model]
)";

const char* kModels[] = {"a", "b", "c"};
constexpr DurationNs kSlice = 5 * kMinute;

TEST(WindowProperty, EngineCountsEqualBruteForce) {
  Spec spec = MustLoad(kSpec);
  std::mt19937_64 rng(12345);
  for (int trial = 0; trial < 8; ++trial) {
    Evaluator ev(spec);
    RecordBuilder b(spec);
    std::vector<Raw> raw;
    std::uniform_int_distribution<TimeNs> when(kT0, kT0 + 3 * kDay);
    std::uniform_real_distribution<double> u(0, 1);
    int n = 2000 + trial * 500;
    // Bursty: half the events crowd into a few minutes so slices have enough events.
    for (int i = 0; i < n; ++i) {
      TimeNs t = i % 2 ? when(rng) : kT0 + kDay + static_cast<TimeNs>(u(rng) * 30) * kMinute + (when(rng) % kMinute);
      Raw r{t, u(rng) > 0.1, u(rng) * 130, static_cast<int>(rng() % 3)};
      raw.push_back(r);
      ev.Push(b.At(r.t).Bool("ok", r.ok).Num("ms", r.ms).Str("model", kModels[r.cohort]).record());
    }
    for (int q = 0; q < 200; ++q) {
      TimeNs at = kT0 + static_cast<TimeNs>(rng() % (4 * 24 * 60)) * kMinute;
      DurationNs w = static_cast<DurationNs>(1 + rng() % (3 * 24 * 60)) * kMinute;
      for (size_t c = 0; c < ev.cohort_count(0); ++c) {
        std::string name = ev.cohort_name(0, c);
        auto in_cohort = [&](const Raw& r) { return name == "all" || name == kModels[r.cohort]; };
        // Occurrences.
        uint64_t valid = 0, good = 0;
        for (const Raw& r : raw)
          if (in_cohort(r) && r.t >= at - w && r.t < at) ++valid, good += r.ok;
        UnitCounts got = ev.units(0, c).Count(at - w, at);
        ASSERT_EQ(got.valid, valid) << "trial " << trial << " at " << FormatTime(at) << " w " << FormatDuration(w);
        ASSERT_EQ(got.good, good);
        // Timeslices: slices wholly inside the window, classified by the p90 rule.
        size_t pc = 0;
        while (ev.cohort_name(1, pc) != name) ++pc;
        std::map<int64_t, std::vector<double>> by_slice;
        for (const Raw& r : raw)
          if (in_cohort(r) && r.t >= at - w && r.t < at) by_slice[FloorDiv(r.t, kSlice)].push_back(r.ms);
        uint64_t slices = 0, good_slices = 0;
        for (auto& [k, v] : by_slice) {
          if (k * kSlice < at - w || (k + 1) * kSlice > at || v.size() < 3) continue;
          ++slices;
          // Nearest-rank p90: the ceil(0.9 n)-th smallest value.
          std::sort(v.begin(), v.end());
          double p90 = v[static_cast<size_t>(std::ceil(0.9 * static_cast<double>(v.size()))) - 1];
          good_slices += p90 <= 100;
        }
        UnitCounts gs = ev.units(1, pc).Count(at - w, at);
        ASSERT_EQ(gs.valid, slices) << "trial " << trial << " at " << FormatTime(at) << " w " << FormatDuration(w);
        ASSERT_EQ(gs.good, good_slices);
      }
    }
  }
}

}  // namespace
}  // namespace slokit
