#include "spec/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "spec/drift_loader.h"
#include "spec/kpi_alert_loader.h"
#include "spec/prometheus_binding.h"
#include "spec/preset.h"
#include "spec/yaml_reader.h"

namespace slokit {
namespace {

// A percentage: 99.9 or "99.9%" (objectives, slice targets, budget shares).
double ParsePercent(const YamlField& f) {
  std::string text = f.Scalar();
  bool percent_sign = !text.empty() && text.back() == '%';
  if (percent_sign) text.pop_back();
  double v;
  if (!ParseNumber(text, &v)) f.Fail(fmt::format("expected a percentage like 99.9 or \"99.9%\", got '{}'", f.Scalar()));
  if (!percent_sign && v > 0 && v < 1)
    f.Fail(fmt::format("{} looks like a fraction; write percentages: {}", text, v * 100));
  if (!(v > 0 && v < 100)) f.Fail(fmt::format("expected a percentage between 0% and 100% (exclusive), got {}", f.Scalar()));
  return v / 100.0;
}

Window ParseWindow(const YamlField& f) {
  Window w;
  std::string text = f.Scalar();
  w.text = text;
  if (text == "month" || text == "calendar-month" || text == "calendar month") {
    w.kind = Window::Kind::kCalendarMonth;
    w.length = 30 * kDay;
  } else if (text == "week" || text == "calendar-week" || text == "calendar week") {
    w.kind = Window::Kind::kCalendarWeek;
    w.length = kWeek;
  } else {
    w.length = f.Duration();
    if (w.length < kMinute) f.Fail("a rolling window must be at least 1m");
  }
  return w;
}

// "field: ttft_ms, unit: ms, threshold: 2.5s" → the threshold in the field's unit.
double ThresholdInFieldUnit(const YamlField& m, const char* key) {
  double unit = m.Has("unit") ? FieldUnitNs(m["unit"]) : 1e9;
  return static_cast<double>(m[key].Duration()) / unit;
}

struct SpecBuilder {
  Spec* spec;
  const KpiReferences* refs;

  int Field(const YamlField& f) {
    std::string name = f.Scalar();
    if (name.empty()) f.Fail("expected a field name");
    return spec->fields.Intern(name);
  }

  Expr Filter(const YamlField& f) { return ParseFilterField(f, &spec->fields); }

  // latency: {field, unit, threshold}  →  field <= threshold
  Expr LatencyGood(const YamlField& m, std::string* desc) {
    m.AllowOnly({"field", "unit", "threshold", "when_missing", "prometheus"});
    int field = Field(m["field"]);
    double t = ThresholdInFieldUnit(m, "threshold");
    *desc = fmt::format("{} <= {}", m["field"].Scalar(), m["threshold"].Scalar());
    return Expr::Compare(field, Expr::Op::kLe, t);
  }

  // quality: {field, min} or {flag}  →  field >= min, or not flag
  Expr QualityGood(const YamlField& m, std::string* desc, int* measured) {
    m.AllowOnly({"field", "min", "flag", "when_missing", "prometheus"});
    if (m.Has("flag") == m.Has("field")) m.Fail("a quality SLI needs either 'field' with 'min', or 'flag'");
    if (m.Has("flag")) {
      *measured = Field(m["flag"]);
      *desc = fmt::format("{} is false", m["flag"].Scalar());
      return Expr::Not(Expr::IsTrue(*measured));
    }
    *measured = Field(m["field"]);
    double min = m["min"].Number();
    *desc = fmt::format("{} >= {}", m["field"].Scalar(), m["min"].Scalar());
    return Expr::Compare(*measured, Expr::Op::kGe, min);
  }

  // In a composite, a condition on a field the event lacks fails the request, except quality
  // conditions: quality is usually scored on a sample, and an unscored request cannot be judged.
  Expr WithMissingRule(Expr good, int measured, const YamlField& m, bool default_good) {
    bool missing_good = default_good;
    if (m.Has("when_missing")) {
      std::string w = m["when_missing"].Scalar();
      if (w == "good") missing_good = true;
      else if (w == "bad") missing_good = false;
      else m["when_missing"].Fail("expected 'good' or 'bad'");
    }
    if (!missing_good) return good;
    // present(field) implies good; absent means good: not present or good.
    return Expr::Not(Expr::And({Expr::Present(measured), Expr::Not(std::move(good))}));
  }

