// Each scenario must produce its effect inside its window and leave the rest of the trace
// byte-identical to the steady trace with the same seed.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "sim/simulator.h"

namespace slokit::sim {
namespace {

SimulateOptions Options(Scenario scenario) {
  SimulateOptions o;
  o.scenario = scenario;
  o.days = 7;
  o.rate = 0.5;
  o.seed = 42;
  return o;
}

// Walks the steady trace and the scenario's trace side by side. Outside the scenario's windows
// (the maintenance window is common to both) the formatted events must be identical; `fn` sees
// every pair with the name of the window the event is in ("" outside).
void CompareWithSteady(
    const SimulateOptions& o,
    const std::function<void(const Event&, const Event&, std::string_view)>& fn) {
  SimulateOptions steady = o;
  steady.scenario = Scenario::kSteady;
  std::vector<Window> windows;
  for (const Window& w : Timeline(o)) {
    if (w.name != "maintenance") windows.push_back(w);
  }
  ASSERT_FALSE(windows.empty());
  Simulator base_sim(steady), sim(o);
  EventFormatter base_format(o.format), format(o.format);
  Event base, e;
  uint64_t outside = 0, inside = 0;
  while (true) {
    const bool more = base_sim.Next(&base);
    ASSERT_EQ(more, sim.Next(&e));
    if (!more) break;
    ASSERT_EQ(base.ts, e.ts);
    ASSERT_EQ(base.request_id, e.request_id);
    std::string_view window;
    for (const Window& w : windows) {
      if (e.ts >= w.begin && e.ts < w.end) window = w.name;
    }
    if (window.empty()) {
      ASSERT_EQ(base_format.Format(base), format.Format(e));
      ++outside;
    } else {
      ++inside;
    }
    fn(base, e, window);
  }
  EXPECT_GT(outside, 1000u);
  EXPECT_GT(inside, 1000u);
}

// |scaled - factor * base| within what rounding both to 0.1 ms allows.
void ExpectScaled(double base, double scaled, double factor) {
  ASSERT_NEAR(scaled, factor * base, 0.06 + factor * 0.06) << base << " x" << factor;
}

TEST(SimScenarios, Incident) {
  double burst = 0, burst_5xx = 0, burst_gpu = 0, recovery = 0, recovery_5xx = 0;
  CompareWithSteady(Options(Scenario::kIncident),
                    [&](const Event& base, const Event& e, std::string_view window) {
                      if (window.empty()) return;
                      // Client-side outcomes are untouched; only successes turn into 5xx.
                      if (base.status != 200 && base.status < 500) {
                        ASSERT_EQ(e.status, base.status);
                      }
                      if (window == "incident-burst") {
                        ++burst;
                        burst_5xx += e.status >= 500;
                        burst_gpu += e.error_type == "cuda_error" || e.error_type == "oom";
                        if (base.status == 200 && e.status == 200) {
                          ExpectScaled(base.ttft_ms, e.ttft_ms, 2);
                        }
                      } else {
                        ASSERT_EQ(window, "incident-recovery");
                        ++recovery;
                        recovery_5xx += e.status >= 500;
                        if (e.status == 200) {
                          ASSERT_EQ(e.ttft_ms, base.ttft_ms);
                        }
                      }
                    });
  ASSERT_GT(burst, 1000);
  EXPECT_NEAR(burst_5xx / burst, 0.25, 0.04);
  EXPECT_GT(burst_gpu / burst_5xx, 0.8);
  EXPECT_NEAR(recovery_5xx / recovery, 0.02, 0.008);
}

TEST(SimScenarios, LatencyRegressionOnlyFor70b) {
  double slowed = 0;
  CompareWithSteady(Options(Scenario::kLatencyRegression),
                    [&](const Event& base, const Event& e, std::string_view window) {
                      if (window.empty()) return;
                      if (e.model != "llama-3-70b") {
                        ASSERT_EQ(e.ttft_ms, base.ttft_ms);
                        ASSERT_EQ(e.itl_ms, base.itl_ms);
                        return;
                      }
                      ASSERT_EQ(e.status, base.status);
                      if (e.status == 200) {
                        ExpectScaled(base.ttft_ms, e.ttft_ms, 1.7);
                        ExpectScaled(base.itl_ms, e.itl_ms, 1.7);
                        ++slowed;
                      }
                    });
  EXPECT_GT(slowed, 10000);
}

TEST(SimScenarios, SlowBurn) {
  double n = 0, errors = 0;
  CompareWithSteady(Options(Scenario::kSlowBurn),
                    [&](const Event&, const Event& e, std::string_view window) {
                      if (window.empty() || e.maintenance) return;
                      ++n;
                      errors += e.status >= 500;
                    });
  EXPECT_NEAR(errors / n, 0.004, 0.0006);
}

TEST(SimScenarios, QualityDropOnlyForJapanese) {
  double ja = 0, ja_quality = 0, ja_hallucinated = 0;
  CompareWithSteady(Options(Scenario::kQualityDrop),
                    [&](const Event& base, const Event& e, std::string_view window) {
                      if (window.empty()) return;
                      ASSERT_EQ(e.has_quality, base.has_quality);
                      if (e.language != "ja") {
                        ASSERT_EQ(e.quality_score, base.quality_score);
                        ASSERT_EQ(e.hallucination, base.hallucination);
                      } else if (e.has_quality) {
                        ++ja;
                        ja_quality += e.quality_score;
                        ja_hallucinated += e.hallucination;
                      }
                    });
  ASSERT_GT(ja, 1000);
  EXPECT_NEAR(ja_quality / ja, 0.6, 0.03);
  EXPECT_NEAR(ja_hallucinated / ja, 0.12, 0.025);
}

TEST(SimScenarios, Canary) {
  double n = 0, canary = 0, canary_5xx = 0;
  CompareWithSteady(Options(Scenario::kCanary),
                    [&](const Event& base, const Event& e, std::string_view window) {
                      if (window.empty()) {
                        ASSERT_EQ(e.deployment, "stable");
                        return;
                      }
                      if (e.maintenance) return;
                      ++n;
                      if (e.deployment == "stable") {
                        ASSERT_EQ(e.status, base.status);
                        ASSERT_EQ(e.ttft_ms, base.ttft_ms);
                        return;
                      }
                      ASSERT_EQ(e.deployment, "canary");
                      ++canary;
                      canary_5xx += e.status >= 500;
                      if (base.status == 200 && e.status == 200) {
                        ExpectScaled(base.ttft_ms, e.ttft_ms, 1.3);
                      }
                    });
  EXPECT_NEAR(canary / n, 0.10, 0.01);
  EXPECT_NEAR(canary_5xx / canary, 0.01, 0.004);
}

}  // namespace
}  // namespace slokit::sim
