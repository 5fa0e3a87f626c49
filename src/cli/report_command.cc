// slokit report: evaluate a spec over request events; the exit code makes it a CI/CD gate.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/command.h"
#include "cli/progress_bar.h"
#include "engine/batch_feeder.h"
#include "engine/report.h"
#include "io/event_reader.h"
#include "io/prometheus_client.h"
#include "rules/prometheus_source.h"
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
  // --prometheus: read the SLIs back from the query API instead of events.
  std::string prometheus, from, to, step = "1m", timeout = "30s";
  std::string bearer_token_file, basic_auth_user, basic_auth_password_file;
  std::vector<std::string> headers;
  int retries = 3;
};

int Fail(const std::string& message) { return UsageError("report", message); }

// Reads every events file on `threads` threads, one evaluator each, and merges them into the
// first. Bad lines are described on stderr; `inputs` gets per-file counts for the JSON output.
Status ReadAllEvents(const ReportOptions& opts, const Spec& spec, const EvaluatorOptions& eo, int threads,
                     Evaluator* merged, KpiTracker* merged_kpis, nlohmann::json* inputs) {
  std::vector<Evaluator> workers;
  for (int t = 1; t < threads; ++t) workers.emplace_back(spec, eo);
  auto evaluator_for = [&](int worker) { return worker == 0 ? merged : &workers[static_cast<size_t>(worker) - 1]; };
  // Regression and capacity checks see the same records, one tracker per thread too.
  std::vector<KpiTracker> kpi_workers;
  for (int t = 1; t < threads; ++t) kpi_workers.emplace_back(spec);
  auto kpis_for = [&](int worker) { return worker == 0 ? merged_kpis : &kpi_workers[static_cast<size_t>(worker) - 1]; };
  bool track_kpis = !spec.regressions.empty() || !spec.capacity.empty();
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
    // Records reach each evaluator a batch at a time; what is left is pushed once the file is read.
    std::vector<BatchFeeder> feeders;
    for (int t = 0; t < threads; ++t)
      feeders.emplace_back(spec.fields.size(), evaluator_for(t), track_kpis ? kpis_for(t) : nullptr);
    Status s = ReadEventsParallel(
        path, spec.fields, ro, threads,
        [&](int worker) {
          return [feeder = &feeders[static_cast<size_t>(worker)]](const Record& r) { feeder->Add(r); };
        },
        &stats);
    if (!s.ok()) return s;
    for (BatchFeeder& f : feeders) f.Flush();
    inputs->push_back({{"path", path}, {"lines", stats.lines}, {"events", stats.records},
                       {"bad_lines", stats.bad_lines}, {"bytes", stats.bytes}});
    if (stats.bad_lines) {
      std::cerr << fmt::format("slokit report: {}: {} of {} lines rejected\n", path, stats.bad_lines, stats.lines);
      for (const LineError& e : stats.first_errors) std::cerr << fmt::format("  {}:{}: {}\n", path, e.line, e.message);
    }
  }
  for (const Evaluator& w : workers) merged->Merge(w);
  for (const KpiTracker& w : kpi_workers) merged_kpis->Merge(w);
  return Status::Ok();
}

// The first line of a secret file, without surrounding whitespace.
Status ReadSecretFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return Status::IoError(fmt::format("{}: cannot read", path));
  std::getline(in, *out);
  size_t b = out->find_first_not_of(" \t\r\n"), e = out->find_last_not_of(" \t\r\n");
  *out = b == std::string::npos ? "" : out->substr(b, e - b + 1);
  if (out->empty()) return Status::InvalidArgument(fmt::format("{}: empty", path));
  return Status::Ok();
}