  void BuildSli(const YamlField& node, Slo* slo) {
    // A `prometheus:` binding may sit beside the kind (composite's body is a list).
    bool sibling_binding = node.IsMap() && node.Has("prometheus");
    if (!node.IsMap() || node.Size() != (sibling_binding ? 2u : 1u))
      node.Fail("expected exactly one SLI kind: ratio, latency, percentile, throughput, quality or composite");
    auto entries = node.Entries();
    auto kind_entry = std::find_if(entries.begin(), entries.end(), [](const auto& e) { return e.first != "prometheus"; });
    auto [kind_name, body] = *kind_entry;
    Sli& sli = slo->sli;
    std::vector<Expr> validity;
    if (kind_name == "ratio") {
      sli.kind = SliKind::kRatio;
      body.AllowOnly({"good", "valid", "prometheus"});
      sli.good = Filter(body["good"]);
      if (body.Has("valid")) validity.push_back(Filter(body["valid"]));
      sli.description = fmt::format("good: {}", body["good"].Scalar());
    } else if (kind_name == "latency") {
      sli.kind = SliKind::kLatency;
      sli.good = LatencyGood(body, &sli.description);
      sli.field = spec->fields.Find(body["field"].Scalar());
      validity.push_back(Expr::Present(sli.field));
    } else if (kind_name == "percentile") {
      sli.kind = SliKind::kPercentile;
      body.AllowOnly({"field", "unit", "p", "percentile", "threshold", "prometheus"});
      sli.field = Field(body["field"]);
      const char* pkey = body.Has("p") ? "p" : "percentile";
      sli.percentile = body[pkey].Number();
      if (!(sli.percentile > 0 && sli.percentile < 100)) body[pkey].Fail("expected a percentile between 0 and 100");
      sli.threshold = ThresholdInFieldUnit(body, "threshold");
      // Per event, "at or under the threshold"; the engine turns the counts into a percentile.
      sli.good = Expr::Compare(sli.field, Expr::Op::kLe, sli.threshold);
      validity.push_back(Expr::Present(sli.field));
      sli.description = fmt::format("p{} of {} <= {} per {}", sli.percentile, body["field"].Scalar(),
                                    body["threshold"].Scalar(), FormatDuration(slo->budgeting.slice));
    } else if (kind_name == "throughput") {
      sli.kind = SliKind::kThroughput;
      body.AllowOnly({"field", "min", "prometheus"});
      sli.field = Field(body["field"]);
      sli.threshold = body["min"].Number();
      if (sli.threshold <= 0) body["min"].Fail("expected a positive rate per second");
      sli.description = fmt::format("sum({})/s >= {} per {}", body["field"].Scalar(), body["min"].Scalar(),
                                    FormatDuration(slo->budgeting.slice));
    } else if (kind_name == "quality") {
      sli.kind = SliKind::kQuality;
      int measured;
      sli.good = QualityGood(body, &sli.description, &measured);
      sli.field = measured;
      validity.push_back(Expr::Present(measured));
    } else if (kind_name == "composite") {
      sli.kind = SliKind::kComposite;
      if (!body.IsSequence() || body.Size() == 0) body.Fail("expected a list of conditions");
      std::vector<Expr> parts;
      std::string desc;
      for (size_t i = 0; i < body.Size(); ++i) {
        YamlField cond = body[i];
        if (!cond.IsMap() || cond.Size() != 1) cond.Fail("expected one of: good, latency, quality");
        auto [ck, cb] = cond.OnlyEntry();
        if (cb.IsMap() && cb.Has("prometheus"))
          cb["prometheus"].Fail("a composite SLI's binding goes beside the list: sli: {composite: [...], prometheus: {...}}");
        std::string part;
        if (ck == "good") {
          parts.push_back(Filter(cb));
          part = cb.Scalar();
        } else if (ck == "latency") {
          Expr g = LatencyGood(cb, &part);
          parts.push_back(WithMissingRule(std::move(g), spec->fields.Find(cb["field"].Scalar()), cb, false));
        } else if (ck == "quality") {
          int measured;
          Expr g = QualityGood(cb, &part, &measured);
          parts.push_back(WithMissingRule(std::move(g), measured, cb, true));
        } else {
          cond.Fail(fmt::format("unknown condition '{}' (expected good, latency or quality)", ck));
        }
        desc += (desc.empty() ? "" : " and ") + part;
      }
      sli.good = Expr::And(std::move(parts));
      sli.description = desc;
    } else {
      node.Fail(fmt::format("unknown SLI kind '{}'{}", kind_name,
                            Suggest(kind_name, {"ratio", "latency", "percentile", "throughput", "quality", "composite"})));
    }
    if (slo->sli.kind == SliKind::kPercentile || slo->sli.kind == SliKind::kThroughput) {
      slo->budgeting.kind = Budgeting::Kind::kTimeslices;
    }
    // Prometheus bindings (spec/prometheus_binding.h): inside the kind's mapping or beside it.
    bool inner_binding = body.IsMap() && body.Has("prometheus");
    if (inner_binding && sibling_binding) node["prometheus"].Fail("give the prometheus binding once");
    if (inner_binding || sibling_binding) {
      BindingContext bc;
      if (body.IsMap() && body.Has("threshold") && (sli.kind == SliKind::kLatency || sli.kind == SliKind::kPercentile))
        bc.threshold_ns = static_cast<double>(body["threshold"].Duration());
      bc.percentile = sli.percentile;
      ParsePrometheusBinding(inner_binding ? body["prometheus"] : node["prometheus"], sli.kind, bc, &sli.prometheus);
    }
    validity.insert(validity.begin(), std::move(sli.valid));
    sli.valid = Expr::And(std::move(validity));
  }

