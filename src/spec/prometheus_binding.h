// Prometheus bindings: which series measure an SLI, so that `slokit rules` can compile the SLO to
// recording and alerting rules (src/rules). A binding is optional: a spec without one still loads,
// validates and reports over events. docs/spec.md, "Prometheus bindings", documents the keys.
//
//   ratio, quality, composite   {good: <selector> | bad: <selector>, total: <selector>}
//   latency, percentile         {histogram: <name>, selector: '{...}', unit: s, buckets: [...]}
//   throughput                  {counter: <selector>, events: <selector>?}
//   every kind                  by: [label, ...]   (optional: one SLI per value of these labels)
//
// Selectors are checked for their basic shape (a metric name and optional {label op "value"}
// matchers), not parsed as PromQL.
#pragma once

#include <string>
#include <vector>

namespace slokit {

class YamlField;
enum class SliKind;

struct PromMatcher {
  std::string label;
  std::string op;     // =, !=, =~, !~
  std::string value;  // unescaped
};

// `metric{label="value",...}`: an instant-vector selector without range, offset or functions.
struct PromSelector {
  std::string metric;
  std::vector<PromMatcher> matchers;
  bool empty() const { return metric.empty() && matchers.empty(); }
  // The canonical text: metric{a="x",b!~"y|z"}, with extra matchers appended.
  std::string Render(const std::vector<PromMatcher>& extra = {}) const;
  // The same selector for another metric name (histogram _bucket/_count series).
  PromSelector WithMetric(std::string name) const;
};

// Parses a selector; on failure returns false and sets *error and *column (1-based, in `text`).
// `require_metric`: a bare `{...}` is rejected.
bool ParsePromSelector(const std::string& text, bool require_metric, PromSelector* out,
                       std::string* error, int* column);
// Quotes a label value as a PromQL double-quoted string.
std::string PromQuote(const std::string& value);

struct PrometheusBinding {
  bool defined = false;

  // ratio, quality, composite: good (or bad) events over total events.
  PromSelector good, bad, total;

  // latency, percentile: a classic histogram (name without _bucket/_count).
  PromSelector histogram;
  double unit_seconds = 1;             // the histogram's unit, in seconds (s: 1, ms: 0.001)
  std::vector<double> buckets;         // its finite bucket boundaries, ascending, when known
  bool buckets_from_defaults = false;  // known from slokit's instrumentation (docs/metrics.md)
  double threshold = 0;                // the SLI's threshold in the histogram's unit
  // latency: always true (checked when the buckets are known). percentile: true when the
  // threshold is a boundary (or the buckets are unknown): the slice verdict then reads the `le`
  // bucket exactly; false: it is estimated with histogram_quantile.
  bool threshold_is_boundary = true;
  std::string le;  // the `le` label value of the threshold's bucket, e.g. "2.5"

  // throughput: a counter whose rate is the throughput; `events` counts requests for min_events.
  PromSelector counter, events;

  std::vector<std::string> by;  // labels kept by every aggregation
  int line = 0;                 // where the binding was written
};

// What the parser needs to know of the SLI it binds.
struct BindingContext {
  double threshold_ns = 0;  // latency, percentile: the SLI threshold as a duration
  double percentile = 0;    // percentile: 0..100
};

// Parses a `prometheus:` mapping for an SLI of `kind`. Throws SpecError (via YamlField::Fail)
// naming file:line:column:field.
void ParsePrometheusBinding(const YamlField& f, SliKind kind, const BindingContext& context,
                            PrometheusBinding* out);

// The finite bucket boundaries of a histogram from slokit's instrumentation library
// (docs/metrics.md), matched by name with or without a namespace prefix; empty when unknown.
std::vector<double> KnownHistogramBuckets(const std::string& histogram_name);

// The shortest decimal text that reads back as `v` ("2.5", "0.005", "1").
std::string FormatPromNumber(double v);

}  // namespace slokit
