// Ingest: turns one request body of events into the counts the store and the live evaluator
// take. A batch is all or nothing: any bad line refuses the whole batch (so a client can fix
// and resend it without double counting), and nothing is counted before the store commits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/evaluator.h"
#include "engine/kpi_series.h"
#include "server/store.h"

namespace slokit::server {

struct IngestLimits {
  size_t max_events = 1'000'000;  // per batch
  size_t max_line_bytes = 1 << 20;
};

struct ParsedBatch {
  uint64_t lines = 0;   // JSON lines read, or spans decoded
  uint64_t events = 0;
  uint64_t skipped = 0;  // spans that are not GenAI inference calls
  std::string error;  // the first reason the batch is refused ("line 3: ..."); empty when good
};

// Gives an empty batch evaluator the live cohorts, so its records of known cohorts keep them.
void DeclareLiveCohorts(const Evaluator& live, Evaluator* batch);

// Parses JSON lines into `batch` (an evaluator of the live spec, empty but for declared cohorts)
// and, when not null, `kpis` (an empty tracker of the spec's regression and capacity checks).
ParsedBatch ParseJsonLinesBatch(std::string_view body, const Spec& spec, const IngestLimits& limits,
                                Evaluator* batch, KpiTracker* kpis = nullptr);

// Decodes an OTLP/HTTP JSON traces request (docs/otlp.md) into `batch` and `kpis`; GenAI spans
// become events, other spans are skipped and counted in `skipped`.
ParsedBatch ParseOtlpBatch(std::string_view body, const Spec& spec, const IngestLimits& limits, Evaluator* batch,
                           KpiTracker* kpis = nullptr);

// The batch's counts as deltas named the way `live` will hold them: cohorts it has keep their
// name, new ones take the room left under the cohort bound in order of name, the rest (and the
// batch's own "other") become "other". overflow[slo] receives the events folded here.
std::vector<SlotDelta> ResolveDeltas(const Evaluator& batch, const Evaluator& live, std::vector<uint64_t>* overflow);

// The KPI buckets a batch touches, each as it is with the batch added to `live`'s (the stored
// row is replaced by it), and the span of the KPI data with the batch.
KpiCommit ResolveKpiBuckets(const KpiTracker& batch, const KpiTracker& live);

// Applies committed deltas to the live evaluator.
void ApplyDeltas(const std::vector<SlotDelta>& deltas, const std::vector<uint64_t>& overflow, Evaluator* live);

}  // namespace slokit::server
