// The sector KPI catalog: it holds seed 000's table exactly (tests/spec/data/seed000_table.md, a
// copy of the seed's table), every KPI is spelled out with a unit, a direction, a style of its
// sector and either sourced defaults or a derivation; the global policies are the seed's and are
// the spec's default alerting; `kpi:` references in specs resolve through the presets.
#include "spec/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "spec/loader.h"
#include "spec/preset.h"

namespace slokit {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::vector<std::string> Split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t next = s.find(sep, pos);
    out.push_back(Trim(s.substr(pos, next == std::string::npos ? std::string::npos : next - pos)));
    if (next == std::string::npos) break;
    pos = next + sep.size();
  }
  return out;
}

struct SeedRow {
  std::string sector;
  std::vector<std::string> kpis;
  std::string alert_style;
};

std::vector<SeedRow> SeedTable() {
  std::ifstream in(std::string(SLOKIT_SOURCE_DIR) + "/tests/spec/data/seed000_table.md");
  EXPECT_TRUE(in) << "tests/spec/data/seed000_table.md";
  std::vector<SeedRow> rows;
  std::string line;
  bool body = false;
  while (std::getline(in, line)) {
    if (line.rfind("---|", 0) == 0) {
      body = true;
      continue;
    }
    if (!body || line.find('|') == std::string::npos) continue;
    std::vector<std::string> cells = Split(line, "|");
    if (cells.size() != 3) {
      ADD_FAILURE() << "not a table row: " << line;
      continue;
    }
    rows.push_back({cells[0], Split(cells[1], ","), cells[2]});
  }
  return rows;
}

// "absolute starting point; baseline-relative" -> {absolute, baseline-relative}
std::set<std::string> SeedStyles(const std::string& text) {
  std::set<std::string> out;
  for (std::string part : Split(text, ";")) {
    for (std::string style : Split(part, " or ")) {
      for (const char* qualifier : {" starting point", " for cache-eligible traffic"}) {
        size_t at = style.find(qualifier);
        if (at != std::string::npos) style.erase(at);
      }
      std::transform(style.begin(), style.end(), style.begin(), [](unsigned char c) { return std::tolower(c); });
      out.insert(Trim(style));
    }
  }
  return out;
}

const Catalog& Embedded() { return EmbeddedCatalog().catalog; }

TEST(Catalog, HoldsEverySectorAndKpiOfSeed000) {
  std::vector<SeedRow> rows = SeedTable();
  ASSERT_EQ(rows.size(), 17u);
  const Catalog& c = Embedded();
  ASSERT_EQ(c.sectors.size(), rows.size());
  size_t kpis = 0;
  for (const SeedRow& row : rows) {
    auto it = std::find_if(c.sectors.begin(), c.sectors.end(), [&](const Sector& s) { return s.name == row.sector; });
    ASSERT_NE(it, c.sectors.end()) << "seed sector missing from the catalog: " << row.sector;
    const Sector& s = *it;
    EXPECT_EQ(s.alert_style, row.alert_style) << s.id;
    EXPECT_EQ(std::set<std::string>(s.styles.begin(), s.styles.end()), SeedStyles(row.alert_style)) << s.id;
    ASSERT_EQ(s.kpis.size(), row.kpis.size()) << s.id;
    for (size_t i = 0; i < row.kpis.size(); ++i) {
      EXPECT_EQ(s.kpis[i].abbr, row.kpis[i]) << s.id << ": the seed's KPIs, in the seed's order";
      EXPECT_EQ(s.FindKpi(row.kpis[i]), &s.kpis[i]);
    }
    kpis += row.kpis.size();
  }
  EXPECT_EQ(c.KpiCount(), kpis);
  EXPECT_EQ(kpis, 68u);
  size_t llm_inference = std::count_if(c.sectors.begin(), c.sectors.end(), [](const Sector& s) { return s.IsLlmInference(); });
  EXPECT_EQ(llm_inference, 6u);
}

