// slokit report: evaluate a spec over request events; the exit code makes it a CI/CD gate.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "cli/command.h"
#include "cli/progress_bar.h"
#include "engine/report.h"
#include "io/event_reader.h"
#include "spec/loader.h"

namespace slokit::cli {

Command MakeReportCommand(CLI::App& parent) {
  struct Options {
    std::string spec;
    std::vector<std::string> events;
    std::string format = "table";
    std::string at;
    std::string slot = "1m";
    std::string time_field;
    bool strict = false;
    int threads = 0;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand("report", "Evaluate SLOs over request events: SLI, error budget, burn "
                                                  "rates, and the alerts the policy would have fired");
  app->add_option("spec", opts->spec, "SLO spec (YAML)")->required();
  app->add_option("--events,-e", opts->events, "Event files: JSON lines or CSV, optionally .gz; '-' for stdin")
      ->required();
  app->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  app->add_option("--at", opts->at, "Evaluate at this instant (RFC 3339); default: the end of the data");
  app->add_option("--slot", opts->slot, "Slot width: the resolution of windows and of the alert backtest");
  app->add_option("--time-field", opts->time_field, "Event field holding the timestamp (default: the spec's, or ts)");
  app->add_flag("--strict", opts->strict, "Fail on the first bad input line instead of counting it");
  app->add_option("--threads", opts->threads, "Threads parsing JSON lines (default: one per core)")
      ->check(CLI::Range(0, 256));
  app->footer(
      "Exit codes: 0 every SLO met, 1 at least one SLO violated, 2 bad usage or bad input.\n"
      "Bad event lines are counted and the first few are described on stderr.");
  auto run = [opts]() -> int {
    Spec spec;
    std::vector<Diagnostic> warnings;
    Status s = LoadSpecFile(opts->spec, &spec, &warnings);
    if (!s.ok()) {
      std::cerr << "slokit report: " << s.message() << "\n";
      return kExitUsage;
    }
    EvaluatorOptions eo;
    auto slot = ParseDuration(opts->slot);
    if (!slot || *slot < kSecond || kMinute % *slot != 0) {
      std::cerr << "slokit report: --slot must be a duration that divides 1m evenly (e.g. 1m, 30s, 10s)\n";
      return kExitUsage;
    }
    eo.slot = *slot;
    int threads = opts->threads > 0 ? opts->threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // One evaluator per parsing thread, merged once everything is read: no locks per event.
    std::vector<Evaluator> evaluators;
    for (int t = 0; t < threads; ++t) evaluators.emplace_back(spec, eo);
    Evaluator& evaluator = evaluators[0];
    ReadOptions ro;
    ro.time_field = opts->time_field.empty() ? spec.time_field : opts->time_field;
    ro.strict = opts->strict;
    nlohmann::json inputs = nlohmann::json::array();
    for (const std::string& path : opts->events) {
      ReadStats stats;
      ProgressBar bar;
      ro.progress = [&](uint64_t done, uint64_t total) {
        bar.Update(total ? static_cast<double>(done) / static_cast<double>(total) : -1,
                   fmt::format("{}: {:.0f} MB", path, static_cast<double>(done) / 1e6));
      };
      s = ReadEventsParallel(
          path, spec.fields, ro, threads,
          [&](int worker) { return [ev = &evaluators[static_cast<size_t>(worker)]](const Record& r) { ev->Push(r); }; },
          &stats);
      if (!s.ok()) {
        std::cerr << "slokit report: " << s.message() << "\n";
        return kExitUsage;
      }
      inputs.push_back({{"path", path}, {"lines", stats.lines}, {"events", stats.records},
                        {"bad_lines", stats.bad_lines}, {"bytes", stats.bytes}});
      if (stats.bad_lines) {
        std::cerr << fmt::format("slokit report: {}: {} of {} lines rejected\n", path, stats.bad_lines, stats.lines);
        for (const LineError& e : stats.first_errors) std::cerr << fmt::format("  {}:{}: {}\n", path, e.line, e.message);
      }
    }
    for (size_t t = 1; t < evaluators.size(); ++t) evaluator.Merge(evaluators[t]);
    TimeNs at = evaluator.data_end();
    if (!opts->at.empty()) {
      auto t = ParseRfc3339(opts->at);
      if (!t) {
        std::cerr << "slokit report: --at: expected an RFC 3339 timestamp like 2026-10-31T00:00:00Z\n";
        return kExitUsage;
      }
      at = FloorDiv(*t, eo.slot) * eo.slot;
    }
    if (at == 0) {
      std::cerr << "slokit report: no events were read\n";
      return kExitUsage;
    }
    for (const Diagnostic& d : warnings) std::cerr << d.ToString() << "\n";
    Report report = BuildReport(evaluator, at);
    if (opts->format == "json") {
      nlohmann::json j = ReportToJson(report);
      j["inputs"] = inputs;
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << RenderReportTable(report);
    }
    return report.all_met() ? kExitOk : kExitViolated;
  };
  return {app, run};
}

}  // namespace slokit::cli
