#include "spec/kpi_alert_loader.h"

#include <cctype>
#include <cmath>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "spec/catalog.h"

namespace slokit {
namespace {

const CatalogSet& CatalogInUse() {
  // The catalog in use (--catalog, SLOKIT_CATALOG), else the compiled-in one, as for the
  // default burn-rate policy. Kept alive for the process: ActiveCatalog caches it anyway.
  static thread_local std::shared_ptr<const CatalogSet> set;
  if (ActiveCatalog(&set).ok()) return *set;
  return EmbeddedCatalog();
}

std::string CheckName(const YamlField& f, std::set<std::string>* seen) {
  std::string name = f.Scalar();
  if (name.empty()) f.Fail("expected a name");
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      f.Fail("names may contain only letters, digits, '-' and '_' (they become alert label values)");
  }
  if (!seen->insert(name).second)
    f.Fail(fmt::format("duplicate name '{}' (regression and capacity checks share one namespace)", name));
  return name;
}

// `for: 0` is allowed here (fire at the first step), unlike alert windows.
DurationNs ForDuration(const YamlField& f) {
  std::string s = f.Scalar();
  if (s == "0" || s == "0s" || s == "0m") return 0;
  return f.Duration();
}

// A share of capacity: "80%" or 0.8.
double Share(const YamlField& f) {
  std::string text = f.Scalar();
  bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  double v;
  if (!ParseNumber(text, &v)) f.Fail(fmt::format("expected a share of capacity like 80% or 0.8, got '{}'", f.Scalar()));
  if (percent) v /= 100;
  else if (v > 1.5) f.Fail(fmt::format("{} is not a share of capacity; write {}%", text, text));
  if (!(v > 0 && v <= 1.5)) f.Fail("expected a share of capacity between 0% and 150%");
  return v;
}

KpiStatistic ParseStatistic(const YamlField& f, bool allow_rate) {
  KpiStatistic s;
  s.text = f.Scalar();
  const std::string& t = s.text;
  if (t == "median" || t == "p50") {
    s.kind = KpiStatistic::Kind::kQuantile;
    s.q = 0.5;
  } else if (t == "mean") {
    s.kind = KpiStatistic::Kind::kMean;
  } else if (t == "max") {
    s.kind = KpiStatistic::Kind::kMax;
  } else if (t == "rate" && allow_rate) {
    s.kind = KpiStatistic::Kind::kRate;
  } else if (t.size() > 1 && t[0] == 'p' && ParseNumber(t.substr(1), &s.q) && s.q > 0 && s.q < 100) {
    s.kind = KpiStatistic::Kind::kQuantile;
    s.q /= 100;
  } else {
    f.Fail(fmt::format("unknown statistic '{}' (expected median, p50, p95 or any pNN, mean, max{})", t,
                       allow_rate ? " or rate" : ""));
  }
  return s;
}

Expr ParseFilter(const YamlField& f, Spec* spec) { return ParseFilterField(f, &spec->fields); }

int FieldIndex(const YamlField& f, Spec* spec) {
  std::string name = f.Scalar();
  if (name.empty()) f.Fail("expected a field name");
  return spec->fields.Intern(name);
}

std::string Owner(const YamlField& f, const Spec& spec) {
  if (!f.Has("owner")) return "infra";
  std::string owner = f["owner"].Scalar();
  bool known = spec.owners.empty();
  for (const auto& [role, o] : spec.owners) known |= role == owner;
  if (!known) f["owner"].Fail(fmt::format("no owner '{}' in the owners section", owner));
  return owner;
}

// Window and step: the step divides the window, both at least a second.
void WindowAndStep(const YamlField& f, DurationNs* window, DurationNs* step) {
  if (f.Has("window")) *window = f["window"].Duration();
  if (*window < kMinute) f["window"].Fail("the window must be at least 1m");
  if (f.Has("step")) {
    *step = f["step"].Duration();
    if (*step < kSecond || *step % kSecond != 0) f["step"].Fail("the step must be a whole number of seconds");
  } else {
    *step = std::min(*step, *window);
  }
  if (*window % *step != 0)
    (f.Has("step") ? f["step"] : f["window"])
        .Fail(fmt::format("the step {} must divide the window {}", FormatDuration(*step), FormatDuration(*window)));
}

void BuildRegression(const YamlField& f, const KpiReferences& refs, Spec* spec, RegressionCheck* r) {
  f.AllowOnly({"name", "kpi", "field", "unit", "valid", "statistic", "window", "step", "baseline", "min_baseline",
               "seasonal", "sensitivity", "warn", "critical", "bad", "min_events", "for", "owner"});
  const CatalogSet& set = CatalogInUse();
  const Policies& policies = set.catalog.policies;
  r->line = f.Line();
  const Kpi* kpi = nullptr;
  KpiEvent event;
  if (f.Has("kpi")) {
    const Preset* preset = refs.preset.empty() ? nullptr : set.FindPreset(refs.preset);
    Status s = ResolveKpi(set.catalog, f["kpi"].Scalar(), refs.sector, preset, &kpi);
    if (!s.ok()) f["kpi"].Fail(s.message());
    if (kpi->measure == KpiMeasure::kRatio)
      f["kpi"].Fail(fmt::format("{} is a ratio KPI; regressions compare a field's statistic (alert on ratios with an "
                                "SLO)", kpi->Id()));
    // Levels (step time, MFU...) have no event mapping in the catalog: the spec names the field.
    if (kpi->measure == KpiMeasure::kLevel && !f.Has("field"))
      f["kpi"].Fail(fmt::format("{} is a sampled level; give the event field that carries it", kpi->Id()));
    r->kpi = kpi->Id();
    const PresetKpi* mapping = preset ? preset->Find(*kpi) : nullptr;
    event = mapping && !mapping->event.Empty() ? mapping->event : kpi->event;
  }
  r->statistic.text = kpi && kpi->measure == KpiMeasure::kRate ? "rate" : "p50";
  if (f.Has("statistic")) {
    r->statistic = ParseStatistic(f["statistic"], true);
  } else if (r->statistic.text == "rate") {
    r->statistic.kind = KpiStatistic::Kind::kRate;
  }
  bool rate = r->statistic.kind == KpiStatistic::Kind::kRate;
  if (f.Has("field")) {
    r->field = FieldIndex(f["field"], spec);
  } else if (!event.field.empty()) {
    r->field = spec->fields.Intern(event.field);
  } else if (!rate) {
    f.Fail("missing required field 'field' (the event field whose statistic is compared with its baseline)");
  }
  r->unit = f.Has("unit") ? f["unit"].Scalar() : event.unit;
  std::vector<Expr> valid;
  if (f.Has("valid")) {
    valid.push_back(ParseFilter(f["valid"], spec));
  } else if (!event.valid.empty()) {
    Expr e;
    if (Expr::Parse(event.valid, &spec->fields, &e).ok()) valid.push_back(std::move(e));
  }
  // A quantile, mean or max of a field only counts events that carry it; a rate sums what is there.
  if (!rate) valid.push_back(Expr::Present(r->field));
  r->valid = Expr::And(std::move(valid));

  WindowAndStep(f, &r->window, &r->step);
  r->baseline = f.Has("baseline") ? f["baseline"].Duration() : ParseDuration(policies.baseline_window).value_or(kWeek);
  if (r->baseline % kHour != 0 || r->baseline < kHour)
    (f.Has("baseline") ? f["baseline"] : f).Fail("the baseline must be a whole number of hours");
  r->min_baseline = std::min(kDay, r->baseline);
  if (f.Has("min_baseline")) r->min_baseline = f["min_baseline"].Duration();
  if (r->min_baseline > r->baseline) f["min_baseline"].Fail("min_baseline cannot exceed the baseline window");
  if (f.Has("seasonal")) {
    std::string seasonal = f["seasonal"].Scalar();
    if (seasonal != "daily" && seasonal != "none") f["seasonal"].Fail("expected 'daily' or 'none'");
    r->daily_seasonal = seasonal == "daily";
  }
  if (r->daily_seasonal) {
    if (r->baseline % kDay != 0)
      (f.Has("baseline") ? f["baseline"] : f).Fail("a daily seasonal baseline must be a whole number of days");
    // Each day's copy of the window must end before the window starts.
    if (r->window > kDay - kHour)
      f["window"].Fail("a daily seasonal baseline needs a window of at most 23h");
  }

  // Multipliers: explicit, else the sensitivity's (given, or the sector's), else medium.
  std::string sector = kpi ? kpi->sector : refs.sector;
  const Sector* sec = set.catalog.FindSector(sector);
  std::string sensitivity = sec ? sec->sensitivity : "medium";
  r->factors_from = sec ? fmt::format("sector {}", sec->id) : "default";
  if (f.Has("sensitivity")) {
    sensitivity = f["sensitivity"].Scalar();
    r->factors_from = "spec";
    if (!policies.Regression(sensitivity)) {
      std::vector<std::string> names;
      for (const auto& [name, rf] : policies.regression_by_sensitivity) names.push_back(name);
      f["sensitivity"].Fail(fmt::format("unknown sensitivity '{}' (expected one of: {})", sensitivity,
                                        fmt::join(names, ", ")));
    }
  }
  const RegressionFactors* factors = policies.Regression(sensitivity);
  RegressionFactors rf = factors ? *factors : policies.regression_min;
  r->factors_from = fmt::format("{} sensitivity, {}", sensitivity, r->factors_from);
  r->warn = rf.warn;
  r->critical = rf.critical;
  for (auto [key, out] : {std::pair{"warn", &r->warn}, std::pair{"critical", &r->critical}}) {
    if (!f.Has(key)) continue;
    *out = f[key].Number();
    if (*out <= 1) f[key].Fail("expected a multiplier of the baseline above 1, e.g. 1.25");
  }
  if (f.Has("warn") || f.Has("critical")) r->factors_from = f.Has("warn") && f.Has("critical") ? "spec" : "spec, " + r->factors_from;
  if (r->critical <= r->warn)
    (f.Has("critical") ? f["critical"] : f["warn"]).Fail(fmt::format("critical ({}) must be above warn ({})", r->critical, r->warn));

  r->higher_is_bad = kpi ? kpi->higher_is_bad : true;
  if (f.Has("bad")) {
    std::string b = f["bad"].Scalar();
    if (b == "higher") r->higher_is_bad = true;
    else if (b == "lower") r->higher_is_bad = false;
    else f["bad"].Fail("expected 'higher' or 'lower' (the direction that is a regression)");
  }
  if (f.Has("min_events")) r->min_events = static_cast<uint64_t>(f["min_events"].Integer(1));
  if (f.Has("for")) r->for_duration = ForDuration(f["for"]);
  r->owner = Owner(f, *spec);
}

void BuildOneCapacity(const YamlField& f, Spec* spec, CapacityCheck* c) {
  f.AllowOnly({"name", "resource", "field", "duration", "unit", "statistic", "valid", "capacity", "window", "step",
               "for", "warn", "critical", "inflection", "owner"});
  const Policies& policies = CatalogInUse().catalog.policies;
  c->line = f.Line();
  std::string resource = f["resource"].Scalar();
  using R = CapacityCheck::Resource;
  using S = CapacityCheck::Source;
  if (resource == "tokens_per_second" || resource == "tokens/s") c->resource = R::kTokensPerSecond;
  else if (resource == "requests_per_second" || resource == "requests/s") c->resource = R::kRequestsPerSecond;
  else if (resource == "concurrent_requests") c->resource = R::kConcurrentRequests;
  else if (resource == "queue_depth") c->resource = R::kQueueDepth;
  else
    f["resource"].Fail(fmt::format("unknown resource '{}'{}; expected tokens_per_second, requests_per_second, "
                                   "concurrent_requests or queue_depth", resource,
                                   Suggest(resource, {"tokens_per_second", "requests_per_second",
                                                      "concurrent_requests", "queue_depth"})));
  switch (c->resource) {
    case R::kTokensPerSecond:
      c->source = S::kSumRate;
      c->field = FieldIndex(f["field"], spec);
      if (f.Has("duration")) f["duration"].Fail("tokens_per_second sums a token count 'field'");
      break;
    case R::kRequestsPerSecond:
      c->source = S::kEventRate;
      if (f.Has("field") || f.Has("duration")) f.Fail("requests_per_second counts events: give no field");
      break;
    case R::kConcurrentRequests:
    case R::kQueueDepth:
      if (f.Has("field") == f.Has("duration"))
        f.Fail("give either 'field' (a gauge sampled on each event, e.g. in-flight requests) or 'duration' (a time "
               "per request, e.g. e2e_ms or queue_ms: by Little's law their sum over the window / the window is "
               "the mean number in flight)");
      c->source = f.Has("field") ? S::kGauge : S::kDuration;
      c->field = FieldIndex(f.Has("field") ? f["field"] : f["duration"], spec);
      if (f.Has("unit")) {
        if (c->source != S::kDuration) f["unit"].Fail("'unit' is the unit of a 'duration' field");
        c->field_unit_ns = FieldUnitNs(f["unit"]);
      } else {
        c->field_unit_ns = 1e9;
      }
      break;
  }
  c->statistic.kind = KpiStatistic::Kind::kMean;
  c->statistic.text = "mean";
  if (f.Has("statistic")) {
    if (c->source != S::kGauge) f["statistic"].Fail("only a gauge 'field' takes a statistic (mean, max or pNN)");
    c->statistic = ParseStatistic(f["statistic"], false);
  }
  std::vector<Expr> valid;
  if (f.Has("valid")) valid.push_back(ParseFilter(f["valid"], spec));
  if (c->source == S::kGauge || c->source == S::kDuration) valid.push_back(Expr::Present(c->field));
  c->valid = Expr::And(std::move(valid));
  c->capacity = f["capacity"].Number();
  if (!(c->capacity > 0)) f["capacity"].Fail("expected the declared steady-state capacity, a positive number");
  WindowAndStep(f, &c->window, &c->step);
  if (f.Has("for")) c->for_duration = ForDuration(f["for"]);
  c->warn = policies.capacity_warn > 0 ? policies.capacity_warn : 0.8;
  c->critical = policies.capacity_critical > 0 ? policies.capacity_critical : 0.9;
  if (f.Has("warn")) c->warn = Share(f["warn"]);
  if (f.Has("critical")) c->critical = Share(f["critical"]);
  if (c->critical <= c->warn)
    (f.Has("critical") ? f["critical"] : f["warn"]).Fail("critical must be above warn");
  if (f.Has("inflection")) {
    YamlField in = f["inflection"];
    in.AllowOnly({"slo", "window", "burn_rate"});
    std::string name = in["slo"].Scalar();
    for (size_t i = 0; i < spec->slos.size(); ++i)
      if (spec->slos[i].name == name) c->inflection_slo = static_cast<int>(i);
    if (c->inflection_slo < 0) in["slo"].Fail(fmt::format("no SLO named '{}'", name));
    SliKind kind = spec->slos[static_cast<size_t>(c->inflection_slo)].sli.kind;
    if (kind != SliKind::kLatency && kind != SliKind::kPercentile)
      in["slo"].Fail(fmt::format("SLO '{}' is a {} SLO; the inflection rule needs a latency or percentile SLO", name,
                                 SliKindName(kind)));
    if (in.Has("window")) c->inflection_window = in["window"].Duration();
    if (in.Has("burn_rate")) {
      c->inflection_burn = in["burn_rate"].Number();
      if (c->inflection_burn <= 0) in["burn_rate"].Fail("expected a positive burn rate");
    }
  }
  c->owner = Owner(f, *spec);
}

}  // namespace