TEST(Catalog, EveryKpiIsSpelledOutWithUnitDirectionStyleAndThresholdSource) {
  const Catalog& c = Embedded();
  std::set<std::string> ids;
  for (const Sector& s : c.sectors) {
    EXPECT_TRUE(ids.insert(s.id).second) << s.id;
    EXPECT_NE(c.policies.Regression(s.sensitivity), nullptr) << s.id;
    for (const Kpi& k : s.kpis) {
      SCOPED_TRACE(k.Id());
      EXPECT_EQ(k.sector, s.id);
      EXPECT_FALSE(k.name.empty());
      EXPECT_NE(k.name, k.abbr) << "spelled out";
      EXPECT_GT(k.description.size(), 20u);
      EXPECT_FALSE(k.unit.empty());
      EXPECT_NE(c.FindStyle(k.style), nullptr);
      EXPECT_NE(std::find(s.styles.begin(), s.styles.end(), k.style), s.styles.end()) << "a style of its sector";
      // A default says where it comes from; without one, the style says how to derive it.
      if (!k.defaults.Empty()) {
        EXPECT_FALSE(k.defaults.source.empty());
      } else {
        EXPECT_FALSE(k.derive.empty());
      }
      EXPECT_FALSE(DescribeDefaults(c, k).empty() && k.derive.empty());
      // An SLO default can be written as a spec: it has the events behind it.
      if (k.defaults.objective > 0) {
        EXPECT_FALSE(k.event.Empty());
        EXPECT_FALSE(k.defaults.window.empty());
      }
    }
  }
}

TEST(Catalog, AbbreviationsAreSpelledOutAsTheIssueLists) {
  const Catalog& c = Embedded();
  auto name = [&](const char* id) {
    std::vector<const Kpi*> k = c.FindKpis(id);
    return k.size() == 1 ? k.front()->name : std::string("?");
  };
  EXPECT_EQ(name("TTFT"), "Time to first token");
  EXPECT_EQ(name("ITL/TPOT"), "Inter-token latency / time per output token");
  EXPECT_EQ(name("E2E"), "End-to-end request latency");
  EXPECT_EQ(name("429R"), "Rate-limited (HTTP 429) response rate");
  EXPECT_EQ(name("PCHR"), "Prompt (prefix) cache hit ratio");
  EXPECT_EQ(name("llm-inference-prompt-cache-storage/CHR"), "Cache hit ratio (KV / prompt cache store)");
  EXPECT_EQ(name("llm-training-pretrain-moe/MFU"), "Model FLOPs utilization");
  EXPECT_EQ(name("A2AS"), "All-to-all share of step time");
  EXPECT_EQ(name("MPKI"), "Cache misses per kilo-instruction");
  EXPECT_EQ(name("OSNRM"), "OSNR margin");
  EXPECT_EQ(name("CLAG"), "Consumer lag");
}

TEST(Catalog, LooksUpKpisBySectorAbbreviationAndAlias) {
  const Catalog& c = Embedded();
  EXPECT_EQ(c.FindKpis("ttft").size(), 1u);
  EXPECT_EQ(c.FindKpis("ITL").front()->abbr, "ITL/TPOT");
  EXPECT_EQ(c.FindKpis("tpot").front()->abbr, "ITL/TPOT");
  EXPECT_EQ(c.FindKpis("p95-lat").front()->abbr, "P95 LAT");
  EXPECT_EQ(c.FindKpis("pre-fec ber").front()->abbr, "Pre-FEC BER");
  EXPECT_EQ(c.FindKpis("OWD").size(), 3u);  // network, low-latency exec, dark fibre
  EXPECT_EQ(c.FindKpis("OWD", "hpc-dark-fiber").size(), 1u);
  EXPECT_EQ(c.FindKpis("hpc-dark-fiber/OWD").front()->sector, "hpc-dark-fiber");
  // A qualified name says its own sector.
  EXPECT_EQ(c.FindKpis("llm-inference-api/ERR", "llm-inference-network").size(), 1u);
  EXPECT_TRUE(c.FindKpis("NOPE").empty());
  EXPECT_EQ(c.FindSector("llm-inference-gpu")->name, "LLM Inference (GP-GPU Service Infra)");
  EXPECT_EQ(c.FindSector("nope"), nullptr);
}

