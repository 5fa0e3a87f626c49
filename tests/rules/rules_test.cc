// The rules `slokit rules` writes, read back with yaml-cpp (and nlohmann for the dashboard): names,
// labels, windows, the exact long-window arithmetic, alert labels and annotations, the policy's
// options (for:, disabled tiers, budget shares, the low-traffic guard), Alertmanager routes and
// the Grafana dashboard's structure. promtool_test.cc and burn_suites_test.cc run them for real.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "rules/alertmanager.h"
#include "rules/grafana.h"
#include "rules_test_util.h"

namespace slokit::rules {
namespace {

using testing::MustLoad;

Spec Example() {
  Spec spec;
  Status s =
      LoadSpecFile(std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml", &spec, nullptr);
  EXPECT_TRUE(s.ok()) << s.message();
  return spec;
}

YAML::Node CompileToYaml(const Spec& spec, const Options& options = {}, Output* out = nullptr) {
  Output o;
  Status s = CompileRules(spec, options, &o);
  EXPECT_TRUE(s.ok()) << s.message();
  if (out) *out = o;
  return YAML::Load(o.text);
}

YAML::Node Group(const YAML::Node& file, const std::string& name) {
  for (const auto& g : file["groups"])
    if (g["name"].as<std::string>() == name) return g;
  ADD_FAILURE() << "no group " << name;
  return YAML::Node();
}

std::vector<std::string> Records(const YAML::Node& group) {
  std::vector<std::string> out;
  for (const auto& r : group["rules"])
    if (r["record"]) out.push_back(r["record"].as<std::string>());
  return out;
}

YAML::Node Rule(const YAML::Node& group, const std::string& record) {
  for (const auto& r : group["rules"])
    if (r["record"] && r["record"].as<std::string>() == record) return r;
  ADD_FAILURE() << "no rule " << record;
  return YAML::Node();
}

std::vector<YAML::Node> Alerts(const YAML::Node& group) {
  std::vector<YAML::Node> out;
  for (const auto& r : group["rules"])
    if (r["alert"]) out.push_back(r);
  return out;
}

const char* kHeader = R"(service: svc
owners:
  infra: {team: sre, contact: "#sre"}
  quality: {team: models}
)";

std::string RatioSlo(const std::string& name, const std::string& extra = "",
                     const std::string& binding_extra = "", const std::string& window = "30d") {
  return "  - name: " + name + "\n" +
         "    objective: 99.9\n"
         "    window: " +
         window + "\n" + extra +
         "    sli:\n"
         "      ratio:\n"
         "        good: status < 500\n"
         "        prometheus: {good: 'req_total{code=\"ok\"}', total: req_total" +
         binding_extra + "}\n";
}

TEST(RecordingRules, EverySloRecordsTilesEveryAlertWindowAndItsWindowWithLabels) {
  YAML::Node file = CompileToYaml(Example());
  YAML::Node g = Group(file, "slokit-chat-api-availability");
  EXPECT_EQ(g["interval"].as<std::string>(), "1m");
  EXPECT_EQ(Records(g),
            (std::vector<std::string>{"slokit:sli_errors:increase1m",
                                      "slokit:sli_requests:increase1m", "slokit:sli_error:ratio5m",
                                      "slokit:sli_error:ratio30m", "slokit:sli_error:ratio1h",
                                      "slokit:sli_error:ratio6h", "slokit:sli_error:ratio3d"}));
  YAML::Node b = Group(file, "slokit-chat-api-availability-budget");
  EXPECT_EQ(b["interval"].as<std::string>(), "5m");
  EXPECT_EQ(Records(b),
            (std::vector<std::string>{"slokit:sli_error:ratio30d", "slokit:slo_objective:ratio",
                                      "slokit:slo_error_budget:ratio",
                                      "slokit:slo_error_budget_remaining:ratio"}));
  for (const auto& group : file["groups"]) {
    for (const auto& r : group["rules"]) {
      if (!r["record"]) continue;
      std::string record = r["record"].as<std::string>();
      EXPECT_TRUE(r["labels"]["slo"]) << record;
      EXPECT_EQ(r["labels"]["service"].as<std::string>(), "chat-api") << record;
      EXPECT_TRUE(r["labels"]["sli_window"]) << record;
      // The window in the name is the window in the label.
      std::smatch m;
      if (std::regex_search(record, m, std::regex("(ratio|increase|good)(\\w+)$"))) {
        EXPECT_EQ(r["labels"]["sli_window"].as<std::string>(), m[2].str()) << record;
      }
    }
  }
  YAML::Node objective = Rule(b, "slokit:slo_objective:ratio");
  EXPECT_EQ(objective["expr"].as<std::string>(), "vector(0.999)");
  EXPECT_EQ(objective["labels"]["team"].as<std::string>(), "inference-sre");
  EXPECT_EQ(objective["labels"]["sli_window"].as<std::string>(), "30d");
  EXPECT_EQ(Rule(b, "slokit:slo_error_budget:ratio")["expr"].as<std::string>(), "vector(0.001)");
  EXPECT_EQ(Rule(b, "slokit:slo_error_budget_remaining:ratio")["expr"].as<std::string>(),
            "1 - slokit:sli_error:ratio30d{slo=\"availability\",service=\"chat-api\"} / 0.001");
}

TEST(RecordingRules, LongWindowsAreExactRatiosOfEventCountsSummedFromTiles) {
  YAML::Node file = CompileToYaml(Example());
  YAML::Node g = Group(file, "slokit-chat-api-availability");
  // Tiles: increases over exactly one step, bad counter absent = no errors.
  EXPECT_EQ(Rule(g, "slokit:sli_errors:increase1m")["expr"].as<std::string>(),
            "sum(increase(gen_ai_server_requests_total{status=\"error\"}[1m]))\n"
            "  or 0 * sum(increase(gen_ai_server_requests_total{status!=\"cancelled\"}[1m]))\n");
  EXPECT_EQ(Rule(g, "slokit:sli_requests:increase1m")["expr"].as<std::string>(),
            "sum(increase(gen_ai_server_requests_total{status!=\"cancelled\"}[1m]))");
  // Every window divides summed bad events by summed valid events (never an average of ratios),
  // over a range one second short of the window: exactly window/step tiles.
  EXPECT_EQ(Rule(g, "slokit:sli_error:ratio1h")["expr"].as<std::string>(),
            "sum_over_time(slokit:sli_errors:increase1m{slo=\"availability\",service=\"chat-api\"}["
            "59m59s])\n/\n"
            "sum_over_time(slokit:sli_requests:increase1m{slo=\"availability\",service=\"chat-"
            "api\"}[59m59s])\n");
  std::string month =
      Rule(Group(file, "slokit-chat-api-availability-budget"), "slokit:sli_error:ratio30d")["expr"]
          .as<std::string>();
  EXPECT_NE(
      month.find(
          "sum_over_time(slokit:sli_errors:increase1m{slo=\"availability\",service=\"chat-api\"}"
          "[29d23h59m59s])"),
      std::string::npos);
  for (const auto& group : file["groups"])
    for (const auto& r : group["rules"]) {
      std::string expr = r["expr"].as<std::string>();
      EXPECT_EQ(expr.find("avg_over_time"), std::string::npos) << expr;
      // Only tiles and slice verdicts read raw series; windows read recorded series.
      if (r["record"] && r["record"].as<std::string>().find("slokit:sli_error:ratio") == 0) {
        EXPECT_EQ(expr.find("gen_ai_"), std::string::npos) << expr;
      }
    }
}

TEST(RecordingRules, FewerSeriesThanOneRulePerWindowPlusSlothsMetadata) {
  Output out;
  CompileToYaml(Example(), {}, &out);
  // 6 event SLOs x (2 tiles + 5 alert windows + 30d/7d window + 3 budget series) + 2 timeslice
  // SLOs x (1 verdict + 5 + 1 + 3): 86. Sloth writes, per SLO, one ratio per window (here 6)
  // plus 7 metadata series: 104 for the same windows.
  EXPECT_EQ(out.recording_rules, 86u);
  EXPECT_EQ(out.alerting_rules, 16u);
}

TEST(RecordingRules, TheStepSetsTheTileNamesRangesAndGroupInterval) {
  Options o;
  o.step = 5 * kMinute;
  YAML::Node file = CompileToYaml(Example(), o);
  YAML::Node g = Group(file, "slokit-chat-api-availability");
  EXPECT_EQ(g["interval"].as<std::string>(), "5m");
  EXPECT_EQ(Records(g)[0], "slokit:sli_errors:increase5m");
  EXPECT_NE(Rule(g, "slokit:sli_error:ratio1h")["expr"].as<std::string>().find(
                "sum_over_time(slokit:sli_errors:increase5m{slo=\"availability\",service=\"chat-"
                "api\"}[59m59s])"),
            std::string::npos);
  // Slices as wide as the step need no filter; windows of slices: W - slice + step - 1s.
  YAML::Node p95 = Group(file, "slokit-chat-api-ttft-p95");
  EXPECT_EQ(Rule(p95, "slokit:sli_slice:good5m")["expr"].as<std::string>().find("time()"),
            std::string::npos);
  EXPECT_NE(Rule(p95, "slokit:sli_error:ratio1h")["expr"].as<std::string>().find("[59m59s]"),
            std::string::npos);

  o.step = 7 * kMinute;
  Output out;
  Status s = CompileRules(Example(), o, &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(
                "SLO 'availability': the page alert window 1h is not a whole number of 7m steps"),
            std::string::npos)
      << s.message();
}

TEST(RecordingRules, TimesliceSlisRecordOneVerdictPerSlice) {
  YAML::Node file = CompileToYaml(Example());
  YAML::Node g = Group(file, "slokit-chat-api-ttft-p95");
  EXPECT_EQ(Records(g)[0], "slokit:sli_slice:good5m");
  std::string verdict = Rule(g, "slokit:sli_slice:good5m")["expr"].as<std::string>();
  // 2 s is not a bucket of the TTFT histogram: histogram_quantile, with min_events 10.
  EXPECT_NE(verdict.find("histogram_quantile(0.95, sum by (le) "
                         "(rate(gen_ai_server_time_to_first_token_seconds_bucket"
                         "[5m])))\n      <= bool 2"),
            std::string::npos)
      << verdict;
  EXPECT_NE(
      verdict.find("sum(increase(gen_ai_server_time_to_first_token_seconds_count[5m])) >= 10"),
      std::string::npos);
  EXPECT_NE(verdict.find("and on ()\n(vector(time()) % 300 < 60)"), std::string::npos);
  // Windows: good slices over counted slices that lie inside the window.
  EXPECT_EQ(
      Rule(g, "slokit:sli_error:ratio1h")["expr"].as<std::string>(),
      "1 - (\n  "
      "sum_over_time(slokit:sli_slice:good5m{slo=\"ttft-p95\",service=\"chat-api\"}[55m59s])\n  /\n"
      "  "
      "count_over_time(slokit:sli_slice:good5m{slo=\"ttft-p95\",service=\"chat-api\"}[55m59s])\n)"
      "\n");
  std::string throughput =
      Rule(Group(file, "slokit-chat-api-token-throughput"), "slokit:sli_slice:good5m")["expr"]
          .as<std::string>();
  EXPECT_NE(
      throughput.find("sum(rate(gen_ai_server_tokens_total{token_type=\"output\"}[5m])) >= bool 5"),
      std::string::npos)
      << throughput;
  EXPECT_NE(throughput.find("sum(increase(gen_ai_server_requests_total{status=\"ok\"}[5m])) >= 5"),
            std::string::npos);
}

TEST(RecordingRules, SparseSlicesAndExactPercentiles) {
  Spec spec = MustLoad(std::string(kHeader) + R"(slos:
  - name: p99
    objective: 99
    window: 7d
    budgeting: {timeslices: 10m, min_events: 20, sparse: good}
    sli:
      percentile:
        field: ttft_ms
        unit: ms
        p: 99
        threshold: 1s
        prometheus: {histogram: ttft_seconds, buckets: [0.5, 1, 2]}
  - name: ratio-slices
    objective: 99
    window: 7d
    budgeting: {timeslices: 5m, slice_target: 95%, sparse: bad}
    sli:
      ratio:
        good: status < 500
        prometheus: {bad: 'req_total{code="error"}', total: req_total}
)");
  Output out;
  YAML::Node file = CompileToYaml(spec, {}, &out);
  // The default policy's 5m short windows hold no 10m slice: those conditions can never fire
  // (nor do they in the engine) and are left out, saying so.
  EXPECT_NE(out.text.find("# SLO p99: the page condition 1h/5m is left out: no 10m slice fits in "
                          "its 5m window, so it "
                          "can never fire\n"),
            std::string::npos)
      << out.text.substr(0, 2000);
  std::vector<YAML::Node> p99_alerts = Alerts(Group(file, "slokit-svc-p99"));
  ASSERT_EQ(p99_alerts.size(), 2u);
  EXPECT_EQ(p99_alerts[0]["expr"].as<std::string>().find("ratio1h"), std::string::npos);
  EXPECT_NE(p99_alerts[0]["expr"].as<std::string>().find("ratio6h"), std::string::npos);
  std::string p99 =
      Rule(Group(file, "slokit-svc-p99"), "slokit:sli_slice:good10m")["expr"].as<std::string>();
  // 1 s is a boundary: the `le` bucket (integral: "1" or "1.0") against 99% of the count.
  EXPECT_NE(
      p99.find(
          "sum(increase(ttft_seconds_bucket{le=~\"1(\\\\.0)?\"}[10m]))\n        >= bool\n      "
          "(sum(increase(ttft_seconds_count[10m])) * 0.99 - 1e-09)"),
      std::string::npos)
      << p99;
  EXPECT_NE(p99.find("  or\n  sum(increase(ttft_seconds_count[10m])) * 0 + 1\n"), std::string::npos)
      << p99;
  EXPECT_NE(p99.find("(vector(time()) % 600 < 60)"), std::string::npos) << p99;
  std::string ratio =
      Rule(Group(file, "slokit-svc-ratio-slices"), "slokit:sli_slice:good5m")["expr"]
          .as<std::string>();
  EXPECT_NE(ratio.find("(sum(increase(req_total[5m])) * 0.95 - 1e-09)"), std::string::npos)
      << ratio;
  EXPECT_NE(ratio.find("  or\n  sum(increase(req_total[5m])) * 0\n"), std::string::npos) << ratio;
  // The errors are subtracted as a whole: total - (bad or 0 * total).
  EXPECT_NE(ratio.find("        sum(increase(req_total[5m]))\n        -\n        (\n          "
                       "sum(increase(req_total{code=\"error\"}[5m]))\n            or 0 * "
                       "sum(increase(req_total[5m]))\n"
                       "        )\n"),
            std::string::npos)
      << ratio;
}

TEST(AlertingRules, LabelsRouteToTheOwnersAndAnnotationsExplain) {
  YAML::Node file = CompileToYaml(Example());
  std::map<std::string, std::string> team_of;
  for (const auto& group : file["groups"]) {
    for (const YAML::Node& a : Alerts(group)) {
      EXPECT_EQ(a["alert"].as<std::string>(), "ErrorBudgetBurn");
      YAML::Node l = a["labels"];
      std::string slo = l["slo"].as<std::string>();
      team_of[slo] = l["team"].as<std::string>();
      EXPECT_EQ(l["service"].as<std::string>(), "chat-api");
      std::string severity = l["severity"].as<std::string>();
      EXPECT_TRUE(severity == "page" || severity == "ticket");
      YAML::Node n = a["annotations"];
      EXPECT_NE(n["summary"].as<std::string>().find("chat-api " + slo), std::string::npos);
      std::string d = n["description"].as<std::string>();
      EXPECT_NE(d.find("{{ printf \"%.1f\" $value }} times faster than sustainable"),
                std::string::npos)
          << d;
      EXPECT_NE(d.find("{{ with printf "
                       "\"slokit:slo_error_budget_remaining:ratio{slo=%q,service=%q}\" $labels.slo "
                       "$labels.service | query }}{{ . | first | value | humanizePercentage }}"),
                std::string::npos)
          << d;
      EXPECT_EQ(n["runbook_url"].as<std::string>(),
                "https://runbooks.example.com/slo/chat-api/" + slo);
      EXPECT_EQ(n["dashboard"].as<std::string>(), "https://grafana.example.com/d/slokit-chat-api");
    }
  }
  // Seed 004: quality regressions go to the model owners, everything else to infra.
  EXPECT_EQ(team_of["answer-quality"], "chat-models");
  EXPECT_EQ(team_of["no-hallucination"], "chat-models");
  EXPECT_EQ(team_of["availability"], "inference-sre");
  EXPECT_EQ(team_of["good-answer"], "inference-sre");
  EXPECT_EQ(team_of.size(), 8u);
}

TEST(AlertingRules, MultiWindowMultiBurnRateWithTheLowTrafficGuard) {
  YAML::Node g = Group(CompileToYaml(Example()), "slokit-chat-api-availability");
  std::vector<YAML::Node> alerts = Alerts(g);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0]["labels"]["severity"].as<std::string>(), "page");
  std::string page = alerts[0]["expr"].as<std::string>();
  EXPECT_EQ(page,
            "(\n"
            "  max without (sli_window) "
            "(slokit:sli_error:ratio1h{slo=\"availability\",service=\"chat-api\"}) / 0.001 "
            "> 14.4\n"
            "  and\n"
            "  max without (sli_window) "
            "(slokit:sli_error:ratio5m{slo=\"availability\",service=\"chat-api\"}) / 0.001 "
            "> 14.4\n"
            "  and\n"
            "  sum without (sli_window) "
            "(sum_over_time(slokit:sli_requests:increase1m{slo=\"availability\","
            "service=\"chat-api\"}[59m59s])) >= 100\n"
            ")\n"
            "or\n"
            "(\n"
            "  max without (sli_window) "
            "(slokit:sli_error:ratio6h{slo=\"availability\",service=\"chat-api\"}) / 0.001 "
            "> 6\n"
            "  and\n"
            "  max without (sli_window) "
            "(slokit:sli_error:ratio30m{slo=\"availability\",service=\"chat-api\"}) / "
            "0.001 > 6\n"
            "  and\n"
            "  sum without (sli_window) "
            "(sum_over_time(slokit:sli_requests:increase1m{slo=\"availability\","
            "service=\"chat-api\"}[5h59m59s])) >= 100\n"
            ")\n");
  EXPECT_FALSE(alerts[0]["for"]);
  std::string ticket = alerts[1]["expr"].as<std::string>();
  EXPECT_NE(ticket.find("ratio3d{slo=\"availability\",service=\"chat-api\"}) / 0.001 > 1\n"),
            std::string::npos);
  // Timeslice SLIs guard on counted slices.
  YAML::Node p95 = Group(CompileToYaml(Example()), "slokit-chat-api-ttft-p95");
  EXPECT_NE(Alerts(p95)[0]["expr"].as<std::string>().find(
                "sum without (sli_window) "
                "(count_over_time(slokit:sli_slice:good5m{slo=\"ttft-p95\",service=\"chat-api\"}"
                "[55m59s])) >= 6"),
            std::string::npos);
}

