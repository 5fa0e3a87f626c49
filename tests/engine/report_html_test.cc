#include <gtest/gtest.h>

#include <regex>

#include "engine/report.h"
#include "engine_test_util.h"

namespace slokit {
namespace {

using testing::kT0;
using testing::MustLoad;
using testing::RecordBuilder;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class ReportHtml : public ::testing::Test {
 protected:
  ReportHtml()
      : spec_(MustLoad(R"(service: "chat <api>"
owners: {infra: {team: sre, contact: "#oncall"}}
slos:
  - name: availability
    description: Requests that do not fail & more
    objective: 99.9
    window: 1d
    sli: {ratio: {good: status < 500}}
    cohorts: [model]
  - name: steady
    objective: 90
    window: 1d
    sli: {ratio: {good: status < 500}}
)")),
        ev_(spec_) {
    RecordBuilder b(spec_);
    for (int m = 0; m < 180; ++m) {
      for (int i = 0; i < 10; ++i) {
        bool fail = m >= 60 && m < 70 && i % 2 == 0;  // model x fails for 10 minutes
        ev_.Push(b.At(kT0 + m * kMinute + i * kSecond).Num("status", fail ? 503 : 200).Str("model", i % 2 ? "y" : "<x>").record());
      }
    }
    report_ = BuildReport(ev_, ev_.data_end());
  }
  Spec spec_;
  Evaluator ev_;
  Report report_;
};

TEST_F(ReportHtml, OneSectionPerSloWithItsIncidentsAndCohorts) {
  AddBudgetHistory(ev_, &report_, 50);
  std::string html = RenderReportHtml(report_);
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.find("1 of 2 SLOs met"), std::string::npos);
  EXPECT_NE(html.find("<section class=\"slo\" id=\"slo-availability\">"), std::string::npos);
  EXPECT_NE(html.find("<section class=\"slo\" id=\"slo-steady\">"), std::string::npos);
  EXPECT_NE(html.find("href=\"#slo-availability\""), std::string::npos);
  EXPECT_NE(html.find("VIOLATED"), std::string::npos);
  // Every incident of the SLO as a whole is a row, and a shaded span on its chart.
  const AlertTimeline& alerts = report_.slos[0].cohorts[0].alerts;
  ASSERT_FALSE(alerts.incidents.empty());
  EXPECT_EQ(Count(html, "<tr class=\"incident\">"), alerts.incidents.size() + report_.slos[1].cohorts[0].alerts.incidents.size());
  EXPECT_EQ(Count(html, "<rect class=\"page\"") + Count(html, "<rect class=\"ticket\""),
            alerts.incidents.size() + report_.slos[1].cohorts[0].alerts.incidents.size());
  EXPECT_EQ(Count(html, "<svg class=\"budget-chart\""), 2u);
  EXPECT_EQ(Count(html, "<polyline class=\"curve\""), 2u);
  EXPECT_NE(html.find("<h3>Cohorts by model</h3>"), std::string::npos);
  // No script, and no outside asset: one file that renders anywhere.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
}

TEST_F(ReportHtml, EscapesWhatTheSpecAndTheEventsSay) {
  std::string html = RenderReportHtml(report_);
  EXPECT_NE(html.find("<title>chat &lt;api&gt; — slokit</title>"), std::string::npos);
  EXPECT_NE(html.find("do not fail &amp; more"), std::string::npos);
  EXPECT_NE(html.find("&lt;x&gt;"), std::string::npos);  // a cohort named by the data
  EXPECT_EQ(html.find("<x>"), std::string::npos);
  EXPECT_EQ(html.find("<api>"), std::string::npos);
}

TEST_F(ReportHtml, TheBudgetCurveFollowsTheStatus) {
  AddBudgetHistory(ev_, &report_, 30);
  const std::vector<BudgetPoint>& h = report_.slos[0].budget_history;
  ASSERT_EQ(h.size(), 31u);
  EXPECT_EQ(h.front().at, report_.data_start);
  EXPECT_EQ(h.front().budget_remaining, 1);
  EXPECT_EQ(h.back().at, report_.at);
  EXPECT_DOUBLE_EQ(h.back().budget_remaining, 1 - report_.slos[0].cohorts[0].status.budget_consumed);
  for (size_t i = 1; i < h.size(); ++i) EXPECT_LE(h[i].budget_remaining, h[i - 1].budget_remaining + 1e-12);
  EXPECT_LT(h.back().budget_remaining, 0);  // 50 bad of 1800 against a 0.1% budget
  // An overspent budget draws the zero line.
  EXPECT_NE(RenderReportHtml(report_).find("class=\"zero\""), std::string::npos);
}

TEST_F(ReportHtml, TheDaemonsPageRefreshesAndLinks) {
  HtmlOptions page;
  page.refresh_seconds = 30;
  page.clock = "wall";
  page.links = {{"JSON", "/api/v1/slos"}};
  std::string html = RenderReportHtml(report_, page);
  EXPECT_NE(html.find("<meta http-equiv=\"refresh\" content=\"30\">"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/api/v1/slos\">JSON</a>"), std::string::npos);
  EXPECT_NE(html.find("Clock: wall."), std::string::npos);
  Report empty;
  empty.spec = &spec_;
  EXPECT_NE(RenderReportHtml(empty, page).find("No events yet."), std::string::npos);
}

}  // namespace
}  // namespace slokit