TEST(Catalog, GlobalPoliciesAreSeed000s) {
  const Policies& p = Embedded().policies;
  EXPECT_EQ(p.baseline_window, "7d");
  ASSERT_EQ(p.slo.conditions.size(), 3u);
  EXPECT_EQ(p.slo.conditions[0].severity, "page");
  EXPECT_EQ(p.slo.conditions[0].long_window, kHour);
  EXPECT_EQ(p.slo.conditions[0].short_window, 5 * kMinute);
  EXPECT_DOUBLE_EQ(p.slo.conditions[0].factor, 14.4);
  EXPECT_EQ(p.slo.conditions[1].long_window, 6 * kHour);
  EXPECT_EQ(p.slo.conditions[1].short_window, 30 * kMinute);
  EXPECT_DOUBLE_EQ(p.slo.conditions[1].factor, 6);
  EXPECT_EQ(p.slo.conditions[2].severity, "ticket");
  EXPECT_EQ(p.slo.conditions[2].long_window, 3 * kDay);
  EXPECT_EQ(p.slo.conditions[2].short_window, 6 * kHour);
  EXPECT_DOUBLE_EQ(p.slo.conditions[2].factor, 1);
  EXPECT_DOUBLE_EQ(p.capacity_warn, 0.8);
  EXPECT_DOUBLE_EQ(p.capacity_critical, 0.9);
  EXPECT_DOUBLE_EQ(p.regression_min.warn, 1.10);
  EXPECT_DOUBLE_EQ(p.regression_max.warn, 1.25);
  EXPECT_DOUBLE_EQ(p.regression_min.critical, 1.20);
  EXPECT_DOUBLE_EQ(p.regression_max.critical, 1.50);
  EXPECT_DOUBLE_EQ(p.Regression("high")->warn, 1.10);
  EXPECT_DOUBLE_EQ(p.Regression("low")->critical, 1.50);
}

TEST(Catalog, TheSpecsDefaultAlertingIsTheCatalogsBurnRatePolicy) {
  AlertingPolicy d = AlertingPolicy::Defaults();
  const AlertingPolicy& p = Embedded().policies.slo;
  ASSERT_EQ(d.conditions.size(), p.conditions.size());
  for (size_t i = 0; i < d.conditions.size(); ++i) {
    EXPECT_EQ(d.conditions[i].severity, p.conditions[i].severity);
    EXPECT_EQ(d.conditions[i].long_window, p.conditions[i].long_window);
    EXPECT_EQ(d.conditions[i].short_window, p.conditions[i].short_window);
    EXPECT_DOUBLE_EQ(d.conditions[i].factor, p.conditions[i].factor);
  }
  EXPECT_EQ(d.min_valid_events, 10u);
}

TEST(Catalog, DescribesDefaultsFromThePolicies) {
  const Catalog& c = Embedded();
  EXPECT_EQ(DescribeDefaults(c, *c.FindKpis("TTFT").front()), "99% of events <= 2.5s over 7d");
  EXPECT_EQ(DescribeDefaults(c, *c.FindKpis("P95 LAT").front()), "p95 <= 500ms in 99% of 5m slices over 7d");
  EXPECT_EQ(DescribeDefaults(c, *c.FindKpis("ERR").front()), "99.9% good over 30d");
  EXPECT_EQ(DescribeDefaults(c, *c.FindKpis("QTS").front()), ">= 100 tokens/s in 95% of 5m slices over 7d");
  EXPECT_EQ(DescribeDefaults(c, *c.FindKpis("COCC").front()), "warn > 80%, critical > 90% of validated capacity");
  EXPECT_EQ(DescribeDefaults(c, *c.FindKpis("W2W").front()), "warn > 1.1x, critical > 1.2x the 7d baseline (high sensitivity)");
  EXPECT_EQ(DescribeDefaults(c, *c.FindKpis("TPS").front()),
            "warn < baseline/1.25, critical < baseline/1.5 (7d baseline, low sensitivity)");
  EXPECT_EQ(DescribeDefaults(c, *c.FindKpis("EIR").front()), "> 1.25");
  EXPECT_EQ(DescribeDefaults(c, *c.FindKpis("EBR").front()),
            "page: burn rate > 14.4 over 1h and 5m, or > 6 over 6h and 30m; ticket: burn rate > 1 over 3d and 6h");
}

