#include "decide/canary_config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "spec/loader.h"
#include "spec/yaml_reader.h"

namespace slokit::decide {

const char* MetricTestName(MetricTest test) {
  return test == MetricTest::kProportion ? "proportion" : "mann-whitney";
}

const char* DirectionName(Direction direction) {
  switch (direction) {
    case Direction::kIncrease: return "increase";
    case Direction::kDecrease: return "decrease";
    case Direction::kEither: return "either";
  }
  return "either";
}

namespace {

// A percentage: 10, 10% or "10%"; [lo, hi] inclusive.
double Percent(const YamlField& f, double lo, double hi) {
  std::string text = f.Scalar();
  if (!text.empty() && text.back() == '%') text.pop_back();
  double v;
  if (!ParseNumber(text, &v)) f.Fail(fmt::format("expected a percentage like 10 or \"10%\", got '{}'", f.Scalar()));
  if (v < lo || v > hi) f.Fail(fmt::format("expected a percentage between {}% and {}%, got {}", lo, hi, f.Scalar()));
  return v;
}

bool Bool(const YamlField& f) {
  std::string t = f.Scalar();
  if (t == "true" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "no" || t == "off") return false;
  f.Fail(fmt::format("expected true or false, got '{}'", t));
}

struct Builder {
  CanaryConfig* config;
  std::string base_dir;

  Expr Filter(const YamlField& f, std::string* text) {
    *text = f.Scalar();
    Expr e;
    int column = 0;
    Status s = Expr::Parse(*text, &config->fields, &e, &column);
    if (!s.ok()) {
      const std::string& m = s.message();
      size_t colon = m.find(": ");
      f.FailAtColumn(column, colon == std::string::npos ? m : m.substr(colon + 2));
    }
    return e;
  }

  int Field(const YamlField& f, std::string* name) {
    *name = f.Scalar();
    if (name->empty()) f.Fail("expected a field name");
    return config->fields.Intern(*name);
  }

  void Gate(const YamlField& g) {
    g.AllowOnly({"spec", "slo", "objective", "valid", "good", "max_burn_rate"});
    SloGateConfig& gate = config->gate;
    gate.enabled = true;
    if (g.Has("spec")) {
      if (g.Has("objective") || g.Has("good") || g.Has("valid"))
        g.Fail("give either 'spec' with 'slo', or an inline 'objective' with 'good' (and 'valid')");
      std::filesystem::path p = g["spec"].Scalar();
      if (p.is_relative() && !base_dir.empty()) p = std::filesystem::path(base_dir) / p;
      gate.spec_path = p.string();
      gate.slo = g["slo"].Scalar();
      Spec spec;
      Status s = LoadSpecFile(gate.spec_path, &spec, nullptr);
      if (!s.ok()) g["spec"].Fail(fmt::format("cannot load the spec: {}", s.message()));
      const Slo* slo = nullptr;
      std::string names;
      for (const Slo& candidate : spec.slos) {
        names += (names.empty() ? "" : ", ") + candidate.name;
        if (candidate.name == gate.slo) slo = &candidate;
      }
      if (!slo) g["slo"].Fail(fmt::format("no SLO named '{}' in {} (it has: {})", gate.slo, gate.spec_path, names));
      if (slo->sli.kind == SliKind::kPercentile || slo->sli.kind == SliKind::kThroughput)
        g["slo"].Fail(fmt::format("SLO '{}' is a {} SLI; the gate needs an event-ratio SLI (ratio, latency, "
                                  "quality or composite)",
                                  gate.slo, SliKindName(slo->sli.kind)));
      // The spec's expressions index the spec's FieldSet: take it over as ours (this runs
      // before anything else is interned, so the indices stay valid).
      if (config->fields.size() != 0) g.Fail("internal: the gate must be read first");
      config->fields = spec.fields;
      gate.valid = slo->sli.valid;
      gate.good = slo->sli.good;
      gate.objective = slo->objective;
      gate.description = fmt::format("{} ({})", slo->name, slo->sli.description);
    } else {
      if (g.Has("slo")) g["slo"].Fail("'slo' names an SLO of 'spec'; give 'spec' too, or an inline objective");
      double objective = Percent(g["objective"], 0, 100);
      if (!(objective > 0 && objective < 100)) g["objective"].Fail("the objective must be between 0% and 100% (exclusive)");
      gate.objective = objective / 100.0;
      std::string text;
      gate.good = Filter(g["good"], &text);
      gate.description = "good: " + text;
      if (g.Has("valid")) {
        gate.valid = Filter(g["valid"], &text);
        gate.description += ", valid: " + text;
      }
      gate.slo = "inline";
    }
    if (g.Has("max_burn_rate")) {
      gate.max_burn_rate = g["max_burn_rate"].Number();
      if (!(gate.max_burn_rate > 0)) g["max_burn_rate"].Fail("expected a burn rate > 0");
    }
  }

