// Presets (catalog/presets/<name>.yaml): for one LLM server or convention (vLLM, TGI, llama.cpp,
// OpenTelemetry GenAI, slokit's instrumentation), the Prometheus series that measure each catalog
// KPI it exposes - metric and label names, units and histogram buckets - and why it cannot
// provide the others. A spec names a preset (`preset: vllm`) and its SLIs name KPIs
// (`latency: {kpi: TTFT, threshold: 2.5s}`); ExpandKpiReferences fills in the event field and the
// `prometheus:` binding before the spec is built. docs/catalog.md describes the format.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "spec/catalog.h"

namespace YAML {
class Node;
}

namespace slokit {

struct PresetKpi {
  enum class Kind { kHistogram, kRatio, kCounter, kGauge };
  std::string kpi;  // the catalog abbreviation, as the preset writes it
  Kind kind = Kind::kHistogram;
  // kHistogram: name without _bucket, unit of the observations, finite bucket boundaries.
  std::string histogram;
  std::string unit = "s";
  std::vector<double> buckets;
  // kRatio: good or bad events, and total events (selectors).
  std::string good, bad, total;
  // kCounter: the counter whose rate is the throughput, and a counter of events (requests).
  std::string counter, events;
  // kGauge: the gauge, and the factor from its value to the KPI's unit (1 for a 0..1 ratio).
  std::string gauge;
  double scale = 1;
  KpiEvent event;  // overrides the catalog's event mapping when not empty
  std::string same_as;  // as written; the fields above are copied from that KPI's mapping
  std::string note;
  int line = 0;

  // Every series selector it names (histograms as their name), for checks against an exposition.
  std::vector<std::string> Series() const;
  const char* KindName() const;
};

struct Preset {
  std::string name;  // vllm, tgi, llamacpp, otel-genai, slokit
  std::string title;
  std::string docs;
  std::string notes;
  std::string file;
  std::vector<std::pair<std::string, std::string>> labels;  // role (model...) -> label name
  std::vector<PresetKpi> kpis;
  std::vector<std::pair<std::string, std::string>> unsupported;  // KPI -> why not

  // The mapping of the KPI `abbr` (matched like Kpi::Matches), or nullptr.
  const PresetKpi* Find(const Kpi& kpi) const;
  // Why the preset cannot provide `kpi`: its own reason, or a generic one.
  std::string WhyNot(const Kpi& kpi) const;
  // The label that carries `role` ("model"), or "".
  std::string Label(std::string_view role) const;
};

// Parses a preset and checks it against the catalog: every KPI it names exists in an LLM
// inference sector, each mapping fits the KPI's measure, selectors and buckets are well formed.
Status ParsePreset(std::string_view yaml, const std::string& file, const Catalog& catalog, Preset* out);

// The catalog KPI a spec's `kpi:` names, given the spec's sector (may be empty) and preset (may be
// nullptr): unknown and ambiguous names are errors listing the candidates.
Status ResolveKpi(const Catalog& catalog, std::string_view name, std::string_view sector, const Preset* preset,
                  const Kpi** out);

// A spec's `kpi:` references, expanded.
struct KpiReferences {
  std::string preset, sector;                         // the spec's top-level keys, if given
  std::vector<std::pair<size_t, std::string>> slos;  // SLO index -> KPI id (sector/ABBR)
};

// Before a spec is built: reads and removes the top-level `preset` and `sector`, and for every SLI
// whose kind's mapping holds `kpi:`, fills in what the KPI implies and the spec leaves out (the
// event field and unit, the `good` filter, default thresholds, the preset's `prometheus:`
// binding), then removes `kpi`. Throws SpecError naming file:line:column: field.
void ExpandKpiReferences(YAML::Node& root, const std::string& file, KpiReferences* out);
// After the spec is built: records the references in Spec::preset, Spec::sector and Sli::kpi.
void ApplyKpiReferences(const KpiReferences& refs, Spec* spec);

}  // namespace slokit