TEST(Catalog, TheEmbeddedCopyIsTheSourceDirectory) {
  CatalogSet from_dir;
  Status s = LoadCatalogSet(std::string(SLOKIT_SOURCE_DIR) + "/catalog", &from_dir);
  ASSERT_TRUE(s.ok()) << s.message();
  const CatalogSet& embedded = EmbeddedCatalog();
  EXPECT_EQ(from_dir.catalog.sectors.size(), embedded.catalog.sectors.size());
  EXPECT_EQ(from_dir.catalog.KpiCount(), embedded.catalog.KpiCount());
  EXPECT_EQ(from_dir.PresetNames(), embedded.PresetNames());
  EXPECT_EQ(embedded.PresetNames(), (std::vector<std::string>{"llamacpp", "otel-genai", "slokit", "tgi", "vllm"}));
  // Byte for byte: the build embeds what is in catalog/.
  for (const auto& [path, text] : EmbeddedCatalogFiles()) {
    std::ifstream in(std::string(SLOKIT_SOURCE_DIR) + "/catalog/" + path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    EXPECT_EQ(buf.str(), text) << path;
  }
  EXPECT_FALSE(LoadCatalogSet("/nonexistent-catalog", &from_dir).ok());
}

TEST(Catalog, ErrorsNameFileLineColumnAndField) {
  Catalog c;
  std::string yaml;
  {
    std::ifstream in(std::string(SLOKIT_SOURCE_DIR) + "/catalog/sectors.yaml");
    std::stringstream buf;
    buf << in.rdbuf();
    yaml = buf.str();
  }
  // The first KPI's style is not one of its sector's.
  std::string bad = yaml;
  size_t at = bad.find("style: slo-derived", bad.find("abbr: TTFT"));
  ASSERT_NE(at, std::string::npos);
  bad.replace(at, std::string("style: slo-derived").size(), "style: capacity-envelope");
  Status s = ParseCatalog(bad, "c.yaml", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("c.yaml:"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("sectors[0].kpis[0].style: 'capacity-envelope' is not one of the sector's styles"),
            std::string::npos)
      << s.message();
  s = ParseCatalog("styles: []\n", "c.yaml", &c);
  EXPECT_NE(s.message().find("missing required field 'policies'"), std::string::npos) << s.message();
  s = ParseCatalog("{", "c.yaml", &c);
  EXPECT_NE(s.message().find("c.yaml:"), std::string::npos) << s.message();
}

// ---- `kpi:` in specs ----

std::string Load(const std::string& yaml, Spec* spec) {
  std::vector<Diagnostic> w;
  Status s = LoadSpecString(yaml, "t.yaml", spec, &w);
  return s.ok() ? "" : s.message();
}

std::string Spec1(const std::string& top, const std::string& sli) {
  return "service: chat\n" + top + "slos:\n  - name: s\n    objective: 99\n    window: 7d\n    sli:\n      " + sli + "\n";
}

TEST(SpecKpi, ALatencyKpiTakesItsFieldAndThePresetsHistogram) {
  Spec spec;
  ASSERT_EQ(Load(Spec1("preset: vllm\n", "latency: {kpi: TTFT, threshold: 2.5s}"), &spec), "");
  const Sli& sli = spec.slos[0].sli;
  EXPECT_EQ(sli.kind, SliKind::kLatency);
  EXPECT_EQ(sli.kpi, "llm-inference-gpu/TTFT");
  EXPECT_EQ(spec.preset, "vllm");
  EXPECT_EQ(spec.fields.Find("ttft_ms"), sli.field);
  EXPECT_EQ(sli.description, "ttft_ms <= 2.5s");
  ASSERT_TRUE(sli.prometheus.defined);
  EXPECT_EQ(sli.prometheus.histogram.metric, "vllm:time_to_first_token_seconds");
  EXPECT_EQ(sli.prometheus.le, "2.5");
  EXPECT_TRUE(sli.prometheus.threshold_is_boundary);
  EXPECT_EQ(sli.prometheus.buckets.size(), 22u);
}

TEST(SpecKpi, DefaultThresholdsAndPercentilesComeFromTheCatalog) {
  Spec spec;
  ASSERT_EQ(Load(Spec1("preset: slokit\n", "latency: {kpi: TTFT}"), &spec), "");
  EXPECT_EQ(spec.slos[0].sli.description, "ttft_ms <= 2.5s");
  ASSERT_EQ(Load(Spec1("preset: vllm\n", "percentile: {kpi: P95 LAT}"), &spec), "");
  EXPECT_DOUBLE_EQ(spec.slos[0].sli.percentile, 95);
  EXPECT_DOUBLE_EQ(spec.slos[0].sli.threshold, 500);  // e2e_ms
  EXPECT_EQ(spec.slos[0].sli.prometheus.histogram.metric, "vllm:e2e_request_latency_seconds");
  EXPECT_EQ(spec.slos[0].sli.prometheus.le, "0.5");
  ASSERT_EQ(Load(Spec1("preset: slokit\n", "throughput: {kpi: QTS}"), &spec), "");
  EXPECT_DOUBLE_EQ(spec.slos[0].sli.threshold, 100);
  EXPECT_EQ(spec.slos[0].sli.prometheus.counter.Render(), "gen_ai_server_tokens_total{token_type=\"output\"}");
}

TEST(SpecKpi, RatioAndThroughputKpisBindCounters) {
  Spec spec;
  ASSERT_EQ(Load(Spec1("preset: vllm\n", "ratio: {kpi: ERR}"), &spec), "");
  const Sli& err = spec.slos[0].sli;
  EXPECT_EQ(err.description, "good: status < 500");
  EXPECT_EQ(err.prometheus.bad.Render(), "http_requests_total{handler=~\"/v1/.*\",status=\"5xx\"}");
  EXPECT_EQ(err.prometheus.total.Render(), "http_requests_total{handler=~\"/v1/.*\"}");
  ASSERT_EQ(Load(Spec1("preset: llamacpp\n", "throughput: {kpi: QTS, min: 20}"), &spec), "");
  EXPECT_EQ(spec.slos[0].sli.prometheus.counter.metric, "llamacpp:tokens_predicted_total");
  EXPECT_EQ(spec.slos[0].sli.prometheus.events.metric, "llamacpp:n_decode_total");
  EXPECT_DOUBLE_EQ(spec.slos[0].sli.threshold, 20);
}

TEST(SpecKpi, WithoutAPresetOnlyTheEventFieldIsFilledIn) {
  Spec spec;
  ASSERT_EQ(Load(Spec1("", "latency: {kpi: ITL, threshold: 100ms}"), &spec), "");
  EXPECT_EQ(spec.slos[0].sli.kpi, "llm-inference-gpu/ITL/TPOT");
  EXPECT_EQ(spec.slos[0].sli.description, "itl_ms <= 100ms");
  EXPECT_FALSE(spec.slos[0].sli.prometheus.defined);
  // The spec's own field and binding win over the catalog's and the preset's.
  ASSERT_EQ(Load(Spec1("preset: tgi\n",
                       "latency: {kpi: TTFT, field: first_token_s, threshold: 1s, prometheus: {histogram: my_ttft_seconds, "
                       "buckets: [0.5, 1, 2]}}"),
                 &spec),
            "");
  EXPECT_EQ(spec.slos[0].sli.description, "first_token_s <= 1s");
  EXPECT_EQ(spec.slos[0].sli.prometheus.histogram.metric, "my_ttft_seconds");
}

TEST(SpecKpi, AKpiThePresetCannotProvideIsAClearError) {
  Spec spec;
  std::string e = Load(Spec1("preset: tgi\n", "latency: {kpi: TTFT, threshold: 2.5s}"), &spec);
  EXPECT_NE(e.find("t.yaml:8:22: slos[0].sli.latency.kpi: preset tgi cannot provide TTFT (Time to first token): TGI "
                   "has no time-to-first-token histogram"),
            std::string::npos)
      << e;
  e = Load(Spec1("preset: llamacpp\n", "ratio: {kpi: ERR}"), &spec);
  EXPECT_NE(e.find("preset llamacpp cannot provide ERR (Error rate): llama-server counts no requests or errors"),
            std::string::npos)
      << e;
  e = Load(Spec1("preset: vllm\nsector: hft-cdn\n", "ratio: {kpi: CHR}"), &spec);
  EXPECT_NE(e.find("preset vllm covers the LLM inference sectors; hft-cdn/CHR (Cache hit ratio) is not one of their KPIs"),
            std::string::npos)
      << e;
}

TEST(SpecKpi, UnknownAmbiguousAndMisusedKpisAreErrors) {
  Spec spec;
  std::string e = Load(Spec1("", "latency: {kpi: TTTF, threshold: 1s}"), &spec);
  EXPECT_NE(e.find("slos[0].sli.latency.kpi: unknown KPI 'TTTF'"), std::string::npos) << e;
  e = Load(Spec1("sector: llm-inference-api\n", "latency: {kpi: TTFT, threshold: 1s}"), &spec);
  EXPECT_NE(e.find("unknown KPI 'TTFT' in sector llm-inference-api (its KPIs: P95 LAT, ERR, 429R, UST); it is a KPI "
                   "of another sector"),
            std::string::npos)
      << e;
  e = Load(Spec1("", "latency: {kpi: OWD, field: owd_us, unit: us, threshold: 1ms}"), &spec);
  EXPECT_NE(e.find("'OWD' is a KPI of several sectors (llm-inference-network/OWD, hft-low-latency-exec/OWD, "
                   "hpc-dark-fiber/OWD)"),
            std::string::npos)
      << e;
  EXPECT_EQ(Load(Spec1("sector: llm-inference-network\n", "latency: {kpi: OWD, field: owd_us, unit: us, threshold: 1ms}"),
                 &spec),
            "");
  EXPECT_EQ(spec.sector, "llm-inference-network");
  e = Load(Spec1("sector: llm-inference-network\n", "latency: {kpi: OWD, threshold: 1ms}"), &spec);
  EXPECT_NE(e.find("llm-inference-network/OWD has no event field in the catalog: give field:"), std::string::npos) << e;
  e = Load(Spec1("", "ratio: {kpi: TTFT}"), &spec);
  EXPECT_NE(e.find("TTFT (Time to first token) is a latency KPI: use it in a latency or percentile SLI"),
            std::string::npos)
      << e;
  e = Load(Spec1("", "ratio: {kpi: COCC}"), &spec);
  EXPECT_NE(e.find("COCC (Cache occupancy) is a level, alerted on with thresholds (capacity_policy), not an SLI"),
            std::string::npos)
      << e;
  e = Load(Spec1("", "latency: {kpi: E2E, field: x, unit: ms}") + "", &spec);
  EXPECT_EQ(e, "") << "E2E has a default threshold";
  e = Load(Spec1("preset: nope\n", "latency: {kpi: TTFT}"), &spec);
  EXPECT_NE(e.find("t.yaml:2:9: preset: unknown preset 'nope' (expected one of: llamacpp, otel-genai, slokit, tgi, vllm)"),
            std::string::npos)
      << e;
  e = Load(Spec1("sector: nope\n", "latency: {kpi: TTFT}"), &spec);
  EXPECT_NE(e.find("sector: unknown sector 'nope'"), std::string::npos) << e;
}

TEST(SpecKpi, AQualifiedKpiCrossesTheSpecsSector) {
  Spec spec;
  ASSERT_EQ(Load(Spec1("sector: llm-inference-network\npreset: slokit\n", "ratio: {kpi: llm-inference-api/ERR}"), &spec),
            "");
  EXPECT_EQ(spec.slos[0].sli.kpi, "llm-inference-api/ERR");
  EXPECT_EQ(spec.slos[0].sli.prometheus.bad.Render(), "gen_ai_server_requests_total{status=\"error\"}");
}

TEST(SpecKpi, ABucketThresholdMismatchNamesTheHistogram) {
  Spec spec;
  std::string e = Load(Spec1("preset: tgi\n", "latency: {kpi: E2E, threshold: 500ms}"), &spec);
  EXPECT_NE(e.find("is not a bucket boundary of tgi_request_duration"), std::string::npos) << e;
  EXPECT_EQ(Load(Spec1("preset: tgi\n", "latency: {kpi: E2E, threshold: 0.49878850951194753s}"), &spec), "");
  EXPECT_EQ(spec.slos[0].sli.prometheus.le, "0.49878850951194753");
}

}  // namespace
}  // namespace slokit
