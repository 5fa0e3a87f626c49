// slokit drift: reference vs current events — per numeric field PSI / KS / Wasserstein, per
// categorical field chi-square / Jensen-Shannon, overall and per cohort — and the spec's quality
// SLOs per cohort, flagging a cohort below target while the aggregate passes; embedding drift and
// the hallucination rate against a golden dataset when asked for (docs/canary.md).
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/command.h"
#include "decide/drift.h"
#include "io/event_reader.h"
#include "spec/loader.h"

namespace slokit::cli {

namespace {

struct DriftCliOptions {
  std::string spec;
  std::string reference;
  std::string current;
  std::string by;
  std::vector<std::string> numeric = {"ttft_ms", "itl_ms", "e2e_ms", "prompt_tokens", "completion_tokens",
                                      "quality_score"};
  std::vector<std::string> categorical = {"model", "region", "language", "tier", "endpoint", "status"};
  std::string embedding_field;
  double min_cosine = -2;  // unset: the spec's, else 0.95
  std::string golden;
  double max_hallucination = -1;  // percent; unset: the spec's, else 2
  bool numeric_set = false, categorical_set = false;  // given on the command line
  std::string format = "table";
  std::string time_field;
  bool strict = false;
  int threads = 0;
};

int Fail(const std::string& message) { return UsageError("drift", message); }

int RunDrift(const DriftCliOptions& opts) {
  Spec spec;
  Status s = LoadSpecFile(opts.spec, &spec, nullptr);
  if (!s.ok()) return Fail(s.message());
  // The spec's `drift:` section first, then what the command line says.
  DriftConfig& config = spec.drift;
  decide::DriftOptions o = decide::DriftOptions::FromConfig(config);
  if (opts.numeric_set || o.numeric.empty()) o.numeric = opts.numeric;
  if (opts.categorical_set || o.categorical.empty()) o.categorical = opts.categorical;
  if (!opts.by.empty()) o.by = opts.by;
  if (!opts.embedding_field.empty()) config.embedding_field = opts.embedding_field;
  if (opts.min_cosine >= -1) config.min_cosine = opts.min_cosine;
  if (!opts.golden.empty()) config.golden = opts.golden;
  if (opts.max_hallucination >= 0) config.max_hallucination = opts.max_hallucination / 100;
  if (o.by.empty()) {  // default: the first cohort field of the spec's first quality SLO
    for (const Slo& slo : spec.slos)
      if (slo.sli.kind == SliKind::kQuality && !slo.cohorts.fields.empty()) {
        o.by = spec.fields.name(slo.cohorts.fields.front());
        break;
      }
  }
  decide::GoldenSet golden;
  if (!config.golden.empty()) {
    s = decide::LoadGoldenSet(config.golden, &golden);
    if (!s.ok()) return Fail(s.message());
  }
  int threads = opts.threads > 0 ? opts.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::deque<decide::DriftAnalyzer> analyzers;
  for (int t = 0; t < threads; ++t) analyzers.emplace_back(&spec, &o);  // interns fields (idempotent)
  ReadOptions ro;
  ro.time_field = opts.time_field.empty() ? spec.time_field : opts.time_field;
  ro.strict = opts.strict;
  for (int side = 0; side < 2; ++side) {
    const std::string& path = side ? opts.current : opts.reference;
    ReadStats stats;
    s = ReadEventsParallel(
        path, spec.fields, ro, threads,
        [&](int worker) -> RecordSink {
          decide::DriftAnalyzer* a = &analyzers[static_cast<size_t>(worker)];
          return [a, side](const Record& r) { a->Push(side == 1, r); };
        },
        &stats);
    if (!s.ok()) return Fail(s.message());
    if (stats.bad_lines) {
      std::cerr << fmt::format("slokit drift: {}: {} of {} lines rejected\n", path, stats.bad_lines, stats.lines);
      for (const LineError& e : stats.first_errors) std::cerr << fmt::format("  {}:{}: {}\n", path, e.line, e.message);
    }
  }
  for (size_t i = 1; i < analyzers.size(); ++i) analyzers[0].Merge(analyzers[i]);
  decide::DriftResult result = analyzers[0].Analyze();
  // Vectors and golden evaluations: one more pass per file, only when asked for, so plain drift
  // runs never pay for it.
  decide::EvalAnalyzer eval(&config, o.by, o.max_cohorts, config.golden.empty() ? nullptr : &golden);
  if (eval.enabled()) {
    for (int side = 0; side < 2; ++side) {
      s = eval.ReadSide(side == 1, side ? opts.current : opts.reference);
      if (!s.ok()) return Fail(s.message());
    }
    result.eval = eval.Analyze();
    result.any_drift = result.any_drift || result.eval.any_embedding_drift;
    result.any_flagged = result.any_flagged || result.eval.any_hallucination_above;
  }
  if (result.reference_events == 0 || result.current_events == 0) return Fail("no events were read on one side");
  if (opts.format == "json") {
    std::cout << decide::DriftResultToJson(result).dump(2) << "\n";
  } else {
    std::cout << decide::RenderDriftTable(result);
  }
  return result.any_drift || result.any_flagged ? kExitViolated : kExitOk;
}

}  // namespace

Command MakeDriftCommand(CLI::App& parent) {
  auto opts = std::make_shared<DriftCliOptions>();
  CLI::App* app = parent.add_subcommand(
      "drift", "Drift and quality: compare current events with a reference, overall and per cohort");
  app->add_option("spec", opts->spec, "SLO spec (YAML): its quality SLOs are checked per cohort")->required();
  app->add_option("--reference", opts->reference, "Reference events (JSON lines or CSV, optionally .gz)")->required();
  app->add_option("--current", opts->current, "Current events")->required();
  app->add_option("--by", opts->by, "Cohort field (default: the first cohort field of the spec's first quality SLO)");
  app->add_option("--numeric", opts->numeric, "Numeric fields to compare (default: the spec's drift.numeric, else these)")
      ->delimiter(',')
      ->capture_default_str()
      ->each([opts](const std::string&) { opts->numeric_set = true; });
  app->add_option("--categorical", opts->categorical, "Categorical fields to compare (default: the spec's, else these)")
      ->delimiter(',')
      ->capture_default_str()
      ->each([opts](const std::string&) { opts->categorical_set = true; });
  app->add_option("--embedding-field", opts->embedding_field,
                  "Field holding a vector (JSON array of numbers): compare the mean embeddings");
  app->add_option("--min-cosine", opts->min_cosine, "Embedding drift below this cosine similarity (default 0.95)")
      ->check(CLI::Range(-1.0, 1.0));
  app->add_option("--golden", opts->golden,
                  "Golden dataset (JSON lines {\"id\", \"expected\"}): hallucination rate of the evaluation results");
  app->add_option("--max-hallucination", opts->max_hallucination,
                  "Hallucination rate target, in percent (default 2)")
      ->check(CLI::Range(0.0, 100.0));
  app->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  app->add_option("--time-field", opts->time_field, "Event field holding the timestamp (default: the spec's, or ts)");
  app->add_flag("--strict", opts->strict, "Fail on the first bad input line instead of counting it");
  app->add_option("--threads", opts->threads, "Threads parsing JSON lines (default: one per core)")
      ->check(CLI::Range(0, 256));
  app->footer(
      "Drift: numeric PSI >= 0.25, or KS p < 0.01 with D >= 0.1; categorical chi-square p < 0.01 with\n"
      "Jensen-Shannon distance >= 0.1 (PSI 0.1 - 0.25 is reported as moderate). At least 100 events per side.\n"
      "Embedding drift: cosine similarity of the mean vectors < 0.95. Hallucination: rate > 2%. The spec's\n"
      "drift: section changes methods and thresholds; flags override it.\n"
      "Exit codes: 0 no drift and no missed quality target, 1 drift (fields or embeddings), a cohort below\n"
      "its quality target while the aggregate passes, or a hallucination rate above target; 2 bad usage or\n"
      "bad input. See docs/canary.md.");
  auto run = [opts]() -> int { return RunDrift(*opts); };
  return {app, run};
}

}  // namespace slokit::cli
