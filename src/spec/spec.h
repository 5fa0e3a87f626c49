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
};

}  // namespace slokit
