// slokit simulate: writes a seeded synthetic LLM request trace (JSON lines or CSV, optionally
// gzip-compressed) for demos, tests and benchmarks. See sim/simulator.h for the model.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/progress_bar.h"
#include "core/time.h"
#include "sim/openmetrics_writer.h"
#include "sim/simulator.h"

namespace slokit::cli {
namespace {

struct SimulateArgs {
  std::string scenario = "steady";
  double days = 30;
  uint64_t seed = 1;
  double rate = 0.1;
  uint64_t events = 0;
  std::string start = "2026-10-01T00:00:00Z";
  std::string format = "jsonl";
  std::string interval = "1m";
  std::string output = "-";
};

// The scenario list for --help: each description word-wrapped under a 22-column name column.
std::string ScenarioHelp() {
  constexpr size_t kIndent = 22, kWidth = 100;
  std::string text = "Scenarios (times are relative to the trace length):\n";
  for (sim::Scenario s : sim::AllScenarios()) {
    std::string line = fmt::format("  {:<{}}", sim::ScenarioName(s), kIndent - 2);
    size_t column = line.size();
    std::string_view rest = sim::DescribeScenario(s);
    while (!rest.empty()) {
      const size_t space = rest.find(' ');
      const std::string_view word = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      if (column > kIndent && column + 1 + word.size() > kWidth) {
        line += "\n" + std::string(kIndent, ' ');
        column = kIndent;
      } else if (column > kIndent) {
        line += ' ';
        ++column;
      }
      line += word;
      column += word.size();
    }
    text += line + "\n";
  }
  return text;
}

std::string ScenarioChoices() {
  std::string names;
  for (sim::Scenario s : sim::AllScenarios()) {
    if (!names.empty()) names += ", ";
    names += sim::ScenarioName(s);
  }
  return names;
}

// "812 B", "45.3 KB", "88.3 MB", "3.4 GB" (decimal units, as file managers show them).
std::string HumanBytes(uint64_t bytes) {
  const auto b = static_cast<double>(bytes);
  if (b < 1e3) return fmt::format("{} B", bytes);
  if (b < 1e6) return fmt::format("{:.1f} KB", b / 1e3);
  if (b < 1e9) return fmt::format("{:.1f} MB", b / 1e6);
  return fmt::format("{:.1f} GB", b / 1e9);
}

int Fail(const std::string& message) { return UsageError("simulate", message); }

int RunSimulate(const SimulateArgs& args) {
  sim::SimulateOptions options;
  std::optional<sim::Scenario> scenario = sim::ParseScenario(args.scenario);
  if (!scenario) {
    return Fail(
        fmt::format("unknown scenario \"{}\" (choose from {})", args.scenario, ScenarioChoices()));
  }
  options.scenario = *scenario;
  if (args.format == "jsonl") {
    options.format = sim::SimulateOptions::Format::kJsonLines;
  } else if (args.format == "csv") {
    options.format = sim::SimulateOptions::Format::kCsv;
  } else if (args.format != "openmetrics") {
    return Fail(
        fmt::format("unknown format \"{}\" (choose jsonl, csv or openmetrics)", args.format));
  }
  std::optional<TimeNs> start = ParseRfc3339(args.start);
  if (!start) {
    return Fail(
        fmt::format("--start \"{}\" is not an RFC 3339 timestamp "
                    "(e.g. 2026-10-01T00:00:00Z)",
                    args.start));
  }
  options.start = *start;
  options.days = args.days;
  options.seed = args.seed;
  options.rate = args.rate;
  options.max_events = args.events;
  if (Status s = sim::ValidateOptions(options); !s.ok()) return Fail(s.message());
  if (args.output.empty()) return Fail("--output must not be empty");

  sim::TraceStats stats;
  Status status;
  if (args.format == "openmetrics") {
    // The metrics an instrumented server would have exposed, for backfilling into Prometheus.
    std::optional<DurationNs> interval = ParseDuration(args.interval);
    if (!interval || *interval < kSecond || *interval % kSecond != 0)
      return Fail("--interval must be a whole number of seconds, e.g. 1m or 15s");
    status = sim::WriteOpenMetrics(options, {.interval = *interval}, args.output, &stats);
  } else {
    ProgressBar bar;
    status =
        sim::WriteTrace(options, args.output, &stats,
                        [&bar](double fraction, uint64_t events) { bar.Update(fraction, fmt::format("{} events", events)); });
  }
  if (!status.ok()) return Fail(status.message());
  fmt::print(stderr, "wrote {} events ({}) to {}\n", stats.events, HumanBytes(stats.file_bytes),
             args.output == "-" ? "stdout" : args.output);
  return kExitOk;
}

}  // namespace

Command MakeSimulateCommand(CLI::App& parent) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* app = parent.add_subcommand(
      "simulate",
      "Write a seeded synthetic LLM request trace (JSON lines or CSV) for demos and tests");
  app->add_option("--scenario", args->scenario, "What happens in the trace (see Scenarios below)")
      ->capture_default_str();
  app->add_option("--days", args->days, "Trace length in days; fractions allowed")
      ->capture_default_str();
  app->add_option("--seed", args->seed, "Random seed; the same options give the same bytes")
      ->capture_default_str();
  app->add_option("--rate", args->rate,
                  "Mean requests per second (daily cycle 0.4x-1.6x, weekends -15%)")
      ->capture_default_str();
  app->add_option("--events", args->events, "Stop after N events (0 = no cap)")
      ->capture_default_str();
  app->add_option("--start", args->start, "Start of the trace, RFC 3339")->capture_default_str();
  app->add_option("--format", args->format,
                  "Output format: jsonl, csv, or openmetrics (the metrics of an instrumented "
                  "server, timestamped for promtool tsdb create-blocks-from openmetrics; "
                  "docs/prometheus-source.md)")
      ->capture_default_str();
  app->add_option("--interval", args->interval,
                  "openmetrics: sample every counter and histogram this often")
      ->capture_default_str();
  app->add_option("-o,--output", args->output,
                  "Output file; - is stdout, a .gz suffix compresses with gzip")
      ->capture_default_str();
  app->footer(ScenarioHelp());
  return Command{app, [args] { return RunSimulate(*args); }};
}

}  // namespace slokit::cli
