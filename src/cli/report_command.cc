// slokit report: evaluate a spec over request events; the exit code makes it a CI/CD gate.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/command.h"
#include "cli/progress_bar.h"
#include "engine/report.h"
#include "io/event_reader.h"
#include "spec/loader.h"

namespace slokit::cli {

namespace {

struct ReportOptions {
  std::string spec;
  std::vector<std::string> events;
  std::string format = "table";
  std::string at;
  std::string slot = "1m";
  std::string time_field;
  bool strict = false;
  int threads = 0;
};

int Fail(const std::string& message) {
  std::cerr << "slokit report: " << message << "\n";
  return kExitUsage;
}

// Reads every events file on `threads` threads, one evaluator each, and merges them into the
// first. Bad lines are described on stderr; `inputs` gets per-file counts for the JSON output.
Status ReadAllEvents(const ReportOptions& opts, const Spec& spec, const EvaluatorOptions& eo, int threads,
                     Evaluator* merged, nlohmann::json* inputs) {
  std::vector<Evaluator> workers;
  for (int t = 1; t < threads; ++t) workers.emplace_back(spec, eo);
  auto evaluator_for = [&](int worker) { return worker == 0 ? merged : &workers[static_cast<size_t>(worker) - 1]; };
  ReadOptions ro;
  ro.time_field = opts.time_field.empty() ? spec.time_field : opts.time_field;
  ro.strict = opts.strict;
  for (const std::string& path : opts.events) {
    ReadStats stats;
    ProgressBar bar;
    ro.progress = [&](uint64_t done, uint64_t total) {
      bar.Update(total ? static_cast<double>(done) / static_cast<double>(total) : -1,
                 fmt::format("{}: {:.0f} MB", path, static_cast<double>(done) / 1e6));
    };
    Status s = ReadEventsParallel(
        path, spec.fields, ro, threads,
        [&](int worker) { return [ev = evaluator_for(worker)](const Record& r) { ev->Push(r); }; }, &stats);
    if (!s.ok()) return s;
    inputs->push_back({{"path", path}, {"lines", stats.lines}, {"events", stats.records},
                       {"bad_lines", stats.bad_lines}, {"bytes", stats.bytes}});
    if (stats.bad_lines) {
      std::cerr << fmt::format("slokit report: {}: {} of {} lines rejected\n", path, stats.bad_lines, stats.lines);
      for (const LineError& e : stats.first_errors) std::cerr << fmt::format("  {}:{}: {}\n", path, e.line, e.message);
    }
  }
  for (const Evaluator& w : workers) merged->Merge(w);
  return Status::Ok();
}

int RunReport(const ReportOptions& opts) {
  Spec spec;
  std::vector<Diagnostic> warnings;
  Status s = LoadSpecFile(opts.spec, &spec, &warnings);
  if (!s.ok()) return Fail(s.message());
  EvaluatorOptions eo;
  auto slot = ParseDuration(opts.slot);
  if (!slot || *slot < kSecond || kMinute % *slot != 0)
    return Fail("--slot must be a duration that divides 1m evenly (e.g. 1m, 30s, 10s)");
  eo.slot = *slot;
  std::optional<TimeNs> at;
  if (!opts.at.empty()) {
    at = ParseRfc3339(opts.at);
    if (!at) return Fail("--at: expected an RFC 3339 timestamp like 2026-10-31T00:00:00Z");
    at = FloorDiv(*at, eo.slot) * eo.slot;
  }
  int threads = opts.threads > 0 ? opts.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  Evaluator evaluator(spec, eo);
  nlohmann::json inputs = nlohmann::json::array();
  s = ReadAllEvents(opts, spec, eo, threads, &evaluator, &inputs);
  if (!s.ok()) return Fail(s.message());
  if (!at) at = evaluator.data_end();
  if (*at == 0) return Fail("no events were read");
  for (const Diagnostic& d : warnings) std::cerr << d.ToString() << "\n";
  Report report = BuildReport(evaluator, *at);
  for (const SloReport& sr : report.slos) {
    const Slo& slo = spec.slos[sr.index];
    if (sr.overflow_events)
      std::cerr << fmt::format("slokit report: warning: SLO {}: more than {} cohorts; {} events folded into 'other'\n",
                               slo.name, slo.cohorts.max, sr.overflow_events);
  }
  if (opts.format == "json") {
    nlohmann::json j = ReportToJson(report);
    j["inputs"] = inputs;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << RenderReportTable(report);
  }
  return report.all_met() ? kExitOk : kExitViolated;
}

}  // namespace

Command MakeReportCommand(CLI::App& parent) {
  auto opts = std::make_shared<ReportOptions>();
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
  auto run = [opts]() -> int { return RunReport(*opts); };
  return {app, run};
}

}  // namespace slokit::cli