  void BuildBudgeting(const YamlField& f, Slo* slo) {
    Budgeting& b = slo->budgeting;
    if (f.IsScalar()) {
      std::string s = f.Scalar();
      if (s == "occurrences") b.kind = Budgeting::Kind::kOccurrences;
      else if (s == "timeslices") b.kind = Budgeting::Kind::kTimeslices;
      else f.Fail("expected 'occurrences', 'timeslices' or a map {timeslices: 5m, ...}");
      return;
    }
    f.AllowOnly({"timeslices", "slice_target", "min_events", "sparse"});
    b.kind = Budgeting::Kind::kTimeslices;
    if (f.Has("timeslices")) {
      b.slice = f["timeslices"].Duration();
      if (b.slice < kMinute || b.slice % kMinute != 0) f["timeslices"].Fail("a slice must be a whole number of minutes");
    }
    if (f.Has("slice_target")) b.slice_target = ParsePercent(f["slice_target"]);
    if (f.Has("min_events")) b.min_events = static_cast<uint64_t>(f["min_events"].Integer(1));
    if (f.Has("sparse")) {
      std::string s = f["sparse"].Scalar();
      if (s == "skip") b.sparse = SparseSlices::kSkip;
      else if (s == "good") b.sparse = SparseSlices::kGood;
      else if (s == "bad") b.sparse = SparseSlices::kBad;
      else f["sparse"].Fail("expected skip, good or bad");
    }
  }