  MetricConfig Metric(const YamlField& m) {
    m.AllowOnly({"name", "field", "divide_by", "scale", "unit", "filter", "bad", "test", "direction", "tolerance",
                 "critical", "weight"});
    MetricConfig mc;
    mc.line = m.Line();
    if (m.Has("test")) {
      std::string t = m["test"].Scalar();
      if (t == "mann-whitney" || t == "mannwhitney" || t == "mwu") {
        mc.test = MetricTest::kMannWhitney;
      } else if (t == "proportion" || t == "chi-square") {
        mc.test = MetricTest::kProportion;
      } else {
        m["test"].Fail(fmt::format("unknown test '{}'{}; expected mann-whitney, proportion or chi-square", t,
                                   Suggest(t, {"mann-whitney", "proportion", "chi-square"})));
      }
    } else {
      mc.test = m.Has("bad") ? MetricTest::kProportion : MetricTest::kMannWhitney;
    }
    if (mc.test == MetricTest::kMannWhitney) {
      if (!m.Has("field")) m.Fail("a mann-whitney metric needs 'field' (or give 'bad' for a proportion)");
      if (m.Has("bad")) m["bad"].Fail("'bad' belongs to proportion metrics; a mann-whitney metric compares 'field'");
      mc.field_index = Field(m["field"], &mc.field);
      if (m.Has("divide_by")) mc.divide_by_index = Field(m["divide_by"], &mc.divide_by);
      if (m.Has("scale")) {
        mc.scale = m["scale"].Number();
        if (!(mc.scale != 0)) m["scale"].Fail("expected a non-zero number");
      }
    } else {
      if (!m.Has("bad")) m.Fail("a proportion metric needs 'bad': which events count as bad");
      for (const char* key : {"field", "divide_by", "scale"})
        if (m.Has(key)) m[key].Fail(fmt::format("'{}' belongs to mann-whitney metrics; a proportion counts 'bad'", key));
      mc.bad = Filter(m["bad"], &mc.bad_text);
    }
    mc.name = m.Has("name") ? m["name"].Scalar() : mc.test == MetricTest::kProportion ? mc.bad_text : mc.field;
    if (mc.name.empty()) m["name"].Fail("expected a non-empty name");
    if (m.Has("unit")) mc.unit = m["unit"].Scalar();
    if (m.Has("filter")) mc.filter = Filter(m["filter"], &mc.filter_text);
    if (m.Has("direction")) {
      std::string d = m["direction"].Scalar();
      if (d == "increase") {
        mc.direction = Direction::kIncrease;
      } else if (d == "decrease") {
        mc.direction = Direction::kDecrease;
      } else if (d == "either") {
        mc.direction = Direction::kEither;
      } else {
        m["direction"].Fail(fmt::format("unknown direction '{}'{}; expected increase, decrease or either (the change "
                                        "that is bad)",
                                        d, Suggest(d, {"increase", "decrease", "either"})));
      }
    }
    if (m.Has("tolerance")) mc.tolerance = Percent(m["tolerance"], 0, 1e6) / 100.0;
    if (m.Has("critical")) mc.critical = Bool(m["critical"]);
    if (m.Has("weight")) {
      mc.weight = m["weight"].Number();
      if (!(mc.weight > 0 && mc.weight <= 1e6)) m["weight"].Fail("expected a weight > 0 (and at most 1e6)");
    }
    return mc;
  }

