#include "spec/preset.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "spec/prometheus_binding.h"
#include "spec/yaml_reader.h"

namespace slokit {
namespace {

bool IsPresetName(const std::string& s) {
  if (s.empty() || !std::islower(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

std::string Join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The catalog KPIs of LLM inference sectors a preset key names.
std::vector<const Kpi*> LlmKpis(const Catalog& catalog, const std::string& name) {
  std::vector<const Kpi*> out;
  for (const Kpi* k : catalog.FindKpis(name)) {
    const Sector* s = catalog.FindSector(k->sector);
    if (s && s->IsLlmInference()) out.push_back(k);
  }
  return out;
}

bool KindFits(PresetKpi::Kind kind, KpiMeasure measure) {
  switch (measure) {
    case KpiMeasure::kLatency: return kind == PresetKpi::Kind::kHistogram;
    case KpiMeasure::kRatio: return kind == PresetKpi::Kind::kRatio;
    case KpiMeasure::kRate: return kind == PresetKpi::Kind::kCounter;
    case KpiMeasure::kLevel: return kind == PresetKpi::Kind::kGauge;
  }
  return false;
}

const char* MappingFor(KpiMeasure measure) {
  switch (measure) {
    case KpiMeasure::kLatency: return "a histogram";
    case KpiMeasure::kRatio: return "good (or bad) and total counters";
    case KpiMeasure::kRate: return "a counter";
    case KpiMeasure::kLevel: return "a gauge";
  }
  return "?";
}

std::string Selector(const YamlField& f) {
  std::string text = f.Scalar();
  PromSelector s;
  std::string error;
  int column = 0;
  if (!ParsePromSelector(text, true, &s, &error, &column)) f.FailAtColumn(column, error);
  return text;
}

void ParseMapping(const YamlField& f, PresetKpi* m) {
  f.AllowOnly({"histogram", "unit", "buckets", "good", "bad", "total", "counter", "events", "gauge", "scale", "same_as",
               "note", "event"});
  m->line = f.Line();
  if (f.Has("note")) m->note = f["note"].Scalar();
  if (f.Has("event")) {
    YamlField e = f["event"];
    e.AllowOnly({"field", "unit", "good", "valid"});
    if (e.Has("field")) m->event.field = e["field"].Scalar();
    if (e.Has("unit")) m->event.unit = e["unit"].Scalar();
    if (e.Has("good")) m->event.good = e["good"].Scalar();
    if (e.Has("valid")) m->event.valid = e["valid"].Scalar();
  }
  int kinds = f.Has("histogram") + (f.Has("good") || f.Has("bad")) + f.Has("counter") + f.Has("gauge") + f.Has("same_as");
  if (kinds != 1)
    f.Fail("give exactly one of: histogram, good/bad (with total), counter, gauge, same_as");
  if (f.Has("same_as")) {
    m->same_as = f["same_as"].Scalar();
    for (const char* key : {"unit", "buckets", "total", "events", "scale"}) {
      if (f.Has(key)) f[key].Fail("same_as copies the whole mapping; give only a note beside it");
    }
    return;
  }
  if (f.Has("histogram")) {
    m->kind = PresetKpi::Kind::kHistogram;
    m->histogram = Selector(f["histogram"]);
    m->unit = f.Has("unit") ? f["unit"].Scalar() : "s";
    if (m->unit != "s" && m->unit != "ms" && m->unit != "us" && m->unit != "ns") f["unit"].Fail("expected s, ms, us or ns");
    YamlField b = f["buckets"];
    if (!b.IsSequence() || b.Size() == 0) b.Fail("expected the histogram's finite bucket boundaries");
    for (size_t i = 0; i < b.Size(); ++i) {
      double v = b[i].Number();
      if (!m->buckets.empty() && v <= m->buckets.back()) b[i].Fail("bucket boundaries must be increasing");
      m->buckets.push_back(v);
    }
  } else if (f.Has("good") || f.Has("bad")) {
    m->kind = PresetKpi::Kind::kRatio;
    if (f.Has("good") && f.Has("bad")) f.Fail("give good or bad, not both");
    if (f.Has("good")) m->good = Selector(f["good"]);
    if (f.Has("bad")) m->bad = Selector(f["bad"]);
    m->total = Selector(f["total"]);
  } else if (f.Has("counter")) {
    m->kind = PresetKpi::Kind::kCounter;
    m->counter = Selector(f["counter"]);
    if (f.Has("events")) m->events = Selector(f["events"]);
  } else {
    m->kind = PresetKpi::Kind::kGauge;
    m->gauge = Selector(f["gauge"]);
    if (f.Has("scale")) {
      m->scale = f["scale"].Number();
      if (m->scale <= 0) f["scale"].Fail("expected a positive factor");
    }
  }
}

void BuildPreset(const YamlField& root, const Catalog& catalog, Preset* p) {
  if (!root.IsMap()) root.Fail("expected a mapping with name, labels and kpis");
  root.AllowOnly({"name", "title", "docs", "labels", "notes", "kpis", "unsupported"});
  p->name = root["name"].Scalar();
  if (!IsPresetName(p->name)) root["name"].Fail("a preset name is lowercase letters, digits and '-'");
  p->title = root["title"].Scalar();
  if (root.Has("docs")) p->docs = root["docs"].Scalar();
  if (root.Has("notes")) p->notes = root["notes"].Scalar();
  if (root.Has("labels")) {
    YamlField labels = root["labels"];
    if (!labels.IsMap()) labels.Fail("expected a mapping of roles (model...) to label names");
    for (auto& [role, name] : labels.Entries()) p->labels.emplace_back(role, name.Scalar());
  }
  YamlField kpis = root["kpis"];
  if (!kpis.IsMap() || kpis.Size() == 0) kpis.Fail("expected a mapping of KPI abbreviations to series");
  std::vector<std::vector<const Kpi*>> matched;
  for (auto& [abbr, body] : kpis.Entries()) {
    std::vector<const Kpi*> ks = LlmKpis(catalog, abbr);
    if (ks.empty()) body.Fail(fmt::format("'{}' is not a KPI of an LLM inference sector in the catalog", abbr));
    for (const PresetKpi& other : p->kpis) {
      if (ks.front()->Matches(other.kpi)) body.Fail(fmt::format("'{}' is mapped twice", abbr));
    }
    PresetKpi m;
    m.kpi = abbr;
    ParseMapping(body, &m);
    p->kpis.push_back(std::move(m));
    matched.push_back(std::move(ks));
  }
  // same_as copies another KPI's series.
  for (size_t i = 0; i < p->kpis.size(); ++i) {
    PresetKpi& m = p->kpis[i];
    YamlField body = kpis[m.kpi.c_str()];
    if (!m.same_as.empty()) {
      auto it = std::find_if(p->kpis.begin(), p->kpis.end(), [&](const PresetKpi& o) {
        return o.same_as.empty() && LlmKpis(catalog, o.kpi).front()->Matches(m.same_as);
      });
      if (it == p->kpis.end()) body["same_as"].Fail(fmt::format("no mapping of '{}' to copy here", m.same_as));
      PresetKpi copy = *it;
      copy.kpi = m.kpi;
      copy.same_as = m.same_as;
      copy.line = m.line;
      if (!m.note.empty()) copy.note = m.note;
      if (!m.event.Empty()) copy.event = m.event;
      m = std::move(copy);
    }
    for (const Kpi* k : matched[i]) {
      if (!KindFits(m.kind, k->measure))
        body.Fail(fmt::format("{} ({}) is a {} KPI: map it to {}, not {}", k->abbr, k->name, KpiMeasureName(k->measure),
                              MappingFor(k->measure), m.KindName()));
    }
  }
  if (root.Has("unsupported")) {
    YamlField un = root["unsupported"];
    if (!un.IsMap()) un.Fail("expected a mapping of KPI abbreviations to reasons");
    for (auto& [abbr, why] : un.Entries()) {
      std::vector<const Kpi*> ks = LlmKpis(catalog, abbr);
      if (ks.empty()) why.Fail(fmt::format("'{}' is not a KPI of an LLM inference sector in the catalog", abbr));
      if (p->Find(*ks.front())) why.Fail(fmt::format("'{}' is mapped under kpis", abbr));
      p->unsupported.emplace_back(abbr, why.Scalar());
    }
  }
}

// Sets map[key] unless the spec already gives it.
void SetIfMissing(YAML::Node& map, const char* key, const std::string& value) {
  const YAML::Node& cmap = map;
  if (!cmap[key]) map[key] = value;
}

YAML::Node BindingNode(const PresetKpi& m) {
  YAML::Node p(YAML::NodeType::Map);
  switch (m.kind) {
    case PresetKpi::Kind::kHistogram: {
      p["histogram"] = m.histogram;
      p["unit"] = m.unit;
      YAML::Node b(YAML::NodeType::Sequence);
      for (double x : m.buckets) b.push_back(FormatPromNumber(x));
      p["buckets"] = b;
      break;
    }
    case PresetKpi::Kind::kRatio:
      if (!m.good.empty()) p["good"] = m.good;
      if (!m.bad.empty()) p["bad"] = m.bad;
      p["total"] = m.total;
      break;
    case PresetKpi::Kind::kCounter:
      p["counter"] = m.counter;
      if (!m.events.empty()) p["events"] = m.events;
      break;
    case PresetKpi::Kind::kGauge:
      break;
  }
  return p;
}

struct Expander {
  const CatalogSet* set = nullptr;
  const Preset* preset = nullptr;
  std::string sector;

  void Expand(const std::string& kind, YAML::Node& body, const YamlField& bf, bool sibling_binding, size_t slo,
              KpiReferences* out) {
    YamlField kf = bf["kpi"];
    const Kpi* kpi = nullptr;
    Status s = ResolveKpi(set->catalog, kf.Scalar(), sector, preset, &kpi);
    if (!s.ok()) kf.Fail(s.message());
    const char* fits = nullptr;
    switch (kpi->measure) {
      case KpiMeasure::kLatency:
        if (kind != "latency" && kind != "percentile") fits = "a latency or percentile SLI";
        break;
      case KpiMeasure::kRatio:
        if (kind != "ratio") fits = "a ratio SLI";
        break;
      case KpiMeasure::kRate:
        if (kind != "throughput") fits = "a throughput SLI";
        break;
      case KpiMeasure::kLevel:
        kf.Fail(fmt::format("{} ({}) is a level, alerted on with thresholds ({}), not an SLI: SLOs need events",
                            kpi->abbr, kpi->name, kpi->defaults.from.empty() ? "slokit catalog " + kpi->sector
                                                                               : kpi->defaults.from));
    }
    if (kind != "latency" && kind != "percentile" && kind != "ratio" && kind != "throughput")
      kf.Fail("kpi: names what a latency, percentile, ratio or throughput SLI measures");
    if (fits)
      kf.Fail(fmt::format("{} ({}) is a {} KPI: use it in {}", kpi->abbr, kpi->name, KpiMeasureName(kpi->measure), fits));

    const PresetKpi* mapping = preset ? preset->Find(*kpi) : nullptr;
    const YAML::Node& cbody = body;  // const: reading a missing key must not add it
    bool bind = preset && !cbody["prometheus"] && !sibling_binding;
    if (bind && !mapping)
      kf.Fail(fmt::format("{}; give the SLI its own prometheus: binding, or leave preset: out", preset->WhyNot(*kpi)));
    const KpiEvent& event = mapping && !mapping->event.Empty() ? mapping->event : kpi->event;
    auto need = [&](const std::string& value, const char* key, const char* what) {
      if (cbody[key]) return;
      if (value.empty())
        kf.Fail(fmt::format("{} has no {} in the catalog: give {}:", kpi->Id(), what, key));
      body[key] = value;
    };
    if (kind == "latency" || kind == "percentile") {
      if (!cbody["field"]) {
        need(event.field, "field", "event field");
        if (!event.unit.empty()) SetIfMissing(body, "unit", event.unit);
      }
      need(kpi->defaults.threshold, "threshold",
           fmt::format("default threshold ({})", kpi->derive.empty() ? "see slokit catalog" : kpi->derive).c_str());
      if (kind == "percentile" && !cbody["p"] && !cbody["percentile"]) {
        if (kpi->defaults.percentile == 0) kf.Fail(fmt::format("{} has no default percentile: give p:", kpi->Id()));
        body["p"] = FormatPromNumber(kpi->defaults.percentile);
      }
    } else if (kind == "ratio") {
      need(event.good, "good", "good-event filter");
    } else {
      need(event.field, "field", "event field");
      need(kpi->defaults.min > 0 ? FormatPromNumber(kpi->defaults.min) : "", "min", "default minimum rate");
    }
    if (bind) body["prometheus"] = BindingNode(*mapping);
    body.remove("kpi");
    out->slos.emplace_back(slo, kpi->Id());
  }
};

}  // namespace

const char* PresetKpi::KindName() const {
  switch (kind) {
    case Kind::kHistogram: return "a histogram";
    case Kind::kRatio: return "a ratio of counters";
    case Kind::kCounter: return "a counter";
    case Kind::kGauge: return "a gauge";
  }
  return "?";
}

std::vector<std::string> PresetKpi::Series() const {
  std::vector<std::string> out;
  for (const std::string* s : {&histogram, &good, &bad, &total, &counter, &events, &gauge}) {
    if (!s->empty()) out.push_back(*s);
  }
  return out;
}

const PresetKpi* Preset::Find(const Kpi& kpi) const {
  if (kpi.sector.rfind("llm-inference", 0) != 0) return nullptr;
  for (const PresetKpi& m : kpis) {
    if (kpi.Matches(m.kpi)) return &m;
  }
  return nullptr;
}

std::string Preset::WhyNot(const Kpi& kpi) const {
  if (kpi.sector.rfind("llm-inference", 0) != 0)
    return fmt::format("preset {} covers the LLM inference sectors; {} ({}) is not one of their KPIs", name, kpi.Id(),
                       kpi.name);
  for (const auto& [abbr, why] : unsupported) {
    if (kpi.Matches(abbr)) return fmt::format("preset {} cannot provide {} ({}): {}", name, kpi.abbr, kpi.name, why);
  }
  return fmt::format("preset {} names no series for {} ({})", name, kpi.abbr, kpi.name);
}

std::string Preset::Label(std::string_view role) const {
  for (const auto& [r, label] : labels) {
    if (r == role) return label;
  }
  return "";
}

Status ParsePreset(std::string_view yaml, const std::string& file, const Catalog& catalog, Preset* out) {
  *out = Preset{};
  out->file = file;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    return Status::ParseError(fmt::format("{}:{}:{}: invalid YAML: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  try {
    BuildPreset(YamlField(root, out->file, ""), catalog, out);
  } catch (const SpecError& e) {
    return Status::InvalidArgument(e.diagnostic.ToString());
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return Status::Ok();
}

Status ResolveKpi(const Catalog& catalog, std::string_view name, std::string_view sector, const Preset* preset,
                  const Kpi** out) {
  *out = nullptr;
  std::vector<const Kpi*> found = catalog.FindKpis(name, sector);
  if (found.empty()) {
    std::vector<std::string> in_sector;
    if (const Sector* s = catalog.FindSector(sector)) {
      for (const Kpi& k : s->kpis) in_sector.push_back(k.abbr);
    }
    bool elsewhere = !sector.empty() && !catalog.FindKpis(name).empty();
    return Status::InvalidArgument(fmt::format(
        "unknown KPI '{}'{}{}", name,
        in_sector.empty() ? " (`slokit catalog` lists them)" : fmt::format(" in sector {} (its KPIs: {})", sector, Join(in_sector)),
        elsewhere ? "; it is a KPI of another sector: write sector/ABBR" : ""));
  }
  if (found.size() > 1 && preset) {
    std::vector<const Kpi*> llm;
    for (const Kpi* k : found) {
      if (const Sector* s = catalog.FindSector(k->sector); s && s->IsLlmInference()) llm.push_back(k);
    }
    if (llm.size() == 1) found = llm;
  }
  if (found.size() > 1) {
    std::vector<std::string> ids;
    for (const Kpi* k : found) ids.push_back(k->Id());
    return Status::InvalidArgument(fmt::format("'{}' is a KPI of several sectors ({}): write sector/ABBR or set the "
                                               "spec's sector:",
                                               name, Join(ids)));
  }
  *out = found.front();
  return Status::Ok();
}

void ExpandKpiReferences(YAML::Node& root, const std::string& file, KpiReferences* out) {
  *out = KpiReferences{};
  const YAML::Node& croot = root;
  if (!croot.IsMap()) return;
  YamlField rf(root, file, "");
  bool has_preset = static_cast<bool>(croot["preset"]), has_sector = static_cast<bool>(croot["sector"]);
  // Every SLI mapping that names a KPI: (slo index, kind, its mapping).
  struct Ref {
    size_t slo;
    std::string kind;
    YAML::Node body;
    bool sibling_binding;
  };
  std::vector<Ref> refs;
  const YAML::Node& slos = croot["slos"];
  if (slos && slos.IsSequence()) {
    for (size_t i = 0; i < slos.size(); ++i) {
      const YAML::Node& slo = slos[i];
      if (!slo.IsMap() || !slo["sli"] || !slo["sli"].IsMap()) continue;
      YAML::Node sli = slo["sli"];
      bool sibling = static_cast<bool>(static_cast<const YAML::Node&>(sli)["prometheus"]);
      for (auto it = sli.begin(); it != sli.end(); ++it) {
        std::string kind = it->first.as<std::string>();
        if (kind == "prometheus") continue;
        // A copy: `it->second` lives in a proxy that dies with this statement, so a reference
        // to it would dangle (ASan: stack-use-after-scope).
        const YAML::Node cbody = it->second;
        if (cbody.IsMap() && cbody["kpi"]) refs.push_back({i, kind, cbody, sibling});
      }
    }
  }
  if (!has_preset && !has_sector && refs.empty()) return;

  std::shared_ptr<const CatalogSet> set;
  Status s = ActiveCatalog(&set);
  Expander x;
  if (!s.ok()) {
    if (has_preset) rf["preset"].Fail(s.message());
    if (has_sector) rf["sector"].Fail(s.message());
    rf["slos"][refs.front().slo]["sli"][refs.front().kind.c_str()]["kpi"].Fail(s.message());
  }
  x.set = set.get();
  if (has_preset) {
    out->preset = rf["preset"].Scalar();
    x.preset = set->FindPreset(out->preset);
    if (!x.preset)
      rf["preset"].Fail(fmt::format("unknown preset '{}' (expected one of: {})", out->preset, Join(set->PresetNames())));
  }
  if (has_sector) {
    out->sector = rf["sector"].Scalar();
    if (!set->catalog.FindSector(out->sector)) {
      std::vector<std::string> ids;
      for (const Sector& sec : set->catalog.sectors) ids.push_back(sec.id);
      rf["sector"].Fail(fmt::format("unknown sector '{}' (expected one of: {})", out->sector, Join(ids)));
    }
    x.sector = out->sector;
  }
  for (Ref& r : refs) {
    YamlField bf = rf["slos"][r.slo]["sli"][r.kind.c_str()];
    x.Expand(r.kind, r.body, bf, r.sibling_binding, r.slo, out);
  }
  root.remove("preset");
  root.remove("sector");
}

void ApplyKpiReferences(const KpiReferences& refs, Spec* spec) {
  spec->preset = refs.preset;
  spec->sector = refs.sector;
  for (const auto& [index, id] : refs.slos) {
    if (index < spec->slos.size()) spec->slos[index].sli.kpi = id;
  }
}

}  // namespace slokit
