// slokit catalog: the sector KPI catalog (catalog/sectors.yaml) and the presets - every sector with
// its KPIs and alert styles, one sector's KPIs with units and defaults, one KPI, or one preset's
// series. docs/catalog.md describes the data.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "spec/catalog.h"
#include "spec/preset.h"
#include "spec/prometheus_binding.h"

namespace slokit::cli {
namespace {

using nlohmann::json;

std::string Join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string Numbers(const std::vector<double>& v) {
  std::vector<std::string> parts;
  for (double x : v) parts.push_back(FormatPromNumber(x));
  return Join(parts);
}

// "histogram vllm:time_to_first_token_seconds (s)", "bad http_requests_total{...} / total ..."
std::string DescribeMapping(const PresetKpi& m) {
  switch (m.kind) {
    case PresetKpi::Kind::kHistogram: return fmt::format("histogram {} ({})", m.histogram, m.unit);
    case PresetKpi::Kind::kRatio:
      return fmt::format("{} {} / total {}", m.good.empty() ? "bad" : "good", m.good.empty() ? m.bad : m.good, m.total);
    case PresetKpi::Kind::kCounter:
      return fmt::format("counter {}{}", m.counter, m.events.empty() ? "" : ", events " + m.events);
    case PresetKpi::Kind::kGauge:
      return fmt::format("gauge {}{}", m.gauge, m.scale == 1 ? "" : fmt::format(" (x{})", FormatPromNumber(m.scale)));
  }
  return "";
}

json MappingJson(const PresetKpi& m) {
  json j = {{"kpi", m.kpi}, {"kind", m.KindName()}};
  switch (m.kind) {
    case PresetKpi::Kind::kHistogram:
      j["histogram"] = m.histogram;
      j["unit"] = m.unit;
      j["buckets"] = m.buckets;
      break;
    case PresetKpi::Kind::kRatio:
      if (!m.good.empty()) j["good"] = m.good;
      if (!m.bad.empty()) j["bad"] = m.bad;
      j["total"] = m.total;
      break;
    case PresetKpi::Kind::kCounter:
      j["counter"] = m.counter;
      if (!m.events.empty()) j["events"] = m.events;
      break;
    case PresetKpi::Kind::kGauge:
      j["gauge"] = m.gauge;
      j["scale"] = m.scale;
      break;
  }
  if (!m.same_as.empty()) j["same_as"] = m.same_as;
  if (!m.note.empty()) j["note"] = m.note;
  return j;
}

json KpiJson(const CatalogSet& set, const Kpi& k) {
  const KpiDefaults& d = k.defaults;
  json def = json::object();
  if (d.objective > 0) def["objective"] = d.objective;
  if (!d.threshold.empty()) def["threshold"] = d.threshold;
  if (d.percentile > 0) def["percentile"] = d.percentile;
  if (d.min > 0) def["min"] = d.min;
  if (!d.window.empty()) def["window"] = d.window;
  if (!d.slice.empty()) def["slice"] = d.slice;
  if (!d.from.empty()) def["from"] = d.from;
  if (!d.source.empty()) def["source"] = d.source;
  json presets = json::object();
  for (const Preset& p : set.presets) {
    if (const PresetKpi* m = p.Find(k)) presets[p.name] = MappingJson(*m);
    else presets[p.name] = {{"unsupported", p.WhyNot(k)}};
  }
  json j = {{"id", k.Id()},           {"abbr", k.abbr},
            {"aliases", k.aliases},   {"name", k.name},
            {"description", k.description}, {"unit", k.unit},
            {"bad", k.higher_is_bad ? "higher" : "lower"},
            {"style", k.style},       {"measure", KpiMeasureName(k.measure)},
            {"default", def},         {"default_text", DescribeDefaults(set.catalog, k)},
            {"presets", presets}};
  if (!k.scope.empty()) j["scope"] = k.scope;
  if (!k.derive.empty()) j["derive"] = k.derive;
  if (!k.event.Empty())
    j["event"] = {{"field", k.event.field}, {"unit", k.event.unit}, {"good", k.event.good}, {"valid", k.event.valid}};
  return j;
}

json SectorJson(const CatalogSet& set, const Sector& s, bool with_kpis) {
  json kpis = json::array();
  for (const Kpi& k : s.kpis) {
    if (with_kpis) kpis.push_back(KpiJson(set, k));
    else kpis.push_back({{"abbr", k.abbr}, {"name", k.name}});
  }
  return {{"id", s.id},         {"name", s.name},   {"alert_style", s.alert_style}, {"styles", s.styles},
          {"sensitivity", s.sensitivity}, {"llm_inference", s.IsLlmInference()}, {"kpis", kpis}};
}

json PoliciesJson(const Policies& p) {
  json sens = json::object();
  for (const auto& [name, f] : p.regression_by_sensitivity) sens[name] = {{"warn", f.warn}, {"critical", f.critical}};
  json conditions = json::array();
  for (const AlertCondition& c : p.slo.conditions)
    conditions.push_back({{"severity", c.severity}, {"long", FormatDuration(c.long_window)},
                          {"short", FormatDuration(c.short_window)}, {"burn_rate", c.factor}});
  return {
      {"baseline_window", {{"window", p.baseline_window}, {"statistics", p.baseline_statistics}, {"text", p.baseline_text}, {"source", p.baseline_source}}},
      {"slo_policy", {{"conditions", conditions}, {"text", p.slo_text}, {"source", p.slo_source}}},
      {"capacity_policy", {{"warn", p.capacity_warn}, {"critical", p.capacity_critical}, {"text", p.capacity_text}, {"source", p.capacity_source}}},
      {"regression_policy",
       {{"warn", {{"min", p.regression_min.warn}, {"max", p.regression_max.warn}}},
        {"critical", {{"min", p.regression_min.critical}, {"max", p.regression_max.critical}}},
        {"sensitivity", sens},
        {"text", p.regression_text},
        {"source", p.regression_source}}},
  };
}

json PresetJson(const Preset& p) {
  json kpis = json::array();
  for (const PresetKpi& m : p.kpis) kpis.push_back(MappingJson(m));
  json unsupported = json::object();
  for (const auto& [abbr, why] : p.unsupported) unsupported[abbr] = why;
  json labels = json::object();
  for (const auto& [role, label] : p.labels) labels[role] = label;
  return {{"name", p.name}, {"title", p.title}, {"docs", p.docs}, {"notes", p.notes},
          {"labels", labels}, {"kpis", kpis}, {"unsupported", unsupported}};
}

void PrintPolicies(const Catalog& c) {
  const Policies& p = c.policies;
  std::string sens;
  for (const auto& [name, f] : p.regression_by_sensitivity)
    sens += fmt::format("{}{} {}x/{}x", sens.empty() ? "" : ", ", name, FormatPromNumber(f.warn), FormatPromNumber(f.critical));
  std::cout << "Global policies (seed 000):\n";
  std::cout << fmt::format("  {:<18} {}\n", "baseline_window", p.baseline_text);
  std::cout << fmt::format("  {:<18} {} (the spec's default alerting)\n", "slo_policy", DescribeSloPolicy(p.slo));
  std::cout << fmt::format("  {:<18} warn > {}%, critical > {}% of validated steady-state capacity (or latency inflects "
                           "above SLO)\n",
                           "capacity_policy", FormatPromNumber(p.capacity_warn * 100),
                           FormatPromNumber(p.capacity_critical * 100));
  std::cout << fmt::format("  {:<18} warn > {}x-{}x, critical > {}x-{}x baseline by sensitivity ({})\n",
                           "regression_policy", FormatPromNumber(p.regression_min.warn),
                           FormatPromNumber(p.regression_max.warn), FormatPromNumber(p.regression_min.critical),
                           FormatPromNumber(p.regression_max.critical), sens);
}

void PrintOverview(const CatalogSet& set) {
  const Catalog& c = set.catalog;
  std::cout << fmt::format("{} sectors, {} KPIs (seed 000); alert styles: ", c.sectors.size(), c.KpiCount());
  std::vector<std::string> styles;
  for (const AlertStyleInfo& s : c.styles) styles.push_back(s.name);
  std::cout << Join(styles) << "\n\n";
  for (const Sector& s : c.sectors) {
    std::cout << fmt::format("{}  {}\n", s.id, s.name);
    std::vector<std::string> kpis;
    for (const Kpi& k : s.kpis) kpis.push_back(fmt::format("{} ({})", k.abbr, k.name));
    std::cout << fmt::format("  KPIs:        {}\n", Join(kpis));
    std::cout << fmt::format("  alert style: {}\n", s.alert_style);
  }
  std::cout << "\n";
  PrintPolicies(c);
  std::cout << fmt::format("\nPresets: {} (slokit catalog --preset NAME)\n", Join(set.PresetNames()));
  std::cout << "slokit catalog SECTOR shows its KPIs with units and defaults; slokit catalog KPI shows one KPI.\n";
}

void PrintKpi(const CatalogSet& set, const Kpi& k, bool heading_sector) {
  std::cout << fmt::format("{}{} - {}\n", heading_sector ? k.sector + "/" : "", k.abbr, k.name);
  std::cout << fmt::format("  {}\n", k.description);
  std::cout << fmt::format("  unit {}; {} is bad; style {}{}; measured as a {}\n", k.unit,
                           k.higher_is_bad ? "higher" : "lower", k.style, k.scope.empty() ? "" : " for " + k.scope,
                           KpiMeasureName(k.measure));
  std::string def = DescribeDefaults(set.catalog, k);
  if (!def.empty()) std::cout << fmt::format("  default: {}\n    source: {}\n", def, k.defaults.source);
  if (!k.derive.empty()) std::cout << fmt::format("  derive: {}\n", k.derive);
  if (!k.event.Empty()) {
    std::string ev = k.event.field.empty() ? "good: " + k.event.good
                                           : "field " + k.event.field + (k.event.unit.empty() ? "" : " (" + k.event.unit + ")");
    if (!k.event.valid.empty()) ev += "; valid: " + k.event.valid;
    std::cout << fmt::format("  events: {}\n", ev);
  }
  const Sector* s = set.catalog.FindSector(k.sector);
  if (s && s->IsLlmInference()) {
    for (const Preset& p : set.presets) {
      if (const PresetKpi* m = p.Find(k)) std::cout << fmt::format("  {:<11} {}\n", p.name + ":", DescribeMapping(*m));
      else std::cout << fmt::format("  {:<11} - {}\n", p.name + ":", p.WhyNot(k));
    }
  }
}

void PrintSector(const CatalogSet& set, const Sector& s) {
  const RegressionFactors* f = set.catalog.policies.Regression(s.sensitivity);
  std::cout << fmt::format("{}: {}\n", s.id, s.name);
  std::cout << fmt::format("alert style: {}\n", s.alert_style);
  if (f)
    std::cout << fmt::format("sensitivity: {} (regression warn {}x, critical {}x the 7d baseline)\n", s.sensitivity,
                             FormatPromNumber(f->warn), FormatPromNumber(f->critical));
  std::cout << "\n";
  std::cout << fmt::format("{:<12} {:<44} {:<10} {:<6} {:<18} {}\n", "KPI", "NAME", "UNIT", "BAD", "STYLE", "DEFAULT");
  for (const Kpi& k : s.kpis) {
    std::string def = DescribeDefaults(set.catalog, k);
    std::cout << fmt::format("{:<12} {:<44} {:<10} {:<6} {:<18} {}\n", k.abbr, k.name, k.unit,
                             k.higher_is_bad ? "higher" : "lower", k.style, def.empty() ? "derived (below)" : def);
  }
  for (const Kpi& k : s.kpis) {
    std::cout << "\n";
    PrintKpi(set, k, false);
  }
}

void PrintPreset(const CatalogSet& set, const Preset& p) {
  std::cout << fmt::format("{}: {}\n", p.name, p.title);
  if (!p.docs.empty()) std::cout << fmt::format("docs: {}\n", p.docs);
  if (!p.notes.empty()) std::cout << p.notes << "\n";
  std::vector<std::string> labels;
  for (const auto& [role, label] : p.labels) labels.push_back(role + " = " + label);
  std::cout << fmt::format("labels: {}\n\n", labels.empty() ? "none" : Join(labels));
  for (const PresetKpi& m : p.kpis) {
    std::cout << fmt::format("{:<10} {}\n", m.kpi, DescribeMapping(m));
    if (m.kind == PresetKpi::Kind::kHistogram) std::cout << fmt::format("{:<10} buckets {}\n", "", Numbers(m.buckets));
    if (!m.note.empty()) std::cout << fmt::format("{:<10} {}\n", "", m.note);
  }
  std::vector<std::string> none;
  for (const Sector& s : set.catalog.sectors) {
    if (!s.IsLlmInference()) continue;
    for (const Kpi& k : s.kpis) {
      if (!p.Find(k)) none.push_back(k.abbr);
    }
  }
  if (!none.empty()) {
    std::cout << fmt::format("\nNot provided: {}\n", Join(none));
    for (const auto& [abbr, why] : p.unsupported) std::cout << fmt::format("  {:<8} {}\n", abbr, why);
  }
}

}  // namespace

Command MakeCatalogCommand(CLI::App& parent) {
  struct Options {
    std::string name;
    std::string preset;
    std::string format = "table";
    std::string catalog_dir;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "catalog", "The sector KPI catalog: sectors, KPIs with units, alert styles and default thresholds, presets");
  app->add_option("name", opts->name, "A sector id (llm-inference-gpu) or a KPI (TTFT, llm-inference-gpu/TTFT)");
  app->add_option("--preset", opts->preset, "Show a preset's series (vllm, tgi, llamacpp, otel-genai, slokit)");
  app->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  app->add_option("--catalog", opts->catalog_dir,
                  "Read the catalog from DIR (DIR/sectors.yaml, DIR/presets/*.yaml) instead of the built-in one");
  app->footer("Exit codes: 0 shown, 2 bad usage (unknown sector, KPI or preset; unreadable catalog).");
  auto run = [opts]() -> int {
    auto fail = [](const std::string& message) { return UsageError("catalog", message); };
    if (!opts->catalog_dir.empty()) SetCatalogDirectory(opts->catalog_dir);
    std::shared_ptr<const CatalogSet> set;
    Status s = ActiveCatalog(&set);
    if (!s.ok()) return fail(s.message());
    const Catalog& c = set->catalog;
    bool json_out = opts->format == "json";
    if (!opts->preset.empty()) {
      if (!opts->name.empty()) return fail("give a sector or KPI, or --preset, not both");
      const Preset* p = set->FindPreset(opts->preset);
      if (!p) return fail(fmt::format("unknown preset '{}' (expected one of: {})", opts->preset, Join(set->PresetNames())));
      if (json_out) std::cout << json{{"preset", PresetJson(*p)}}.dump(2) << "\n";
      else PrintPreset(*set, *p);
      return kExitOk;
    }
    if (opts->name.empty()) {
      if (json_out) {
        json sectors = json::array();
        for (const Sector& sec : c.sectors) sectors.push_back(SectorJson(*set, sec, true));
        json styles = json::array();
        for (const AlertStyleInfo& st : c.styles)
          styles.push_back({{"id", st.id}, {"name", st.name}, {"description", st.description}});
        json presets = json::array();
        for (const Preset& p : set->presets) presets.push_back(PresetJson(p));
        std::cout << json{{"catalog", set->origin}, {"sectors", sectors}, {"styles", styles},
                          {"policies", PoliciesJson(c.policies)}, {"init_anchors", c.init_anchors},
                          {"presets", presets}}
                         .dump(2)
                  << "\n";
      } else {
        PrintOverview(*set);
      }
      return kExitOk;
    }
    if (const Sector* sec = c.FindSector(opts->name)) {
      if (json_out)
        std::cout << json{{"sector", SectorJson(*set, *sec, true)}, {"policies", PoliciesJson(c.policies)}}.dump(2)
                  << "\n";
      else PrintSector(*set, *sec);
      return kExitOk;
    }
    std::vector<const Kpi*> kpis = c.FindKpis(opts->name);
    if (kpis.empty()) {
      std::vector<std::string> ids;
      for (const Sector& sec : c.sectors) ids.push_back(sec.id);
      return fail(fmt::format("'{}' is neither a sector nor a KPI; sectors: {}", opts->name, Join(ids)));
    }
    if (json_out) {
      json list = json::array();
      for (const Kpi* k : kpis) list.push_back(KpiJson(*set, *k));
      std::cout << json{{"kpis", list}}.dump(2) << "\n";
    } else {
      for (size_t i = 0; i < kpis.size(); ++i) {
        if (i) std::cout << "\n";
        PrintKpi(*set, *kpis[i], true);
      }
    }
    return kExitOk;
  };
  return {app, run};
}

}  // namespace slokit::cli