  AlertingPolicy BuildAlerting(const YamlField& f, const AlertingPolicy& base) {
    f.AllowOnly({"page", "ticket", "min_valid_events"});
    AlertingPolicy p = base;
    if (f.Has("min_valid_events")) p.min_valid_events = static_cast<uint64_t>(f["min_valid_events"].Integer(0));
    for (const char* severity : {"page", "ticket"}) {
      if (!f.Has(severity)) continue;
      std::erase_if(p.conditions, [&](const AlertCondition& c) { return c.severity == severity; });
      YamlField list = f[severity];
      if (list.IsScalar() && list.Scalar() == "false") continue;  // the tier is disabled
      if (!list.IsSequence()) list.Fail("expected a list of {long, short, burn_rate or budget}, or false");
      for (size_t i = 0; i < list.Size(); ++i) {
        YamlField c = list[i];
        c.AllowOnly({"long", "short", "burn_rate", "budget", "for", "enabled"});
        if (c.Has("enabled") && c["enabled"].Scalar() == "false") continue;
        AlertCondition cond;
        cond.severity = severity;
        cond.long_window = c["long"].Duration();
        cond.short_window = c["short"].Duration();
        if (c.Has("burn_rate") == c.Has("budget"))
          c.Fail("give either burn_rate (a factor, e.g. 14.4) or budget (the share spent in the long window, e.g. 2%)");
        if (c.Has("burn_rate")) {
          cond.factor = c["burn_rate"].Number();
          if (cond.factor <= 0) c["burn_rate"].Fail("expected a positive burn rate");
        } else {
          cond.budget_share = ParsePercent(c["budget"]);
        }
        if (c.Has("for")) cond.for_duration = c["for"].Duration();
        if (cond.short_window > cond.long_window) c["short"].Fail("the short window must not be longer than the long one");
        if (cond.long_window < kMinute) c["long"].Fail("alert windows must be at least 1m");
        p.conditions.push_back(cond);
      }
    }
    return p;
  }

  // Budget shares become factors once the SLO window is known: spending `share` of the budget
  // in the long window is a burn rate of share x window / long window (2% in 1h of 30d: 14.4).
  static void ResolveBudgetShares(Slo* slo) {
    DurationNs window = slo->window.NominalLength();
    for (AlertCondition& c : slo->alerting.conditions) {
      if (c.budget_share > 0)
        c.factor = c.budget_share * static_cast<double>(window) / static_cast<double>(c.long_window);
    }
  }

  void BuildSlo(const YamlField& f, Slo* slo) {
    f.AllowOnly({"name", "description", "objective", "window", "budgeting", "sli", "valid", "cohorts", "owner",
                 "alerting"});
    slo->line = f.Line();
    slo->name = f["name"].Scalar();
    if (slo->name.empty()) f["name"].Fail("an SLO needs a name");
    for (char c : slo->name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
        f["name"].Fail("names may contain only letters, digits, '-' and '_' (they become metric label values)");
    }
    if (f.Has("description")) slo->description = f["description"].Scalar();
    slo->objective = ParsePercent(f["objective"]);
    slo->window = f.Has("window") ? ParseWindow(f["window"]) : Window{};
    if (f.Has("budgeting")) BuildBudgeting(f["budgeting"], slo);
    if (slo->budgeting.slice_target == 0) slo->budgeting.slice_target = slo->objective;
    if (f.Has("valid")) slo->sli.valid = Filter(f["valid"]);
    BuildSli(f["sli"], slo);
    if (f.Has("cohorts")) {
      YamlField c = f["cohorts"];
      if (c.IsMap()) {
        c.AllowOnly({"by", "max"});
        if (c.Has("max")) slo->cohorts.max = static_cast<size_t>(c["max"].Integer(1));
      }
      YamlField by = c.IsMap() ? c["by"] : c;
      if (!by.IsSequence()) by.Fail("expected a list of label fields, e.g. [model, region]");
      for (size_t i = 0; i < by.Size(); ++i) slo->cohorts.fields.push_back(Field(by[i]));
    }
    bool quality = slo->sli.kind == SliKind::kQuality;
    slo->owner = f.Has("owner") ? f["owner"].Scalar() : (quality ? "quality" : "infra");
    if (f.Has("owner")) {
      bool known = false;
      for (const auto& [role, owner] : spec->owners) known |= role == slo->owner;
      if (!known && !spec->owners.empty()) f["owner"].Fail(fmt::format("no owner '{}' in the owners section", slo->owner));
    }
    slo->alerting = f.Has("alerting") ? BuildAlerting(f["alerting"], spec->alerting) : spec->alerting;
    ResolveBudgetShares(slo);
  }

