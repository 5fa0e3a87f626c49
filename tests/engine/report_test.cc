#include "engine/report.h"

#include <gtest/gtest.h>

#include "engine_test_util.h"

namespace slokit {
namespace {

using testing::kT0;
using testing::MustLoad;
using testing::RecordBuilder;

TEST(Report, SaysWhatIsMetAndWhatIsNot) {
  Spec spec = MustLoad(R"(service: chat
owners: {infra: {team: sre, contact: "#oncall"}, quality: ml}
slos:
  - name: availability
    objective: 99.9
    window: 1d
    sli: {ratio: {good: status < 500}}
    cohorts: [model]
  - name: quality
    objective: 90
    window: 1d
    sli: {quality: {field: score, min: 0.5}}
)");
  Evaluator ev(spec);
  RecordBuilder b(spec);
  for (int m = 0; m < 120; ++m) {
    for (int i = 0; i < 10; ++i) {
      bool fail = m >= 60 && m < 70 && i % 2 == 0;  // model x fails for 10 minutes
      ev.Push(b.At(kT0 + m * kMinute + i * kSecond)
                  .Num("status", fail ? 503 : 200)
                  .Str("model", i % 2 ? "y" : "x")
                  .Num("score", 0.9)
                  .record());
    }
  }
  Report report = BuildReport(ev, ev.data_end());
  EXPECT_EQ(report.at, kT0 + 2 * kHour);
  ASSERT_EQ(report.slos.size(), 2u);
  EXPECT_FALSE(report.slos[0].met());  // 50 bad of 1200
  EXPECT_TRUE(report.slos[1].met());
  EXPECT_FALSE(report.all_met());
  ASSERT_EQ(report.slos[0].cohorts.size(), 3u);
  EXPECT_EQ(report.slos[0].cohorts[1].name, "x");
  EXPECT_FALSE(report.slos[0].cohorts[1].status.met);
  EXPECT_TRUE(report.slos[0].cohorts[2].status.met);

  nlohmann::json j = ReportToJson(report);
  EXPECT_EQ(j["service"], "chat");
  EXPECT_EQ(j["all_met"], false);
  EXPECT_EQ(j["slos"][0]["name"], "availability");
  EXPECT_EQ(j["slos"][0]["overall"]["valid_units"], 1200);
  EXPECT_EQ(j["slos"][0]["overall"]["good_units"], 1150);
  EXPECT_EQ(j["slos"][0]["overall"]["error_budget"]["total"], "1m26s");
  EXPECT_EQ(j["slos"][0]["cohorts"][0]["cohort"], "x");
  EXPECT_GE(j["slos"][0]["overall"]["alerts"]["pages"].get<int>(), 1);
  EXPECT_TRUE(j["slos"][0]["overall"]["burn_rates"].contains("1h"));

  std::string table = RenderReportTable(report);
  EXPECT_NE(table.find("SLO availability  [infra: sre #oncall]  VIOLATED"), std::string::npos) << table;
  EXPECT_NE(table.find("SLO quality  [quality: ml]  MET"), std::string::npos) << table;
  EXPECT_NE(table.find("PAGE"), std::string::npos) << table;
  EXPECT_NE(table.find("1 of 2 SLOs met; 1 violated"), std::string::npos) << table;
}

}  // namespace
}  // namespace slokit