// Fills the evaluator from the query API (engine/prometheus_source.h) over [--from, --to];
// *at defaults to --to. Says on stderr where the data came from.
Status ReadPrometheus(const ReportOptions& opts, const Spec& spec, Evaluator* evaluator,
                      std::optional<TimeNs>* at, nlohmann::json* inputs) {
  io::PrometheusClientOptions co;
  co.url = opts.prometheus;
  std::optional<DurationNs> timeout = ParseDuration(opts.timeout);
  if (!timeout || *timeout <= 0) return Status::InvalidArgument("--timeout: expected a duration like 30s");
  co.timeout = *timeout;
  co.retries = opts.retries;
  if (!opts.bearer_token_file.empty()) {
    if (Status s = ReadSecretFile(opts.bearer_token_file, &co.bearer_token); !s.ok()) return s;
  }
  if (!opts.basic_auth_user.empty()) {
    co.basic_user = opts.basic_auth_user;
    if (opts.basic_auth_password_file.empty())
      return Status::InvalidArgument("--basic-auth-user needs --basic-auth-password-file");
    if (Status s = ReadSecretFile(opts.basic_auth_password_file, &co.basic_password); !s.ok()) return s;
  }
  for (const std::string& h : opts.headers) {
    size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0)
      return Status::InvalidArgument(fmt::format("--header '{}': expected 'Name: value'", h));
    size_t v = h.find_first_not_of(' ', colon + 1);
    co.headers.emplace_back(h.substr(0, colon), v == std::string::npos ? "" : h.substr(v));
  }
  io::PrometheusClient client(co);
  if (Status s = client.Validate(); !s.ok()) return s;

  PrometheusSourceOptions so;
  std::optional<DurationNs> step = ParseDuration(opts.step);
  if (!step) return Status::InvalidArgument("--step: expected a duration like 1m");
  so.step = *step;
  auto parse_time = [](const std::string& flag, const std::string& text) -> std::optional<TimeNs> {
    if (text.empty()) return std::nullopt;
    std::optional<TimeNs> t = ParseTimestamp(text);
    if (!t) std::cerr << fmt::format("slokit report: {}: expected RFC 3339 or Unix seconds\n", flag);
    return t;
  };
  if (!opts.to.empty() && !parse_time("--to", opts.to)) return Status::InvalidArgument("bad --to");
  if (!opts.from.empty() && !parse_time("--from", opts.from)) return Status::InvalidArgument("bad --from");
  TimeNs now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
  so.to = opts.to.empty() ? (at->has_value() ? **at : now) : *ParseTimestamp(opts.to);
  so.to = FloorDiv(so.to, so.step) * so.step;
  if (!opts.from.empty()) {
    so.from = *ParseTimestamp(opts.from);
  } else {  // every SLO's window ending at --to
    so.from = so.to;
    for (const Slo& slo : spec.slos) {
      TimeNs start, period_end;
      slo.window.Bounds(so.to, &start, &period_end);
      so.from = std::min(so.from, start);
    }
  }
  if (!at->has_value()) *at = so.to;
  RangeQueryFn query = [&client](const std::string& q, TimeNs start, TimeNs end, DurationNs st,
                                 std::vector<io::PromSeries>* out) { return client.QueryRange(q, start, end, st, out); };
  PrometheusSourceResult result;
  if (Status s = LoadFromPrometheus(spec, so, query, evaluator, &result); !s.ok()) return s;
  std::cerr << fmt::format("slokit report: source: Prometheus query API at {}, {} to {} in {} steps: {} queries, "
                           "{} samples\n",
                           opts.prometheus, FormatTime(so.from), FormatTime(so.to), FormatDuration(so.step),
                           result.queries, result.points);
  for (const std::string& n : result.notes) std::cerr << "slokit report: note: " << n << "\n";
  for (const std::string& w : client.warnings()) std::cerr << "slokit report: warning from the server: " << w << "\n";
  for (const std::string& u : result.unbound)
    std::cerr << fmt::format("slokit report: warning: SLO {} has no prometheus binding: no data\n", u);
  inputs->push_back({{"prometheus", opts.prometheus}, {"from", FormatTime(so.from)}, {"to", FormatTime(so.to)},
                     {"step", FormatDuration(so.step)}, {"queries", result.queries}, {"samples", result.points},
                     {"notes", result.notes}, {"unbound", result.unbound}});
  return Status::Ok();
}

