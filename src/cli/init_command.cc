// slokit init: writes a commented starter spec for a catalog sector and a preset - one SLO per
// sector KPI the preset measures, with the catalog's default objectives and thresholds, and a
// comment for every KPI it cannot measure saying why and how to bind it. The output passes
// `slokit validate` and compiles with `slokit rules`. docs/catalog.md describes it.
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "spec/catalog.h"
#include "spec/loader.h"
#include "spec/preset.h"
#include "spec/prometheus_binding.h"
#include "spec/yaml_writer.h"

namespace slokit::cli {
namespace {

std::string Join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// "P95 LAT" -> "p95-lat", "ITL/TPOT" -> "itl-tpot"
std::string Slug(const std::string& abbr) {
  std::string out;
  for (char c : abbr) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// "per request, the mean" -> "Per request, the mean." (one sentence of a comment)
std::string Sentence(std::string text) {
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
  if (text.empty()) return text;
  text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text + ".";
}

double UnitSeconds(const std::string& unit) {
  if (unit == "ms") return 1e-3;
  if (unit == "us") return 1e-6;
  if (unit == "ns") return 1e-9;
  return 1;
}

// A latency SLI counts the requests in the histogram's `le` bucket at its threshold, so the
// threshold must be a boundary: the catalog's when it is one, else the nearest (in ratio).
std::string LatencyThreshold(const std::string& wanted, const PresetKpi& m, std::string* note) {
  double t = static_cast<double>(*ParseDuration(wanted)) / 1e9;
  double unit = UnitSeconds(m.unit);
  double best = 0, best_distance = 1e300;
  for (double b : m.buckets) {
    double edge = b * unit;
    if (std::fabs(edge - t) <= 1e-9 * std::max(1.0, edge)) return wanted;
    double d = std::fabs(std::log(edge / t));
    if (d < best_distance) {
      best_distance = d;
      best = b;
    }
  }
  std::string text = FormatPromNumber(best) + m.unit;
  *note = fmt::format("{} has no {} bucket boundary; the nearest one, {}, stands in for the catalog's {}.", m.histogram,
                      wanted, text, wanted);
  return text;
}

// The threshold a level alerts on, in the gauge's own scale: "80%" of a ratio -> 0.8.
double LevelValue(const std::string& text) {
  if (!text.empty() && std::isalpha(static_cast<unsigned char>(text.back()))) {
    if (auto d = ParseDuration(text)) return static_cast<double>(*d) / 1e9;  // "50ms": seconds
  }
  std::string t = text;
  bool percent = !t.empty() && t.back() == '%';
  if (percent) t.pop_back();
  double v = std::stod(t);
  return percent ? v / 100 : v;
}

struct Generator {
  const CatalogSet& set;
  const Sector& sector;
  const Preset& preset;
  std::vector<std::string> lines;
  std::vector<std::string> measured, unmeasured;

  // The SLO a KPI's defaults give; `prefix` "# " writes it commented out.
  void WriteSlo(const Kpi& k, const PresetKpi* m, const std::string& kpi_ref, const std::string& prefix,
                bool placeholder_objective) {
    const KpiDefaults& d = k.defaults;
    std::vector<std::string> out;
    std::string kind = k.measure == KpiMeasure::kRatio  ? "ratio"
                       : k.measure == KpiMeasure::kRate ? "throughput"
                       : d.percentile > 0               ? "percentile"
                                                        : "latency";
    out.push_back("- name: " + Slug(k.abbr));
    out.push_back("  description: " + YamlQuote(k.name));
    out.push_back(placeholder_objective ? "  objective: <percent>   # see derive above" : "  objective: " + FormatPromNumber(d.objective));
    out.push_back("  window: " + (d.window.empty() ? std::string("7d") : d.window));
    const KpiEvent& ev = m && !m->event.Empty() ? m->event : k.event;
    if (!ev.valid.empty()) out.push_back("  valid: " + YamlQuote(ev.valid));
    if (kind == "percentile" || kind == "throughput")
      out.push_back(fmt::format("  budgeting: {{timeslices: {}, min_events: 10, sparse: skip}}",
                                d.slice.empty() ? "5m" : d.slice));
    std::string args = "kpi: " + YamlQuote(kpi_ref);
    std::string note;
    if (kind == "latency") {
      std::string t = d.threshold.empty() ? "<duration>" : m ? LatencyThreshold(d.threshold, *m, &note) : d.threshold;
      args += ", threshold: " + t;
    } else if (kind == "percentile") {
      args += fmt::format(", p: {}, threshold: {}", FormatPromNumber(d.percentile), d.threshold);
    } else if (kind == "throughput") {
      args += ", min: " + FormatPromNumber(d.min);
    }
    if (!m) args += ", prometheus: {...}";
    if (!note.empty()) AppendYamlComment(&lines, "  # ", note);
    out.push_back("  sli:");
    out.push_back(fmt::format("    {}: {{{}}}", kind, args));
    for (const std::string& l : out) lines.push_back("  " + prefix + l);
  }

  void Header(const Kpi& k) {
    lines.push_back("");
    AppendYamlComment(&lines, "  # ",
            fmt::format("{} - {} ({}; {} is bad; {}{}).", k.abbr, k.name, k.unit, k.higher_is_bad ? "higher" : "lower",
                        k.style, k.scope.empty() ? "" : ", " + k.scope));
  }

  void Series(const PresetKpi& m) {
    std::string what;
    switch (m.kind) {
      case PresetKpi::Kind::kHistogram:
        what = fmt::format("histogram {} ({}); buckets {}", m.histogram, m.unit,
                           m.buckets.size() > 12 ? fmt::format("{} ... {}", FormatPromNumber(m.buckets.front()),
                                                               FormatPromNumber(m.buckets.back()))
                                                 : [&] {
                                                     std::vector<std::string> b;
                                                     for (double x : m.buckets) b.push_back(FormatPromNumber(x));
                                                     return Join(b);
                                                   }());
        break;
      case PresetKpi::Kind::kRatio:
        what = fmt::format("{} {} over {}", m.good.empty() ? "bad" : "good", m.good.empty() ? m.bad : m.good, m.total);
        break;
      case PresetKpi::Kind::kCounter:
        what = fmt::format("rate of {}{}", m.counter, m.events.empty() ? "" : "; events " + m.events);
        break;
      case PresetKpi::Kind::kGauge: what = "gauge " + m.gauge; break;
    }
    AppendYamlComment(&lines, "  # ", fmt::format("{}: {}.{}", preset.name, what, m.note.empty() ? "" : " " + Sentence(m.note)));
  }

  void AddKpi(const Kpi& k) {
    const PresetKpi* m = preset.Find(k);
    Header(k);
    std::string def = DescribeDefaults(set.catalog, k);
    if (k.measure == KpiMeasure::kLevel) {
      AppendYamlComment(&lines, "  # ", fmt::format("A level, not an SLO: alert on it with a threshold rule{}.",
                                          def.empty() ? "" : " - " + def + " (" + k.defaults.source + ")"));
      if (!m) {
        AppendYamlComment(&lines, "  # ", "Not measured here: " + preset.WhyNot(k) + ".");
        unmeasured.push_back(k.abbr);
        return;
      }
      Series(*m);
      const char* op = k.higher_is_bad ? ">" : "<";
      if (k.defaults.from == "capacity_policy") {
        // Load against validated capacity (the gauge is a share of it).
        lines.push_back(fmt::format("  #   warn:     {} > {}", m->gauge,
                                    FormatPromNumber(set.catalog.policies.capacity_warn / m->scale)));
        lines.push_back(fmt::format("  #   critical: {} > {}", m->gauge,
                                    FormatPromNumber(set.catalog.policies.capacity_critical / m->scale)));
      } else if (!k.defaults.threshold.empty()) {
        lines.push_back(
            fmt::format("  #   alert: {} {} {}", m->gauge, op, FormatPromNumber(LevelValue(k.defaults.threshold) / m->scale)));
      }
      measured.push_back(k.abbr + " (alert rule)");
      return;
    }
    if (!def.empty()) AppendYamlComment(&lines, "  # ", fmt::format("Default: {} - {}", def, Sentence(k.defaults.source)));
    if (!k.derive.empty()) AppendYamlComment(&lines, "  # ", "Derive: " + Sentence(k.derive));
    if (!m) {
      AppendYamlComment(&lines, "  # ",
              fmt::format("Not measured here: {}. To measure it, bind it to your own series (docs/spec.md, Prometheus "
                          "bindings) and uncomment:",
                          preset.WhyNot(k)));
      WriteSlo(k, nullptr, k.abbr, "# ", k.defaults.objective == 0);
      unmeasured.push_back(k.abbr);
      return;
    }
    Series(*m);
    if (k.defaults.objective == 0) {
      AppendYamlComment(&lines, "  # ", "No default objective: derive one, then uncomment:");
      WriteSlo(k, m, k.abbr, "# ", true);
      unmeasured.push_back(k.abbr + " (no default)");
      return;
    }
    WriteSlo(k, m, k.abbr, "", false);
    measured.push_back(k.abbr);
  }

  // When the preset measures none of the sector's KPIs: the first anchor KPI it provides.
  bool Anchor() {
    for (const std::string& id : set.catalog.init_anchors) {
      std::vector<const Kpi*> ks = set.catalog.FindKpis(id);
      if (ks.size() != 1) continue;
      const Kpi& k = *ks.front();
      const PresetKpi* m = preset.Find(k);
      if (!m || k.defaults.objective == 0 || k.measure == KpiMeasure::kLevel) continue;
      Header(k);
      AppendYamlComment(&lines, "  # ",
              fmt::format("{} measures none of this sector's KPIs with a default objective, so this SLO of sector {} "
                          "keeps the service measured. Default: {} - {}",
                          preset.name, k.sector, DescribeDefaults(set.catalog, k), Sentence(k.defaults.source)));
      Series(*m);
      WriteSlo(k, m, k.Id(), "", false);
      measured.push_back(k.Id());
      return true;
    }
    return false;
  }
};

}  // namespace

Command MakeInitCommand(CLI::App& parent) {
  struct Options {
    std::string sector;
    std::string preset;
    std::string service;
    std::string team;
    std::string output;
    bool force = false;
    std::string catalog_dir;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "init", "Write a commented starter spec for a catalog sector and an LLM server preset");
  app->add_option("--sector", opts->sector, "Catalog sector id, e.g. llm-inference-gpu (slokit catalog lists them)")
      ->required();
  app->add_option("--preset", opts->preset, "Preset: vllm, tgi, llamacpp, otel-genai or slokit")->required();
  app->add_option("--service", opts->service, "The service's name (letters, digits, '.', '-', '_')")->required();
  app->add_option("--team", opts->team, "The team paged for its SLOs (default: SERVICE-oncall)");
  app->add_option("-o,--output", opts->output, "Write here instead of stdout");
  app->add_flag("--force", opts->force, "Overwrite the output file if it exists");
  app->add_option("--catalog", opts->catalog_dir, "Read the catalog from DIR instead of the built-in one");
  app->footer(
      "Exit codes: 0 written, 2 bad usage (unknown sector or preset, existing file without --force).\n"
      "Then: slokit validate FILE && slokit rules FILE > rules.yaml && promtool check rules rules.yaml");
  auto run = [opts]() -> int {
    auto fail = [](const std::string& message) { return UsageError("init", message); };
    if (!opts->catalog_dir.empty()) SetCatalogDirectory(opts->catalog_dir);
    std::shared_ptr<const CatalogSet> set;
    Status s = ActiveCatalog(&set);
    if (!s.ok()) return fail(s.message());
    const Catalog& c = set->catalog;
    const Sector* sector = c.FindSector(opts->sector);
    if (!sector) {
      std::vector<std::string> ids;
      for (const Sector& sec : c.sectors) ids.push_back(sec.id);
      return fail(fmt::format("unknown sector '{}' (expected one of: {})", opts->sector, Join(ids)));
    }
    const Preset* preset = set->FindPreset(opts->preset);
    if (!preset)
      return fail(fmt::format("unknown preset '{}' (expected one of: {})", opts->preset, Join(set->PresetNames())));
    if (!sector->IsLlmInference())
      return fail(fmt::format("presets describe LLM servers and serve the LLM inference sectors; the KPIs of {} ({}) "
                              "come from other exporters - `slokit catalog {}` lists them with their defaults",
                              sector->id, sector->name, sector->id));
    const std::string& service = opts->service;
    bool service_ok = !service.empty() && std::all_of(service.begin(), service.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
    });
    if (!service_ok) return fail(fmt::format("--service '{}': use letters, digits, '.', '-' and '_'", service));
    std::string team = opts->team.empty() ? service + "-oncall" : opts->team;
    if (!opts->output.empty() && opts->output != "-" && !opts->force && std::filesystem::exists(opts->output))
      return fail(fmt::format("{} exists; pass --force to overwrite it", opts->output));

    Generator g{*set, *sector, *preset, {}, {}, {}};
    for (const Kpi& k : sector->kpis) g.AddKpi(k);
    if (std::find_if(g.measured.begin(), g.measured.end(), [](const std::string& m) {
          return m.find("(alert rule)") == std::string::npos;
        }) == g.measured.end()) {
      if (!g.Anchor())
        return fail(fmt::format("preset {} provides none of the KPIs of {} and none of the catalog's anchors ({})",
                                preset->name, sector->id, Join(c.init_anchors)));
    }

    std::vector<std::string> out;
    std::string invocation = fmt::format("slokit init --sector {} --preset {} --service {}", sector->id, preset->name, service);
    out.push_back(fmt::format("# SLOs of {}: a starter spec written by `{}`.", service, invocation));
    out.push_back("#");
    AppendYamlComment(&out, "# ", fmt::format("Sector {}: {} (seed 000). KPIs: {}. Default alert style: {}.", sector->id, sector->name,
                                    [&] {
                                      std::vector<std::string> ks;
                                      for (const Kpi& k : sector->kpis) ks.push_back(k.abbr);
                                      return Join(ks);
                                    }(),
                                    sector->alert_style));
    AppendYamlComment(&out, "# ", fmt::format("Preset {}: {}{}. {}", preset->name, preset->title,
                                    preset->docs.empty() ? "" : " (" + preset->docs + ")", preset->notes));
    out.push_back("#");
    AppendYamlComment(&out, "# ",
            "Objectives and thresholds are the catalog's starting points; `slokit catalog " + sector->id +
                "` says where each comes from. Tighten them to your workload once a 7d baseline exists (seed 000). Each "
                "SLI names a catalog KPI (kpi:); the preset maps it to the event field `slokit report` reads and to "
                "the Prometheus series `slokit rules` compiles (docs/catalog.md).");
    if (set->origin != "embedded")
      AppendYamlComment(&out, "# ", "This spec uses the catalog in " + set->origin + ": run slokit with SLOKIT_CATALOG=" +
                              set->origin + " (or --catalog) to read it.");
    out.push_back("#");
    out.push_back("#   slokit validate FILE && slokit rules FILE > rules.yaml && promtool check rules rules.yaml");
    out.push_back("service: " + YamlQuote(service));
    out.push_back("sector: " + sector->id);
    out.push_back("preset: " + preset->name);
    out.push_back("owners:");
    out.push_back(fmt::format("  infra: {{team: {}}}   # who is paged; add contact: \"#channel\"", YamlQuote(team)));
    out.push_back("");
    AppendYamlComment(&out, "# ", "Seed 000's burn-rate policy (the catalog's slo_policy, also the default when alerting: is left out).");
    out.push_back("alerting:");
    for (const char* severity : {"page", "ticket"}) {
      out.push_back(fmt::format("  {}:", severity));
      for (const AlertCondition& cond : c.policies.slo.conditions) {
        if (cond.severity != severity) continue;
        out.push_back(fmt::format("    - {{long: {}, short: {}, burn_rate: {}}}", FormatDuration(cond.long_window),
                                  FormatDuration(cond.short_window), FormatPromNumber(cond.factor)));
      }
    }
    out.push_back("");
    out.push_back("slos:");
    bool first = true;
    for (const std::string& l : g.lines) {
      if (first && l.empty()) {  // no blank line right after `slos:`
        first = false;
        continue;
      }
      first = false;
      out.push_back(l);
    }
    std::string text;
    for (const std::string& l : out) text += l + "\n";

    // The output must load: a failure here is a defect of the catalog or of this generator.
    Spec spec;
    std::vector<Diagnostic> warnings;
    std::string name = opts->output.empty() || opts->output == "-" ? "<slokit init>" : opts->output;
    s = LoadSpecString(text, name, &spec, &warnings);
    if (!s.ok()) return fail("internal error: the generated spec does not load: " + s.message());
    for (const Diagnostic& d : warnings) std::cerr << "slokit init: " << d.ToString() << "\n";

    if (opts->output.empty() || opts->output == "-") {
      std::cout << text;
      std::cout.flush();
      return std::cout ? kExitOk : fail("cannot write to stdout");
    }
    {
      std::ofstream f(opts->output, std::ios::binary | std::ios::trunc);
      f << text;
      if (!f) return fail(fmt::format("{}: cannot write", opts->output));
    }
    std::cout << fmt::format("wrote {}: {} SLOs for {} from sector {} with preset {} ({})\n", opts->output,
                             spec.slos.size(), service, sector->id, preset->name, Join(g.measured));
    if (!g.unmeasured.empty())
      std::cout << fmt::format("not measured by {} (commented in the file): {}\n", preset->name, Join(g.unmeasured));
    std::cout << fmt::format("next: slokit validate {0} && slokit rules {0}\n", opts->output);
    return kExitOk;
  };
  return {app, run};
}

}  // namespace slokit::cli
