// OpenSLO and Sloth import (spec/import.h): the example files convert to specs that load with the
// same SLIs, bindings, windows and policies; query shapes are accepted or refused with a column;
// every refusal names the file, line and field.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "spec/import.h"
#include "spec/loader.h"

namespace slokit {
namespace {

std::string ReadExample(const std::string& name) {
  std::ifstream in(std::string(SLOKIT_SOURCE_DIR) + "/examples/import/" + name);
  std::stringstream buf;
  buf << in.rdbuf();
  EXPECT_FALSE(buf.str().empty()) << name;
  return buf.str();
}

// Converts and loads the result; fails the test when either step fails.
Spec ConvertAndLoad(const std::string& yaml, ImportFormat format, ImportedSpec* imported) {
  Status s = ImportSpec(yaml, "in.yaml", format, imported);
  EXPECT_TRUE(s.ok()) << s.message();
  std::string text = WriteImportedSpec(*imported);
  Spec spec;
  std::vector<Diagnostic> warnings;
  s = LoadSpecString(text, "out.yaml", &spec, &warnings);
  EXPECT_TRUE(s.ok()) << s.message() << "\n" << text;
  return spec;
}

std::string ImportError(const std::string& yaml, ImportFormat format = ImportFormat::kAuto) {
  ImportedSpec imported;
  Status s = ImportSpec(yaml, "in.yaml", format, &imported);
  EXPECT_FALSE(s.ok()) << WriteImportedSpec(imported);
  return s.message();
}

const Slo* FindSlo(const Spec& spec, const std::string& name) {
  for (const Slo& slo : spec.slos) {
    if (slo.name == name) return &slo;
  }
  ADD_FAILURE() << "no SLO " << name;
  return nullptr;
}

TEST(ImportOpenSlo, ExampleConvertsToALoadableSpec) {
  ImportedSpec imported;
  Spec spec = ConvertAndLoad(ReadExample("openslo-chat.yaml"), ImportFormat::kAuto, &imported);
  EXPECT_EQ(imported.source, "OpenSLO v1");
  EXPECT_EQ(spec.service, "chat-api");
  EXPECT_EQ(spec.description, "Chat completions for the consumer app (llama-3 and mixtral on GPU nodes)");
  ASSERT_EQ(spec.slos.size(), 3u);

  const Slo* a = FindSlo(spec, "availability");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->sli.kind, SliKind::kRatio);
  EXPECT_NEAR(a->objective, 0.999, 1e-12);
  EXPECT_EQ(a->window.length, 30 * kDay);
  EXPECT_EQ(a->sli.prometheus.bad.Render(), "gen_ai_server_requests_total{status=\"error\"}");
  EXPECT_EQ(a->sli.prometheus.total.Render(), "gen_ai_server_requests_total{status!=\"cancelled\"}");
  EXPECT_TRUE(a->sli.prometheus.good.empty());
  // The alert policy: a page at 14.4 over 1h (short window 5m, for 2m) and a ticket at 1 over 3d.
  ASSERT_EQ(a->alerting.conditions.size(), 2u);
  EXPECT_EQ(a->alerting.conditions[0].severity, "page");
  EXPECT_EQ(a->alerting.conditions[0].long_window, kHour);
  EXPECT_EQ(a->alerting.conditions[0].short_window, 5 * kMinute);
  EXPECT_DOUBLE_EQ(a->alerting.conditions[0].factor, 14.4);
  EXPECT_EQ(a->alerting.conditions[0].for_duration, 2 * kMinute);
  EXPECT_EQ(a->alerting.conditions[1].severity, "ticket");
  EXPECT_EQ(a->alerting.conditions[1].long_window, 3 * kDay);
  EXPECT_EQ(a->alerting.conditions[1].short_window, 6 * kHour);

  const Slo* t = FindSlo(spec, "ttft");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->sli.kind, SliKind::kLatency);
  EXPECT_EQ(t->window.length, 7 * kDay);
  EXPECT_EQ(t->sli.prometheus.histogram.metric, "gen_ai_server_time_to_first_token_seconds");
  EXPECT_EQ(t->sli.prometheus.le, "2.5");
  EXPECT_EQ(t->sli.prometheus.by, std::vector<std::string>{"model"});
  // No alert policy: slokit's default one.
  EXPECT_EQ(t->alerting.conditions.size(), AlertingPolicy::Defaults().conditions.size());