TEST(AlertingRules, ForDisabledTiersBudgetSharesAndNoGuard) {
  Spec spec = MustLoad(std::string(kHeader) + "slos:\n" + RatioSlo("with-for", R"(    alerting:
      min_valid_events: 0
      page:
        - {long: 1h, short: 5m, burn_rate: 14.4, for: 2m}
        - {long: 6h, short: 30m, burn_rate: 6}
        - {long: 2h, short: 10m, burn_rate: 10, enabled: false}
      ticket: false
)") +
                       RatioSlo("shares", R"(    alerting:
      page:
        - {long: 1h, short: 5m, budget: 2%}
      ticket:
        - {long: 3d, short: 6h, budget: 10%}
)",
                                "", "28d"));
  YAML::Node file = CompileToYaml(spec);
  std::vector<YAML::Node> alerts = Alerts(Group(file, "slokit-svc-with-for"));
  // Different `for:` durations need separate rules; the disabled condition and tier are absent.
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0]["for"].as<std::string>(), "2m");
  EXPECT_NE(alerts[0]["expr"].as<std::string>().find("ratio1h"), std::string::npos);
  EXPECT_FALSE(alerts[1]["for"]);
  EXPECT_NE(alerts[1]["expr"].as<std::string>().find("ratio6h"), std::string::npos);
  for (const YAML::Node& a : alerts) {
    EXPECT_EQ(a["labels"]["severity"].as<std::string>(), "page");
    EXPECT_EQ(a["expr"].as<std::string>().find("sum_over_time(slokit:sli_requests"),
              std::string::npos);
    EXPECT_EQ(a["expr"].as<std::string>().find("ratio2h"), std::string::npos);
  }
  EXPECT_EQ(Records(Group(file, "slokit-svc-with-for")).size(),
            2u + 4u);  // tiles + 5m, 30m, 1h, 6h
  // Budget shares follow the SLO window: 2% of 28d in 1h is 13.44, 10% in 3d is 0.9333.
  std::vector<YAML::Node> shares = Alerts(Group(file, "slokit-svc-shares"));
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_NE(shares[0]["expr"].as<std::string>().find("/ 0.001 > 13.44\n"), std::string::npos);
  EXPECT_NE(shares[1]["expr"].as<std::string>().find("/ 0.001 > 0.933333333333\n"),
            std::string::npos);
  EXPECT_NE(Records(Group(file, "slokit-svc-shares-budget"))[0].find("ratio28d"),
            std::string::npos);
}

