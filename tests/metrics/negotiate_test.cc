#include <gtest/gtest.h>

#include "slokit/metrics/exposition.h"

namespace slokit::metrics {
namespace {

constexpr Format kText = Format::kPrometheusText;
constexpr Format kOM = Format::kOpenMetrics;

TEST(NegotiateFormatTest, DefaultsToText) {
  EXPECT_EQ(NegotiateFormat(""), kText);
  EXPECT_EQ(NegotiateFormat("*/*"), kText);
  EXPECT_EQ(NegotiateFormat("application/json"), kText);
  EXPECT_EQ(NegotiateFormat("garbage;;;,,,\"\\"), kText);
}

TEST(NegotiateFormatTest, PrometheusScrapeHeaders) {
  // Prometheus 2.x's default scrape header.
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;version=1.0.0,application/"
                            "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
                            "*/*;q=0.1"),
            kOM);
  // Prometheus with OpenMetrics disabled.
  EXPECT_EQ(NegotiateFormat("text/plain;version=0.0.4;q=1,*/*;q=0.1"), kText);
}

TEST(NegotiateFormatTest, OpenMetricsVersions) {
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text"), kOM);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text; version=1.0.0"), kOM);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text; version=0.0.1"), kOM);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text; version=2.0.0"), kText);
  EXPECT_EQ(NegotiateFormat("text/plain; version=1.0.0"), kText);  // unknown: fallback
}

TEST(NegotiateFormatTest, QualityDecides) {
  EXPECT_EQ(NegotiateFormat("text/plain;q=0.9, application/openmetrics-text;q=0.8"), kText);
  EXPECT_EQ(NegotiateFormat("text/plain;q=0.2, application/openmetrics-text;q=0.8"), kOM);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;q=0, text/plain"), kText);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;q=0"), kText);
}

TEST(NegotiateFormatTest, TiesGoToTheMoreSpecificThenTheFirst) {
  EXPECT_EQ(NegotiateFormat("*/*, application/openmetrics-text"), kOM);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text, text/plain"), kOM);
  EXPECT_EQ(NegotiateFormat("text/plain, application/openmetrics-text"), kText);
}

TEST(NegotiateFormatTest, CaseSpacesAndQuotes) {
  EXPECT_EQ(NegotiateFormat("  Application/OpenMetrics-Text ;  Version=\"1.0.0\" ; Q=0.9 "), kOM);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text; foo=\"a,b;c\", text/plain;q=0.5"), kOM);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text; version=\"1.0\\.0\""), kOM);
}

TEST(NegotiateFormatTest, MalformedQualityIsSkipped) {
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;q=high"), kText);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;q="), kText);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;q=nan"), kText);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;q=5"), kOM);  // clamped to 1
}

TEST(NegotiateEncodingTest, Cases) {
  EXPECT_EQ(NegotiateEncoding(""), Encoding::kIdentity);
  EXPECT_EQ(NegotiateEncoding("gzip"), Encoding::kGzip);
  EXPECT_EQ(NegotiateEncoding("GZIP"), Encoding::kGzip);
  EXPECT_EQ(NegotiateEncoding("x-gzip"), Encoding::kGzip);
  EXPECT_EQ(NegotiateEncoding("deflate, gzip;q=0.5"), Encoding::kGzip);
  EXPECT_EQ(NegotiateEncoding("gzip;q=0"), Encoding::kIdentity);
  EXPECT_EQ(NegotiateEncoding("br"), Encoding::kIdentity);
  EXPECT_EQ(NegotiateEncoding("*"), Encoding::kGzip);
  EXPECT_EQ(NegotiateEncoding("*, gzip;q=0"), Encoding::kIdentity);
  EXPECT_EQ(NegotiateEncoding("*;q=0"), Encoding::kIdentity);
  EXPECT_EQ(NegotiateEncoding("identity;q=1, gzip;q=0.5"), Encoding::kIdentity);
  EXPECT_EQ(NegotiateEncoding("identity;q=0.5, gzip"), Encoding::kGzip);
  EXPECT_EQ(NegotiateEncoding("gzip;q=abc"), Encoding::kIdentity);
}

}  // namespace
}  // namespace slokit::metrics