  const Slo* itl = FindSlo(spec, "inter-token-latency");
  ASSERT_TRUE(itl);
  EXPECT_EQ(itl->sli.kind, SliKind::kLatency);
  EXPECT_EQ(itl->window.kind, Window::Kind::kCalendarMonth);
  EXPECT_EQ(itl->budgeting.kind, Budgeting::Kind::kTimeslices);
  EXPECT_EQ(itl->budgeting.slice, 5 * kMinute);
  EXPECT_NEAR(itl->budgeting.slice_target, 0.95, 1e-12);
  EXPECT_EQ(itl->sli.prometheus.le, "0.1");

  // The runbook annotation is dropped with a warning that says where it was.
  bool annotation_warning = false;
  for (const Diagnostic& d : imported.warnings) {
    if (d.field.find("metadata.annotations") != std::string::npos) {
      annotation_warning = true;
      EXPECT_EQ(d.line, 73) << d.ToString();
    }
  }
  EXPECT_TRUE(annotation_warning);
}

TEST(ImportSloth, ExampleConvertsToALoadableSpec) {
  ImportedSpec imported;
  Spec spec = ConvertAndLoad(ReadExample("sloth-chat.yaml"), ImportFormat::kAuto, &imported);
  EXPECT_EQ(imported.source, "Sloth prometheus/v1");
  EXPECT_EQ(spec.service, "chat-api");
  ASSERT_EQ(spec.owners.size(), 1u);
  EXPECT_EQ(spec.owners[0].second.team, "inference-sre");  // from the team label
  ASSERT_EQ(spec.slos.size(), 2u);

  const Slo& a = spec.slos[0];
  EXPECT_EQ(a.name, "requests-availability");
  EXPECT_EQ(a.window.length, 30 * kDay);
  EXPECT_EQ(a.sli.prometheus.bad.Render(), "gen_ai_server_requests_total{status=\"error\"}");
  // Sloth's four default conditions: factors 14.4, 6, 3 and 1 for a 30-day window.
  ASSERT_EQ(a.alerting.conditions.size(), 4u);
  EXPECT_NEAR(a.alerting.conditions[0].factor, 14.4, 1e-9);
  EXPECT_NEAR(a.alerting.conditions[1].factor, 6, 1e-9);
  EXPECT_NEAR(a.alerting.conditions[2].factor, 3, 1e-9);
  EXPECT_EQ(a.alerting.conditions[2].long_window, kDay);
  EXPECT_NEAR(a.alerting.conditions[3].factor, 1, 1e-9);

  // count - bucket{le} over count is a latency SLI; its page alert is disabled.
  const Slo& t = spec.slos[1];
  EXPECT_EQ(t.sli.kind, SliKind::kLatency);
  EXPECT_EQ(t.sli.prometheus.histogram.metric, "gen_ai_server_time_to_first_token_seconds");
  EXPECT_EQ(t.sli.prometheus.le, "2.5");
  for (const AlertCondition& c : t.alerting.conditions) EXPECT_EQ(c.severity, "ticket");
  EXPECT_EQ(t.alerting.conditions.size(), 2u);

  std::string all;
  for (const Diagnostic& d : imported.warnings) all += d.ToString() + "\n";
  EXPECT_NE(all.find("tier"), std::string::npos) << all;               // a dropped label, named
  EXPECT_NE(all.find("ChatApiAvailability"), std::string::npos) << all;  // the alert name
  EXPECT_NE(all.find("in.yaml:23:"), std::string::npos) << all;          // annotations, with their line
}

