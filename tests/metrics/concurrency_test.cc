// Hammers every metric type from several threads while other threads scrape, then checks exact
// totals. Built normally and under ThreadSanitizer (scripts/build.sh tsan).
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

#include "slokit/metrics/exposition.h"
#include "slokit/metrics/inference.h"
#include "slokit/metrics/registry.h"

namespace slokit::metrics {
namespace {

#if defined(__SANITIZE_THREAD__)
constexpr int kIterations = 20000;
#else
constexpr int kIterations = 200000;
#endif

std::string T(int i) {
  std::string s = "t";
  s += std::to_string(i);
  return s;
}

// Scrapes in a loop until stopped, checking that every scrape is well-formed.
class Scraper {
 public:
  explicit Scraper(const Registry& r)
      : thread_([this, &r] {
          while (!stop_.load()) {
            std::string om = Serialize(r, Format::kOpenMetrics);
            if (!om.ends_with("# EOF\n")) bad_.fetch_add(1);
            scrapes_.fetch_add(1);
          }
        }) {}
  ~Scraper() { Stop(); }
  void Stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  int scrapes() const { return scrapes_.load(); }
  int bad() const { return bad_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> scrapes_{0}, bad_{0};
  std::thread thread_;
};

TEST(ConcurrencyTest, EveryTypeFromManyThreadsGivesExactTotals) {
  Registry r;
  CounterFamily& cf = r.AddCounter({.name = "c", .labels = {"k"}});
  GaugeFamily& gf = r.AddGauge({.name = "g"});
  HistogramFamily& hf = r.AddHistogram({.name = "h"}, {0.5, 1, 2});
  constexpr int kThreads = 6;
  Scraper scraper(r);
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Handles resolved concurrently too: every thread must get the same series.
      Counter shared = cf.WithLabels({"shared"});
      Counter own = cf.WithLabels({T(t)});
      Gauge g = gf.WithLabels();
      Histogram h = hf.WithLabels();
      start.arrive_and_wait();
      for (int i = 0; i < kIterations; ++i) {
        shared.Inc();
        own.Inc(2);
        g.Inc();
        if (i % 2 == 1) g.Dec(2);
        h.Observe((i % 4) * 0.5);  // 0, 0.5, 1, 1.5: sums stay exact in binary
      }
    });
  }
  for (auto& th : threads) th.join();
  scraper.Stop();
  EXPECT_EQ(scraper.bad(), 0);
  EXPECT_GT(scraper.scrapes(), 0);

  const double n = kIterations;
  EXPECT_EQ(cf.WithLabels({"shared"}).Value(), kThreads * n);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(cf.WithLabels({T(t)}).Value(), 2 * n);
  EXPECT_EQ(gf.WithLabels().Value(), kThreads * (n - 2 * (n / 2)));  // +1 each, -2 every other
  Histogram h = hf.WithLabels();
  EXPECT_EQ(h.Count(), static_cast<uint64_t>(kThreads) * kIterations);
  const uint64_t quarter = static_cast<uint64_t>(kThreads) * kIterations / 4;
  EXPECT_EQ(h.CumulativeBuckets(),
            (std::vector<uint64_t>{2 * quarter, 3 * quarter, 4 * quarter, 4 * quarter}));
  EXPECT_EQ(h.Sum(), kThreads * (n / 4) * (0 + 0.5 + 1 + 1.5));
}

