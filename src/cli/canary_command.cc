// slokit canary: compare a canary deployment with its baseline, metric by metric, and decide —
// promote, marginal, rollback or inconclusive (docs/canary.md). The exit code is the verdict.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "cli/command.h"
#include "core/time.h"
#include "decide/canary.h"
#include "io/event_reader.h"

namespace slokit::cli {

namespace {

using decide::CanaryAnalyzer;
using decide::CanaryConfig;
using decide::Side;

struct CanaryOptions {
  std::string config;
  std::vector<std::string> events;
  std::string baseline_events;
  std::string canary_events;
  std::string baseline;
  std::string canary;
  std::string since;
  std::string until;
  std::string format = "table";
  std::string time_field;
  bool strict = false;
  int threads = 0;
};

int Fail(const std::string& message) { return UsageError("canary", message); }

int RunCanary(const CanaryOptions& opts) {
  CanaryConfig config;
  Status s = decide::LoadCanaryConfigFile(opts.config, &config);
  if (!s.ok()) return Fail(s.message());

  const bool two_files = !opts.baseline_events.empty() || !opts.canary_events.empty();
  if (two_files) {
    if (opts.baseline_events.empty() || opts.canary_events.empty())
      return Fail("--baseline-events and --canary-events go together");
    if (!opts.events.empty()) return Fail("give either --events with --baseline/--canary, or --baseline-events and --canary-events");
  } else {
    if (opts.events.empty()) return Fail("no events: give --events with --baseline and --canary, or --baseline-events and --canary-events");
    if (opts.baseline.empty() || opts.canary.empty())
      return Fail("--events needs --baseline and --canary filters to tell the two sides apart");
  }
  Expr baseline_sel, canary_sel;  // the constant true unless given
  if (!opts.baseline.empty()) {
    s = decide::ParseSelector(opts.baseline, "--baseline", &config, &baseline_sel);
    if (!s.ok()) return Fail(s.message());
  }
  if (!opts.canary.empty()) {
    s = decide::ParseSelector(opts.canary, "--canary", &config, &canary_sel);
    if (!s.ok()) return Fail(s.message());
  }
  TimeNs since = INT64_MIN, until = INT64_MAX;
  if (!opts.since.empty()) {
    auto t = ParseRfc3339(opts.since);
    if (!t) return Fail("--since: expected an RFC 3339 timestamp like 2026-10-22T00:00:00Z");
    since = *t;
  }
  if (!opts.until.empty()) {
    auto t = ParseRfc3339(opts.until);
    if (!t) return Fail("--until: expected an RFC 3339 timestamp like 2026-10-31T00:00:00Z");
    until = *t;
  }
  if (since >= until) return Fail("--since must be before --until");

  int threads = opts.threads > 0 ? opts.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ReadOptions ro;
  ro.time_field = opts.time_field.empty() ? config.time_field : opts.time_field;
  ro.strict = opts.strict;

  std::deque<CanaryAnalyzer> analyzers;  // one per worker; stable addresses
  for (int t = 0; t < threads; ++t) analyzers.emplace_back(config);
  std::atomic<uint64_t> ambiguous{0};

  auto read = [&](const std::string& path, std::optional<Side> fixed) -> Status {
    ReadStats stats;
    Status st = ReadEventsParallel(
        path, config.fields, ro, threads,
        [&](int worker) -> RecordSink {
          CanaryAnalyzer* a = &analyzers[static_cast<size_t>(worker)];
          return [&, a, fixed](const Record& r) {
            if (r.time_ns < since || r.time_ns >= until) return;
            bool is_base = baseline_sel.Eval(r), is_canary = canary_sel.Eval(r);
            if (fixed) {
              if (*fixed == Side::kBaseline ? is_base : is_canary) a->Push(*fixed, r);
              return;
            }
            if (is_base && is_canary) {
              ambiguous.fetch_add(1, std::memory_order_relaxed);
            } else if (is_base) {
              a->Push(Side::kBaseline, r);
            } else if (is_canary) {
              a->Push(Side::kCanary, r);
            }
          };
        },
        &stats);
    if (!st.ok()) return st;
    if (stats.bad_lines) {
      std::cerr << fmt::format("slokit canary: {}: {} of {} lines rejected\n", path, stats.bad_lines, stats.lines);
      for (const LineError& e : stats.first_errors) std::cerr << fmt::format("  {}:{}: {}\n", path, e.line, e.message);
    }
    return Status::Ok();
  };
  if (two_files) {
    s = read(opts.baseline_events, Side::kBaseline);
    if (s.ok()) s = read(opts.canary_events, Side::kCanary);
  } else {
    for (const std::string& path : opts.events) {
      s = read(path, std::nullopt);
      if (!s.ok()) break;
    }
  }
  if (!s.ok()) return Fail(s.message());
  if (ambiguous.load())
    std::cerr << fmt::format("slokit canary: {} events matched both --baseline and --canary and were skipped\n",
                             ambiguous.load());
  for (size_t i = 1; i < analyzers.size(); ++i) analyzers[0].Merge(analyzers[i]);

  decide::CanaryResult result = analyzers[0].Analyze();
  if (opts.format == "json") {
    nlohmann::json j = decide::CanaryResultToJson(result);
    j["config"] = opts.config;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << decide::RenderCanaryTable(result);
  }
  return decide::VerdictExitCode(result.verdict);
}

}  // namespace

Command MakeCanaryCommand(CLI::App& parent) {
  auto opts = std::make_shared<CanaryOptions>();
  CLI::App* app = parent.add_subcommand(
      "canary", "Canary analysis: compare a canary with its baseline metric by metric and decide promote or rollback");
  app->add_option("config", opts->config, "Canary config (YAML, docs/canary.md)")->required();
  app->add_option("--events,-e", opts->events,
                  "Event files holding both sides (JSON lines or CSV, optionally .gz; '-' for stdin)");
  app->add_option("--baseline", opts->baseline, "Filter selecting the baseline's events, e.g. 'deployment == \"stable\"'");
  app->add_option("--canary", opts->canary, "Filter selecting the canary's events, e.g. 'deployment == \"canary\"'");
  app->add_option("--baseline-events", opts->baseline_events,
                  "The baseline's events in a file of their own (with --canary-events; --baseline then filters it)");
  app->add_option("--canary-events", opts->canary_events,
                  "The canary's events in a file of their own (with --baseline-events; --canary then filters it)");
  app->add_option("--since", opts->since, "Analysis window start (RFC 3339, inclusive); default: all events");
  app->add_option("--until", opts->until, "Analysis window end (RFC 3339, exclusive)");
  app->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  app->add_option("--time-field", opts->time_field, "Event field holding the timestamp (default: the config's, or ts)");
  app->add_flag("--strict", opts->strict, "Fail on the first bad input line instead of counting it");
  app->add_option("--threads", opts->threads, "Threads parsing JSON lines (default: one per core)")
      ->check(CLI::Range(0, 256));
  app->footer(
      "Exit codes: 0 promote, 1 rollback (a critical metric or the SLO gate failed, or the score is below\n"
      "the marginal threshold), 2 bad usage or bad input, 3 inconclusive (too little data),\n"
      "4 marginal (score between the marginal and pass thresholds: extend the canary or decide by hand).\n"
      "Events matching both selectors are skipped (and counted on stderr). See docs/canary.md.");
  auto run = [opts]() -> int { return RunCanary(*opts); };
  return {app, run};
}

}  // namespace slokit::cli
