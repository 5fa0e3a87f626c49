// PrometheusSource: fills an Evaluator with the per-slot counts of every SLO of a spec, read from
// the series its `prometheus:` bindings name through the query API (`slokit report --prometheus`).
// Counters are read as increases over consecutive, non-overlapping steps:
//
//   sum by (<cohort labels>) (increase(<selector>[1m]))   at a 1m step over [from, to]
//
// so every slot gets the events of its own minute, and the evaluator then computes budgets, burn
// rates and the alert backtest exactly as it does from events. Timeslice SLIs are read at the
// slice width instead (one value per slice, placed in the slice's first slot). What is exact and
// what is approximate is in docs/prometheus-source.md.
//
// Not thread-safe: one load at a time per evaluator.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "engine/evaluator.h"
#include "io/prometheus_client.h"

namespace slokit {

// Runs one /api/v1/query_range request (PrometheusClient::QueryRange, or a fake in tests).
using RangeQueryFn = std::function<Status(const std::string& query, TimeNs start, TimeNs end,
                                          DurationNs step, std::vector<io::PromSeries>* out)>;

struct PrometheusSourceOptions {
  TimeNs from = 0;  // the first counted instant; rounded down to the step
  TimeNs to = 0;    // the last; rounded down to the step
  // The width of one counter increase: at least twice the scrape interval (as `slokit rules
  // --step`), a multiple of the evaluator's slot, and a divisor of every timeslice width.
  DurationNs step = kMinute;
  // Points per series in one request; Prometheus refuses more than 11 000.
  int64_t max_points = 10000;
};

struct PrometheusSourceResult {
  int queries = 0;                  // query_range requests, chunks counted
  uint64_t points = 0;              // samples received
  std::vector<std::string> notes;   // approximations and cohorts that could not be mapped
  std::vector<std::string> unbound; // SLOs without a binding (left without data)
};

// Reads every bound SLO of `spec` over [from, to] into `evaluator` (built on the same spec).
// Fails with the query that failed, or naming a series that returned no data at all.
Status LoadFromPrometheus(const Spec& spec, const PrometheusSourceOptions& options,
                          const RangeQueryFn& query, Evaluator* evaluator,
                          PrometheusSourceResult* result);

// sum by (labels) (increase(selector[range])), or sum(...) without labels.
std::string SumIncreaseQuery(const PromSelector& selector, DurationNs range,
                             const std::vector<std::string>& by);

}  // namespace slokit