TEST(ImportSloth, DerivesEventFiltersFromEqualityMatchers) {
  ImportedSpec imported;
  Spec spec = ConvertAndLoad(R"(version: prometheus/v1
service: api
slos:
  - name: ok
    objective: 99.5
    sli:
      events:
        error_query: sum(increase(req_total{job="api",code="500"}[{{ .window }}]))
        total_query: sum(increase(req_total{job="api"}[{{ .window }}]))
  - name: regex
    objective: 99
    sli:
      events:
        error_query: sum(rate(req_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(req_total[{{.window}}]))
)",
                             ImportFormat::kSloth, &imported);
  ASSERT_EQ(imported.slos.size(), 2u);
  EXPECT_EQ(imported.slos[0].good_filter, "not code == 500");
  EXPECT_EQ(imported.slos[0].valid_filter, "job == \"api\"");
  EXPECT_EQ(imported.slos[1].good_filter, "ok");  // a regex: a placeholder, said so in a comment
  EXPECT_NE(imported.slos[1].good_note.find("placeholder"), std::string::npos);
  EXPECT_EQ(spec.slos[0].sli.prometheus.bad.Render(), "req_total{job=\"api\",code=\"500\"}");
}

TEST(ImportSloth, ABucketSlokitDoesNotKnowIsListed) {
  // slokit knows the default buckets of its own TTFT histogram; 3.5 is not one, but the query
  // selects it, so the server has it: the binding lists it instead of failing to load.
  std::string yaml = ReadExample("sloth-chat.yaml");
  size_t at = yaml.find("le=\"2.5\"");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, 8, "le=\"3.5\"");
  ImportedSpec imported;
  Spec spec = ConvertAndLoad(yaml, ImportFormat::kSloth, &imported);
  ASSERT_EQ(spec.slos.size(), 2u);
  EXPECT_EQ(spec.slos[1].sli.prometheus.le, "3.5");
  EXPECT_EQ(spec.slos[1].sli.prometheus.buckets, std::vector<double>{3.5});
}

TEST(ImportQuery, AcceptedShapes) {
  struct Case {
    const char* query;
    const char* selector;
    std::vector<std::string> by;
  };
  for (const Case& c : std::vector<Case>{
           {"x_total", "x_total", {}},
           {"x_total{a=\"b\"}", "x_total{a=\"b\"}", {}},
           {"sum(rate(x_total{a=\"b\", c=~\"d|e\"}[5m]))", "x_total{a=\"b\",c=~\"d|e\"}", {}},
           {"sum by (model) (increase(x_total[{{.window}}]))", "x_total", {"model"}},
           {"sum(rate(x_total{a=\"}\"}[{{ .window }}])) by (model, region)", "x_total{a=\"}\"}", {"model", "region"}},
           {"  ( sum(rate(x_total[1h])) ) ", "x_total", {}},
       }) {
    QueryShape shape;
    std::string error;
    int column = 0;
    ASSERT_TRUE(ParseQueryShape(c.query, &shape, &error, &column)) << c.query << ": " << error;
    EXPECT_EQ(shape.selector.Render(), c.selector) << c.query;
    EXPECT_EQ(shape.by, c.by) << c.query;
    EXPECT_FALSE(shape.difference);
  }
  QueryShape shape;
  std::string error;
  int column = 0;
  ASSERT_TRUE(ParseQueryShape("sum(rate(h_count[5m])) - sum(rate(h_bucket{le=\"0.5\"}[5m]))", &shape, &error, &column));
  EXPECT_TRUE(shape.difference);
  EXPECT_EQ(shape.minus.Render(), "h_bucket{le=\"0.5\"}");
  ASSERT_TRUE(ParseQueryShape("histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m])))", &shape, &error, &column));
  EXPECT_DOUBLE_EQ(shape.quantile, 0.95);
}

TEST(ImportQuery, RefusedShapesSayWhere) {
  struct Case {
    const char* query;
    int column;
    const char* words;
  };
  for (const Case& c : std::vector<Case>{
           {"avg(rate(x_total[5m]))", 1, "not a sum"},
           {"sum(irate(x_total[5m]))", 5, "irate"},
           {"sum(rate(x_total[5m])) / sum(rate(y_total[5m]))", 24, "operator"},
           {"sum without (pod) (rate(x_total[5m]))", 5, "without"},
           {"rate(x_total[5m] offset 1h)", 18, "offset"},
           {"x_total[5m]", 8, "range"},
           {"rate(x_total[5m:1m])", 13, "range"},
           {"sum(rate(x_total{a=\"b\"[5m]))", 10, "missing '}'"},
           {"sum(rate(x_total{a==\"b\"}[5m]))", 19, "'='"},
           {"sum(rate(x_total[5m])", 22, "expected ')'"},
       }) {
    QueryShape shape;
    std::string error;
    int column = 0;
    EXPECT_FALSE(ParseQueryShape(c.query, &shape, &error, &column)) << c.query;
    EXPECT_EQ(column, c.column) << c.query << ": " << error;
    EXPECT_NE(error.find(c.words), std::string::npos) << c.query << ": " << error;
  }
}

