// Prometheus bindings in the spec (src/spec/prometheus_binding.h): what each SLI kind accepts,
// and that every mistake is reported at file:line:column with the field's path.
#include <gtest/gtest.h>

#include "rules_test_util.h"
#include "spec/prometheus_binding.h"

namespace slokit {
namespace {

using rules::testing::LoadError;
using rules::testing::MustLoad;

// One SLO whose `sli:` mapping is `sli` (indented for the `sli:` key).
std::string SpecWith(const std::string& sli, const std::string& extra = "") {
  return "service: chat\n"
         "owners: {infra: sre, quality: ml}\n"
         "slos:\n"
         "  - name: s\n"
         "    objective: 99\n"
         "    window: 7d\n" +
         extra + "    sli:\n" + sli;
}

TEST(PromSelector, ParsesNameAndMatchersAndRendersThemCanonically) {
  PromSelector s;
  std::string error;
  int column = 0;
  ASSERT_TRUE(ParsePromSelector(
      "gen_ai_server_requests_total{ status != 'cancelled', model=~\"llama.*\" ,}", true, &s,
      &error, &column))
      << error;
  EXPECT_EQ(s.metric, "gen_ai_server_requests_total");
  ASSERT_EQ(s.matchers.size(), 2u);
  EXPECT_EQ(s.matchers[0].op, "!=");
  EXPECT_EQ(s.Render(), "gen_ai_server_requests_total{status!=\"cancelled\",model=~\"llama.*\"}");
  EXPECT_EQ(s.Render({{"le", "=", "0.5"}}),
            "gen_ai_server_requests_total{status!=\"cancelled\",model=~\"llama.*\",le=\"0.5\"}");
  ASSERT_TRUE(ParsePromSelector("x{path=\"a\\\"b\\\\c\"}", true, &s, &error, &column));
  EXPECT_EQ(s.matchers[0].value, "a\"b\\c");
  EXPECT_EQ(s.Render(), "x{path=\"a\\\"b\\\\c\"}");
  ASSERT_TRUE(ParsePromSelector("job:requests:rate5m", true, &s, &error, &column));
  EXPECT_TRUE(s.matchers.empty());
}

TEST(PromSelector, RejectsWhatIsNotASeriesSelector) {
  struct Case {
    const char* text;
    const char* message;
    int column;
  };
  for (const Case& c : {
           Case{"requests_total{status==\"ok\"}", "use '=' to match a label", 22},
           Case{"requests_total{status=\"ok\"", "missing '}'", 26},
           Case{"requests_total{status=ok}", "expected a quoted value after status=", 23},
           Case{"rate(requests_total[5m])", "not a PromQL expression", 5},
           Case{"requests_total[5m]", "no range here", 15},
           Case{"{status=\"ok\"}", "expected a metric name", 1},
           Case{"requests_total{2xx=\"ok\"}", "expected a label name", 16},
           Case{"requests_total{a=\"b\"} offset 5m", "unexpected text after the selector", 23},
           Case{"", "expected a metric name", 1},
       }) {
    PromSelector s;
    std::string error;
    int column = 0;
    EXPECT_FALSE(ParsePromSelector(c.text, true, &s, &error, &column)) << c.text;
    EXPECT_NE(error.find(c.message), std::string::npos) << c.text << ": " << error;
    EXPECT_EQ(column, c.column) << c.text << ": " << error;
  }
}

TEST(PrometheusBinding, SpecsWithoutBindingsStillLoad) {
  Spec spec = MustLoad(SpecWith("      ratio: {good: status < 500}\n"));
  EXPECT_FALSE(spec.slos[0].sli.prometheus.defined);
}

TEST(PrometheusBinding, RatioTakesGoodOrBadOverTotal) {
  Spec spec =
      MustLoad(SpecWith("      ratio:\n"
                        "        good: status < 500\n"
                        "        prometheus:\n"
                        "          good: 'requests_total{status=\"ok\"}'\n"
                        "          total: 'requests_total{status!=\"cancelled\"}'\n"
                        "          by: [model, region]\n"));
  const PrometheusBinding& b = spec.slos[0].sli.prometheus;
  EXPECT_TRUE(b.defined);
  EXPECT_EQ(b.good.Render(), "requests_total{status=\"ok\"}");
  EXPECT_TRUE(b.bad.empty());
  EXPECT_EQ(b.total.Render(), "requests_total{status!=\"cancelled\"}");
  EXPECT_EQ(b.by, (std::vector<std::string>{"model", "region"}));

  spec = MustLoad(SpecWith(
      "      ratio:\n"
      "        good: status < 500\n"
      "        prometheus: {bad: 'requests_total{status=\"error\"}', total: requests_total}\n"));
  EXPECT_EQ(spec.slos[0].sli.prometheus.bad.Render(), "requests_total{status=\"error\"}");
  EXPECT_TRUE(spec.slos[0].sli.prometheus.good.empty());
}

TEST(PrometheusBinding, ErrorsNameFileLineColumnAndField) {
  // Both good and bad.
  EXPECT_EQ(
      LoadError(SpecWith("      ratio:\n"
                         "        good: status < 500\n"
                         "        prometheus: {good: a_total, bad: b_total, total: c_total}\n")),
      "t.yaml:10:21: slos[0].sli.ratio.prometheus: give either good (a counter of good events) or "
      "bad (a counter "
      "of bad events), with total");
  // A selector mistake points into the string (column of the second '=').
  EXPECT_EQ(LoadError(SpecWith("      ratio:\n"
                               "        good: status < 500\n"
                               "        prometheus:\n"
                               "          good: 'requests_total{status==\"ok\"}'\n"
                               "          total: requests_total\n")),
            "t.yaml:11:39: slos[0].sli.ratio.prometheus.good: use '=' to match a label (PromQL has "
            "no '==')");
  // A missing key names the map that should hold it.
  EXPECT_EQ(LoadError(SpecWith("      ratio:\n"
                               "        good: status < 500\n"
                               "        prometheus: {good: a_total}\n")),
            "t.yaml:10:21: slos[0].sli.ratio.prometheus: missing required field 'total'");
  // An unknown key, with a suggestion.
  std::string e =
      LoadError(SpecWith("      ratio:\n"
                         "        good: status < 500\n"
                         "        prometheus: {good: a_total, totl: b_total}\n"));
  EXPECT_NE(e.find("t.yaml:10:37: slos[0].sli.ratio.prometheus.totl: unknown field 'totl' (did you "
                   "mean 'total'?)"),
            std::string::npos)
      << e;
  // Labels slokit sets itself cannot be `by` labels.
  e = LoadError(
      SpecWith("      ratio:\n"
               "        good: status < 500\n"
               "        prometheus: {good: a_total, total: b_total, by: [model, slo]}\n"));
  EXPECT_NE(e.find("slos[0].sli.ratio.prometheus.by[1]: 'slo' is a label slokit sets itself"),
            std::string::npos)
      << e;
}

TEST(PrometheusBinding, LatencyThresholdMustBeABucketBoundaryListingTheBoundaries) {
  // slokit's own TTFT histogram has no 2 s bucket (docs/metrics.md).
  std::string e = LoadError(
      SpecWith("      latency:\n"
               "        field: ttft_ms\n"
               "        unit: ms\n"
               "        threshold: 2s\n"
               "        prometheus: {histogram: gen_ai_server_time_to_first_token_seconds}\n"));
  EXPECT_NE(e.find("t.yaml:12:21: slos[0].sli.latency.prometheus: the threshold 2 s is not a "
                   "bucket boundary of "
                   "gen_ai_server_time_to_first_token_seconds (0.005, 0.01, 0.025, 0.05, 0.1, "
                   "0.25, 0.5, 1, 2.5; from "
                   "slokit's default buckets"),
            std::string::npos)
      << e;
  // Buckets given in the binding, in the histogram's own unit.
  e =
      LoadError(SpecWith("      latency:\n"
                         "        field: ttft_ms\n"
                         "        threshold: 300ms\n"
                         "        prometheus: {histogram: ttft_milliseconds, unit: ms, buckets: "
                         "[100, 250, 500, +Inf]}\n"));
  EXPECT_NE(e.find("the threshold 300 ms is not a bucket boundary of ttft_milliseconds (100, 250, "
                   "500; from the buckets "
                   "given here)"),
            std::string::npos)
      << e;
  Spec spec =
      MustLoad(SpecWith("      latency:\n"
                        "        field: ttft_ms\n"
                        "        threshold: 250ms\n"
                        "        prometheus:\n"
                        "          histogram: ttft_milliseconds\n"
                        "          selector: '{endpoint=\"/v1/chat\"}'\n"
                        "          unit: ms\n"
                        "          buckets: [100, 250, 500]\n"));
  const PrometheusBinding& b = spec.slos[0].sli.prometheus;
  EXPECT_EQ(b.le, "250");
  EXPECT_DOUBLE_EQ(b.threshold, 250);
  EXPECT_EQ(b.histogram.Render(), "ttft_milliseconds{endpoint=\"/v1/chat\"}");
  // Unknown buckets: the threshold is trusted to be a boundary.
  spec =
      MustLoad(SpecWith("      latency:\n"
                        "        field: itl_ms\n"
                        "        threshold: 100ms\n"
                        "        prometheus: {histogram: vllm:inter_token_latency_seconds}\n"));
  EXPECT_EQ(spec.slos[0].sli.prometheus.le, "0.1");
  EXPECT_TRUE(spec.slos[0].sli.prometheus.buckets.empty());
  // A namespace prefix still finds slokit's default buckets.
  EXPECT_EQ(KnownHistogramBuckets("llm_gen_ai_server_time_to_first_token_seconds").size(), 9u);
  EXPECT_TRUE(KnownHistogramBuckets("xgen_ai_server_time_to_first_token_seconds").empty());
}

TEST(PrometheusBinding, HistogramMistakes) {
  std::string e =
      LoadError(SpecWith("      latency:\n"
                         "        field: ttft_ms\n"
                         "        threshold: 1s\n"
                         "        prometheus: {histogram: ttft_seconds_bucket}\n"));
  EXPECT_NE(e.find("slos[0].sli.latency.prometheus.histogram: name the histogram without "
                   "'_bucket': ttft_seconds"),
            std::string::npos)
      << e;
  e = LoadError(
      SpecWith("      latency:\n"
               "        field: ttft_ms\n"
               "        threshold: 1s\n"
               "        prometheus: {histogram: ttft_seconds, selector: '{le=\"1\"}'}\n"));
  EXPECT_NE(e.find("do not match 'le'"), std::string::npos) << e;
  e =
      LoadError(SpecWith("      latency:\n"
                         "        field: ttft_ms\n"
                         "        threshold: 1s\n"
                         "        prometheus: {histogram: ttft_seconds, unit: minutes}\n"));
  EXPECT_NE(e.find("slos[0].sli.latency.prometheus.unit: unknown unit 'minutes'"),
            std::string::npos)
      << e;
  e =
      LoadError(SpecWith("      latency:\n"
                         "        field: ttft_ms\n"
                         "        threshold: 1s\n"
                         "        prometheus: {histogram: ttft_seconds, buckets: [1, 0.5]}\n"));
  EXPECT_NE(
      e.find("slos[0].sli.latency.prometheus.buckets[1]: bucket boundaries must be increasing"),
      std::string::npos)
      << e;
}

TEST(PrometheusBinding, PercentileUsesTheBucketWhenItCanAndHistogramQuantileOtherwise) {
  std::string sli =
      "      percentile:\n"
      "        field: ttft_ms\n"
      "        unit: ms\n"
      "        p: 95\n"
      "        threshold: {T}\n"
      "        prometheus: {histogram: gen_ai_server_time_to_first_token_seconds}\n";
  auto with = [&](const std::string& t) {
    std::string s = sli;
    s.replace(s.find("{T}"), 3, t);
    return SpecWith(s);
  };
  Spec spec = MustLoad(with("2.5s"));
  EXPECT_TRUE(spec.slos[0].sli.prometheus.threshold_is_boundary);
  spec = MustLoad(with("2s"));
  EXPECT_FALSE(spec.slos[0].sli.prometheus.threshold_is_boundary);
  std::string e = LoadError(with("3s"));
  EXPECT_NE(e.find("above the last finite bucket boundary"), std::string::npos) << e;
}

TEST(PrometheusBinding, CompositeBindingSitsBesideTheList) {
  Spec spec =
      MustLoad(SpecWith("      composite:\n"
                        "        - good: status < 500\n"
                        "        - quality: {field: score, min: 0.5}\n"
                        "      prometheus:\n"
                        "        good: requests_good_total\n"
                        "        total: 'requests_total{status!=\"cancelled\"}'\n"));
  EXPECT_EQ(spec.slos[0].sli.kind, SliKind::kComposite);
  EXPECT_EQ(spec.slos[0].sli.prometheus.good.Render(), "requests_good_total");
  // Beside the kind works for every kind.
  spec = MustLoad(
      SpecWith("      quality: {flag: hallucination}\n"
               "      prometheus: {bad: 'evals_total{result=\"fail\"}', total: evals_total}\n"));
  EXPECT_EQ(spec.slos[0].sli.prometheus.bad.metric, "evals_total");

  std::string e = LoadError(
      SpecWith("      composite:\n"
               "        - good: status < 500\n"
               "        - latency: {field: e2e_ms, threshold: 30s, prometheus: {histogram: x}}\n"));
  EXPECT_NE(e.find("slos[0].sli.composite[1].latency.prometheus: a composite SLI's binding goes "
                   "beside the list"),
            std::string::npos)
      << e;
  e =
      LoadError(SpecWith("      ratio:\n"
                         "        good: status < 500\n"
                         "        prometheus: {good: a_total, total: b_total}\n"
                         "      prometheus: {good: a_total, total: b_total}\n"));
  EXPECT_NE(e.find("slos[0].sli.prometheus: give the prometheus binding once"), std::string::npos)
      << e;
  e = LoadError(SpecWith("      prometheus: {good: a_total, total: b_total}\n"));
  EXPECT_NE(e.find("expected exactly one SLI kind"), std::string::npos) << e;
}

TEST(PrometheusBinding, ThroughputTakesACounterAndOptionallyAnEventCounter) {
  Spec spec =
      MustLoad(SpecWith("      throughput:\n"
                        "        field: completion_tokens\n"
                        "        min: 5\n"
                        "        prometheus:\n"
                        "          counter: 'tokens_total{token_type=\"output\"}'\n"
                        "          events: 'requests_total{status=\"ok\"}'\n"));
  const PrometheusBinding& b = spec.slos[0].sli.prometheus;
  EXPECT_EQ(b.counter.Render(), "tokens_total{token_type=\"output\"}");
  EXPECT_EQ(b.events.Render(), "requests_total{status=\"ok\"}");
  std::string e =
      LoadError(SpecWith("      throughput:\n"
                         "        field: completion_tokens\n"
                         "        min: 5\n"
                         "        prometheus: {histogram: x}\n"));
  EXPECT_NE(e.find("unknown field 'histogram'"), std::string::npos) << e;
}

TEST(PrometheusBinding, TheExampleBindsEverySloAndValidatesWithoutWarnings) {
  Spec spec;
  std::vector<Diagnostic> warnings;
  Status s = LoadSpecFile(std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml", &spec,
                          &warnings);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(warnings.empty()) << warnings[0].ToString();
  for (const Slo& slo : spec.slos) EXPECT_TRUE(slo.sli.prometheus.defined) << slo.name;
}

}  // namespace
}  // namespace slokit
