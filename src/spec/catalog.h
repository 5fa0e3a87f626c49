// The sector KPI catalog (catalog/sectors.yaml): seed 000's sectors, their KPIs with units, the
// direction that is bad, default alert styles and default thresholds (with their sources), and
// the global policies (baseline window, burn-rate paging, capacity and regression thresholds).
// The YAML files are compiled into slokit; `--catalog DIR` or SLOKIT_CATALOG=DIR reads a directory
// instead. docs/catalog.md describes the format.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "spec/spec.h"

namespace slokit {

// How a KPI is measured, which decides the SLI kinds it can be.
enum class KpiMeasure {
  kLatency,  // a duration per event: latency or percentile SLIs, from a histogram
  kRatio,    // a share of events or units: ratio SLIs, from good (or bad) and total counters
  kRate,     // a throughput: throughput SLIs, from a counter
  kLevel,    // a sampled level (occupancy, MFU, BER...): threshold alerts, not an SLI
};
const char* KpiMeasureName(KpiMeasure measure);

struct AlertStyleInfo {
  std::string id;    // slo-derived, sla-derived, baseline-relative, budget-relative, absolute, capacity-envelope
  std::string name;  // as seed 000 writes it
  std::string description;
};

// A KPI's default objective and thresholds, when a seed or a standard gives them.
struct KpiDefaults {
  double objective = 0;   // percent (99.9); 0: none
  std::string threshold;  // as written: "2.5s" for latencies, "1e-3", "5%", "1.25" for levels
  double percentile = 0;  // latency KPIs that are percentiles per timeslice (P95 LAT: 95)
  double min = 0;         // rate KPIs: the floor per timeslice, in the KPI's unit
  std::string window;     // the SLO window, e.g. "7d"
  std::string slice;      // the timeslice for percentile and throughput SLIs, e.g. "5m"
  std::string from;       // the policy that gives the thresholds: capacity_policy, regression_policy, slo_policy
  std::string source;     // where the numbers come from
  bool Empty() const { return objective == 0 && threshold.empty() && min == 0 && from.empty(); }
};

// How a KPI reads from request events (`slokit report`).
struct KpiEvent {
  std::string field;  // latency, throughput: the measured field
  std::string unit;   // latency: the field's unit (ns, us, ms, s)
  std::string good;   // ratio: the filter of good events
  std::string valid;  // the validity criteria `slokit init` writes
  bool Empty() const { return field.empty() && good.empty(); }
};

struct Kpi {
  std::string sector;  // the id of its sector
  std::string abbr;    // as seed 000 writes it: TTFT, ITL/TPOT, P95 LAT, Pre-FEC BER
  std::vector<std::string> aliases;
  std::string name;  // the abbreviation spelled out
  std::string description;
  std::string unit;  // s, ratio, tokens/s, dB...
  bool higher_is_bad = true;
  std::string style;  // an AlertStyleInfo id
  std::string scope;  // e.g. "cache-eligible traffic"; empty: all traffic
  KpiMeasure measure = KpiMeasure::kLevel;
  KpiDefaults defaults;
  std::string derive;  // how the style turns a baseline, SLO or budget into a threshold
  KpiEvent event;
  int line = 0;  // where it is defined

  std::string Id() const { return sector + "/" + abbr; }
  // Case-insensitive; spaces, '-' and '_' are ignored ("p95-lat" is P95 LAT); aliases count.
  bool Matches(std::string_view name) const;
};

struct Sector {
  std::string id;           // llm-inference-gpu
  std::string name;         // as seed 000 writes it
  std::string alert_style;  // seed 000's "Default alert style" text
  std::vector<std::string> styles;  // its style ids
  std::string sensitivity;          // high, medium or low: picks the regression factors
  std::vector<Kpi> kpis;
  const Kpi* FindKpi(std::string_view name) const;
  // Seed 000 calls these "LLM Inference (...)"; presets serve them.
  bool IsLlmInference() const;
};

struct RegressionFactors {
  double warn = 0, critical = 0;
};

// Seed 000's "Global Policy Adjustments".
struct Policies {
  std::string baseline_window;  // "7d"
  std::vector<std::string> baseline_statistics;
  std::string baseline_text, baseline_source;
  AlertingPolicy slo;  // page and ticket burn-rate conditions: the spec's default alerting
  std::string slo_text, slo_source;
  double capacity_warn = 0, capacity_critical = 0;  // fractions of validated capacity
  std::string capacity_text, capacity_source;
  RegressionFactors regression_min, regression_max;  // warn and critical ranges
  std::vector<std::pair<std::string, RegressionFactors>> regression_by_sensitivity;
  std::string regression_text, regression_source;
  const RegressionFactors* Regression(std::string_view sensitivity) const;
};

struct Catalog {
  std::string file;  // where it was read from
  std::vector<AlertStyleInfo> styles;
  Policies policies;
  std::vector<std::string> init_anchors;  // sector/ABBR, for `slokit init`
  std::vector<Sector> sectors;

  const Sector* FindSector(std::string_view id) const;
  const AlertStyleInfo* FindStyle(std::string_view id) const;
  // KPIs matching `name` ("TTFT", "itl", or qualified: "llm-inference-gpu/TTFT"), in `sector`
  // when it is not empty.
  std::vector<const Kpi*> FindKpis(std::string_view name, std::string_view sector = "") const;
  size_t KpiCount() const;
};

// Parses catalog/sectors.yaml. Errors name file:line:column: field.
Status ParseCatalog(std::string_view yaml, const std::string& file, Catalog* out);

struct Preset;

// The catalog and every preset, as one unit.
struct CatalogSet {
  Catalog catalog;
  std::vector<Preset> presets;
  std::string origin;  // "embedded" or the directory
  const Preset* FindPreset(std::string_view name) const;
  std::vector<std::string> PresetNames() const;
  CatalogSet();
  ~CatalogSet();
  CatalogSet(CatalogSet&&) noexcept;
  CatalogSet& operator=(CatalogSet&&) noexcept;
};

// Reads DIR/sectors.yaml and DIR/presets/*.yaml; an empty `dir` reads the copy compiled into slokit.
Status LoadCatalogSet(const std::string& dir, CatalogSet* out);

// The catalog in use: the directory set by SetCatalogDirectory, else $SLOKIT_CATALOG, else the
// embedded one. Loaded once per directory; the result is shared and immutable.
Status ActiveCatalog(std::shared_ptr<const CatalogSet>* out);
// Chooses the catalog directory (`--catalog DIR`); empty restores the default.
void SetCatalogDirectory(std::string dir);
// The embedded catalog; it is checked by the tests, so a failure here is a build defect (abort).
const CatalogSet& EmbeddedCatalog();

// "page: burn rate > 14.4 over 1h and 5m, or > 6 over 6h and 30m; ticket: burn rate > 1 over 3d and 6h"
std::string DescribeSloPolicy(const AlertingPolicy& policy);
// A KPI's default thresholds in one line ("99% of events <= 2.5s over 7d", "warn > 80%, critical >
// 90% of validated capacity"); "" when it has none (then Kpi::derive says how to derive them).
std::string DescribeDefaults(const Catalog& catalog, const Kpi& kpi);

// The names of the files compiled into slokit (sectors.yaml, presets/vllm.yaml...) and their text.
std::vector<std::pair<std::string, std::string_view>> EmbeddedCatalogFiles();

}  // namespace slokit