TEST(ImportErrors, UnsupportedFieldNamesFileLineAndField) {
  std::string message = ImportError(R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: a
spec:
  service: s
  indicatorRef: x
  timeWindow: [{duration: 30d, isRolling: true}]
  objectives: [{target: 0.99}]
  weight: 3
)");
  EXPECT_NE(message.find("in.yaml:10:3: spec.weight: unknown field 'weight'"), std::string::npos) << message;
}

TEST(ImportErrors, UnknownKind) {
  std::string message = ImportError("apiVersion: openslo/v1\nkind: SLOs\nmetadata: {name: a}\nspec: {}\n");
  EXPECT_NE(message.find("in.yaml:2:7: kind: unknown kind 'SLOs' (did you mean 'SLO'?)"), std::string::npos)
      << message;
}

TEST(ImportErrors, BadQueryNamesTheQuery) {
  std::string yaml = ReadExample("sloth-chat.yaml");
  std::string from = "sum(rate(gen_ai_server_requests_total{status=\"error\"}[{{.window}}]))";
  size_t at = yaml.find(from);
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, from.size(), "max(rate(gen_ai_server_requests_total[{{.window}}]))");
  std::string message = ImportError(yaml);
  EXPECT_NE(message.find("in.yaml:16:22: slos[0].sli.events.error_query: cannot convert the query "
                         "`max(rate(gen_ai_server_requests_total[{{.window}}]))`: max is not a sum"),
            std::string::npos)
      << message;
}

TEST(ImportErrors, RefusedConstructs) {
  const std::string slo_head = "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  service: s\n";
  const std::string ratio =
      "  indicator:\n    metadata: {name: i}\n    spec:\n      ratioMetric:\n        counter: true\n"
      "        good: {metricSource: {type: Prometheus, spec: {query: 'x{ok=\"1\"}'}}}\n"
      "        total: {metricSource: {type: Prometheus, spec: {query: x}}}\n";
  struct Case {
    std::string yaml;
    const char* words;
  };
  for (const Case& c : std::vector<Case>{
           {slo_head + ratio + "  timeWindow: [{duration: 30d}]\n  budgetingMethod: RatioTimeslices\n"
                               "  objectives: [{target: 0.99}]\n",
            "in.yaml:14:20: spec.budgetingMethod: RatioTimeslices"},
           {slo_head + ratio + "  timeWindow: [{duration: 1Q, isRolling: false}]\n  objectives: [{target: 0.99}]\n",
            "in.yaml:13:27: spec.timeWindow[0].duration: slokit's calendar windows"},
           {slo_head + ratio + "  timeWindow: [{duration: 30d}]\n  objectives: [{target: 0.99, op: lte}]\n",
            "spec.objectives[0].op: op and value apply to threshold metrics"},
           {slo_head + ratio + "  timeWindow: [{duration: 30d}]\n  objectives: [{indicatorRef: b, target: 0.99}]\n",
            "spec.objectives[0].indicatorRef: composite SLOs"},
           {slo_head + "  indicatorRef: missing\n  timeWindow: [{duration: 30d}]\n  objectives: [{target: 0.99}]\n",
            "in.yaml:6:17: spec.indicatorRef: no SLI named 'missing'"},
           {"apiVersion: openslo/v1alpha\nkind: SLO\nmetadata: {name: a}\nspec: {}\n",
            "in.yaml:1:13: apiVersion: unsupported apiVersion 'openslo/v1alpha'"},
           {"version: prometheus/v1\nservice: s\nslos:\n  - name: r\n    objective: 99\n"
            "    sli: {raw: {error_ratio_query: 'x'}}\n",
            "in.yaml:6:16: slos[0].sli.raw: a raw error ratio cannot be converted"},
           {"version: prometheus/v1\nservice: s\nslos:\n  - name: r\n    objective: 100\n"
            "    sli: {events: {error_query: a, total_query: b}}\n",
            "in.yaml:5:16: slos[0].objective: slokit objectives lie strictly between"},
           {"service: s\nslos: []\n", "cannot tell the format"},
       }) {
    std::string message = ImportError(c.yaml);
    EXPECT_NE(message.find(c.words), std::string::npos) << message << "\n--- for ---\n" << c.yaml;
  }
}

