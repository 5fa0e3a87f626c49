#include "io/prometheus_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "slokit/metrics/exposition.h"
#include "slokit/metrics/inference.h"
#include "slokit/metrics/registry.h"

namespace slokit::promtext {
namespace {

Exposition MustParse(std::string_view text, Format format = Format::kAuto) {
  Exposition x;
  Status s = ParseExposition(text, format, &x);
  EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << text;
  return x;
}

std::string ParseError(std::string_view text, Format format = Format::kAuto) {
  Exposition x;
  Status s = ParseExposition(text, format, &x);
  EXPECT_FALSE(s.ok()) << text;
  return s.message();
}

// "name{a=x,b=y}" with the parsed (sorted, unescaped) labels: a compact form for comparisons.
std::string Key(const Exposition& x, const Sample& s) {
  std::string k(s.name);
  k += '{';
  bool first = true;
  for (const Label& l : x.labels(s)) {
    if (!first) k += ',';
    first = false;
    k += std::string(l.name) + "=" + std::string(l.value);
  }
  return k + '}';
}

TEST(PrometheusTextTest, TextFormatBasics) {
  Exposition x = MustParse(
      "# HELP http_requests_total The total number of HTTP requests.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
      "\n"
      "# A normal comment.\n"
      "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
      "metric_without_timestamp_and_labels 12.47\n"
      "something_weird{problem=\"division by zero\"} +Inf -3982045\n"
      "nan_value NaN\n"
      "  indented{a=\"1\",} \t -Inf\n");
  EXPECT_EQ(x.format(), Format::kPrometheusText);
  ASSERT_EQ(x.samples().size(), 7u);
  const auto& s = x.samples();
  EXPECT_EQ(Key(x, s[0]), "http_requests_total{code=200,method=post}");  // sorted by name
  EXPECT_EQ(s[0].value, 1027);
  EXPECT_TRUE(s[0].has_timestamp);
  EXPECT_EQ(s[0].timestamp_ns, 1395066363000LL * 1000000);
  ASSERT_NE(x.FamilyOf(s[0]), nullptr);
  EXPECT_EQ(x.FamilyOf(s[0])->type, MetricType::kCounter);
  EXPECT_EQ(x.FamilyOf(s[0])->help, "The total number of HTTP requests.");
  EXPECT_EQ(s[1].value, 3);
  EXPECT_EQ(x.LabelValue(s[2], "path"), "C:\\DIR\\FILE.TXT");
  EXPECT_EQ(x.LabelValue(s[2], "error"), "Cannot find file:\n\"FILE.TXT\"");
  EXPECT_EQ(s[2].value, 1.458255915e9);
  EXPECT_EQ(x.FamilyOf(s[2]), nullptr);
  EXPECT_FALSE(s[3].has_timestamp);
  EXPECT_TRUE(std::isinf(s[4].value) && s[4].value > 0);
  EXPECT_EQ(s[4].timestamp_ns, -3982045LL * 1000000);
  EXPECT_TRUE(std::isnan(s[5].value));
  EXPECT_EQ(Key(x, s[6]), "indented{a=1}");
  EXPECT_TRUE(std::isinf(s[6].value) && s[6].value < 0);
  bool found = true;
  EXPECT_EQ(x.LabelValue(s[6], "missing", &found), "");
  EXPECT_FALSE(found);
}

TEST(PrometheusTextTest, HistogramAndSummaryFamilies) {
  Exposition x = MustParse(
      "# TYPE rpc_duration_seconds summary\n"
      "rpc_duration_seconds{quantile=\"0.5\"} 4773\n"
      "rpc_duration_seconds_sum 1.7560473e+07\n"
      "rpc_duration_seconds_count 2693\n"
      "# TYPE req_seconds histogram\n"
      "req_seconds_bucket{le=\"0.05\"} 24054\n"
      "req_seconds_bucket{le=\"+Inf\"} 144320\n"
      "req_seconds_sum 53423\n"
      "req_seconds_count 144320\n"
      "req_seconds_created 5\n");  // not a histogram sample in the text format
  ASSERT_EQ(x.samples().size(), 8u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(x.FamilyOf(x.samples()[i])->type, MetricType::kSummary) << i;
  for (size_t i = 3; i < 7; ++i) EXPECT_EQ(x.FamilyOf(x.samples()[i])->name, "req_seconds") << i;
  EXPECT_EQ(x.FamilyOf(x.samples()[7]), nullptr);
}

TEST(PrometheusTextTest, VllmMetrics) {
  // The shape of a vLLM /metrics page (Python prometheus_client, text format 0.0.4): names with
  // ':', `_created` exposed as separate gauges, `le` between other labels.
  const std::string m = "model_name=\"meta-llama/Llama-3.1-8B-Instruct\"";
  std::string text =
      "# HELP python_gc_objects_collected_total Objects collected during gc\n"
      "# TYPE python_gc_objects_collected_total counter\n"
      "python_gc_objects_collected_total{generation=\"0\"} 12833.0\n"
      "# HELP vllm:num_requests_running Number of requests in model execution batches.\n"
      "# TYPE vllm:num_requests_running gauge\n"
      "vllm:num_requests_running{engine=\"0\"," + m + "} 7.0\n"
      "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"
      "# TYPE vllm:num_requests_waiting gauge\n"
      "vllm:num_requests_waiting{engine=\"0\"," + m + "} 2.0\n"
      "# HELP vllm:request_success_total Count of successfully processed requests.\n"
      "# TYPE vllm:request_success_total counter\n"
      "vllm:request_success_total{engine=\"0\",finished_reason=\"stop\"," + m + "} 1520.0\n"
      "vllm:request_success_total{engine=\"0\",finished_reason=\"length\"," + m + "} 77.0\n"
      "vllm:request_success_total{engine=\"0\",finished_reason=\"abort\"," + m + "} 3.0\n"
      "# HELP vllm:request_success_created Count of successfully processed requests.\n"
      "# TYPE vllm:request_success_created gauge\n"
      "vllm:request_success_created{engine=\"0\",finished_reason=\"stop\"," + m + "} 1.7374e+09\n"
      "# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.\n"
      "# TYPE vllm:time_to_first_token_seconds histogram\n";
  for (const char* le : {"0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5",
                         "0.75", "1.0", "2.5", "5.0", "7.5", "10.0", "+Inf"}) {
    text += "vllm:time_to_first_token_seconds_bucket{engine=\"0\",le=\"" + std::string(le) + "\"," + m + "} " +
            (std::string(le) == "0.5" ? "1500.0" : "1600.0") + "\n";
  }
  text += "vllm:time_to_first_token_seconds_count{engine=\"0\"," + m + "} 1600.0\n"
          "vllm:time_to_first_token_seconds_sum{engine=\"0\"," + m + "} 190.25\n"
          "# HELP vllm:e2e_request_latency_seconds Histogram of end to end request latency in seconds.\n"
          "# TYPE vllm:e2e_request_latency_seconds histogram\n"
          "vllm:e2e_request_latency_seconds_bucket{engine=\"0\",le=\"0.3\"," + m + "} 12.0\n"
          "vllm:e2e_request_latency_seconds_bucket{engine=\"0\",le=\"+Inf\"," + m + "} 1600.0\n"
          "vllm:e2e_request_latency_seconds_count{engine=\"0\"," + m + "} 1600.0\n"
          "vllm:e2e_request_latency_seconds_sum{engine=\"0\"," + m + "} 5123.5\n";
  Exposition x = MustParse(text);
  std::map<std::string, double> by_key;
  for (const Sample& s : x.samples()) by_key[Key(x, s)] = s.value;
  const std::string lm = "model_name=meta-llama/Llama-3.1-8B-Instruct";
  EXPECT_EQ(by_key["vllm:num_requests_running{engine=0," + lm + "}"], 7);
  EXPECT_EQ(by_key["vllm:request_success_total{engine=0,finished_reason=abort," + lm + "}"], 3);
  EXPECT_EQ(by_key["vllm:time_to_first_token_seconds_bucket{engine=0,le=0.5," + lm + "}"], 1500);
  EXPECT_EQ(by_key["vllm:time_to_first_token_seconds_count{engine=0," + lm + "}"], 1600);
  size_t ttft = 0, created = 0;
  for (const Sample& s : x.samples()) {
    const Family* f = x.FamilyOf(s);
    ASSERT_NE(f, nullptr) << s.name;
    if (f->name == "vllm:time_to_first_token_seconds") {
      EXPECT_EQ(f->type, MetricType::kHistogram);
      ++ttft;
    }
    if (s.name == "vllm:request_success_created") {
      EXPECT_EQ(f->type, MetricType::kGauge);
      ++created;
    }
  }
  EXPECT_EQ(ttft, 19u);
  EXPECT_EQ(created, 1u);
}

TEST(PrometheusTextTest, OpenMetricsBasics) {
  Exposition x = MustParse(
      "# TYPE acme_http_router_request_seconds summary\n"
      "# UNIT acme_http_router_request_seconds seconds\n"
      "# HELP acme_http_router_request_seconds Latency though all of ACME's \\\"HTTP\\\" router.\n"
      "acme_http_router_request_seconds_sum{path=\"/api/v1\",method=\"GET\"} 9036.32\n"
      "acme_http_router_request_seconds_count{path=\"/api/v1\",method=\"GET\"} 807283.0\n"
      "acme_http_router_request_seconds_created{path=\"/api/v1\",method=\"GET\"} 1605281325.0\n"
      "# TYPE foo counter\n"
      "foo_total 17.0 1520879607.789 # {trace_id=\"KOO5S4vxi0o\"} 0.67\n"
      "foo_created 1520430000.123\n"
      "# TYPE build info\n"
      "build_info{version=\"1.2\"} 1\n"
      "no_metadata 3\n"
      "# EOF\n");
  EXPECT_EQ(x.format(), Format::kOpenMetrics);
  ASSERT_EQ(x.samples().size(), 7u);
  EXPECT_EQ(x.FamilyOf(x.samples()[2])->unit, "seconds");
  EXPECT_EQ(x.FamilyOf(x.samples()[3])->name, "foo");
  EXPECT_EQ(x.samples()[3].timestamp_ns, 1520879607789000000LL);
  EXPECT_EQ(x.samples()[3].label_count, 0u);  // the exemplar's labels are not the sample's
  EXPECT_EQ(x.FamilyOf(x.samples()[5])->type, MetricType::kInfo);
  EXPECT_EQ(x.FamilyOf(x.samples()[6]), nullptr);
  Exposition h = MustParse("# HELP a  two spaces\n# EOF\n");
  EXPECT_EQ(h.families()[0].help, " two spaces");
}

TEST(PrometheusTextTest, ErrorsNameLineAndColumn) {
  EXPECT_EQ(ParseError("a 1\nb{x=\"1\" 2\n"), "line 2, column 9: expected ',' or '}' after the label value");
  EXPECT_EQ(ParseError("a{x=\"\\q\"} 1\n"), "line 1, column 6: invalid escape sequence in label value (only \\\\, \\\" and \\n)");
  EXPECT_EQ(ParseError("a 1x\n"), "line 1, column 3: invalid value '1x'");
  EXPECT_EQ(ParseError("a{x=\"1\",x=\"2\"} 1\n"), "line 1, column 14: label x appears twice");
  EXPECT_EQ(ParseError("a 1 12.5\n"), "line 1, column 5: invalid timestamp (expected integer milliseconds)");
  EXPECT_EQ(ParseError("a 1\r\n"), "line 1, column 4: carriage return (lines must end with \\n alone)");
  EXPECT_EQ(ParseError("# TYPE a gauge\n# TYPE a counter\n"), "line 2, column 3: second TYPE line for a");
  EXPECT_EQ(ParseError("a 1\n# TYPE a gauge\n"), "line 2, column 8: metadata for a after its samples");
  EXPECT_EQ(ParseError("# TYPE a summaryy\n"), "line 1, column 10: unknown metric type 'summaryy'");
  EXPECT_EQ(ParseError("# TYPE h histogram\nh_bucket 1\n"), "line 2, column 1: h_bucket has no le label");
  EXPECT_EQ(ParseError("# TYPE h histogram\nh_bucket{le=\"x\"} 1\n"), "line 2, column 1: the le label of h_bucket is not a number");
  EXPECT_EQ(ParseError("9a 1\n"), "line 1, column 1: expected a metric name");
  EXPECT_EQ(ParseError("a{x=\"1\n"), "line 1, column 7: unterminated label value");
  EXPECT_EQ(ParseError("a 0x10\n"), "line 1, column 3: invalid value '0x10'");
  // OpenMetrics-only rules.
  const Format om = Format::kOpenMetrics;
  EXPECT_EQ(ParseError("a 1\n", om), "line 2, column 1: missing the final # EOF");
  EXPECT_EQ(ParseError("a  1\n# EOF\n", om), "line 1, column 3: more than one space");
  EXPECT_EQ(ParseError("a 1\n\n# EOF\n", om), "line 2, column 1: empty line");
  EXPECT_EQ(ParseError("# comment\n# EOF\n", om),
            "line 1, column 3: unknown comment (OpenMetrics allows only HELP, TYPE, UNIT and EOF)");
  EXPECT_EQ(ParseError("a{x=\"1\",} 1\n# EOF\n", om), "line 1, column 9: trailing comma in the label set");
  EXPECT_EQ(ParseError("# EOF\na 1\n", om), "line 2, column 1: content after # EOF");
  EXPECT_EQ(ParseError("# TYPE a counter\na_total 1\nb 1\na_created 2\n# EOF\n", om),
            "line 4, column 1: the samples of family a are not together");
  EXPECT_EQ(ParseError("# TYPE a counter\na 1\n# EOF\n", om), "line 2, column 1: a is not a sample name of its family's type");
  EXPECT_EQ(ParseError("# TYPE a gauge\na_total 1\n# EOF\n", om), "line 2, column 1: a_total is not a sample name of gauge family a");
  EXPECT_EQ(ParseError("# TYPE a_seconds gauge\n# UNIT a_seconds bytes\n# EOF\n", om),
            "line 2, column 18: the unit must be the last part of the family name (a_seconds)");
  EXPECT_EQ(ParseError("a 1 \n# EOF\n", om), "line 1, column 4: trailing space");
  EXPECT_EQ(ParseError("# TYPE a untyped\n# EOF\n", om), "line 1, column 10: unknown metric type 'untyped'");
}

TEST(PrometheusTextTest, AutoDetectsFormatAndContentType) {
  EXPECT_EQ(MustParse("# EOF").format(), Format::kOpenMetrics);
  EXPECT_EQ(MustParse("a 1\n# EOF\n").format(), Format::kOpenMetrics);
  EXPECT_EQ(MustParse("").format(), Format::kPrometheusText);
  EXPECT_EQ(MustParse("a 1").samples().size(), 1u);  // a missing final newline is tolerated
  EXPECT_EQ(FormatFromContentType("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            Format::kOpenMetrics);
  EXPECT_EQ(FormatFromContentType("Text/Plain; version=0.0.4"), Format::kPrometheusText);
  EXPECT_EQ(FormatFromContentType("application/json"), Format::kAuto);
}

TEST(PrometheusTextTest, MovedExpositionKeepsViews) {
  Exposition x = MustParse("a{b=\"c\\\"d\"} 1\n");  // shorter than any small-string buffer
  Exposition y = std::move(x);
  ASSERT_EQ(y.samples().size(), 1u);
  EXPECT_EQ(y.samples()[0].name, "a");
  EXPECT_EQ(y.LabelValue(y.samples()[0], "b"), "c\"d");
}

// Every sample our own writer renders reads back with the snapshot's values, in both formats.
TEST(PrometheusTextTest, ReadsOurOwnExposition) {
  namespace sm = slokit::metrics;
  sm::Registry registry;
  sm::InferenceMetrics llm(registry, {.namespace_ = "", .model = "llama \"3\"\\8b\n"});
  auto& chat = llm.Endpoint("/v1/chat/completions");
  auto t0 = sm::Clock::now();
  for (int i = 0; i < 20; ++i) {
    auto req = chat.StartRequest(t0);
    req.PromptTokens(100 + static_cast<uint64_t>(i));
    req.FirstToken(t0 + std::chrono::milliseconds(40 * i));
    req.Tokens(5, t0 + std::chrono::milliseconds(40 * i + 100));
    if (i % 7 == 0) req.Fail(sm::ErrorType::kOom, t0 + std::chrono::milliseconds(50 * i + 200));
    else req.Finish(sm::Outcome::kOk, t0 + std::chrono::milliseconds(50 * i + 200));
  }
  std::vector<sm::FamilySnapshot> families = registry.Collect();
  for (sm::Format f : {sm::Format::kPrometheusText, sm::Format::kOpenMetrics}) {
    const bool om = f == sm::Format::kOpenMetrics;
    SCOPED_TRACE(om ? "openmetrics" : "text");
    Exposition x = MustParse(sm::Serialize(families, f), FormatFromContentType(sm::ContentType(f)));
    // Buckets are keyed by their other labels and the numeric `le` (the writer prints 1 as 1.0).
    std::map<std::string, double> got;
    for (const Sample& s : x.samples()) {
      ASSERT_NE(x.FamilyOf(s), nullptr) << s.name;
      std::string k(s.name);
      k += '{';
      for (const Label& l : x.labels(s)) {
        if (l.name != "le") k += std::string(l.name) + "=" + std::string(l.value) + ",";
      }
      k += '}';
      if (s.name.ends_with("_bucket")) k += "le=" + std::to_string(std::stod(std::string(x.LabelValue(s, "le"))));
      EXPECT_TRUE(got.emplace(k, s.value).second) << "duplicate " << k;
    }
    size_t expected = 0;
    for (const sm::FamilySnapshot& fam : families) {
      for (const sm::SeriesSnapshot& series : fam.series) {
        std::map<std::string, std::string> labels;
        for (size_t i = 0; i < fam.label_names.size(); ++i) labels[fam.label_names[i]] = series.label_values[i];
        auto expect = [&](const std::string& name, double v, const std::string& le = "") {
          std::string k = name + "{";
          for (const auto& [n, lv] : labels) k += n + "=" + lv + ",";
          k += "}" + le;
          ++expected;
          auto it = got.find(k);
          ASSERT_NE(it, got.end()) << k;
          EXPECT_DOUBLE_EQ(it->second, v) << k;
        };
        switch (fam.type) {
          case sm::MetricType::kCounter:
            expect(fam.name + "_total", series.value);
            if (om) expect(fam.name + "_created", series.created);
            break;
          case sm::MetricType::kGauge:
            expect(fam.name, series.value);
            break;
          case sm::MetricType::kHistogram:
            for (size_t b = 0; b < series.buckets.size(); ++b) {
              double bound = b < fam.bounds.size() ? fam.bounds[b] : std::numeric_limits<double>::infinity();
              expect(fam.name + "_bucket", static_cast<double>(series.buckets[b]), "le=" + std::to_string(bound));
            }
            expect(fam.name + "_count", static_cast<double>(series.count()));
            expect(fam.name + "_sum", series.sum);
            if (om) expect(fam.name + "_created", series.created);
            break;
        }
      }
    }
    EXPECT_GT(expected, 100u);
    EXPECT_EQ(got.size(), expected);
  }
}

}  // namespace
}  // namespace slokit::promtext