TEST(AlertingRules, ByLabelsAreKeptEverywhere) {
  Spec spec =
      MustLoad(std::string(kHeader) + "slos:\n" + RatioSlo("per-model", "", ", by: [model]"));
  YAML::Node g = Group(CompileToYaml(spec), "slokit-svc-per-model");
  EXPECT_NE(Rule(g, "slokit:sli_requests:increase1m")["expr"].as<std::string>().find(
                "sum by (model) (increase("),
            std::string::npos);
  std::string d = Alerts(g)[0]["annotations"]["description"].as<std::string>();
  EXPECT_NE(d.find("{slo=%q,service=%q,model=%q}\" $labels.slo $labels.service $labels.model"),
            std::string::npos)
      << d;
  EXPECT_NE(Alerts(g)[0]["annotations"]["summary"].as<std::string>().find(
                "for model={{ $labels.model }}"),
            std::string::npos);
}

TEST(Compile, UnboundSlosAreAnErrorNamingThemUnlessSkipped) {
  Spec spec =
      MustLoad(std::string(kHeader) + "slos:\n" + RatioSlo("bound") +
               "  - name: unbound\n    objective: 99\n    sli: {ratio: {good: status < 500}}\n");
  Output out;
  Status s = CompileRules(spec, {}, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "test.yaml:13: SLO 'unbound' has no Prometheus binding: add `prometheus:` to its "
            "sli.ratio (docs/spec.md, "
            "\"Prometheus bindings\") or pass --skip-unbound to compile the others");
  Options o;
  o.skip_unbound = true;
  ASSERT_TRUE(CompileRules(spec, o, &out).ok());
  EXPECT_EQ(out.skipped, std::vector<std::string>{"unbound"});
  EXPECT_NE(out.text.find("# Skipped (no Prometheus binding): unbound."), std::string::npos);
  EXPECT_EQ(out.text.find("slokit-svc-unbound"), std::string::npos);
  // Nothing bound at all is an error even when skipping.
  Spec none = MustLoad(std::string(kHeader) +
                       "slos:\n  - name: u\n    objective: 99\n    sli: {ratio: {good: ok}}\n");
  EXPECT_FALSE(CompileRules(none, o, &out).ok());
}