TEST(ImportErrors, MalformedStreamsFailWithoutExhaustingMemory) {
  // yaml-cpp 0.7's LoadAll allocates until it fails on these bytes (found by fuzz_convert);
  // documents are loaded one by one instead.
  std::string message = ImportError("- apiVg: tru1e}]\n,   }ndousSew: [{taet");
  EXPECT_NE(message.find("in.yaml:"), std::string::npos) << message;
  // Splitting keeps lines: the second document's error is on its own line.
  message = ImportError("apiVersion: openslo/v1\nkind: Service\nmetadata: {name: s}\n---\n\napiVersion: openslo/v1\n"
                        "kind: Nope\nmetadata: {name: x}\n");
  EXPECT_NE(message.find("in.yaml:7:7: documents[1].kind: unknown kind 'Nope'"), std::string::npos) << message;
}

TEST(ImportErrors, OneServicePerSpec) {
  std::string doc = R"(apiVersion: openslo/v1
kind: SLO
metadata: {name: NAME}
spec:
  service: SERVICE
  indicator:
    metadata: {name: i}
    spec:
      ratioMetric:
        good: {metricSource: {type: Prometheus, spec: {query: 'x{ok="1"}'}}}
        total: {metricSource: {type: Prometheus, spec: {query: x}}}
  timeWindow: [{duration: 30d, isRolling: true}]
  objectives: [{target: 0.99}]
)";
  auto with = [&](const std::string& name, const std::string& service) {
    std::string d = doc;
    d.replace(d.find("NAME"), 4, name);
    d.replace(d.find("SERVICE"), 7, service);
    return d;
  };
  std::string message = ImportError(with("a", "one") + "---\n" + with("b", "two"));
  EXPECT_NE(message.find("in.yaml:19:12: documents[1].spec.service: a slokit spec holds one service"),
            std::string::npos)
      << message;
  // A metric source other than Prometheus cannot compile to rules.
  std::string datadog = with("a", "one");
  datadog.replace(datadog.find("type: Prometheus"), 16, "type: Datadog");
  message = ImportError(datadog);
  EXPECT_NE(message.find("in.yaml:10:37: spec.indicator.spec.ratioMetric.good.metricSource.type: metric source "
                         "type 'Datadog'"),
            std::string::npos)
      << message;
}

TEST(ImportOpenSlo, ThresholdQuantileBecomesAPercentileSli) {
  ImportedSpec imported;
  Spec spec = ConvertAndLoad(R"(- apiVersion: openslo/v1
  kind: SLO
  metadata: {name: p95}
  spec:
    service: s
    indicator:
      metadata: {name: i}
      spec:
        thresholdMetric:
          metricSource:
            type: prometheus
            spec: {query: 'histogram_quantile(0.95, sum by (le) (rate(gen_ai_server_time_to_first_token_seconds_bucket[5m])))'}
    timeWindow: [{duration: 4w, isRolling: true}]
    budgetingMethod: Timeslices
    objectives:
      - {displayName: fast, op: lte, value: 1, target: 0.99, timeSliceTarget: 1, timeSliceWindow: 5m}
)",
                             ImportFormat::kOpenSlo, &imported);
  ASSERT_EQ(spec.slos.size(), 1u);
  const Slo& p = spec.slos[0];
  EXPECT_EQ(p.sli.kind, SliKind::kPercentile);
  EXPECT_DOUBLE_EQ(p.sli.percentile, 95);
  EXPECT_EQ(p.window.length, 28 * kDay);
  EXPECT_EQ(p.budgeting.kind, Budgeting::Kind::kTimeslices);
  EXPECT_EQ(p.sli.prometheus.le, "1");
  EXPECT_TRUE(p.sli.prometheus.threshold_is_boundary);
}

}  // namespace
}  // namespace slokit
