// slokit rules: compile a spec to Prometheus recording and alerting rules (default), Alertmanager
// routes (--alertmanager) or a Grafana dashboard (--grafana). docs/rules.md describes the output.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "rules/compile.h"
#include "spec/loader.h"

namespace slokit::cli {

Command MakeRulesCommand(CLI::App& parent) {
  struct Options {
    std::string spec;
    std::string output;
    bool alertmanager = false;
    bool grafana = false;
    bool skip_unbound = false;
    std::string runbook_url;
    std::string dashboard_url;
    std::string step = "1m";
  };
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand("rules",
                                        "Compile a spec to Prometheus recording and alerting "
                                        "rules, Alertmanager routes or a Grafana dashboard");
  app->add_option("spec", opts->spec, "SLO spec (YAML) whose SLIs have prometheus: bindings")
      ->required();
  app->add_option("-o,--output", opts->output, "Write here instead of stdout");
  auto* am = app->add_flag("--alertmanager", opts->alertmanager,
                           "Write an Alertmanager configuration routing each team its alerts "
                           "(check: amtool check-config)");
  auto* gf = app->add_flag("--grafana", opts->grafana,
                           "Write a Grafana dashboard (JSON) for the service's SLOs");
  am->excludes(gf);
  app->add_flag(
      "--skip-unbound", opts->skip_unbound,
      "Compile the SLOs that have a Prometheus binding and skip the others (listed on stderr)");
  app->add_option("--runbook-url", opts->runbook_url,
                  "Runbook URL template for alert annotations; {service}, {slo}, {severity}, "
                  "{team} are filled in "
                  "(default https://runbooks.example.com/slo/{service}/{slo})");
  app->add_option(
      "--dashboard-url", opts->dashboard_url,
      "Dashboard link template for alert annotations; also {uid}, the generated dashboard's uid "
      "(default https://grafana.example.com/d/{uid})");
  app->add_option("--step", opts->step,
                  "Tile width and evaluation interval of the SLI rule groups; at least twice the "
                  "scrape interval "
                  "(1m for scrapes up to 30s, 5m for 1m scrapes)");
  app->footer(
      "Exit codes: 0 written, 2 bad usage or bad input (spec errors, an SLO without a binding).\n"
      "Check the output: promtool check rules FILE; amtool check-config FILE.");
  auto run = [opts]() -> int {
    auto fail = [](const std::string& message) { return UsageError("rules", message); };
    Spec spec;
    Status s = LoadSpecFile(opts->spec, &spec, nullptr);
    if (!s.ok()) return fail(s.message());
    rules::Options ro;
    ro.source = opts->spec;
    ro.skip_unbound = opts->skip_unbound;
    if (!opts->runbook_url.empty()) ro.runbook_url = opts->runbook_url;
    if (!opts->dashboard_url.empty()) ro.dashboard_url = opts->dashboard_url;
    auto step = ParseDuration(opts->step);
    if (!step || *step < 2 * kSecond || *step % kSecond != 0)
      return fail(fmt::format(
          "--step: expected a whole number of seconds, at least 2s, like 1m or 5m; got '{}'",
          opts->step));
    ro.step = *step;
    rules::Output out;
    if (opts->alertmanager) {
      s = rules::CompileAlertmanager(spec, ro, &out);
    } else if (opts->grafana) {
      s = rules::CompileGrafana(spec, ro, &out);
    } else {
      s = rules::CompileRules(spec, ro, &out);
    }
    if (!s.ok()) return fail(s.message());
    for (const std::string& name : out.skipped)
      std::cerr << fmt::format("slokit rules: skipped SLO '{}': no Prometheus binding\n", name);
    if (opts->output.empty() || opts->output == "-") {
      std::cout << out.text;
      std::cout.flush();
      if (!std::cout) return fail("cannot write to stdout");
      return kExitOk;
    }
    std::ofstream file(opts->output, std::ios::binary | std::ios::trunc);
    if (!file) return fail(fmt::format("{}: cannot open for writing", opts->output));
    file << out.text;
    file.close();
    if (!file) return fail(fmt::format("{}: write failed", opts->output));
    return kExitOk;
  };
  return {app, run};
}

}  // namespace slokit::cli