TEST(Compile, CalendarWindowsAreRollingAndSaySo) {
  Output out;
  CompileToYaml(Example(), {}, &out);
  EXPECT_NE(out.text.find(
                "# SLO good-answer: its calendar window (month) is evaluated as a rolling 30d."),
            std::string::npos);
}

TEST(Alertmanager, EveryTeamAndSeverityHasAReceiverAndPagesInhibitTickets) {
  Spec spec = Example();
  Output out;
  ASSERT_TRUE(CompileAlertmanager(spec, {}, &out).ok());
  YAML::Node am = YAML::Load(out.text);
  EXPECT_EQ(am["route"]["receiver"].as<std::string>(), "slokit-unrouted");
  YAML::Node service = am["route"]["routes"][0];
  EXPECT_EQ(service["matchers"][0].as<std::string>(), "service=\"chat-api\"");
  std::set<std::string> receivers;
  for (const auto& r : am["receivers"]) receivers.insert(r["name"].as<std::string>());
  std::map<std::pair<std::string, std::string>, std::string> routed;
  for (const auto& r : service["routes"]) {
    std::string team = r["matchers"][0].as<std::string>(),
                severity = r["matchers"][1].as<std::string>();
    routed[{team, severity}] = r["receiver"].as<std::string>();
    EXPECT_TRUE(receivers.count(r["receiver"].as<std::string>()));
  }
  EXPECT_EQ(routed.size(), 4u);
  EXPECT_EQ((routed[{"team=\"chat-models\"", "severity=\"page\""}]), "chat-models-page");
  EXPECT_EQ((routed[{"team=\"inference-sre\"", "severity=\"ticket\""}]), "inference-sre-ticket");
  YAML::Node inhibit = am["inhibit_rules"][0];
  EXPECT_EQ(inhibit["source_matchers"][1].as<std::string>(), "severity=\"page\"");
  EXPECT_EQ(inhibit["target_matchers"][1].as<std::string>(), "severity=\"ticket\"");
  EXPECT_EQ(inhibit["equal"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"service", "slo"}));
  EXPECT_NE(out.text.find("team chat-models (#chat-model-owners): add a notifier"),
            std::string::npos);
}