void BuildRegressions(const YamlField& list, const KpiReferences& refs, Spec* spec) {
  if (!list.IsSequence()) list.Fail("expected a list of regression checks");
  std::set<std::string> names;
  for (const CapacityCheck& c : spec->capacity) names.insert(c.name);
  for (size_t i = 0; i < list.Size(); ++i) {
    RegressionCheck r;
    r.name = CheckName(list[i]["name"], &names);
    BuildRegression(list[i], refs, spec, &r);
    spec->regressions.push_back(std::move(r));
  }
}

void BuildCapacity(const YamlField& list, Spec* spec) {
  if (!list.IsSequence()) list.Fail("expected a list of capacity checks");
  std::set<std::string> names;
  for (const RegressionCheck& r : spec->regressions) names.insert(r.name);
  for (size_t i = 0; i < list.Size(); ++i) {
    CapacityCheck c;
    c.name = CheckName(list[i]["name"], &names);
    BuildOneCapacity(list[i], spec, &c);
    spec->capacity.push_back(std::move(c));
  }
}

void LintKpiAlerts(const Spec& spec, std::vector<Diagnostic>* out) {
  auto warn = [&](const char* section, const std::string& name, int line, const char* field, std::string message) {
    Diagnostic d;
    d.file = spec.file;
    d.line = line;
    d.column = 1;
    d.field = fmt::format("{}[{}].{}", section, name, field);
    d.message = std::move(message);
    out->push_back(std::move(d));
  };
  const Policies& policies = CatalogInUse().catalog.policies;
  for (const RegressionCheck& r : spec.regressions) {
    if (r.window * 7 > r.baseline)
      warn("regressions", r.name, r.line, "window",
           fmt::format("the {} window is more than a seventh of the {} baseline: a long regression soon becomes "
                       "its own baseline", FormatDuration(r.window), FormatDuration(r.baseline)));
    if (r.baseline < kDay)
      warn("regressions", r.name, r.line, "baseline",
           fmt::format("a {} baseline does not cover the daily traffic cycle: peaks will look like regressions",
                       FormatDuration(r.baseline)));
    const RegressionFactors &lo = policies.regression_min, &hi = policies.regression_max;
    if (lo.warn > 0 && (r.warn < lo.warn - 1e-9 || r.warn > hi.warn + 1e-9))
      warn("regressions", r.name, r.line, "warn",
           fmt::format("warn at {}x is outside the regression policy's range {}x-{}x", r.warn, lo.warn, hi.warn));
    if (lo.critical > 0 && (r.critical < lo.critical - 1e-9 || r.critical > hi.critical + 1e-9))
      warn("regressions", r.name, r.line, "critical",
           fmt::format("critical at {}x is outside the regression policy's range {}x-{}x", r.critical, lo.critical,
                       hi.critical));
    if (r.statistic.kind == KpiStatistic::Kind::kQuantile && r.statistic.q > 0.5) {
      // Below 1/(1-q) values, the q-quantile is the window's maximum: one slow request moves it.
      auto needed = static_cast<uint64_t>(std::ceil(1 / (1 - r.statistic.q)));
      if (r.min_events < needed)
        warn("regressions", r.name, r.line, "min_events",
             fmt::format("a {} of {} events is their maximum: set min_events to at least {}", r.statistic.text,
                         r.min_events, needed));
    }
    if (r.for_duration > 0 && r.for_duration < r.step)
      warn("regressions", r.name, r.line, "for",
           fmt::format("'for' {} is shorter than the step {}: checks run once per step", FormatDuration(r.for_duration),
                       FormatDuration(r.step)));
  }
  for (const CapacityCheck& c : spec.capacity) {
    if (c.inflection_slo >= 0) {
      const Slo& slo = spec.slos[static_cast<size_t>(c.inflection_slo)];
      if (slo.budgeting.kind == Budgeting::Kind::kTimeslices && c.inflection_window < slo.budgeting.slice)
        warn("capacity", c.name, c.line, "inflection",
             fmt::format("the inflection window {} is shorter than SLO {}'s {} slice: it sees at most one slice",
                         FormatDuration(c.inflection_window), slo.name, FormatDuration(slo.budgeting.slice)));
    }
    if (c.for_duration > 0 && c.for_duration < c.step)
      warn("capacity", c.name, c.line, "for",
           fmt::format("'for' {} is shorter than the step {}: checks run once per step", FormatDuration(c.for_duration),
                       FormatDuration(c.step)));
  }
}

}  // namespace slokit
