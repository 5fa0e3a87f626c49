#include "server/ingest.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "engine/batch_feeder.h"
#include "io/event_reader.h"
#include "io/otlp_traces.h"

namespace slokit::server {

void DeclareLiveCohorts(const Evaluator& live, Evaluator* batch) {
  for (size_t i = 0; i < live.spec().slos.size(); ++i)
    for (size_t c = 1; c < live.cohort_count(i); ++c) batch->DeclareCohort(i, live.cohort_name(i, c));
}

ParsedBatch ParseJsonLinesBatch(std::string_view body, const Spec& spec, const IngestLimits& limits,
                                Evaluator* batch, KpiTracker* kpis) {
  ParsedBatch out;
  // Huge lines are refused before parsing: they are a client bug or an attack, not an event.
  uint64_t line = 0;
  for (size_t pos = 0; pos < body.size();) {
    const void* nl = std::memchr(body.data() + pos, '\n', body.size() - pos);
    size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - body.data()) : body.size();
    ++line;
    if (end - pos > limits.max_line_bytes) {
      out.error = fmt::format("line {}: longer than {} bytes", line, limits.max_line_bytes);
      return out;
    }
    pos = end + 1;
  }
  ReadOptions ro;
  ro.time_field = spec.time_field;
  ro.max_reported_errors = 1;
  ReadStats stats;
  BatchFeeder feeder(spec.fields.size(), batch, kpis);
  Status s = ReadJsonLines(
      body, "body", spec.fields, ro, [&](const Record& r) { feeder.Add(r); }, &stats);
  feeder.Flush();
  out.lines = stats.lines;
  out.events = stats.records;
  if (!s.ok()) {
    out.error = s.message();
  } else if (stats.bad_lines) {
    const LineError& e = stats.first_errors.front();
    out.error = fmt::format("line {}: {} ({} of {} lines bad; the batch was refused)", e.line, e.message,
                            stats.bad_lines, stats.lines);
  } else if (stats.records > limits.max_events) {
    out.error = fmt::format("{} events in one batch; the limit is {}", stats.records, limits.max_events);
  }
  return out;
}

ParsedBatch ParseOtlpBatch(std::string_view body, const Spec& spec, const IngestLimits& limits, Evaluator* batch,
                           KpiTracker* kpis) {
  ParsedBatch out;
  io::OtlpOptions oo;
  oo.time_field = spec.time_field;
  io::OtlpTraceDecoder decoder(spec.fields, oo);
  io::OtlpStats stats;
  BatchFeeder feeder(spec.fields.size(), batch, kpis);
  Status s = decoder.Decode(body, [&](const Record& r) { feeder.Add(r); }, &stats);
  feeder.Flush();
  out.lines = stats.spans;
  out.events = stats.records;
  out.skipped = stats.skipped_not_genai + stats.skipped_operation;
  if (!s.ok()) out.error = s.message();
  else if (stats.records > limits.max_events)
    out.error = fmt::format("{} spans in one request; the limit is {}", stats.records, limits.max_events);
  return out;
}

std::vector<SlotDelta> ResolveDeltas(const Evaluator& batch, const Evaluator& live, std::vector<uint64_t>* overflow) {
  std::vector<SlotDelta> deltas;
  const Spec& spec = live.spec();
  overflow->assign(spec.slos.size(), 0);
  const DurationNs width = batch.slot_width();
  for (size_t i = 0; i < spec.slos.size(); ++i) {
    const Slo& slo = spec.slos[i];
    (*overflow)[i] = batch.overflow_events(i);
    // Room left under the bound: named cohorts held now, excluding "all" and "other".
    size_t held = live.cohort_count(i) - 1 - (live.has_cohort(i, "other") ? 1 : 0);
    size_t room = slo.cohorts.max > held ? slo.cohorts.max - held : 0;
    std::vector<size_t> order(batch.cohort_count(i));
    for (size_t c = 0; c < order.size(); ++c) order[c] = c;
    std::sort(order.begin() + (order.empty() ? 0 : 1), order.end(),
              [&](size_t a, size_t b) { return batch.cohort_name(i, a) < batch.cohort_name(i, b); });
    for (size_t c : order) {
      const std::string& name = batch.cohort_name(i, c);
      std::string target = name;
      bool folded = false;
      if (c != 0 && name != "other" && !live.has_cohort(i, name)) {
        if (room > 0) {
          --room;
        } else {
          target = "other";
          folded = true;
        }
      }
      const SlotSeries& series = batch.slots(i, c);
      for (int64_t s = series.first_slot(); s < series.end_slot(); ++s) {
        SlotCounts counts = series.at(s);
        double sum = series.sum_at(s);
        if (counts.valid == 0 && sum == 0) continue;
        if (folded) (*overflow)[i] += counts.valid;
        deltas.push_back({slo.name, target, s * width, counts.valid, counts.good, sum});
      }
    }
  }
  return deltas;
}

KpiCommit ResolveKpiBuckets(const KpiTracker& batch, const KpiTracker& live) {
  KpiCommit out;
  if (batch.data_end() == 0) return out;
  out.data_start = live.data_end() ? std::min(live.data_start(), batch.data_start()) : batch.data_start();
  out.data_end = std::max(live.data_end(), batch.data_end());
  for (size_t k = 0; k < batch.series_count(); ++k) {
    const KpiSeries& mine = live.series(k);
    const std::string name = live.series_name(k);
    for (const auto& [index, theirs] : batch.series(k).buckets()) {
      if (theirs.count == 0) continue;
      KpiBucket b;
      if (auto it = mine.buckets().find(index); it != mine.buckets().end()) b = it->second;
      mine.MergeBucket(&b, theirs);
      out.buckets.push_back({name, index * mine.width(), b.count, b.sum, b.max,
                             mine.sketches() ? b.sketch.Serialize() : std::string()});
    }
  }
  return out;
}

void ApplyDeltas(const std::vector<SlotDelta>& deltas, const std::vector<uint64_t>& overflow, Evaluator* live) {
  const Spec& spec = live->spec();
  const DurationNs width = live->slot_width();
  size_t slo = 0;
  for (const SlotDelta& d : deltas) {
    if (spec.slos[slo].name != d.slo)
      slo = static_cast<size_t>(std::find_if(spec.slos.begin(), spec.slos.end(),
                                             [&](const Slo& s) { return s.name == d.slo; }) -
                                spec.slos.begin());
    if (slo >= spec.slos.size()) {
      slo = 0;
      continue;
    }
    live->AddCounts(slo, d.cohort, FloorDiv(d.slot_start, width),
                    SlotCounts{static_cast<uint32_t>(d.valid), static_cast<uint32_t>(d.good)}, d.sum);
  }
  for (size_t i = 0; i < overflow.size() && i < spec.slos.size(); ++i) live->AddOverflow(i, overflow[i]);
}

}  // namespace slokit::server
