// The slokit binary end to end: exit codes (0 met, 1 violated, 2 bad usage or input), where
// errors go, and that report's JSON holds what the table shows.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/slokit_runner.h"

namespace {

using slokit::testing::Result;

namespace fs = std::filesystem;

class CliTest : public slokit::testing::SlokitTest {
 protected:
  std::string Example() const { return std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml"; }
};

TEST_F(CliTest, ReportExitsZeroWhenEveryObjectiveIsMet) {
  std::string trace = (dir_ / "steady.jsonl").string();
  ASSERT_EQ(Slokit("simulate --scenario steady --days 7 --seed 3 -o " + trace).code, 0);
  Result r = Slokit("report " + Example() + " --events " + trace);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("8 of 8 SLOs met"), std::string::npos) << r.out;
  // The HTML page is the same verdict with the same exit code (tests/integration renders it).
  Result html = Slokit("report " + Example() + " --events " + trace + " --format html");
  EXPECT_EQ(html.code, 0) << html.err;
  EXPECT_EQ(html.out.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.out.find("8 of 8 SLOs met"), std::string::npos);
  size_t charts = 0;  // one per regression and capacity check of the example
  for (size_t at = html.out.find("<svg class=\"kpi-chart\""); at != std::string::npos;
       at = html.out.find("<svg class=\"kpi-chart\"", at + 1))
    ++charts;
  EXPECT_EQ(charts, 4u);
}

TEST_F(CliTest, ReportExitsOneWhenAnObjectiveIsViolated) {
  std::string trace = (dir_ / "incident.jsonl.gz").string();
  ASSERT_EQ(Slokit("simulate --scenario incident --days 30 --seed 7 -o " + trace).code, 0);
  Result r = Slokit("report " + Example() + " --events " + trace + " --format json");
  EXPECT_EQ(r.code, 1) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["all_met"], false);
  const auto& availability = j["slos"][0];
  EXPECT_EQ(availability["name"], "availability");
  EXPECT_EQ(availability["met"], false);
  EXPECT_EQ(availability["overall"]["error_budget"]["total"], "43m12s");
  EXPECT_GE(availability["overall"]["alerts"]["pages"].get<int>(), 1);
  EXPECT_EQ(j["inputs"][0]["bad_lines"], 0);
}

TEST_F(CliTest, BadLinesAreCountedAndStrictModeStops) {
  std::string spec = Write("s.yaml", "service: s\nowners: {infra: a}\nslos:\n  - name: a\n    objective: 50\n"
                                     "    sli: {ratio: {good: ok}}\n");
  std::string events = Write("e.jsonl", "{\"ts\": 1790812800, \"ok\": true}\nnot json\n{\"ok\": true}\n"
                                        "{\"ts\": 1790812860, \"ok\": false}\n");
  Result r = Slokit("report " + spec + " --events " + events);
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("2 of 4 lines rejected"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(events + ":2: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(events + ":3: missing field \"ts\""), std::string::npos) << r.err;
  Result strict = Slokit("report " + spec + " --events " + events + " --strict");
  EXPECT_EQ(strict.code, 2);
  EXPECT_NE(strict.err.find(events + ":2:"), std::string::npos) << strict.err;
  EXPECT_TRUE(strict.out.empty());
}

TEST_F(CliTest, CohortOverflowIsWarnedAbout) {
  std::string spec = Write("s.yaml", "service: s\nowners: {infra: a}\nslos:\n  - name: a\n    objective: 50\n"
                                     "    sli: {ratio: {good: ok}}\n    cohorts: {by: [id], max: 2}\n");
  std::string events;
  for (int i = 0; i < 5; ++i)
    events += "{\"ts\": " + std::to_string(1790812800 + i) + ", \"ok\": true, \"id\": \"u" + std::to_string(i) + "\"}\n";
  Result r = Slokit("report " + spec + " --events " + Write("e.jsonl", events));
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("warning: SLO a: more than 2 cohorts; 3 events folded into 'other'"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("other"), std::string::npos) << r.out;
}

TEST_F(CliTest, BadSpecAndBadUsageExitTwo) {
  std::string spec = Write("bad.yaml", "service: s\nslos:\n  - name: a\n    objective: 120\n    sli: {ratio: {good: ok}}\n");
  Result v = Slokit("validate " + spec);
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.err.find("bad.yaml:4:16: slos[0].objective: expected a percentage between 0% and 100%"), std::string::npos)
      << v.err;
  EXPECT_EQ(Slokit("report " + spec + " --events /dev/null").code, 2);
  EXPECT_EQ(Slokit("report " + Example() + " --events /nonexistent.jsonl").code, 2);
  EXPECT_EQ(Slokit("report " + Example()).code, 2);  // --events is required
  EXPECT_EQ(Slokit("frobnicate").code, 2);
  EXPECT_EQ(Slokit("simulate --scenario nope").code, 2);
  EXPECT_EQ(Slokit("--help").code, 0);
}

TEST_F(CliTest, ValidateSummarisesAndWarns) {
  Result r = Slokit("validate " + Example());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("valid; service chat-api, 8 SLOs, 0 warnings"), std::string::npos) << r.out;
  std::string loose = Write("loose.yaml", "service: s\nowners: {infra: a}\nslos:\n  - name: a\n    objective: 90\n"
                                          "    window: 1d\n    sli: {ratio: {good: ok}}\n");
  Result w = Slokit("validate " + loose + " --format json");
  EXPECT_EQ(w.code, 0);
  nlohmann::json j = nlohmann::json::parse(w.out);
  EXPECT_EQ(j["valid"], true);
  ASSERT_GE(j["warnings"].size(), 2u);
  EXPECT_EQ(Slokit("validate " + loose + " --warnings-as-errors").code, 2);
}

}  // namespace