  void Build(const YamlField& root) {
    if (!root.IsMap()) root.Fail("expected a mapping with 'metrics'");
    root.AllowOnly({"time_field", "alpha", "min_events", "max_samples", "thresholds", "metrics", "slo_gate"});
    if (root.Has("slo_gate")) Gate(root["slo_gate"]);  // first: it may take over the spec's fields
    if (root.Has("time_field")) {
      config->time_field = root["time_field"].Scalar();
      if (config->time_field.empty()) root["time_field"].Fail("expected a field name");
    }
    if (root.Has("alpha")) {
      config->alpha = root["alpha"].Number();
      if (!(config->alpha > 0 && config->alpha < 0.5)) root["alpha"].Fail("expected a significance level in (0, 0.5), e.g. 0.05");
    }
    if (root.Has("min_events")) config->min_events = static_cast<uint64_t>(root["min_events"].Integer(1));
    if (root.Has("max_samples")) {
      long long v = root["max_samples"].Integer(10);
      if (v > 100'000'000) root["max_samples"].Fail("expected at most 100000000");
      config->max_samples = static_cast<uint64_t>(v);
    }
    if (root.Has("thresholds")) {
      YamlField t = root["thresholds"];
      t.AllowOnly({"pass", "marginal"});
      if (t.Has("pass")) config->pass_threshold = Percent(t["pass"], 0, 100);
      if (t.Has("marginal")) config->marginal_threshold = Percent(t["marginal"], 0, 100);
      if (config->marginal_threshold > config->pass_threshold)
        (t.Has("marginal") ? t["marginal"] : t).Fail(fmt::format("the marginal threshold ({}) must not exceed the pass "
                                                                 "threshold ({})",
                                                                 config->marginal_threshold, config->pass_threshold));
    }
    YamlField metrics = root["metrics"];
    if (!metrics.IsSequence() || metrics.Size() == 0) metrics.Fail("expected a non-empty list of metrics");
    std::set<std::string> names;
    for (size_t i = 0; i < metrics.Size(); ++i) {
      YamlField m = metrics[i];
      if (!m.IsMap()) m.Fail("expected a mapping describing a metric");
      MetricConfig mc = Metric(m);
      if (!names.insert(mc.name).second)
        (m.Has("name") ? m["name"] : m).Fail(fmt::format("duplicate metric name '{}'", mc.name));
      config->metrics.push_back(std::move(mc));
    }
  }
};

}  // namespace

Status LoadCanaryConfigString(std::string_view yaml, std::string_view name, CanaryConfig* config) {
  *config = CanaryConfig{};
  config->file = std::string(name);
  if (Status nesting = CheckFlowNesting(yaml, name); !nesting.ok()) return nesting;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Status::ParseError(fmt::format("{}:{}:{}: invalid YAML: {}", name, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  std::string base_dir = std::filesystem::path(std::string(name)).parent_path().string();
  try {
    Builder{config, base_dir}.Build(YamlField(root, config->file, ""));
  } catch (const SpecError& e) {
    return Status::InvalidArgument(e.diagnostic.ToString());
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", name, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return Status::Ok();
}

Status LoadCanaryConfigFile(const std::string& path, CanaryConfig* config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open canary config", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return LoadCanaryConfigString(buf.str(), path, config);
}

Status ParseSelector(std::string_view text, std::string_view what, CanaryConfig* config, Expr* out) {
  Status s = Expr::Parse(text, &config->fields, out);
  if (!s.ok()) return Status::InvalidArgument(fmt::format("{}: {}", what, s.message()));
  return Status::Ok();
}

}  // namespace slokit::decide
