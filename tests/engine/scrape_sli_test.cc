#include "engine/scrape_sli.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/engine_test_util.h"

namespace slokit {
namespace {

using testing::kT0;
using testing::MustLoad;

const char* kSpec = R"(
service: chat-api
slos:
  - name: availability
    objective: 99
    window: 30d
    sli:
      ratio:
        good: status < 500
        prometheus:
          bad: gen_ai_server_requests_total{status="error"}
          total: gen_ai_server_requests_total{status!="cancelled"}
    cohorts: [model]
  - name: ttft
    objective: 99
    window: 7d
    sli:
      latency:
        field: ttft_ms
        unit: ms
        threshold: 2.5s
        prometheus: {histogram: gen_ai_server_time_to_first_token_seconds, selector: '{endpoint="/v1/chat/completions"}'}
  - name: ttft-p90
    objective: 99
    window: 7d
    budgeting: {timeslices: 5m, min_events: 1}
    sli:
      percentile:
        field: ttft_ms
        unit: ms
        p: 90
        threshold: 1s
        prometheus: {histogram: gen_ai_server_time_to_first_token_seconds}
  - name: tokens
    objective: 95
    window: 7d
    budgeting: {timeslices: 5m, min_events: 5}
    sli:
      throughput:
        field: completion_tokens
        min: 5
        prometheus:
          counter: gen_ai_server_tokens_total{token_type="output"}
          events: gen_ai_server_requests_total{status=~"ok|error"}
)";

struct Counts {
  double ok_a = 0, err_a = 0, cancelled_a = 0, ok_b = 0;
  double chat_count = 0, chat_le_2_5 = 0, chat_le_1 = 0, other_count = 0, other_le_2_5 = 0;
  double tokens = 0;
  bool with_error_series = true;
};

// A scrape of slokit's instrumentation library, in the text format.
std::string Render(const Counts& c) {
  auto n = [](double v) { return std::to_string(v); };
  std::string t =
      "# TYPE gen_ai_server_requests_total counter\n"
      "gen_ai_server_requests_total{model=\"a\",status=\"ok\"} " + n(c.ok_a) + "\n" +
      (c.with_error_series ? "gen_ai_server_requests_total{model=\"a\",status=\"error\"} " + n(c.err_a) + "\n" : "") +
      "gen_ai_server_requests_total{model=\"a\",status=\"cancelled\"} " + n(c.cancelled_a) + "\n"
      "gen_ai_server_requests_total{model=\"b\",status=\"ok\"} " + n(c.ok_b) + "\n"
      "# TYPE gen_ai_server_time_to_first_token_seconds histogram\n";
  struct Series { const char* endpoint; double le1, le25, count; };
  for (Series s : {Series{"/v1/chat/completions", c.chat_le_1, c.chat_le_2_5, c.chat_count},
                   Series{"/v1/completions", 0, c.other_le_2_5, c.other_count}}) {
    std::string l = std::string("endpoint=\"") + s.endpoint + "\",model=\"a\"";
    t += "gen_ai_server_time_to_first_token_seconds_bucket{" + l + ",le=\"1.0\"} " + n(s.le1) + "\n";
    t += "gen_ai_server_time_to_first_token_seconds_bucket{" + l + ",le=\"2.5\"} " + n(s.le25) + "\n";
    t += "gen_ai_server_time_to_first_token_seconds_bucket{" + l + ",le=\"+Inf\"} " + n(s.count) + "\n";
    t += "gen_ai_server_time_to_first_token_seconds_count{" + l + "} " + n(s.count) + "\n";
  }
  t += "gen_ai_server_tokens_total{model=\"a\",token_type=\"output\"} " + n(c.tokens) + "\n";
  t += "gen_ai_server_tokens_total{model=\"a\",token_type=\"input\"} " + n(c.tokens * 10) + "\n";
  return t;
}

class ScrapeSliTest : public ::testing::Test {
 protected:
  ScrapeSliTest() : spec_(MustLoad(kSpec)), evaluator_(spec_) {
    Status s = ScrapeSli::Create(spec_, {}, &sli_);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  void Scrape(TimeNs at, const Counts& c) { ScrapeInto(sli_.get(), &evaluator_, at, c); }
  static void ScrapeInto(ScrapeSli* sli, Evaluator* evaluator, TimeNs at, const Counts& c) {
    promtext::Exposition x;
    Status s = promtext::ParseExposition(Render(c), promtext::Format::kAuto, &x);
    ASSERT_TRUE(s.ok()) << s.ToString();
    sli->Observe(at, x, evaluator);
  }
  // A new object given `saved`, as a restarted daemon makes it (null on failure).
  std::unique_ptr<ScrapeSli> Restored(const std::string& saved) {
    std::unique_ptr<ScrapeSli> sli;
    if (!ScrapeSli::Create(spec_, {}, &sli).ok() || !sli->RestoreBaseline(saved).ok()) return nullptr;
    return sli;
  }
  SlotCounts At(size_t slo, int64_t slot, const std::string& cohort = "all") {
    for (size_t c = 0; c < evaluator_.cohort_count(slo); ++c) {
      if (evaluator_.cohort_name(slo, c) == cohort) return evaluator_.slots(slo, c).at(slot);
    }
    return {};
  }
  double SumAt(size_t slo, int64_t slot) { return evaluator_.slots(slo, 0).sum_at(slot); }

  Spec spec_;
  Evaluator evaluator_;
  std::unique_ptr<ScrapeSli> sli_;
  const int64_t slot0_ = kT0 / kMinute;
};

TEST_F(ScrapeSliTest, FirstScrapeOnlySetsBaselines) {
  Scrape(kT0 + 5 * kSecond, {.ok_a = 100, .err_a = 2, .cancelled_a = 7, .ok_b = 50, .chat_count = 10, .tokens = 900});
  EXPECT_EQ(evaluator_.data_end(), 0);
  EXPECT_EQ(sli_->stats().scrapes, 1u);
  EXPECT_TRUE(sli_->stats().warnings.empty()) << sli_->stats().warnings[0];
}

TEST_F(ScrapeSliTest, RatioFromCounterIncreasesWithCohorts) {
  Scrape(kT0 + 5 * kSecond, {.ok_a = 100, .err_a = 2, .cancelled_a = 7, .ok_b = 50});
  Scrape(kT0 + 50 * kSecond, {.ok_a = 140, .err_a = 5, .cancelled_a = 20, .ok_b = 60});
  // valid = ok + error (cancelled excluded by the selector): 40 + 3 + 10; bad = 3.
  SlotCounts all = At(0, slot0_);
  EXPECT_EQ(all.valid, 53u);
  EXPECT_EQ(all.good, 50u);
  EXPECT_EQ(At(0, slot0_, "a").valid, 43u);
  EXPECT_EQ(At(0, slot0_, "a").good, 40u);
  EXPECT_EQ(At(0, slot0_, "b").valid, 10u);
  EXPECT_EQ(At(0, slot0_, "b").good, 10u);
}

TEST_F(ScrapeSliTest, CounterResetInTheMiddle) {
  Scrape(kT0 + 5 * kSecond, {.ok_a = 100, .err_a = 2});
  Scrape(kT0 + 65 * kSecond, {.ok_a = 130, .err_a = 2});   // slot 0..1: +30 ok
  Scrape(kT0 + 125 * kSecond, {.ok_a = 8, .err_a = 1});    // restarted: +8 ok, +1 error
  Scrape(kT0 + 185 * kSecond, {.ok_a = 20, .err_a = 1});   // +12 ok
  EXPECT_EQ(sli_->stats().resets, 2u);
  uint64_t valid = 0, good = 0;
  for (int64_t s = slot0_; s < slot0_ + 4; ++s) {
    valid += At(0, s).valid;
    good += At(0, s).good;
  }
  EXPECT_EQ(valid, 30u + 9u + 12u);
  EXPECT_EQ(good, 30u + 8u + 12u);
  // Slot 1 holds the last 5 s of (5 s, 65 s] (30 x 5/60 = 2.5: 28 went to slot 0, 2 here) and
  // 55 s of the restarted interval (65 s, 125 s] (9 x 55/60 = 8.25: 8).
  EXPECT_EQ(At(0, slot0_).valid, 28u);
  EXPECT_EQ(At(0, slot0_ + 1).valid, 10u);
}

TEST_F(ScrapeSliTest, LatencyReadsTheThresholdBucketOfSelectedSeries) {
  Scrape(kT0 + 5 * kSecond, {.chat_count = 10, .chat_le_2_5 = 9, .other_count = 100, .other_le_2_5 = 0});
  Scrape(kT0 + 55 * kSecond, {.chat_count = 30, .chat_le_2_5 = 25, .chat_le_1 = 20, .other_count = 200});
  SlotCounts c = At(1, slot0_);
  EXPECT_EQ(c.valid, 20u);  // only endpoint="/v1/chat/completions"
  EXPECT_EQ(c.good, 16u);
  // The percentile SLO reads every endpoint at le="1.0": 20 of 120.
  EXPECT_EQ(At(2, slot0_).valid, 120u);
  EXPECT_EQ(At(2, slot0_).good, 20u);
}

TEST_F(ScrapeSliTest, ThroughputSumsTheCounterAndCountsEvents) {
  Scrape(kT0 + 5 * kSecond, {.ok_a = 10, .err_a = 1, .cancelled_a = 1, .tokens = 1000});
  Scrape(kT0 + 55 * kSecond, {.ok_a = 20, .err_a = 2, .cancelled_a = 9, .tokens = 1600});
  EXPECT_DOUBLE_EQ(SumAt(3, slot0_), 600);
  EXPECT_EQ(At(3, slot0_).valid, 11u);  // ok and error, not cancelled (status=~"ok|error")
}

TEST_F(ScrapeSliTest, SeriesBornAfterTheFirstScrapeCountFromZero) {
  Scrape(kT0 + 5 * kSecond, {.ok_a = 100, .with_error_series = false});
  Scrape(kT0 + 50 * kSecond, {.ok_a = 110, .err_a = 3});
  EXPECT_EQ(At(0, slot0_).valid, 13u);
  EXPECT_EQ(At(0, slot0_).good, 10u);
}

TEST_F(ScrapeSliTest, IncreasesAreSpreadOverSlotsInProportion) {
  Scrape(kT0 + 30 * kSecond, {.ok_a = 0});
  Scrape(kT0 + 150 * kSecond, {.ok_a = 120, .err_a = 12});  // (30 s, 150 s]: 30 s, 60 s, 30 s
  EXPECT_EQ(At(0, slot0_).valid, 33u);
  EXPECT_EQ(At(0, slot0_ + 1).valid, 66u);
  EXPECT_EQ(At(0, slot0_ + 2).valid, 33u);
  EXPECT_EQ(At(0, slot0_).good + At(0, slot0_ + 1).good + At(0, slot0_ + 2).good, 120u);
}

TEST_F(ScrapeSliTest, OutOfOrderScrapesAreIgnored) {
  Scrape(kT0 + 50 * kSecond, {.ok_a = 100});
  Scrape(kT0 + 40 * kSecond, {.ok_a = 200});
  EXPECT_EQ(sli_->stats().ignored_out_of_order, 1u);
  Scrape(kT0 + 55 * kSecond, {.ok_a = 110});
  EXPECT_EQ(At(0, slot0_).valid, 10u);
}

TEST_F(ScrapeSliTest, ASeriesListedTwiceCountsOnce) {
  Scrape(kT0, {.ok_a = 10});
  promtext::Exposition x;
  ASSERT_TRUE(promtext::ParseExposition(Render({.ok_a = 20}) + "gen_ai_server_requests_total{model=\"a\",status=\"ok\"} 500\n",
                                        promtext::Format::kAuto, &x).ok());
  sli_->Observe(kT0 + 30 * kSecond, x, &evaluator_);
  EXPECT_EQ(At(0, slot0_).valid, 10u);
  EXPECT_EQ(sli_->stats().warnings.size(), 2u);  // seen by availability's total and the events term
}

TEST_F(ScrapeSliTest, WarnsWhenABindingMatchesNothing) {
  Scrape(kT0, {});
  promtext::Exposition empty;
  ASSERT_TRUE(promtext::ParseExposition("other_metric 1\n", promtext::Format::kAuto, &empty).ok());
  sli_->Observe(kT0 + kMinute, empty, &evaluator_);
  ASSERT_FALSE(sli_->stats().warnings.empty());
  EXPECT_EQ(sli_->stats().warnings[0],
            "availability: total gen_ai_server_requests_total{status!=\"cancelled\"} matched no series");
}

TEST_F(ScrapeSliTest, ARestoredBaselineCountsTheIncreaseAcrossARestart) {
  Scrape(kT0 + 5 * kSecond, {.ok_a = 100, .err_a = 2, .cancelled_a = 7, .ok_b = 50, .chat_count = 10, .tokens = 900});
  Scrape(kT0 + 50 * kSecond, {.ok_a = 140, .err_a = 5, .cancelled_a = 20, .ok_b = 60, .chat_count = 30, .tokens = 1000});
  const std::string saved = sli_->SaveBaseline();
  // What an object that never stopped counts next, against a restarted one given the baseline.
  Scrape(kT0 + 110 * kSecond, {.ok_a = 200, .err_a = 9, .cancelled_a = 20, .ok_b = 70, .chat_count = 50, .tokens = 1500});
  Evaluator restarted(spec_);
  std::unique_ptr<ScrapeSli> sli = Restored(saved);
  ASSERT_NE(sli, nullptr);
  ScrapeInto(sli.get(), &restarted, kT0 + 110 * kSecond,
             {.ok_a = 200, .err_a = 9, .cancelled_a = 20, .ok_b = 70, .chat_count = 50, .tokens = 1500});
  for (size_t slo = 0; slo < spec_.slos.size(); ++slo) {
    for (int64_t slot = slot0_ + 1; slot <= slot0_ + 2; ++slot) {
      SCOPED_TRACE(spec_.slos[slo].name + " slot " + std::to_string(slot - slot0_));
      EXPECT_EQ(restarted.slots(slo, 0).at(slot).valid, evaluator_.slots(slo, 0).at(slot).valid);
      EXPECT_EQ(restarted.slots(slo, 0).at(slot).good, evaluator_.slots(slo, 0).at(slot).good);
      EXPECT_EQ(restarted.slots(slo, 0).sum_at(slot), evaluator_.slots(slo, 0).sum_at(slot));
    }
  }
  EXPECT_GT(restarted.slots(0, 0).at(slot0_ + 1).valid, 0u);
  EXPECT_EQ(sli->SaveBaseline(), sli_->SaveBaseline());  // the same values after the same scrape
}

TEST_F(ScrapeSliTest, BindingsTheSavedBaselineLackedStartFromTheirFirstScrape) {
  Scrape(kT0 + 5 * kSecond, {.ok_a = 100, .err_a = 2, .ok_b = 50, .chat_count = 10, .tokens = 900});
  Scrape(kT0 + 50 * kSecond, {.ok_a = 140, .err_a = 5, .ok_b = 60, .chat_count = 30, .tokens = 1000});
  // Keep only the availability SLO's terms in the saved baseline, as if the others were added
  // to the spec after it was saved.
  std::string saved;
  const std::string all = sli_->SaveBaseline();
  std::string_view in = all;
  for (size_t end; !in.empty(); in.remove_prefix(end + 1)) {
    end = in.find('\n');
    std::string_view line = in.substr(0, end);
    if (line.rfind("term ", 0) == 0 && line.find("gen_ai_server_requests_total") == std::string_view::npos) continue;
    saved.append(line) += '\n';
  }
  Evaluator restarted(spec_);
  std::unique_ptr<ScrapeSli> sli = Restored(saved);
  ASSERT_NE(sli, nullptr);
  auto observe = [&](TimeNs at, const Counts& c) { ScrapeInto(sli.get(), &restarted, at, c); };
  observe(kT0 + 110 * kSecond, {.ok_a = 200, .err_a = 9, .ok_b = 70, .chat_count = 50, .tokens = 1500});
  // Availability counts the increase since the saved scrape: 60 ok and 4 errors of model a, 10 ok of b.
  EXPECT_EQ(restarted.slots(0, 0).at(slot0_).valid + restarted.slots(0, 0).at(slot0_ + 1).valid, 74u);
  EXPECT_EQ(restarted.slots(0, 0).at(slot0_).good + restarted.slots(0, 0).at(slot0_ + 1).good, 70u);
  EXPECT_EQ(restarted.slots(1, 0).at(slot0_ + 1).valid, 0u);  // ttft: a baseline only, not 50 requests
  EXPECT_EQ(restarted.slots(3, 0).sum_at(slot0_ + 1), 0);     // tokens: likewise
  observe(kT0 + 170 * kSecond, {.ok_a = 200, .err_a = 9, .ok_b = 70, .chat_count = 65, .tokens = 1600});
  EXPECT_EQ(restarted.slots(1, 0).at(slot0_ + 1).valid + restarted.slots(1, 0).at(slot0_ + 2).valid, 15u);
}

TEST_F(ScrapeSliTest, AScrapeBeforeTheRestoredOneIsABaselineNotIgnored) {
  Scrape(kT0 + 5 * kMinute, {.ok_a = 100, .err_a = 2});
  Scrape(kT0 + 6 * kMinute, {.ok_a = 140, .err_a = 5});
  const std::string saved = sli_->SaveBaseline();
  Evaluator restarted(spec_);
  std::unique_ptr<ScrapeSli> sli = Restored(saved);
  ASSERT_NE(sli, nullptr);
  auto observe = [&](TimeNs at, const Counts& c) { ScrapeInto(sli.get(), &restarted, at, c); };
  observe(kT0 + 2 * kMinute, {.ok_a = 150, .err_a = 5});  // the clock went back 4 minutes
  EXPECT_EQ(restarted.data_end(), 0);
  EXPECT_EQ(sli->stats().ignored_out_of_order, 0u);
  observe(kT0 + 3 * kMinute, {.ok_a = 160, .err_a = 6});
  EXPECT_EQ(restarted.slots(0, 0).at(slot0_ + 2).valid, 11u);
  EXPECT_EQ(restarted.slots(0, 0).at(slot0_ + 2).good, 10u);
  observe(kT0 + 150 * kSecond, {.ok_a = 170, .err_a = 6});  // later, out of order again: ignored
  EXPECT_EQ(sli->stats().ignored_out_of_order, 1u);
}

TEST_F(ScrapeSliTest, AMalformedBaselineIsRefusedAndChangesNothing) {
  for (std::string bad : {"", "slokit-scrape-baseline 2\nat 1\n", "slokit-scrape-baseline 1\nat x\n",
                          "slokit-scrape-baseline 1\nat 5\nseries 99:abc 1\n", "slokit-scrape-baseline 1\nat 5\nnope\n"}) {
    EXPECT_FALSE(sli_->RestoreBaseline(bad).ok()) << bad;
  }
  EXPECT_EQ(sli_->SaveBaseline(), "");
  Scrape(kT0 + 5 * kSecond, {.ok_a = 100});
  EXPECT_EQ(evaluator_.data_end(), 0);  // still a first scrape
}

TEST(ScrapeSliSetupTest, RefusesWhatScrapesCannotMeasure) {
  Spec spec = MustLoad(R"(
service: s
slos:
  - name: p95-between-buckets
    objective: 99
    window: 7d
    sli:
      percentile:
        field: ttft_ms
        unit: ms
        p: 95
        threshold: 2s
        prometheus: {histogram: gen_ai_server_time_to_first_token_seconds}
  - name: unbound
    objective: 99
    window: 7d
    sli: {ratio: {good: status < 500}}
  - name: bound
    objective: 99
    window: 7d
    sli:
      ratio:
        good: status < 500
        prometheus:
          good: req_total{code!~"5.."}
          total: req_total
)");
  std::unique_ptr<ScrapeSli> sli;
  Status s = ScrapeSli::Create(spec, {}, &sli);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "slo p95-between-buckets cannot be measured from scrapes: its threshold is between two bucket "
            "boundaries of gen_ai_server_time_to_first_token_seconds: only histogram_quantile could estimate the "
            "percentile, scrapes give exact bucket counts; use a boundary as the threshold");
  ASSERT_TRUE(ScrapeSli::Create(spec, {.skip_unmeasurable = true}, &sli).ok());
  ASSERT_EQ(sli->skipped().size(), 2u);
  EXPECT_EQ(sli->skipped()[1], "unbound: no prometheus binding names the series that measure it");
  EXPECT_FALSE(sli->measures(0));
  EXPECT_FALSE(sli->measures(1));
  EXPECT_TRUE(sli->measures(2));

  // The regex matcher is anchored, as in PromQL: 5.. matches 503, not 1503.
  Evaluator ev(spec);
  promtext::Exposition x;
  ASSERT_TRUE(promtext::ParseExposition("req_total{code=\"200\"} 10\nreq_total{code=\"503\"} 1\n"
                                        "req_total{code=\"1503\"} 1\n", promtext::Format::kAuto, &x).ok());
  sli->Observe(kT0, x, &ev);
  ASSERT_TRUE(promtext::ParseExposition("req_total{code=\"200\"} 20\nreq_total{code=\"503\"} 3\n"
                                        "req_total{code=\"1503\"} 4\n", promtext::Format::kAuto, &x).ok());
  sli->Observe(kT0 + 30 * kSecond, x, &ev);
  EXPECT_EQ(ev.slots(2, 0).at(kT0 / kMinute).valid, 15u);
  EXPECT_EQ(ev.slots(2, 0).at(kT0 / kMinute).good, 13u);
}

}  // namespace
}  // namespace slokit
