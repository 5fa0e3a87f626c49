// The canary configuration (docs/canary.md): which metrics compare a canary with its baseline,
// how each is tested and tolerated, the score thresholds, and an optional SLO gate. Loaded from
// its own small YAML format; every error says "file:line:column: field: problem".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expr.h"
#include "core/record.h"
#include "core/status.h"

namespace slokit::decide {

// How a metric's two samples are compared.
enum class MetricTest {
  kMannWhitney,  // continuous values: Mann-Whitney U, effect = Hodges-Lehmann shift
  kProportion,   // a rate of `bad` events: chi-square on the 2x2 table, effect = rate change
};
const char* MetricTestName(MetricTest test);

// Which change of the canary against the baseline is bad.
enum class Direction { kIncrease, kDecrease, kEither };
const char* DirectionName(Direction direction);

struct MetricConfig {
  std::string name;
  MetricTest test = MetricTest::kMannWhitney;
  // kMannWhitney: the value is field (/ divide_by) * scale; events where it is missing,
  // non-numeric or not finite (or divide_by is 0) are skipped.
  std::string field;
  int field_index = -1;
  std::string divide_by;
  int divide_by_index = -1;
  double scale = 1.0;
  std::string unit;  // for display only
  // Which events of a side the metric looks at (default: all of them).
  Expr filter;
  std::string filter_text;
  // kProportion: which of the filtered events are bad.
  Expr bad;
  std::string bad_text;
  Direction direction = Direction::kIncrease;
  double tolerance = 0.10;  // relative effect tolerated, as a fraction (10% -> 0.10)
  bool critical = false;    // a failure rolls the canary back whatever the score
  double weight = 1.0;      // > 0
  int line = 0;
};

// The canary's error ratio over the analysis window, divided by the SLO's error budget ratio
// (1 - objective), must stay at or under max_burn_rate.
struct SloGateConfig {
  bool enabled = false;
  std::string spec_path;  // as resolved (relative to the config file's directory); empty if inline
  std::string slo;        // the SLO's name in the spec, or "inline"
  Expr valid;             // the SLO's validity criteria (true when not given inline)
  Expr good;
  double objective = 0.999;  // fraction in (0, 1)
  double max_burn_rate = 2.0;
  std::string description;  // e.g. "availability: status < 500"
};

struct CanaryConfig {
  std::string file;
  std::string time_field = "ts";
  double alpha = 0.05;             // significance level of every test
  uint64_t min_events = 100;       // per side (and per metric side) below which: inconclusive
  uint64_t max_samples = 200000;   // values kept per metric and side (deterministic sample above)
  double pass_threshold = 95;      // score (percent) at or above which the canary is promoted
  double marginal_threshold = 75;  // score at or above which it is marginal
  std::vector<MetricConfig> metrics;
  SloGateConfig gate;
  // Every event field the metrics, the gate and the selectors read. Selectors given later (the
  // CLI's --baseline and --canary) are interned here too.
  FieldSet fields;
};

// Loads the config in `path`; a relative `slo_gate.spec` is resolved against its directory.
// ParseError / InvalidArgument with "file:line:column: field: problem", NotFound for a missing
// file (the config or the gate's spec).
Status LoadCanaryConfigFile(const std::string& path, CanaryConfig* config);
// The same from text; `name` is used in messages and to resolve `slo_gate.spec`.
Status LoadCanaryConfigString(std::string_view yaml, std::string_view name, CanaryConfig* config);

// Parses a selector (a filter expression) against config->fields; `what` names it in errors
// ("--baseline: column 3: ...").
Status ParseSelector(std::string_view text, std::string_view what, CanaryConfig* config, Expr* out);

}  // namespace slokit::decide
