// `slokit rules` against the real tools: promtool accepts the rules of every example spec,
// amtool accepts the Alertmanager configuration and routes every SLO's alerts to its team, alert
// annotations render in Prometheus' template engine, and the CLI keeps the conventions of the
// other subcommands (exit codes, stderr prefix, -o).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "rules_test_util.h"

namespace slokit::rules {
namespace {

using namespace testing;  // NOLINT

std::string Slokit() { return std::string(SLOKIT_BINARY_DIR) + "/slokit"; }

// The example SLO specs: YAML files under examples/ with a top-level `slos:` (other examples
// configure other subcommands).
std::vector<std::string> ExampleSpecs() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(std::string(SLOKIT_SOURCE_DIR) + "/examples")) {
    if (e.path().extension() != ".yaml" && e.path().extension() != ".yml") continue;
    YAML::Node root = YAML::LoadFile(e.path().string());
    if (root.IsMap() && root["slos"]) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Promtool, EveryExampleSpecCompilesToRulesPromtoolAccepts) {
  SLOKIT_REQUIRE_PROGRAM(promtool, "promtool", "prometheus");
  ScratchDir dir;
  std::vector<std::string> specs = ExampleSpecs();
  ASSERT_FALSE(specs.empty());
  for (const std::string& spec : specs) {
    std::string rules = dir / (fs::path(spec).stem().string() + "-rules.yaml");
    CommandResult r = RunCommand(dir, fmt::format("{} rules {} -o {}", Slokit(), spec, rules));
    ASSERT_EQ(r.code, 0) << spec << ": " << r.err;
    r = RunCommand(dir, fmt::format("{} check rules {}", promtool, rules));
    EXPECT_EQ(r.code, 0) << spec << ":\n" << r.out << r.err;
    EXPECT_NE(r.out.find("SUCCESS"), std::string::npos) << r.out;
    // Another step (for 1m scrapes) compiles and checks too.
    r = RunCommand(dir, fmt::format("{} rules {} --step 5m -o {}", Slokit(), spec, rules));
    ASSERT_EQ(r.code, 0) << spec << ": " << r.err;
    r = RunCommand(dir, fmt::format("{} check rules {}", promtool, rules));
    EXPECT_EQ(r.code, 0) << spec << " --step 5m:\n" << r.out << r.err;
  }
}

TEST(Amtool, AlertmanagerConfigIsValidAndRoutesEachSloToItsTeam) {
  SLOKIT_REQUIRE_PROGRAM(amtool, "amtool", "prometheus-alertmanager");
  ScratchDir dir;
  for (const std::string& spec_path : ExampleSpecs()) {
    std::string config = dir / "alertmanager.yml";
    CommandResult r = RunCommand(
        dir, fmt::format("{} rules {} --alertmanager -o {}", Slokit(), spec_path, config));
    ASSERT_EQ(r.code, 0) << r.err;
    r = RunCommand(dir, fmt::format("{} check-config {}", amtool, config));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("SUCCESS"), std::string::npos) << r.out;

    // Every alert the rules can raise reaches the receiver of its team and severity.
    std::string rules_path = dir / "rules.yaml";
    ASSERT_EQ(
        RunCommand(dir, fmt::format("{} rules {} -o {}", Slokit(), spec_path, rules_path)).code, 0);
    YAML::Node rules = YAML::LoadFile(rules_path);
    int checked = 0;
    for (const auto& g : rules["groups"]) {
      for (const auto& rule : g["rules"]) {
        if (!rule["alert"]) continue;
        std::string labels = fmt::format("alertname={}", rule["alert"].as<std::string>());
        for (const auto& l : rule["labels"])
          labels += fmt::format(" {}={}", l.first.as<std::string>(), l.second.as<std::string>());
        r = RunCommand(
            dir, fmt::format("{} config routes test --config.file={} {}", amtool, config, labels));
        std::string expected = fmt::format("{}-{}", rule["labels"]["team"].as<std::string>(),
                                           rule["labels"]["severity"].as<std::string>());
        EXPECT_EQ(r.out, expected + "\n") << labels << "\n" << r.err;
        ++checked;
      }
    }
    EXPECT_GT(checked, 0);
  }
}

TEST(Amtool, QualityAlertsGoToTheModelOwnersTheRestToInfra) {
  SLOKIT_REQUIRE_PROGRAM(amtool, "amtool", "prometheus-alertmanager");
  ScratchDir dir;
  std::string config = dir / "alertmanager.yml";
  ASSERT_EQ(
      RunCommand(dir, fmt::format("{} rules {}/examples/chat-service.yaml --alertmanager -o {}",
                                  Slokit(), SLOKIT_SOURCE_DIR, config))
          .code,
      0);
  auto route = [&](const std::string& labels) {
    return RunCommand(dir, fmt::format("{} config routes test --config.file={} {}", amtool, config,
                                       labels))
        .out;
  };
  EXPECT_EQ(route("alertname=ErrorBudgetBurn service=chat-api slo=no-hallucination "
                  "team=chat-models severity=page"),
            "chat-models-page\n");
  EXPECT_EQ(
      route(
          "alertname=ErrorBudgetBurn service=chat-api slo=ttft team=inference-sre severity=ticket"),
      "inference-sre-ticket\n");
  // Other services' alerts are not this config's business.
  EXPECT_EQ(route("alertname=ErrorBudgetBurn service=other team=chat-models severity=page"),
            "slokit-unrouted\n");
}

