// The metrics a server instrumented with slokit's library (docs/metrics.md) would have exposed
// while serving a simulated trace, as an OpenMetrics file with timestamps, ready for
// `promtool tsdb create-blocks-from openmetrics` (backfilling). `slokit simulate --format
// openmetrics` writes it; the Prometheus end-to-end test compares what Prometheus computes from it
// with what `slokit report` computes from the events of the same trace.
//
// Every counter and histogram is sampled every `interval` on a grid aligned on the epoch; the
// sample stamped T holds the events that arrived before T, so increases between grid points count
// exactly the events of each interval. Families (labels):
//
//   gen_ai_server_requests_total{model,status}     status: ok (HTTP 200), cancelled (499), error
//   gen_ai_server_requests_good_total{model}       ok and e2e_ms <= 30 s (the example's objective)
//   gen_ai_server_time_to_first_token_seconds{model}   histogram of ttft_ms, ok requests
//   gen_ai_server_inter_token_latency_seconds{model}   histogram of itl_ms, one observation per
//                                                      ok request with more than one token
//   gen_ai_server_tokens_total{model,token_type}   input/output tokens of ok requests
//   gen_ai_evaluation_results_total{check,result,language}   sampled evaluations: quality_score
//                                                      passes at >= 0.7; hallucination fails when set
//
// Histogram buckets are the library's defaults (InferenceBuckets). Not thread-safe; the whole
// trace's counts are held in memory (series x intervals), which bounds the trace length.
#pragma once

#include <string>

#include "core/status.h"
#include "sim/simulator.h"

namespace slokit::sim {

struct OpenMetricsOptions {
  DurationNs interval = kMinute;  // sample spacing; whole seconds
};

// Writes the metrics of the trace `options` describes to `path` ("-" is stdout). The trace is
// generated as WriteTrace would (same seed, same events).
Status WriteOpenMetrics(const SimulateOptions& options, const OpenMetricsOptions& om,
                        const std::string& path, TraceStats* stats);

}  // namespace slokit::sim
