// PromQL building blocks shared by the rule writers: the event series an SLI binding names,
// increase() over a range, and indentation of multi-line expressions.
#pragma once

#include <string>

#include "rules/plan.h"

namespace slokit::rules {

// The counters behind an event SLI: total (valid) events, and good or bad events. Latency and
// exact percentile SLIs read a histogram: `_count` for total, the `le` bucket at the threshold
// for good.
struct EventSeries {
  PromSelector total;
  PromSelector good;
  PromSelector bad;
  bool has_good = true;
};
EventSeries EventSeriesOf(const SloPlan& plan);

// The matcher of the bucket at the threshold. Integral boundaries match both "1" (Go clients)
// and "1.0" (OpenMetrics, slokit's library, Prometheus 3's normalisation).
PromMatcher LeMatcher(const PrometheusBinding& binding);

// increase(selector[range])
std::string Increase(const PromSelector& selector, DurationNs range);
// Indents every line after the first by `spaces`... and the first too: a block.
std::string Indent(const std::string& text, int spaces);

}  // namespace slokit::rules