  void BuildScrape(const YamlField& list) {
    if (!list.IsSequence()) list.Fail("expected a list of endpoints ({url: http://host:port/metrics, interval: 15s})");
    for (size_t i = 0; i < list.Size(); ++i) {
      YamlField t = list[i];
      ScrapeTarget target;
      target.line = t.Line();
      if (t.IsScalar()) {
        target.url = t.Scalar();
      } else {
        t.AllowOnly({"name", "url", "interval", "timeout"});
        target.url = t["url"].Scalar();
        if (t.Has("name")) target.name = t["name"].Scalar();
        for (auto [key, out] : {std::pair{"interval", &target.interval}, std::pair{"timeout", &target.timeout}}) {
          if (!t.Has(key)) continue;
          *out = t[key].Duration();
          if (*out < kSecond) t[key].Fail("expected a duration of at least 1s, e.g. 15s");
        }
      }
      if (target.url.rfind("http://", 0) != 0)
        (t.IsScalar() ? t : t["url"]).Fail("expected an http:// URL of a /metrics endpoint");
      if (target.name.empty()) target.name = target.url;
      spec->scrape.push_back(std::move(target));
    }
  }

  void Build(const YamlField& root) {
    if (!root.IsMap()) root.Fail("expected a mapping with service, owners and slos");
    root.AllowOnly({"service", "description", "owners", "time_field", "alerting", "slos", "version", "regressions",
                   "capacity", "scrape", "drift"});
    spec->service = root["service"].Scalar();
    if (root.Has("description")) spec->description = root["description"].Scalar();
    if (root.Has("time_field")) spec->time_field = root["time_field"].Scalar();
    if (root.Has("owners")) {
      YamlField owners = root["owners"];
      if (!owners.IsMap()) owners.Fail("expected a mapping of roles (infra, quality) to teams");
      for (auto& [role, body] : owners.Entries()) {
        Owner o;
        if (body.IsScalar()) {
          o.team = body.Scalar();
        } else {
          body.AllowOnly({"team", "contact"});
          o.team = body["team"].Scalar();
          if (body.Has("contact")) o.contact = body["contact"].Scalar();
        }
        spec->owners.emplace_back(role, o);
      }
    }
    if (root.Has("scrape")) BuildScrape(root["scrape"]);
    spec->alerting = AlertingPolicy::Defaults();
    if (root.Has("alerting")) spec->alerting = BuildAlerting(root["alerting"], spec->alerting);
    YamlField slos = root["slos"];
    if (!slos.IsSequence() || slos.Size() == 0) slos.Fail("expected a non-empty list of SLOs");
    std::set<std::string> names;
    for (size_t i = 0; i < slos.Size(); ++i) {
      Slo slo;
      BuildSlo(slos[i], &slo);
      if (!names.insert(slo.name).second) slos[i]["name"].Fail(fmt::format("duplicate SLO name '{}'", slo.name));
      spec->slos.push_back(std::move(slo));
    }
    // Baseline-relative and capacity alerts (spec/kpi_alert_loader.h); capacity names SLOs.
    if (root.Has("regressions")) BuildRegressions(root["regressions"], *refs, spec);
    if (root.Has("capacity")) BuildCapacity(root["capacity"], spec);
    if (root.Has("drift")) BuildDriftConfig(root["drift"], spec);
  }
};

}  // namespace

Status LoadSpecString(std::string_view yaml, std::string_view name, Spec* spec, std::vector<Diagnostic>* warnings) {
  *spec = Spec{};
  spec->file = std::string(name);
  if (Status nesting = CheckFlowNesting(yaml, name); !nesting.ok()) return nesting;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    return Status::ParseError(
        fmt::format("{}:{}:{}: invalid YAML: {}", name, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  KpiReferences kpis;  // `preset:`, `sector:` and `kpi:` (spec/preset.h)
  try {
    ExpandKpiReferences(root, spec->file, &kpis);
    SpecBuilder{spec, &kpis}.Build(YamlField(root, spec->file, ""));
  } catch (const SpecError& e) {
    return Status::InvalidArgument(e.diagnostic.ToString());
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", name, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  ApplyKpiReferences(kpis, spec);
  if (warnings) {
    auto lint = LintSpec(*spec);
    warnings->insert(warnings->end(), lint.begin(), lint.end());
  }
  return Status::Ok();
}

Status LoadSpecFile(const std::string& path, Spec* spec, std::vector<Diagnostic>* warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open spec file", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return LoadSpecString(buf.str(), path, spec, warnings);
}

}  // namespace slokit