TEST(Grafana, DashboardFollowsTheCurrentSchemaAndQueriesOnlyRecordedSeries) {
  Spec spec = Example();
  Output rules_out, dash_out;
  ASSERT_TRUE(CompileRules(spec, {}, &rules_out).ok());
  ASSERT_TRUE(CompileGrafana(spec, {}, &dash_out).ok());
  nlohmann::json d = nlohmann::json::parse(dash_out.text);
  EXPECT_GE(d["schemaVersion"].get<int>(), 39);
  EXPECT_EQ(d["uid"], "slokit-chat-api");
  EXPECT_LE(d["uid"].get<std::string>().size(), 40u);
  EXPECT_EQ(d["templating"]["list"][0]["type"], "datasource");
  EXPECT_EQ(d["templating"]["list"][0]["query"], "prometheus");
  std::set<int> ids;
  std::set<std::string> titles_per_slo;
  std::regex metric("(slokit:[a-z_]+:[a-z_]+[0-9a-z]*|ALERTS)\\{");
  size_t rows = 0, panels = 0;
  for (const auto& p : d["panels"]) {
    EXPECT_TRUE(ids.insert(p["id"].get<int>()).second) << "duplicate id " << p["id"];
    const auto& pos = p["gridPos"];
    EXPECT_LE(pos["x"].get<int>() + pos["w"].get<int>(), 24);
    EXPECT_GT(pos["h"].get<int>(), 0);
    if (p["type"] == "row") {
      ++rows;
      continue;
    }
    ++panels;
    EXPECT_TRUE(p["type"] == "timeseries" || p["type"] == "stat" || p["type"] == "bargauge" ||
                p["type"] == "table" || p["type"] == "state-timeline")
        << p["type"];
    EXPECT_EQ(p["datasource"]["type"], "prometheus");
    EXPECT_EQ(p["datasource"]["uid"], "${datasource}");
    ASSERT_FALSE(p["targets"].empty()) << p["title"];
    for (const auto& t : p["targets"]) {
      EXPECT_FALSE(t["refId"].get<std::string>().empty());
      std::string expr = t["expr"];
      std::smatch m;
      ASSERT_TRUE(std::regex_search(expr, m, metric)) << expr;
      for (auto it = std::sregex_iterator(expr.begin(), expr.end(), metric);
           it != std::sregex_iterator(); ++it) {
        std::string name = (*it)[1];
        if (name != "ALERTS") {
          EXPECT_NE(rules_out.text.find("record: " + name + "\n"), std::string::npos)
              << name << " is not recorded";
        }
      }
    }
  }
  // An overview row and one row per SLO with four panels: SLI vs objective, budget remaining,
  // burn rates, alert state.
  EXPECT_EQ(rows, 1 + spec.slos.size());
  EXPECT_EQ(panels, 2 + 4 * spec.slos.size());
}

}  // namespace
}  // namespace slokit::rules