int RunReport(const ReportOptions& opts) {
  if (opts.events.empty() == opts.prometheus.empty())
    return Fail(opts.events.empty() ? "give --events FILE... or --prometheus URL"
                                    : "--events and --prometheus are exclusive: read one source");
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
  KpiTracker kpis(spec);  // regression and capacity checks (events only)
  nlohmann::json inputs = nlohmann::json::array();
  if (!opts.prometheus.empty()) {
    s = ReadPrometheus(opts, spec, &evaluator, &at, &inputs);
  } else {
    s = ReadAllEvents(opts, spec, eo, threads, &evaluator, &kpis, &inputs);
  }
  if (!s.ok()) return Fail(s.message());
  if (!at) at = evaluator.data_end();
  if (*at == 0) return Fail("no events were read");
  for (const Diagnostic& d : warnings) std::cerr << d.ToString() << "\n";
  // Regression and capacity checks read events; the query API path has none to give them.
  Report report = BuildReport(evaluator, opts.prometheus.empty() ? &kpis : nullptr, *at);
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
  } else if (opts.format == "html") {
    AddBudgetHistory(evaluator, &report);
    if (opts.prometheus.empty()) AddKpiHistory(kpis, &evaluator, &report);
    std::cout << RenderReportHtml(report);
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
  app->add_option("--events,-e", opts->events,
                  "Event files: JSON lines or CSV, optionally .gz; '-' for stdin (or --prometheus)");
  app->add_option("--format", opts->format, "Output format: table, json, or html (one self-contained page with charts)")
      ->check(CLI::IsMember({"table", "json", "html"}));
  app->add_option("--at", opts->at, "Evaluate at this instant (RFC 3339); default: the end of the data");
  app->add_option("--slot", opts->slot, "Slot width: the resolution of windows and of the alert backtest");
  app->add_option("--time-field", opts->time_field, "Event field holding the timestamp (default: the spec's, or ts)");
  app->add_flag("--strict", opts->strict, "Fail on the first bad input line instead of counting it");
  app->add_option("--threads", opts->threads, "Threads parsing JSON lines (default: one per core)")
      ->check(CLI::Range(0, 256));
  app->add_option("--prometheus", opts->prometheus,
                  "Read the SLIs from this Prometheus-compatible query API instead of events "
                  "(base URL, e.g. http://127.0.0.1:9090; docs/prometheus-source.md)");
  app->add_option("--from", opts->from, "--prometheus: start of the range (default: the longest SLO window before --to)");
  app->add_option("--to", opts->to, "--prometheus: end of the range (default: --at, or now)");
  app->add_option("--step", opts->step, "--prometheus: counter increases per step (>= 2 scrape intervals)");
  app->add_option("--bearer-token-file", opts->bearer_token_file, "--prometheus: send this token as a bearer token");
  app->add_option("--basic-auth-user", opts->basic_auth_user, "--prometheus: basic auth user");
  app->add_option("--basic-auth-password-file", opts->basic_auth_password_file, "--prometheus: basic auth password");
  app->add_option("--header", opts->headers, "--prometheus: extra request header 'Name: value' (e.g. X-Scope-OrgID)");
  app->add_option("--timeout", opts->timeout, "--prometheus: timeout of one request");
  app->add_option("--retries", opts->retries, "--prometheus: further attempts on connection errors, 429 and 5xx")
      ->check(CLI::Range(0, 20));
  app->footer(
      "Exit codes: 0 every SLO met, 1 at least one SLO violated, 2 bad usage or bad input.\n"
      "Bad event lines are counted and the first few are described on stderr.");
  auto run = [opts]() -> int { return RunReport(*opts); };
  return {app, run};
}

}  // namespace slokit::cli
