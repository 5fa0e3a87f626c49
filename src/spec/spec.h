// The SLO spec: a service, its owners, its SLOs and the alerting policy, as loaded from YAML.
// Every SLI kind is reduced here to the same shape the engine evaluates: a `valid` predicate, a
// `good` predicate (or a measured field for percentile and throughput SLIs), and a budgeting rule.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/expr.h"
#include "core/record.h"
#include "core/time.h"
#include "spec/prometheus_binding.h"

namespace slokit {

enum class SliKind { kRatio, kLatency, kPercentile, kThroughput, kQuality, kComposite };
const char* SliKindName(SliKind kind);

struct Window {
  enum class Kind { kRolling, kCalendarMonth, kCalendarWeek } kind = Kind::kRolling;
  DurationNs length = 30 * kDay;  // for rolling windows; a calendar window's length depends on when
  std::string text;               // as written: "30d", "month", "week"

  // The window that ends at `at`: [*start, at) for rolling windows, or the calendar period that
  // contains the instant just before `at`, with its full length in *length.
  void Bounds(TimeNs at, TimeNs* start, TimeNs* end_of_period) const;
  // The length used where one number must stand for the window: rolling length, 30d for a
  // calendar month, 7d for a week.
  DurationNs NominalLength() const { return kind == Kind::kCalendarWeek ? kWeek : kind == Kind::kCalendarMonth ? 30 * kDay : length; }
};

// A slice with fewer valid events than `min_events` is "sparse"; this says what it counts as.
enum class SparseSlices { kSkip, kGood, kBad };

struct Budgeting {
  enum class Kind { kOccurrences, kTimeslices } kind = Kind::kOccurrences;
  DurationNs slice = 5 * kMinute;
  // For ratio-like SLIs budgeted in timeslices: a slice is good when its good/valid ratio is at
  // or above this (defaults to the objective).
  double slice_target = 0;
  uint64_t min_events = 1;
  SparseSlices sparse = SparseSlices::kSkip;
};

struct Sli {
  SliKind kind = SliKind::kRatio;
  Expr valid;  // which events count at all (validity criteria)
  Expr good;   // for ratio, latency, quality and composite
  // percentile: the field whose pNN must stay at or under `threshold` in every slice.
  // throughput: the field summed over a slice, divided by the slice's seconds, must reach `threshold`.
  int field = -1;
  double percentile = 0;    // 0..100
  double threshold = 0;     // in the field's own unit
  std::string description;  // a one-line human summary, e.g. "ttft_ms <= 500 (p95 per 5m)"
  PrometheusBinding prometheus;  // the series that measure it, for `slokit rules` (optional)
  std::string kpi;  // the catalog KPI it measures (sector/ABBR, spec/catalog.h), when it names one
};

struct Cohorts {
  std::vector<int> fields;  // label fields to break down by
  size_t max = 50;          // distinct cohorts before overflow goes to "other"
};

struct AlertCondition {
  std::string severity;  // "page" or "ticket"
  DurationNs long_window = kHour;
  DurationNs short_window = 5 * kMinute;
  double factor = 14.4;  // burn-rate threshold
  // When the condition was written as a share of the budget spent in the long window (2% in
  // 1h), the share; the factor then follows the SLO window: share x window / long window.
  double budget_share = 0;
  DurationNs for_duration = 0;  // how long the condition must hold before it fires
};

struct AlertingPolicy {
  std::vector<AlertCondition> conditions;
  // A low-traffic guard: no alert fires unless the long window holds at least this many valid
  // events (slices for timeslice budgeting).
  uint64_t min_valid_events = 10;
  static AlertingPolicy Defaults();
};

struct Slo {
  std::string name;
  std::string description;
  std::string owner;  // a key of Spec::owners; quality SLOs default to "quality", others to "infra"
  double objective = 0.999;  // a fraction in (0, 1)
  Window window;
  Budgeting budgeting;
  Sli sli;
  Cohorts cohorts;
  AlertingPolicy alerting;
  int line = 0;  // where it was defined, for messages
};

// A statistic of an event field over a window: a quantile, the mean, the maximum, or a rate
// (sum of the field, or count of events when there is no field, per second).
struct KpiStatistic {
  enum class Kind { kQuantile, kMean, kMax, kRate } kind = Kind::kQuantile;
  double q = 0.5;    // for kQuantile, in (0, 1)
  std::string text;  // as written: "p50", "median", "p95", "mean", "max", "rate"
};

// A baseline-relative alert (seed 000's regression_policy): the KPI's statistic over `window`
// against the same statistic over the `baseline` that ends where the window begins; warn and
// critical when it is worse than `warn` and `critical` times the baseline. "Worse" follows
// `higher_is_bad`: for a KPI where lower is bad the ratio is baseline / value.
struct RegressionCheck {
  std::string name;
  std::string kpi;   // the catalog KPI (sector/ABBR) it was resolved from, if any
  int field = -1;    // -1 only for a rate of events
  std::string unit;  // the field's unit, for display ("ms"); may be empty
  Expr valid;        // which events count
  KpiStatistic statistic;
  DurationNs window = kHour;       // evaluation window
  DurationNs step = 5 * kMinute;  // evaluated at every multiple of step; divides window
  DurationNs baseline = 7 * kDay; // whole hours
  DurationNs min_baseline = kDay; // no alert before the baseline holds this much data
  // Seasonal (daily): the baseline is the window's own time of day on each of the baseline's days
  // before it, so a daily peak is compared with earlier peaks, not with the whole week.
  bool daily_seasonal = false;
  double warn = 0, critical = 0;  // multipliers of the baseline
  std::string factors_from;       // where the multipliers come from: "high sensitivity (sector ...)", "spec"
  bool higher_is_bad = true;
  uint64_t min_events = 20;       // per window and per baseline (baseline only, for rates)
  DurationNs for_duration = 0;
  std::string owner = "infra";
  int line = 0;
};

// A capacity alert (seed 000's capacity_policy): utilization = the resource's load over `window`
// divided by the declared steady-state capacity; warn above `warn`, critical above `critical`,
// or - the inflection rule - when the latency SLO `inflection_slo` burns faster than
// `inflection_burn` over `inflection_window` while utilization is at or above `warn`.
struct CapacityCheck {
  enum class Resource { kTokensPerSecond, kRequestsPerSecond, kConcurrentRequests, kQueueDepth };
  // How the load is measured: a field summed per second, events per second, a gauge sampled on
  // each event (its statistic over the window), or durations summed over the window (Little's
  // law: the mean number of requests in flight, or queued).
  enum class Source { kSumRate, kEventRate, kGauge, kDuration };
  std::string name;
  Resource resource = Resource::kTokensPerSecond;
  Source source = Source::kSumRate;
  int field = -1;
  double field_unit_ns = 1;  // kDuration: nanoseconds per unit of the field
  KpiStatistic statistic;    // kGauge: mean by default
  Expr valid;
  double capacity = 0;       // in the resource's unit
  double warn = 0.8, critical = 0.9;  // fractions of capacity
  DurationNs window = 5 * kMinute;
  DurationNs step = kMinute;
  DurationNs for_duration = 10 * kMinute;
  int inflection_slo = -1;   // index into Spec::slos of a latency or percentile SLO, or -1
  DurationNs inflection_window = 15 * kMinute;
  double inflection_burn = 1;
  std::string owner = "infra";
  int line = 0;
};
const char* CapacityResourceName(CapacityCheck::Resource resource);  // "tokens/s", "concurrent requests"...

// A Prometheus exposition endpoint `slokit serve` scrapes (docs/scrape.md): counter increases
// between scrapes become the SLIs' counts through each SLI's `prometheus:` binding.
struct ScrapeTarget {
  std::string name;  // for messages; defaults to the URL
  std::string url;   // http://host:port/metrics
  DurationNs interval = 15 * kSecond;
  DurationNs timeout = 10 * kSecond;
  int line = 0;
};

// The spec's `drift:` section (docs/canary.md, "Drift and quality"): which fields `slokit drift`
// compares, by which method, and the thresholds that count as drift. Every value has a documented
// default, so the section and each of its keys are optional; command-line flags override it.
struct DriftConfig {
  enum class NumericMethod { kPsiOrKs, kPsi, kKs };  // what flags a numeric field
  enum class CategoricalMethod { kChiSquareAndJs, kChiSquare, kJs };
  std::vector<std::string> numeric;      // empty: the command's defaults
  std::vector<std::string> categorical;  // empty: the command's defaults
  std::string by;                        // cohort field; empty: the first quality SLO's cohort
  NumericMethod numeric_method = NumericMethod::kPsiOrKs;
  CategoricalMethod categorical_method = CategoricalMethod::kChiSquareAndJs;
  double psi = 0.25, psi_moderate = 0.1;  // PSI at or above: drift / moderate
  double ks_alpha = 0.01, ks_min_d = 0.1;  // KS drift: p < alpha and D >= min_d
  double chi_alpha = 0.01, js = 0.1;       // categorical drift: p < alpha and JS >= js
  uint64_t min_events = 100;               // per side, below which a comparison shows n/a
  // Embedding drift (seed 001: output drift as cosine similarity, target 0.95): the cosine
  // similarity of the mean reference and mean current vector of `embedding_field`.
  std::string embedding_field;  // empty: no embedding drift
  double min_cosine = 0.95;
  // Hallucination rate against a golden dataset (seed 001: < 2%): evaluation results in the
  // current events carry `golden_id_field`; `golden` is the dataset's path (relative to the
  // spec's directory when the spec names it).
  std::string golden;  // empty: no hallucination check
  std::string golden_id_field = "golden_id";
  double max_hallucination = 0.02;  // a fraction
  int line = 0;
};

struct Owner {
  std::string team;
  std::string contact;  // e.g. a channel or an email; free text
};

struct Diagnostic {
  enum class Severity { kWarning, kError } severity = Severity::kWarning;
  std::string file;
  int line = 0;
  int column = 0;
  std::string field;  // dotted path of the YAML field, e.g. "slos[2].objective"
  std::string message;
  std::string ToString() const;
};

struct Spec {
  std::string file;
  std::string service;
  std::string description;
  std::vector<std::pair<std::string, Owner>> owners;  // role ("infra", "quality") -> team
  std::string time_field = "ts";
  AlertingPolicy alerting;
  std::vector<Slo> slos;
  FieldSet fields;  // every event field the spec reads
  std::string preset;  // the preset mapping KPIs to series (spec/preset.h), if any
  std::string sector;  // the catalog sector its KPIs come from, if given
  std::vector<RegressionCheck> regressions;  // `regressions:` (engine/regression.h)
  std::vector<CapacityCheck> capacity;       // `capacity:` (engine/capacity.h)
  std::vector<ScrapeTarget> scrape;          // `scrape:` endpoints for `slokit serve`
  DriftConfig drift;                         // `drift:` settings for `slokit drift`
};

}  // namespace slokit