TEST(ConcurrencyTest, MoreThreadsThanSlotsStayExact) {
  // More live threads than exclusive slots: the rest share a slot through atomic adds.
  Registry r;
  Counter c = r.AddCounter({.name = "c"}).WithLabels();
  Gauge g = r.AddGauge({.name = "g"}).WithLabels();
  Histogram h = r.AddHistogram({.name = "h"}, {1}).WithLabels();
  const int kThreads = static_cast<int>(detail::kExclusiveSlots) + 40;
  constexpr int kPerThread = kIterations / 10;
  std::barrier all_alive(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      c.Inc();  // claims a slot (or the shared one) while every thread is alive
      all_alive.arrive_and_wait();
      for (int i = 1; i < kPerThread; ++i) c.Inc();
      for (int i = 0; i < kPerThread; ++i) {
        g.Inc(3);
        g.Dec();
        h.Observe(0.5);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(c.Value(), static_cast<double>(kThreads) * kPerThread);
  EXPECT_EQ(g.Value(), 2.0 * kThreads * kPerThread);
  EXPECT_EQ(h.Count(), static_cast<uint64_t>(kThreads) * kPerThread);
  EXPECT_EQ(h.Sum(), 0.5 * kThreads * kPerThread);
}

TEST(ConcurrencyTest, SlotsAreReusedAcrossThreadGenerations) {
  Registry r;
  Counter c = r.AddCounter({.name = "c"}).WithLabels();
  constexpr int kGenerations = 20, kThreads = 8, kPerThread = 1000;
  for (int gen = 0; gen < kGenerations; ++gen) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kPerThread; ++i) c.Inc();
      });
    }
    for (auto& th : threads) th.join();
  }
  EXPECT_EQ(c.Value(), 1.0 * kGenerations * kThreads * kPerThread);
  // Exclusive slots were handed back, so the high-water mark stays near the live thread count.
  EXPECT_LE(detail::SlotsInUse(), detail::kExclusiveSlots);
}

TEST(ConcurrencyTest, GaugeSetRacingWithIncEndsInAConsistentOrder) {
  Registry r;
  Gauge g = r.AddGauge({.name = "g"}).WithLabels();
  std::atomic<bool> stop{false};
  std::thread incs([&] {
    while (!stop.load()) {
      g.Inc();
      g.Dec();
    }
  });
  for (int i = 0; i < 2000; ++i) g.Set(i);
  stop.store(true);
  incs.join();
  // The incrementer's calls net to zero. The last Set either came after one of its Inc/Dec
  // pairs (1999) or between an Inc and its Dec (1999, then the Dec: 1998).
  const double v = g.Value();
  EXPECT_TRUE(v == 1999 || v == 1998) << v;
}

TEST(ConcurrencyTest, InferenceFacadeFromManyThreads) {
  Registry r;
  InferenceMetrics llm(r, {.model = "m"});
  constexpr int kThreads = 4;
#if defined(__SANITIZE_THREAD__)
  constexpr int kRequests = 2000;
#else
  constexpr int kRequests = 20000;
#endif
  Scraper scraper(r);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string name = t % 2 ? "/a" : "/b";
      for (int i = 0; i < kRequests; ++i) {
        const TimePoint t0 = Clock::now();
        RequestTracker req = llm.StartRequest(name, t0);  // lock-free endpoint lookup
        req.Scheduled(t0);
        req.PromptTokens(10);
        req.FirstToken(t0);
        req.Tokens(3, t0);
        if (i % 10 == 0) {
          req.Fail(ErrorType::kTimeout, t0);
        } else {
          req.Finish(Outcome::kOk, t0);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  scraper.Stop();
  EXPECT_EQ(scraper.bad(), 0);
  double ok = 0, error = 0, input = 0, output = 0;
  for (const FamilySnapshot& f : r.Collect()) {
    for (const SeriesSnapshot& s : f.series) {
      if (f.name == "gen_ai_server_requests") {
        (s.label_values[2] == "ok" ? ok : error) += s.value;
      } else if (f.name == "gen_ai_server_tokens") {
        (s.label_values[1] == "input" ? input : output) += s.value;
      }
    }
  }
  const double total = kThreads * kRequests;
  EXPECT_EQ(ok, total * 0.9);
  EXPECT_EQ(error, total * 0.1);
  EXPECT_EQ(input, total * 10);
  EXPECT_EQ(output, total * 4);
  EXPECT_EQ(llm.requests_running().Value(), 0);
  EXPECT_EQ(llm.requests_waiting().Value(), 0);
}

}  // namespace
}  // namespace slokit::metrics
