#include "spec/catalog.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/expr.h"
#include "spec/prometheus_binding.h"
#include "spec/preset.h"
#include "spec/yaml_reader.h"

namespace slokit {

// Generated at build time from catalog/*.yaml (catalog/embed.cmake).
namespace embedded_catalog {
struct File {
  const char* path;
  const char* text;
};
extern const File kFiles[];
extern const size_t kFileCount;
}  // namespace embedded_catalog

namespace {

// "P95 LAT", "p95-lat" and "P95LAT" are the same name.
std::string NormalizeName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '-' || c == '_') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

bool IsId(const std::string& s) {
  if (s.empty() || !std::islower(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

// 80% or 0.8 -> 0.8
double Fraction(const YamlField& f) {
  std::string text = f.Scalar();
  bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  double v;
  if (!ParseNumber(text, &v)) f.Fail(fmt::format("expected a percentage like 80%, got '{}'", f.Scalar()));
  if (percent) v /= 100;
  if (!(v > 0 && v <= 1)) f.Fail("expected a share between 0% and 100%");
  return v;
}

std::string OptionalScalar(const YamlField& f, const char* key) { return f.Has(key) ? f[key].Scalar() : ""; }

std::vector<std::string> StringList(const YamlField& f) {
  if (!f.IsSequence()) f.Fail("expected a list");
  std::vector<std::string> out;
  for (size_t i = 0; i < f.Size(); ++i) out.push_back(f[i].Scalar());
  return out;
}

const char* kPolicies[] = {"capacity_policy", "regression_policy", "slo_policy"};

void CheckFilter(const YamlField& f) {
  FieldSet fields;
  ParseFilterField(f, &fields);
}

void ParseConditions(const YamlField& list, const char* severity, AlertingPolicy* policy) {
  if (!list.IsSequence()) list.Fail("expected a list of {long, short, burn_rate}");
  for (size_t i = 0; i < list.Size(); ++i) {
    YamlField c = list[i];
    c.AllowOnly({"long", "short", "burn_rate"});
    AlertCondition cond;
    cond.severity = severity;
    cond.long_window = c["long"].Duration();
    cond.short_window = c["short"].Duration();
    cond.factor = c["burn_rate"].Number();
    if (cond.factor <= 0) c["burn_rate"].Fail("expected a positive burn rate");
    if (cond.short_window > cond.long_window) c["short"].Fail("the short window must not be longer than the long one");
    policy->conditions.push_back(cond);
  }
}

void ParsePolicies(const YamlField& f, Policies* p) {
  f.AllowOnly({"baseline_window", "slo_policy", "capacity_policy", "regression_policy"});
  YamlField b = f["baseline_window"];
  b.AllowOnly({"window", "statistics", "text", "source"});
  p->baseline_window = b["window"].Scalar();
  b["window"].Duration();
  if (b.Has("statistics")) p->baseline_statistics = StringList(b["statistics"]);
  p->baseline_text = OptionalScalar(b, "text");
  p->baseline_source = OptionalScalar(b, "source");

  YamlField s = f["slo_policy"];
  s.AllowOnly({"page", "ticket", "text", "source"});
  p->slo = AlertingPolicy{};
  ParseConditions(s["page"], "page", &p->slo);
  ParseConditions(s["ticket"], "ticket", &p->slo);
  p->slo_text = OptionalScalar(s, "text");
  p->slo_source = OptionalScalar(s, "source");

  YamlField c = f["capacity_policy"];
  c.AllowOnly({"warn", "critical", "text", "source"});
  p->capacity_warn = Fraction(c["warn"]);
  p->capacity_critical = Fraction(c["critical"]);
  if (p->capacity_critical <= p->capacity_warn) c["critical"].Fail("critical must be above warn");
  p->capacity_text = OptionalScalar(c, "text");
  p->capacity_source = OptionalScalar(c, "source");

  YamlField r = f["regression_policy"];
  r.AllowOnly({"warn", "critical", "sensitivity", "text", "source"});
  auto range = [](const YamlField& g, double* lo, double* hi) {
    g.AllowOnly({"min", "max"});
    *lo = g["min"].Number();
    *hi = g["max"].Number();
    if (!(*lo > 1 && *hi >= *lo)) g.Fail("expected factors above 1 with min <= max, e.g. {min: 1.10, max: 1.25}");
  };
  range(r["warn"], &p->regression_min.warn, &p->regression_max.warn);
  range(r["critical"], &p->regression_min.critical, &p->regression_max.critical);
  YamlField sens = r["sensitivity"];
  if (!sens.IsMap()) sens.Fail("expected a mapping of sensitivities (high, medium, low) to {warn, critical}");
  for (auto& [name, g] : sens.Entries()) {
    g.AllowOnly({"warn", "critical"});
    RegressionFactors rf{g["warn"].Number(), g["critical"].Number()};
    if (rf.warn < p->regression_min.warn || rf.warn > p->regression_max.warn)
      g["warn"].Fail(fmt::format("outside the warn range {}..{}", p->regression_min.warn, p->regression_max.warn));
    if (rf.critical < p->regression_min.critical || rf.critical > p->regression_max.critical)
      g["critical"].Fail(
          fmt::format("outside the critical range {}..{}", p->regression_min.critical, p->regression_max.critical));
    p->regression_by_sensitivity.emplace_back(name, rf);
  }
  p->regression_text = OptionalScalar(r, "text");
  p->regression_source = OptionalScalar(r, "source");
}

void ParseKpi(const YamlField& f, const Catalog& catalog, const Sector& sector, Kpi* k) {
  f.AllowOnly({"abbr", "aliases", "name", "description", "unit", "bad", "style", "scope", "measure", "default", "derive",
               "event"});
  k->sector = sector.id;
  k->line = f.Line();
  k->abbr = f["abbr"].Scalar();
  if (k->abbr.empty()) f["abbr"].Fail("a KPI needs its abbreviation");
  if (f.Has("aliases")) k->aliases = StringList(f["aliases"]);
  k->name = f["name"].Scalar();
  k->description = f["description"].Scalar();
  k->unit = f["unit"].Scalar();
  std::string bad = f["bad"].Scalar();
  if (bad != "higher" && bad != "lower") f["bad"].Fail("expected 'higher' or 'lower': which direction is bad");
  k->higher_is_bad = bad == "higher";
  k->style = f["style"].Scalar();
  if (!catalog.FindStyle(k->style)) f["style"].Fail(fmt::format("unknown alert style '{}'", k->style));
  if (std::find(sector.styles.begin(), sector.styles.end(), k->style) == sector.styles.end())
    f["style"].Fail(fmt::format("'{}' is not one of the sector's styles ({})", k->style, sector.alert_style));
  k->scope = OptionalScalar(f, "scope");
  std::string measure = f["measure"].Scalar();
  if (measure == "latency") k->measure = KpiMeasure::kLatency;
  else if (measure == "ratio") k->measure = KpiMeasure::kRatio;
  else if (measure == "rate") k->measure = KpiMeasure::kRate;
  else if (measure == "level") k->measure = KpiMeasure::kLevel;
  else f["measure"].Fail("expected latency, ratio, rate or level");
  k->derive = OptionalScalar(f, "derive");

  if (f.Has("default")) {
    YamlField d = f["default"];
    d.AllowOnly({"objective", "threshold", "percentile", "min", "window", "slice", "from", "source"});
    KpiDefaults& kd = k->defaults;
    if (d.Has("objective")) {
      kd.objective = d["objective"].Number();
      if (!(kd.objective > 0 && kd.objective < 100)) d["objective"].Fail("expected a percentage, e.g. 99.9");
    }
    if (d.Has("threshold")) {
      kd.threshold = d["threshold"].Scalar();
      if (k->measure == KpiMeasure::kLatency || k->unit == "s") {
        d["threshold"].Duration();
      } else {
        std::string t = kd.threshold;
        if (!t.empty() && t.back() == '%') t.pop_back();
        double v;
        if (!ParseNumber(t, &v)) d["threshold"].Fail("expected a number or a percentage");
      }
    }
    if (d.Has("percentile")) {
      kd.percentile = d["percentile"].Number();
      if (!(kd.percentile > 0 && kd.percentile < 100)) d["percentile"].Fail("expected a percentile between 0 and 100");
      if (k->measure != KpiMeasure::kLatency) d["percentile"].Fail("only latency KPIs have a percentile");
    }
    if (d.Has("min")) {
      kd.min = d["min"].Number();
      if (kd.min <= 0) d["min"].Fail("expected a positive rate");
      if (k->measure != KpiMeasure::kRate) d["min"].Fail("only rate KPIs have a min");
    }
    if (d.Has("window")) {
      kd.window = d["window"].Scalar();
      d["window"].Duration();
    }
    if (d.Has("slice")) {
      kd.slice = d["slice"].Scalar();
      d["slice"].Duration();
    }
    if (d.Has("from")) {
      kd.from = d["from"].Scalar();
      if (std::none_of(std::begin(kPolicies), std::end(kPolicies), [&](const char* p) { return kd.from == p; }))
        d["from"].Fail("expected capacity_policy, regression_policy or slo_policy");
    }
    kd.source = d["source"].Scalar();
    if (kd.objective > 0) {
      if (kd.window.empty()) d.Fail("an objective needs its window");
      if (k->measure == KpiMeasure::kLatency && kd.threshold.empty()) d.Fail("a latency objective needs its threshold");
      if (k->measure == KpiMeasure::kRate && kd.min == 0) d.Fail("a throughput objective needs its min");
      if (k->measure == KpiMeasure::kLevel) d["objective"].Fail("a level is alerted on by threshold, not an objective");
    }
  }
  if (k->defaults.Empty() && k->derive.empty())
    f.Fail("a KPI without default thresholds needs `derive`: how its style derives them");

  if (f.Has("event")) {
    YamlField e = f["event"];
    e.AllowOnly({"field", "unit", "good", "valid"});
    k->event.field = OptionalScalar(e, "field");
    k->event.unit = OptionalScalar(e, "unit");
    k->event.good = OptionalScalar(e, "good");
    k->event.valid = OptionalScalar(e, "valid");
    if (e.Has("good")) CheckFilter(e["good"]);
    if (e.Has("valid")) CheckFilter(e["valid"]);
    if (!k->event.unit.empty() && k->event.unit != "ns" && k->event.unit != "us" && k->event.unit != "ms" &&
        k->event.unit != "s")
      e["unit"].Fail("expected ns, us, ms or s");
    bool needs_field = k->measure == KpiMeasure::kLatency || k->measure == KpiMeasure::kRate;
    if (needs_field && k->event.field.empty()) e.Fail("a latency or rate KPI reads a `field`");
    if (k->measure == KpiMeasure::kRatio && k->event.good.empty()) e.Fail("a ratio KPI needs a `good` filter");
  }
}

void ParseSector(const YamlField& f, const Catalog& catalog, Sector* s) {
  f.AllowOnly({"id", "name", "alert_style", "styles", "sensitivity", "kpis"});
  s->id = f["id"].Scalar();
  if (!IsId(s->id)) f["id"].Fail("a sector id is lowercase letters, digits and '-'");
  s->name = f["name"].Scalar();
  s->alert_style = f["alert_style"].Scalar();
  s->styles = StringList(f["styles"]);
  for (size_t i = 0; i < s->styles.size(); ++i) {
    if (!catalog.FindStyle(s->styles[i])) f["styles"][i].Fail(fmt::format("unknown alert style '{}'", s->styles[i]));
  }
  s->sensitivity = f["sensitivity"].Scalar();
  if (!catalog.policies.Regression(s->sensitivity))
    f["sensitivity"].Fail("expected one of the regression policy's sensitivities (high, medium, low)");
  YamlField kpis = f["kpis"];
  if (!kpis.IsSequence() || kpis.Size() == 0) kpis.Fail("expected a non-empty list of KPIs");
  for (size_t i = 0; i < kpis.Size(); ++i) {
    Kpi k;
    ParseKpi(kpis[i], catalog, *s, &k);
    for (const Kpi& other : s->kpis) {
      bool clash = other.Matches(k.abbr);
      for (const std::string& a : k.aliases) clash |= other.Matches(a);
      if (clash) kpis[i]["abbr"].Fail(fmt::format("'{}' clashes with {} in this sector", k.abbr, other.abbr));
    }
    s->kpis.push_back(std::move(k));
  }
}

void BuildCatalog(const YamlField& root, Catalog* c) {
  if (!root.IsMap()) root.Fail("expected a mapping with styles, policies and sectors");
  root.AllowOnly({"version", "styles", "policies", "init", "sectors"});
  if (root.Has("version") && root["version"].Scalar() != "1") root["version"].Fail("this slokit reads version 1");
  YamlField styles = root["styles"];
  if (!styles.IsSequence()) styles.Fail("expected a list of alert styles");
  for (size_t i = 0; i < styles.Size(); ++i) {
    YamlField s = styles[i];
    s.AllowOnly({"id", "name", "description"});
    AlertStyleInfo info{s["id"].Scalar(), s["name"].Scalar(), s["description"].Scalar()};
    if (!IsId(info.id)) s["id"].Fail("a style id is lowercase letters, digits and '-'");
    if (c->FindStyle(info.id)) s["id"].Fail(fmt::format("style '{}' is listed twice", info.id));
    c->styles.push_back(std::move(info));
  }
  ParsePolicies(root["policies"], &c->policies);
  YamlField sectors = root["sectors"];
  if (!sectors.IsSequence() || sectors.Size() == 0) sectors.Fail("expected a non-empty list of sectors");
  for (size_t i = 0; i < sectors.Size(); ++i) {
    Sector s;
    ParseSector(sectors[i], *c, &s);
    if (c->FindSector(s.id)) sectors[i]["id"].Fail(fmt::format("sector '{}' is listed twice", s.id));
    c->sectors.push_back(std::move(s));
  }
  if (root.Has("init")) {
    YamlField init = root["init"];
    init.AllowOnly({"anchors"});
    c->init_anchors = StringList(init["anchors"]);
    for (size_t i = 0; i < c->init_anchors.size(); ++i) {
      if (c->FindKpis(c->init_anchors[i]).size() != 1 || c->init_anchors[i].find('/') == std::string::npos)
        init["anchors"][i].Fail("expected a KPI as sector/ABBR");
    }
  }
}

std::string ReadFile(const std::filesystem::path& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Status LoadFiles(const std::vector<std::pair<std::string, std::string>>& files, const std::string& origin,
                 CatalogSet* out) {
  *out = CatalogSet{};
  out->origin = origin;
  const std::pair<std::string, std::string>* sectors = nullptr;
  for (const auto& f : files) {
    if (std::filesystem::path(f.first).filename() == "sectors.yaml") sectors = &f;
  }
  if (!sectors) return Status::NotFound(fmt::format("{}: no sectors.yaml", origin));
  Status s = ParseCatalog(sectors->second, sectors->first, &out->catalog);
  if (!s.ok()) return s;
  for (const auto& f : files) {
    if (&f == sectors) continue;
    Preset p;
    s = ParsePreset(f.second, f.first, out->catalog, &p);
    if (!s.ok()) return s;
    if (out->FindPreset(p.name)) return Status::InvalidArgument(fmt::format("{}: preset '{}' is defined twice", f.first, p.name));
    out->presets.push_back(std::move(p));
  }
  std::sort(out->presets.begin(), out->presets.end(), [](const Preset& a, const Preset& b) { return a.name < b.name; });
  return Status::Ok();
}

struct ActiveState {
  std::mutex mu;
  bool dir_set = false;
  std::string dir;
  std::string loaded_dir;
  bool loaded = false;
  Status status;
  std::shared_ptr<const CatalogSet> set;
};

ActiveState& State() {
  static ActiveState state;
  return state;
}

}  // namespace

const char* KpiMeasureName(KpiMeasure measure) {
  switch (measure) {
    case KpiMeasure::kLatency: return "latency";
    case KpiMeasure::kRatio: return "ratio";
    case KpiMeasure::kRate: return "rate";
    case KpiMeasure::kLevel: return "level";
  }
  return "?";
}

bool Kpi::Matches(std::string_view name) const {
  std::string n = NormalizeName(name);
  if (n.empty()) return false;
  if (NormalizeName(abbr) == n) return true;
  return std::any_of(aliases.begin(), aliases.end(), [&](const std::string& a) { return NormalizeName(a) == n; });
}

const Kpi* Sector::FindKpi(std::string_view name) const {
  for (const Kpi& k : kpis) {
    if (k.Matches(name)) return &k;
  }
  return nullptr;
}

bool Sector::IsLlmInference() const {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("llm inference") != std::string::npos;
}

const RegressionFactors* Policies::Regression(std::string_view sensitivity) const {
  for (const auto& [name, f] : regression_by_sensitivity) {
    if (name == sensitivity) return &f;
  }
  return nullptr;
}

const Sector* Catalog::FindSector(std::string_view id) const {
  for (const Sector& s : sectors) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const AlertStyleInfo* Catalog::FindStyle(std::string_view id) const {
  for (const AlertStyleInfo& s : styles) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::vector<const Kpi*> Catalog::FindKpis(std::string_view name, std::string_view sector) const {
  // A qualified name (sector/ABBR) says its sector itself; `sector` scopes unqualified ones.
  size_t slash = name.find('/');
  if (slash != std::string_view::npos && FindSector(name.substr(0, slash))) {
    sector = name.substr(0, slash);
    name = name.substr(slash + 1);
  }
  std::vector<const Kpi*> out;
  for (const Sector& s : sectors) {
    if (!sector.empty() && s.id != sector) continue;
    if (const Kpi* k = s.FindKpi(name)) out.push_back(k);
  }
  return out;
}

size_t Catalog::KpiCount() const {
  size_t n = 0;
  for (const Sector& s : sectors) n += s.kpis.size();
  return n;
}

Status ParseCatalog(std::string_view yaml, const std::string& file, Catalog* out) {
  *out = Catalog{};
  out->file = file;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    return Status::ParseError(fmt::format("{}:{}:{}: invalid YAML: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  try {
    BuildCatalog(YamlField(root, out->file, ""), out);
  } catch (const SpecError& e) {
    return Status::InvalidArgument(e.diagnostic.ToString());
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return Status::Ok();
}

CatalogSet::CatalogSet() = default;
CatalogSet::~CatalogSet() = default;
CatalogSet::CatalogSet(CatalogSet&&) noexcept = default;
CatalogSet& CatalogSet::operator=(CatalogSet&&) noexcept = default;

const Preset* CatalogSet::FindPreset(std::string_view name) const {
  for (const Preset& p : presets) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> CatalogSet::PresetNames() const {
  std::vector<std::string> out;
  for (const Preset& p : presets) out.push_back(p.name);
  return out;
}

std::string DescribeSloPolicy(const AlertingPolicy& p) {
  std::string page, ticket;
  for (const AlertCondition& c : p.conditions) {
    std::string& out = c.severity == "page" ? page : ticket;
    out += fmt::format("{}> {} over {} and {}", out.empty() ? "" : ", or ", FormatPromNumber(c.factor),
                       FormatDuration(c.long_window), FormatDuration(c.short_window));
  }
  return fmt::format("page: burn rate {}; ticket: burn rate {}", page.empty() ? "never" : page,
                     ticket.empty() ? "never" : ticket);
}

std::string DescribeDefaults(const Catalog& catalog, const Kpi& kpi) {
  const KpiDefaults& d = kpi.defaults;
  const char* worse = kpi.higher_is_bad ? ">" : "<";
  if (d.from == "capacity_policy") {  // load against capacity, whichever direction the KPI is bad in
    return fmt::format("warn > {}%, critical > {}% of validated capacity",
                       FormatPromNumber(catalog.policies.capacity_warn * 100),
                       FormatPromNumber(catalog.policies.capacity_critical * 100));
  }
  if (d.from == "regression_policy") {
    const Sector* s = catalog.FindSector(kpi.sector);
    const RegressionFactors* f = s ? catalog.policies.Regression(s->sensitivity) : nullptr;
    if (!f) return "the regression policy";
    if (kpi.higher_is_bad)
      return fmt::format("warn > {}x, critical > {}x the 7d baseline ({} sensitivity)", FormatPromNumber(f->warn),
                         FormatPromNumber(f->critical), s->sensitivity);
    return fmt::format("warn < baseline/{}, critical < baseline/{} (7d baseline, {} sensitivity)",
                       FormatPromNumber(f->warn), FormatPromNumber(f->critical), s->sensitivity);
  }
  if (d.from == "slo_policy") return DescribeSloPolicy(catalog.policies.slo);
  std::string slice = d.slice.empty() ? "5m" : d.slice;
  std::string window = d.window.empty() ? "" : " over " + d.window;
  switch (kpi.measure) {
    case KpiMeasure::kLatency:
      if (d.objective > 0 && d.percentile > 0)
        return fmt::format("p{} <= {} in {}% of {} slices{}", FormatPromNumber(d.percentile), d.threshold,
                           FormatPromNumber(d.objective), slice, window);
      if (d.objective > 0)
        return fmt::format("{}% of events <= {}{}", FormatPromNumber(d.objective), d.threshold, window);
      if (d.percentile > 0 && !d.threshold.empty())
        return fmt::format("p{} <= {}", FormatPromNumber(d.percentile), d.threshold);
      break;
    case KpiMeasure::kRatio:
      if (d.objective > 0) return fmt::format("{}% good{}", FormatPromNumber(d.objective), window);
      break;
    case KpiMeasure::kRate:
      if (d.objective > 0)
        return fmt::format(">= {} {} in {}% of {} slices{}", FormatPromNumber(d.min), kpi.unit,
                           FormatPromNumber(d.objective), slice, window);
      break;
    case KpiMeasure::kLevel:
      break;
  }
  if (!d.threshold.empty()) return fmt::format("{} {}", worse, d.threshold);
  return "";
}

std::vector<std::pair<std::string, std::string_view>> EmbeddedCatalogFiles() {
  std::vector<std::pair<std::string, std::string_view>> out;
  for (size_t i = 0; i < embedded_catalog::kFileCount; ++i)
    out.emplace_back(embedded_catalog::kFiles[i].path, embedded_catalog::kFiles[i].text);
  return out;
}

Status LoadCatalogSet(const std::string& dir, CatalogSet* out) {
  std::vector<std::pair<std::string, std::string>> files;
  if (dir.empty()) {
    for (const auto& [path, text] : EmbeddedCatalogFiles()) files.emplace_back("catalog/" + path, std::string(text));
    return LoadFiles(files, "embedded", out);
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound(fmt::format("{}: not a catalog directory", dir));
  bool ok = false;
  fs::path sectors = fs::path(dir) / "sectors.yaml";
  std::string text = ReadFile(sectors, &ok);
  if (!ok) return Status::NotFound(fmt::format("{}: cannot read the catalog's sectors.yaml", sectors.string()));
  files.emplace_back(sectors.string(), std::move(text));
  std::vector<fs::path> presets;
  fs::path preset_dir = fs::path(dir) / "presets";
  if (fs::is_directory(preset_dir, ec)) {
    for (const auto& entry : fs::directory_iterator(preset_dir, ec)) {
      if (entry.path().extension() == ".yaml") presets.push_back(entry.path());
    }
  }
  std::sort(presets.begin(), presets.end());
  for (const fs::path& p : presets) {
    text = ReadFile(p, &ok);
    if (!ok) return Status::NotFound(fmt::format("{}: cannot read", p.string()));
    files.emplace_back(p.string(), std::move(text));
  }
  return LoadFiles(files, dir, out);
}

void SetCatalogDirectory(std::string dir) {
  ActiveState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  st.dir_set = !dir.empty();
  st.dir = std::move(dir);
}

Status ActiveCatalog(std::shared_ptr<const CatalogSet>* out) {
  ActiveState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  std::string dir = st.dir;
  if (!st.dir_set) {
    const char* env = std::getenv("SLOKIT_CATALOG");
    dir = env ? env : "";
  }
  if (!st.loaded || st.loaded_dir != dir) {
    auto set = std::make_shared<CatalogSet>();
    st.status = LoadCatalogSet(dir, set.get());
    if (!st.status.ok() && !dir.empty())
      st.status = Status::InvalidArgument(fmt::format("catalog {}: {}", dir, st.status.message()));
    st.set = st.status.ok() ? std::move(set) : nullptr;
    st.loaded = true;
    st.loaded_dir = dir;
  }
  *out = st.set;
  return st.status;
}

const CatalogSet& EmbeddedCatalog() {
  static const CatalogSet* set = [] {
    auto* s = new CatalogSet;
    Status status = LoadCatalogSet("", s);
    if (!status.ok()) {
      std::fprintf(stderr, "slokit: internal error: the embedded catalog does not load: %s\n", status.message().c_str());
      std::abort();
    }
    return s;
  }();
  return *set;
}

}  // namespace slokit