// The annotations render in Prometheus' template engine: burn rate from $value, the remaining
// budget from a query, the runbook and dashboard links. 2% errors on a 99.9% objective burn the
// budget 20 times too fast; over 30 days that leaves 1 - 20 = -1900% of it.
TEST(Promtool, AlertAnnotationsRender) {
  SLOKIT_REQUIRE_PROGRAM(promtool, "promtool", "prometheus");
  ScratchDir dir;
  WriteFile(dir / "spec.yaml", R"(service: chat-api
owners: {infra: {team: sre}}
alerting:
  ticket: false
  page:
    - {long: 1h, short: 5m, burn_rate: 14.4}
slos:
  - name: availability
    description: Requests that do not fail on our side
    objective: 99.9
    window: 30d
    sli:
      ratio:
        good: status < 500
        prometheus:
          bad: 'requests_total{status="error"}'
          total: requests_total
)");
  CommandResult r = RunCommand(
      dir, fmt::format("{} rules {} --runbook-url 'https://wiki/{{team}}/{{slo}}/{{severity}}' "
                       "--dashboard-url 'https://g/d/{{uid}}' -o {}",
                       Slokit(), dir / "spec.yaml", dir / "rules.yaml"));
  ASSERT_EQ(r.code, 0) << r.err;
  WriteFile(dir / "test.yaml", R"(rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'requests_total{status="ok"}'
        values: '0+980x120'
      - series: 'requests_total{status="error"}'
        values: '0+20x120'
    alert_rule_test:
      - eval_time: 100m
        alertname: ErrorBudgetBurn
        exp_alerts:
          - exp_labels: {severity: page, team: sre, slo: availability, service: chat-api}
            exp_annotations:
              summary: 'chat-api availability: error budget burning too fast (page)'
              description: 'SLO availability of chat-api (Requests that do not fail on our side: 99.9% over 30d) is burning its error budget 20.0 times faster than sustainable over the long window of a page condition (> 14.4 over 1h and 5m). Error budget left over 30d: -1900%.'
              runbook_url: 'https://wiki/sre/availability/page'
              dashboard: 'https://g/d/slokit-chat-api'
)");
  r = RunCommand(dir,
                 fmt::format("cd {} && {} test rules test.yaml", dir.path().string(), promtool));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST(RulesCli, ExitCodesErrorsAndOutput) {
  ScratchDir dir;
  std::string example = std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml";
  // stdout by default, a file with -o.
  CommandResult r = RunCommand(dir, fmt::format("{} rules {}", Slokit(), example));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("groups:\n"), std::string::npos);
  EXPECT_TRUE(r.err.empty()) << r.err;
  r = RunCommand(dir,
                 fmt::format("{} rules {} --grafana -o {}", Slokit(), example, dir / "d.json"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(Slurp(dir / "d.json").substr(0, 1), "{");

  // An SLO without a binding: exit 2 naming it; --skip-unbound compiles the rest.
  WriteFile(dir / "mixed.yaml", R"(service: s
owners: {infra: sre}
slos:
  - name: bound
    objective: 99
    sli: {ratio: {good: ok, prometheus: {good: 'r_total{ok="1"}', total: r_total}}}
  - name: unbound
    objective: 99
    sli: {ratio: {good: ok}}
)");
  r = RunCommand(dir, fmt::format("{} rules {}", Slokit(), dir / "mixed.yaml"));
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.err.rfind("slokit rules: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("SLO 'unbound' has no Prometheus binding"), std::string::npos) << r.err;
  r = RunCommand(dir, fmt::format("{} rules {} --skip-unbound", Slokit(), dir / "mixed.yaml"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "slokit rules: skipped SLO 'unbound': no Prometheus binding\n");
  EXPECT_NE(r.out.find("slokit-s-bound"), std::string::npos);

  // Spec errors keep the loader's file:line:column: field.
  WriteFile(dir / "bad.yaml", R"(service: s
slos:
  - name: a
    objective: 99
    sli: {ratio: {good: ok, prometheus: {good: 'r_total{ok=="1"}', total: r_total}}}
)");
  r = RunCommand(dir, fmt::format("{} rules {}", Slokit(), dir / "bad.yaml"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(
      r.err.find(fmt::format("slokit rules: {}:5:59: slos[0].sli.ratio.prometheus.good: use '='",
                             dir / "bad.yaml")),
      std::string::npos)
      << r.err;

  // Usage errors.
  EXPECT_EQ(
      RunCommand(dir, fmt::format("{} rules {} --alertmanager --grafana", Slokit(), example)).code,
      2);
  EXPECT_EQ(RunCommand(dir, fmt::format("{} rules {}", Slokit(), dir / "missing.yaml")).code, 2);
  r = RunCommand(dir, fmt::format("{} rules {} --step 90ms", Slokit(), example));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("slokit rules: --step"), std::string::npos) << r.err;
  r = RunCommand(dir,
                 fmt::format("{} rules {} -o {}", Slokit(), example, dir / "no/such/dir/x.yaml"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot open for writing"), std::string::npos) << r.err;
  r = RunCommand(dir, fmt::format("{} rules --help", Slokit()));
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--skip-unbound"), std::string::npos);
}

}  // namespace
}  // namespace slokit::rules
