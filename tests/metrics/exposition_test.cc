#include "slokit/metrics/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "metrics/text_util.h"
#include "slokit/metrics/registry.h"

namespace slokit::metrics {
namespace {

std::vector<FamilySnapshot> Sample() {
  std::vector<FamilySnapshot> fs(3);
  fs[0].name = "http_requests";
  fs[0].help = "Requests \\ served.\nSecond line";
  fs[0].type = MetricType::kCounter;
  fs[0].label_names = {"method", "path"};
  fs[0].series.push_back(
      {.label_values = {"GET", "/a\"b\nc\\"}, .value = 3, .created = 1700000000.5});
  fs[1].name = "temp_ratio";
  fs[1].help = "Say \"hi\"";
  fs[1].unit = "ratio";
  fs[1].type = MetricType::kGauge;
  fs[1].series.push_back({.value = 0.25});
  fs[2].name = "latency_seconds";
  fs[2].help = "Latency.";
  fs[2].unit = "seconds";
  fs[2].type = MetricType::kHistogram;
  fs[2].label_names = {"ep"};
  fs[2].bounds = {0.005, 1, 2.5};
  fs[2].series.push_back(
      {.label_values = {"/x"}, .buckets = {1, 2, 2, 3}, .sum = 4.5, .created = 1700000000});
  return fs;
}

TEST(ExpositionTest, PrometheusTextFormat) {
  EXPECT_EQ(Serialize(Sample(), Format::kPrometheusText),
            "# HELP http_requests_total Requests \\\\ served.\\nSecond line\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{method=\"GET\",path=\"/a\\\"b\\nc\\\\\"} 3\n"
            "# HELP temp_ratio Say \"hi\"\n"
            "# TYPE temp_ratio gauge\n"
            "temp_ratio 0.25\n"
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{ep=\"/x\",le=\"0.005\"} 1\n"
            "latency_seconds_bucket{ep=\"/x\",le=\"1.0\"} 2\n"
            "latency_seconds_bucket{ep=\"/x\",le=\"2.5\"} 2\n"
            "latency_seconds_bucket{ep=\"/x\",le=\"+Inf\"} 3\n"
            "latency_seconds_sum{ep=\"/x\"} 4.5\n"
            "latency_seconds_count{ep=\"/x\"} 3\n");
}

TEST(ExpositionTest, OpenMetricsFormat) {
  EXPECT_EQ(Serialize(Sample(), Format::kOpenMetrics),
            "# HELP http_requests Requests \\\\ served.\\nSecond line\n"
            "# TYPE http_requests counter\n"
            "http_requests_total{method=\"GET\",path=\"/a\\\"b\\nc\\\\\"} 3\n"
            "http_requests_created{method=\"GET\",path=\"/a\\\"b\\nc\\\\\"} 1700000000.5\n"
            "# HELP temp_ratio Say \\\"hi\\\"\n"
            "# TYPE temp_ratio gauge\n"
            "# UNIT temp_ratio ratio\n"
            "temp_ratio 0.25\n"
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "# UNIT latency_seconds seconds\n"
            "latency_seconds_bucket{ep=\"/x\",le=\"0.005\"} 1\n"
            "latency_seconds_bucket{ep=\"/x\",le=\"1.0\"} 2\n"
            "latency_seconds_bucket{ep=\"/x\",le=\"2.5\"} 2\n"
            "latency_seconds_bucket{ep=\"/x\",le=\"+Inf\"} 3\n"
            "latency_seconds_sum{ep=\"/x\"} 4.5\n"
            "latency_seconds_count{ep=\"/x\"} 3\n"
            "latency_seconds_created{ep=\"/x\"} 1700000000\n"
            "# EOF\n");
}

TEST(ExpositionTest, EmptyRegistryOpenMetricsIsJustEof) {
  EXPECT_EQ(Serialize(std::vector<FamilySnapshot>{}, Format::kOpenMetrics), "# EOF\n");
  EXPECT_EQ(Serialize(std::vector<FamilySnapshot>{}, Format::kPrometheusText), "");
}

TEST(ExpositionTest, FamiliesWithoutSeriesAreLeftOut) {
  std::vector<FamilySnapshot> fs(1);
  fs[0].name = "nothing";
  fs[0].type = MetricType::kGauge;
  EXPECT_EQ(Serialize(fs, Format::kPrometheusText), "");
}

std::string GaugeLine(double v) {
  std::vector<FamilySnapshot> fs;
  fs.push_back({.name = "g", .type = MetricType::kGauge, .series = {{.value = v}}});
  std::string out = Serialize(fs, Format::kPrometheusText);
  return std::string(std::string_view(out).substr(out.find("\ng ") + 3));
}

TEST(ExpositionTest, NumberFormatting) {
  EXPECT_EQ(GaugeLine(0), "0\n");
  EXPECT_EQ(GaugeLine(-0.0), "0\n");
  EXPECT_EQ(GaugeLine(42), "42\n");
  EXPECT_EQ(GaugeLine(-7), "-7\n");
  EXPECT_EQ(GaugeLine(0.1), "0.1\n");
  EXPECT_EQ(GaugeLine(123456789012.0), "123456789012\n");
  EXPECT_EQ(GaugeLine(1e20), "1e+20\n");
  EXPECT_EQ(GaugeLine(1.5e-7), "1.5e-07\n");
  EXPECT_EQ(GaugeLine(std::numeric_limits<double>::infinity()), "+Inf\n");
  EXPECT_EQ(GaugeLine(-std::numeric_limits<double>::infinity()), "-Inf\n");
  EXPECT_EQ(GaugeLine(std::numeric_limits<double>::quiet_NaN()), "NaN\n");
}

TEST(ExpositionTest, UnlabelledHistogramGetsOnlyLe) {
  Registry r;
  r.AddHistogram({.name = "h", .help = "x"}, {1}).WithLabels().Observe(0.5);
  std::string text = Serialize(r, Format::kPrometheusText);
  EXPECT_NE(text.find("h_bucket{le=\"1.0\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 0.5\nh_count 1\n"),
            std::string::npos)
      << text;
}

TEST(ExpositionTest, OpenMetricsOmitsSumForNegativeBuckets) {
  Registry r;
  r.AddHistogram({.name = "delta"}, {-1, 0, 1}).WithLabels().Observe(-2);
  std::string om = Serialize(r, Format::kOpenMetrics);
  EXPECT_EQ(om.find("delta_sum"), std::string::npos) << om;
  std::string text = Serialize(r, Format::kPrometheusText);
  EXPECT_NE(text.find("delta_sum -2\n"), std::string::npos) << text;
}

TEST(ExpositionTest, RegistryValuesReachTheOutput) {
  Registry r;
  r.AddCounter({.name = "tokens", .help = "Tokens.", .labels = {"type"}})
      .WithLabels({"output"})
      .Inc(12);
  r.AddGauge({.name = "running", .help = "Running."}).WithLabels().Set(3);
  std::string om = Serialize(r, Format::kOpenMetrics);
  EXPECT_NE(om.find("tokens_total{type=\"output\"} 12\n"), std::string::npos) << om;
  EXPECT_NE(om.find("tokens_created{type=\"output\"} "), std::string::npos) << om;
  EXPECT_NE(om.find("running 3\n"), std::string::npos) << om;
  EXPECT_TRUE(om.ends_with("# EOF\n"));
}

TEST(ExpositionTest, ContentTypes) {
  EXPECT_EQ(ContentType(Format::kPrometheusText), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(ContentType(Format::kOpenMetrics),
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

}  // namespace
}  // namespace slokit::metrics

namespace slokit::metrics::internal {
namespace {

TEST(TextUtilTest, SanitizeUtf8KeepsValidTextAndReplacesTheRest) {
  const std::string kBad = "\xEF\xBF\xBD";
  EXPECT_EQ(SanitizeUtf8("plain /v1/chat"), "plain /v1/chat");
  EXPECT_EQ(SanitizeUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(SanitizeUtf8(std::string("a\0b", 3)), std::string("a\0b", 3));
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), kBad + kBad);                        // overlong
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"), kBad + kBad + kBad);             // surrogate
  EXPECT_EQ(SanitizeUtf8("\xF4\x90\x80\x80"), kBad + kBad + kBad + kBad);  // > U+10FFFF
  EXPECT_EQ(SanitizeUtf8("ok\xE2\x82"), "ok" + kBad + kBad);               // truncated
  EXPECT_EQ(SanitizeUtf8("\x80x"), kBad + "x");                            // stray continuation
}

TEST(TextUtilTest, NameValidation) {
  EXPECT_TRUE(IsValidMetricName("a:b_c9"));
  EXPECT_TRUE(IsValidMetricName(":x"));
  EXPECT_FALSE(IsValidMetricName("9x"));
  EXPECT_FALSE(IsValidMetricName("a.b"));
  EXPECT_TRUE(IsValidLabelName("_x"));
  EXPECT_FALSE(IsValidLabelName("__x"));
  EXPECT_FALSE(IsValidLabelName("x:y"));
  EXPECT_FALSE(IsValidLabelName(""));
}

}  // namespace
}  // namespace slokit::metrics::internal
