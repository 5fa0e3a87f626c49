#include "spec/loader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

namespace slokit {
namespace {

std::string Load(const std::string& yaml, Spec* spec, std::vector<Diagnostic>* warnings = nullptr) {
  std::vector<Diagnostic> w;
  Status s = LoadSpecString(yaml, "t.yaml", spec, warnings ? warnings : &w);
  return s.ok() ? "" : s.message();
}

std::string LoadError(const std::string& yaml) {
  Spec spec;
  std::string e = Load(yaml, &spec);
  EXPECT_FALSE(e.empty()) << yaml;
  return e;
}

const char* kMinimal = R"(service: chat
owners:
  infra: {team: sre}
  quality: {team: ml}
slos:
  - name: availability
    objective: 99.9
    window: 30d
    valid: not maintenance
    sli:
      ratio: {good: status < 500}
)";

TEST(SpecLoader, LoadsMinimalSpecWithSeedDefaults) {
  Spec spec;
  ASSERT_EQ(Load(kMinimal, &spec), "");
  EXPECT_EQ(spec.service, "chat");
  ASSERT_EQ(spec.slos.size(), 1u);
  const Slo& slo = spec.slos[0];
  EXPECT_DOUBLE_EQ(slo.objective, 0.999);
  EXPECT_EQ(slo.window.length, 30 * kDay);
  EXPECT_EQ(slo.owner, "infra");
  ASSERT_EQ(slo.alerting.conditions.size(), 3u);
  EXPECT_EQ(slo.alerting.conditions[0].severity, "page");
  EXPECT_EQ(slo.alerting.conditions[0].long_window, kHour);
  EXPECT_EQ(slo.alerting.conditions[0].short_window, 5 * kMinute);
  EXPECT_DOUBLE_EQ(slo.alerting.conditions[0].factor, 14.4);
  EXPECT_EQ(slo.alerting.conditions[1].long_window, 6 * kHour);
  EXPECT_DOUBLE_EQ(slo.alerting.conditions[1].factor, 6);
  EXPECT_EQ(slo.alerting.conditions[2].severity, "ticket");
  EXPECT_EQ(slo.alerting.conditions[2].long_window, 3 * kDay);
  EXPECT_DOUBLE_EQ(slo.alerting.conditions[2].factor, 1);
  EXPECT_GE(spec.fields.Find("maintenance"), 0);
  EXPECT_GE(spec.fields.Find("status"), 0);
}

TEST(SpecLoader, ObjectiveAcceptsPercentSign) {
  Spec spec;
  std::string yaml = kMinimal;
  yaml.replace(yaml.find("99.9"), 4, "\"99.5%\"");
  ASSERT_EQ(Load(yaml, &spec), "");
  EXPECT_DOUBLE_EQ(spec.slos[0].objective, 0.995);
}

TEST(SpecLoader, CalendarWindowsAndTimeslices) {
  Spec spec;
  ASSERT_EQ(Load(R"(service: s
slos:
  - name: p95
    objective: 99
    window: month
    budgeting: {timeslices: 10m, min_events: 3, sparse: bad}
    sli:
      percentile: {field: ttft_ms, unit: ms, p: 95, threshold: 0.5s}
  - name: weekly
    objective: 95
    window: week
    budgeting: timeslices
    sli:
      latency: {field: e2e, threshold: 2.5s}
)", &spec), "");
  const Slo& p = spec.slos[0];
  EXPECT_EQ(p.window.kind, Window::Kind::kCalendarMonth);
  EXPECT_EQ(p.budgeting.kind, Budgeting::Kind::kTimeslices);
  EXPECT_EQ(p.budgeting.slice, 10 * kMinute);
  EXPECT_EQ(p.budgeting.min_events, 3u);
  EXPECT_EQ(p.budgeting.sparse, SparseSlices::kBad);
  EXPECT_DOUBLE_EQ(p.sli.threshold, 500);  // 0.5s in milliseconds
  EXPECT_DOUBLE_EQ(p.sli.percentile, 95);
  EXPECT_EQ(spec.slos[1].window.kind, Window::Kind::kCalendarWeek);
  EXPECT_DOUBLE_EQ(spec.slos[1].budgeting.slice_target, 0.95);
}

TEST(SpecLoader, AlertingOverridesReplaceOneSeverity) {
  Spec spec;
  std::string yaml = kMinimal;
  yaml += "    alerting:\n      min_valid_events: 100\n      ticket:\n        - {long: 1d, short: 2h, burn_rate: 2}\n";
  ASSERT_EQ(Load(yaml, &spec), "");
  const AlertingPolicy& a = spec.slos[0].alerting;
  EXPECT_EQ(a.min_valid_events, 100u);
  ASSERT_EQ(a.conditions.size(), 3u);
  EXPECT_EQ(a.conditions[2].long_window, kDay);
  EXPECT_DOUBLE_EQ(a.conditions[2].factor, 2);
}

TEST(SpecLoader, QualitySlosDefaultToTheQualityOwner) {
  Spec spec;
  ASSERT_EQ(Load(R"(service: s
owners: {infra: sre, quality: ml}
slos:
  - name: q
    objective: 95
    sli: {quality: {field: score, min: 0.7}}
  - name: h
    objective: 98
    sli: {quality: {flag: hallucination}}
)", &spec), "");
  EXPECT_EQ(spec.slos[0].owner, "quality");
  EXPECT_EQ(spec.slos[1].owner, "quality");
}

TEST(SpecLoader, ErrorsNameFileLineColumnAndField) {
  EXPECT_EQ(LoadError("service: s\nslos:\n  - name: a\n    objectve: 99\n"),
            "t.yaml:4:5: slos[0].objectve: unknown field 'objectve' (did you mean 'objective'?); expected one of: "
            "name, description, objective, window, budgeting, sli, valid, cohorts, owner, alerting");
  EXPECT_EQ(LoadError("service: s\nslos:\n  - name: a\n    objective: 0.999\n    sli: {ratio: {good: ok}}\n"),
            "t.yaml:4:16: slos[0].objective: 0.999 looks like a fraction; write percentages: 99.9");
  EXPECT_EQ(LoadError("service: s\nslos:\n  - name: a\n    objective: 99\n    window: 30x\n    sli: {ratio: {good: ok}}\n"),
            "t.yaml:5:13: slos[0].window: expected a duration like 500ms, 2.5s, 5m, 1h or 30d, got '30x'");
  EXPECT_EQ(LoadError("service: s\nslos:\n  - name: a\n    objective: 99\n"),
            "t.yaml:3:5: slos[0]: missing required field 'sli'");
  EXPECT_EQ(LoadError("service: s\nslos:\n  - name: a\n    objective: 99\n    sli:\n      ratio:\n        good: status < \n"),
            "t.yaml:7:23: slos[0].sli.ratio.good: expected a literal, got end of expression");
  EXPECT_EQ(LoadError("service: s\nslos:\n  - name: a\n    objective: 99\n    sli:\n      ratio:\n        good: \"status = 1\"\n"),
            "t.yaml:7:23: slos[0].sli.ratio.good: use '==' to compare");
  EXPECT_EQ(LoadError("service: s\nslos:\n  - name: a\n    objective: 99\n    sli: {ratoi: {good: x}}\n"),
            "t.yaml:5:10: slos[0].sli: unknown SLI kind 'ratoi' (did you mean 'ratio'?)");
  EXPECT_EQ(LoadError("service: [s\n"), "t.yaml:2:1: invalid YAML: end of sequence flow not found");
  EXPECT_NE(LoadError("service: s\nslos:\n  - name: a\n    objective: 99\n    sli: {ratio: {good: x}}\n"
                      "  - name: a\n    objective: 99\n    sli: {ratio: {good: x}}\n")
                .find("t.yaml:6:11: slos[1].name: duplicate SLO name 'a'"),
            std::string::npos);
  EXPECT_EQ(LoadError("service: s\nslos:\n  - name: a\n    objective: 99\n    sli: {latency: {field: t, unit: hours, threshold: 1s}}\n"),
            "t.yaml:5:37: slos[0].sli.latency.unit: unknown unit 'hours' (expected ns, us, ms or s)");
}

TEST(SpecLoader, WarnsAboutAlertsThatCanNeverFire) {
  Spec spec;
  std::vector<Diagnostic> warnings;
  ASSERT_EQ(Load(R"(service: s
owners: {infra: sre}
slos:
  - name: loose
    objective: 90
    window: 2h
    sli: {ratio: {good: ok}}
)", &spec, &warnings), "");
  std::string all;
  for (const auto& w : warnings) all += w.ToString() + "\n";
  EXPECT_NE(all.find("page alert at burn rate 14.4 can never fire: with objective 90% the burn rate cannot exceed 10"),
            std::string::npos) << all;
  EXPECT_NE(all.find("page alert window 6h is longer than the SLO window 2h"), std::string::npos) << all;
  EXPECT_NE(all.find("ticket alert window 3d is longer"), std::string::npos) << all;
  EXPECT_EQ(all.find("page alert at burn rate 6 can never"), std::string::npos) << all;
}

TEST(SpecLoader, WarnsWhenTheLowTrafficGuardOutnumbersTheSlicesOfAWindow) {
  Spec spec;
  std::vector<Diagnostic> warnings;
  ASSERT_EQ(Load(R"(service: s
owners: {infra: sre}
alerting: {min_valid_events: 100}
slos:
  - name: p95
    objective: 99
    window: 7d
    budgeting: {timeslices: 5m}
    sli: {percentile: {field: t, p: 95, threshold: 1s}}
)", &spec, &warnings), "");
  std::string all;
  for (const auto& w : warnings) all += w.ToString() + "\n";
  EXPECT_NE(all.find("page alert can never fire: its 1h window holds 12 slices, fewer than min_valid_events (100)"),
            std::string::npos) << all;
  EXPECT_EQ(all.find("its 3d window"), std::string::npos) << all;  // 864 slices: fine
}

TEST(SpecLoader, ExampleSpecLoadsWithoutWarnings) {
  Spec spec;
  std::vector<Diagnostic> warnings;
  Status s = LoadSpecFile(std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml", &spec, &warnings);
  ASSERT_TRUE(s.ok()) << s.message();
  std::set<SliKind> kinds;
  for (const Slo& slo : spec.slos) kinds.insert(slo.sli.kind);
  EXPECT_EQ(kinds.size(), 6u) << "the example uses every SLI kind";
  for (const auto& w : warnings) ADD_FAILURE() << w.ToString();
}

TEST(SpecLoader, MissingFileIsNotFound) {
  Spec spec;
  Status s = LoadSpecFile("/nonexistent/x.yaml", &spec, nullptr);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), "/nonexistent/x.yaml: cannot open spec file");
}

}  // namespace
}  // namespace slokit
