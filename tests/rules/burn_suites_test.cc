// The generated rules on a real Prometheus rule engine (`promtool test rules`), per SLI kind:
// series under which the page and the ticket fire at the expected minute, under which nothing
// fires (low burn, no traffic, sparse slices, the low-traffic guard), and recoveries that resolve
// them. The expected minutes are worked out by hand in the comments of each scenario, and the
// same traffic is also pushed through slokit's engine (the alert backtest of `slokit report`):
// the rules must fire exactly when the engine does.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <set>

#include "engine/alerts.h"
#include "engine/evaluator.h"
#include "rules_test_util.h"

namespace slokit::rules {
namespace {

using namespace testing;  // NOLINT

// Traffic in one minute: valid events, of which `bad` are bad (slow, failed, low quality...).
struct Minute {
  int total = 0;
  int bad = 0;
};
using Traffic = std::vector<Minute>;

// At `minute`, exactly these severities fire.
struct Check {
  int minute;
  std::set<std::string> firing;
};

struct Scenario {
  std::string name;
  Traffic traffic;
  std::vector<Check> checks;
};

// A metric series for promtool: cumulative counts, one value per minute from minute 0.
struct Series {
  std::string name;
  std::vector<long long> values;
};

// A Prometheus counter that counts `per_minute(m)` in minute m: its value at minute k is the sum
// over minutes < k, so the increase between minutes k-1 and k is minute k-1's count.
Series Counter(const std::string& name, const Traffic& t,
               const std::function<long long(const Minute&)>& per_minute) {
  Series s{name, {0}};
  for (const Minute& m : t) s.values.push_back(s.values.back() + per_minute(m));
  return s;
}

// promtool's expanding notation: runs of equal steps become "a+bxn".
std::string Expand(const std::vector<long long>& v) {
  std::string out;
  size_t i = 0;
  while (i < v.size()) {
    if (!out.empty()) out += " ";
    if (i + 1 == v.size()) {
      out += std::to_string(v[i]);
      break;
    }
    long long d = v[i + 1] - v[i];
    size_t j = i + 1;
    while (j + 1 < v.size() && v[j + 1] - v[j] == d) ++j;
    out += fmt::format("{}+{}x{}", v[i], d, j - i);
    i = j + 1;
  }
  return out;
}

// One SLI kind: its spec, its series, and the fields of its events for the engine.
struct Kind {
  std::string name;
  std::string spec;  // a whole spec with one SLO named after the kind
  std::string team;
  std::function<std::vector<Series>(const Traffic&)> series;
  // Sets the fields of one event, bad or good, on the engine's record.
  std::function<void(const Spec&, Record*, bool bad)> event;
  std::map<std::string, std::string> extra_labels;  // on the expected alerts
  bool engine = true;                               // cross-check with the engine
};

Kind MakeKind(std::string name, std::string spec, std::string team,
              std::function<std::vector<Series>(const Traffic&)> series,
              std::function<void(const Spec&, Record*, bool)> event) {
  Kind k;
  k.name = std::move(name);
  k.spec = std::move(spec);
  k.team = std::move(team);
  k.series = std::move(series);
  k.event = std::move(event);
  return k;
}

void SetField(const Spec& spec, Record* r, const std::string& field, Value v) {
  int i = spec.fields.Find(field);
  ASSERT_GE(i, 0) << field;
  r->values[static_cast<size_t>(i)] = v;
}

const char* kEventHeader = R"(service: svc
owners:
  infra: {team: sre}
  quality: {team: ml}
alerting:
  min_valid_events: 100
slos:
)";

const char* kSliceHeader = R"(service: svc
owners:
  infra: {team: sre}
  quality: {team: ml}
alerting:
  min_valid_events: 10
slos:
)";

// Requests: ok, error, and 7 client cancellations a minute that validity criteria exclude.
std::vector<Series> RequestSeries(const Traffic& t, const std::string& extra = "") {
  std::string sep = extra.empty() ? "" : ",";
  return {Counter("requests_total{status=\"ok\"" + sep + extra + "}", t,
                  [](const Minute& m) { return m.total - m.bad; }),
          Counter("requests_total{status=\"error\"" + sep + extra + "}", t,
                  [](const Minute& m) { return m.bad; }),
          Counter("requests_total{status=\"cancelled\"" + sep + extra + "}", t,
                  [](const Minute&) { return 7; })};
}

// A histogram whose good observations are 50 ms and bad ones 5 s (above every finite bucket).
// `le` is written the way slokit's library and Prometheus 3 write it ("1.0"), to prove the
// integral-boundary matcher.
std::vector<Series> HistogramSeries(const std::string& name, const std::vector<std::string>& finite,
                                    const Traffic& t) {
  std::vector<Series> out;
  for (const std::string& le : finite)
    out.push_back(Counter(name + "_bucket{le=\"" + le + "\"}", t,
                          [](const Minute& m) { return m.total - m.bad; }));
  out.push_back(Counter(name + "_bucket{le=\"+Inf\"}", t, [](const Minute& m) { return m.total; }));
  out.push_back(Counter(name + "_count", t, [](const Minute& m) { return m.total; }));
  return out;
}

void RequestEvent(const Spec& spec, Record* r, bool bad) {
  SetField(spec, r, "status", Value::Number(bad ? 500 : 200));
}
void TtftEvent(const Spec& spec, Record* r, bool bad) {
  SetField(spec, r, "ttft_ms", Value::Number(bad ? 5000 : 50));
}

std::vector<Kind> EventKinds() {
  std::vector<Kind> kinds;
  kinds.push_back(MakeKind(
      "ratio", std::string(kEventHeader) + R"(  - name: ratio
    objective: 99.9
    window: 30d
    valid: status != 499
    sli:
      ratio:
        good: status < 500
        prometheus:
          good: 'requests_total{status="ok"}'
          total: 'requests_total{status!="cancelled"}'
)",
      "sre", [](const Traffic& t) { return RequestSeries(t); }, RequestEvent));
  kinds.push_back(MakeKind(
      "ratio-bad", std::string(kEventHeader) + R"(  - name: ratio-bad
    objective: 99.9
    window: 30d
    valid: status != 499
    sli:
      ratio:
        good: status < 500
        prometheus:
          bad: 'requests_total{status="error"}'
          total: 'requests_total{status!="cancelled"}'
)",
      "sre", [](const Traffic& t) { return RequestSeries(t); }, RequestEvent));
  kinds.push_back(MakeKind(
      "latency", std::string(kEventHeader) + R"(  - name: latency
    objective: 99.9
    window: 30d
    sli:
      latency:
        field: ttft_ms
        unit: ms
        threshold: 1s
        prometheus: {histogram: ttft_seconds, buckets: [0.1, 0.5, 1, 2.5]}
)",
      "sre",
      [](const Traffic& t) {
        return HistogramSeries("ttft_seconds", {"0.1", "0.5", "1.0", "2.5"}, t);
      },
      TtftEvent));
  kinds.push_back(MakeKind(
      "quality", std::string(kEventHeader) + R"(  - name: quality
    objective: 99.9
    window: 30d
    sli:
      quality:
        field: score
        min: 0.7
        prometheus:
          good: 'evals_total{result="pass"}'
          total: evals_total
)",
      "ml",
      [](const Traffic& t) {
        return std::vector<Series>{
            Counter("evals_total{result=\"pass\"}", t,
                    [](const Minute& m) { return m.total - m.bad; }),
            Counter("evals_total{result=\"fail\"}", t, [](const Minute& m) { return m.bad; })};
      },
      [](const Spec& spec, Record* r, bool bad) {
        SetField(spec, r, "score", Value::Number(bad ? 0.1 : 0.9));
      }));
  kinds.push_back(MakeKind(
      "composite", std::string(kEventHeader) + R"(  - name: composite
    objective: 99.9
    window: 30d
    valid: status != 499
    sli:
      composite:
        - good: status < 500
        - latency: {field: e2e_ms, unit: ms, threshold: 30s}
      prometheus:
        good: requests_good_total
        total: 'requests_total{status!="cancelled"}'
)",
      "sre",
      [](const Traffic& t) {
        // Bad requests finished ok but too slowly: requests_total says ok, the
        // good counter leaves them out.
        std::vector<Series> s = {
            Counter("requests_total{status=\"ok\"}", t, [](const Minute& m) { return m.total; }),
            Counter("requests_total{status=\"cancelled\"}", t, [](const Minute&) { return 7; }),
            Counter("requests_good_total", t, [](const Minute& m) { return m.total - m.bad; })};
        return s;
      },
      [](const Spec& spec, Record* r, bool bad) {
        SetField(spec, r, "status", Value::Number(200));
        SetField(spec, r, "e2e_ms", Value::Number(bad ? 60000 : 1000));
      }));
  return kinds;
}

std::vector<Kind> SliceKinds() {
  std::vector<Kind> kinds;
  kinds.push_back(MakeKind(
      "percentile", std::string(kSliceHeader) + R"(  - name: percentile
    objective: 99
    window: 7d
    budgeting: {timeslices: 5m, min_events: 10}
    sli:
      percentile:
        field: ttft_ms
        unit: ms
        p: 95
        threshold: 500ms
        prometheus: {histogram: ttft_seconds, buckets: [0.1, 0.5, 2.5]}
)",
      "sre",
      [](const Traffic& t) {
        return HistogramSeries("ttft_seconds", {"0.1", "0.5", "2.5"}, t);
      },
      TtftEvent));
  // 300 ms is between the 0.1 and 0.5 buckets: histogram_quantile. Good observations sit in the
  // first bucket and bad ones above the last, so its estimate is on the right side of 300 ms
  // exactly when the exact p95 is.
  kinds.push_back(MakeKind(
      "percentile-interpolated", std::string(kSliceHeader) + R"(  - name: percentile-interpolated
    objective: 99
    window: 7d
    budgeting: {timeslices: 5m, min_events: 10}
    sli:
      percentile:
        field: ttft_ms
        unit: ms
        p: 95
        threshold: 300ms
        prometheus: {histogram: ttft_seconds, buckets: [0.1, 0.5, 2.5]}
)",
      "sre",
      [](const Traffic& t) {
        return HistogramSeries("ttft_seconds", {"0.1", "0.5", "2.5"}, t);
      },
      TtftEvent));
  // Good requests stream 20 tokens, bad ones 1: a minute with half bad requests makes
  // 1050 tokens, 17.5 tokens/s over a slice of such minutes, under the 20/s objective.
  kinds.push_back(MakeKind(
      "throughput", std::string(kSliceHeader) + R"(  - name: throughput
    objective: 99
    window: 7d
    budgeting: {timeslices: 5m, min_events: 10}
    sli:
      throughput:
        field: tokens
        min: 20
        prometheus:
          counter: 'tokens_total{token_type="output"}'
          events: 'requests_total{status="ok"}'
)",
      "sre",
      [](const Traffic& t) {
        return std::vector<Series>{
            Counter("tokens_total{token_type=\"output\"}", t,
                    [](const Minute& m) { return (m.total - m.bad) * 20LL + m.bad; }),
            Counter("requests_total{status=\"ok\"}", t, [](const Minute& m) { return m.total; })};
      },
      [](const Spec& spec, Record* r, bool bad) {
        SetField(spec, r, "tokens", Value::Number(bad ? 1 : 20));
      }));
  return kinds;
}

Traffic Steady(int minutes, int per_minute) {
  return Traffic(static_cast<size_t>(minutes), Minute{per_minute, 0});
}

void Bad(Traffic* t, int from, int to, int bad) {
  for (int m = from; m < to; ++m) (*t)[static_cast<size_t>(m)].bad = bad;
}

// Event SLIs: 99.9% over 30d, seed 000's policy (page 14.4 over 1h/5m or 6 over 6h/30m, ticket 1
// over 3d/6h), min_valid_events 100, 1000 requests a minute.
std::vector<Scenario> EventScenarios() {
  std::vector<Scenario> out;
  {
    // 5% errors in minutes 60-89 (50 a minute), then none: burn rate 50 inside the incident.
    // Ticket: 3d and 6h windows hold everything since minute 0; at t the error ratio is
    //   50 (t - 60) / 1000 t > 0.001  <=>  t > 61.2: fires at 62.
    // Page: 6h/30m first: 50 (t - 60) / 1000 t > 0.006 <=> t > 68.2 (the 30m window is all
    //   errors): fires at 69, before 1h/5m (50 (t - 60) / 60000 > 0.0144 <=> t >= 78).
    // Page recovery: 1h/5m stops at 95 (no errors in the last 5m); 6h/30m while the last 30m
    //   hold more than 3.6 error minutes: 120 - t > 3.6 <=> t <= 116; resolved at 117.
    // Ticket recovery: the 6h window [t-360, t) keeps error minutes 90-(t-360)... more than 7.2
    //   of them while t <= 442; resolved at 443.
    Scenario s{"page-then-recovery", Steady(450, 1000), {}};
    Bad(&s.traffic, 60, 90, 50);
    s.checks = {{61, {}},
                {62, {"ticket"}},
                {68, {"ticket"}},
                {69, {"page", "ticket"}},
                {116, {"page", "ticket"}},
                {117, {"ticket"}},
                {442, {"ticket"}},
                {443, {}}};
    out.push_back(s);
  }
  {
    // 0.3% errors from minute 31: burn rate 3, a ticket but never a page. Ratio over all data
    // 3 (t - 31) / 1000 t > 0.001 <=> t > 46.5: fires at 47 and holds. (Not from minute 30: the
    // ratio would be exactly the budget at 45, where the engine, whose budget 1 - 0.999 is
    // rounded below 0.001, sees a burn rate a hair over 1.)
    Scenario s{"ticket-only", Steady(400, 1000), {}};
    Bad(&s.traffic, 31, 400, 3);
    s.checks = {{46, {}}, {47, {"ticket"}}, {200, {"ticket"}}, {400, {"ticket"}}};
    out.push_back(s);
  }
  {
    // 0.05% errors (burn rate 0.5) and an hour without traffic: nothing fires.
    Scenario s{"nothing", Steady(400, 1000), {}};
    for (int m = 0; m < 400; m += 2) s.traffic[static_cast<size_t>(m)].bad = 1;
    for (int m = 200; m < 260; ++m) s.traffic[static_cast<size_t>(m)] = {0, 0};
    s.checks = {{30, {}}, {100, {}}, {230, {}}, {300, {}}, {400, {}}};
    out.push_back(s);
  }
  {
    // One request a minute, every one failing, for 50 minutes: burn rate 1000, but no window
    // ever holds the 100 events of the low-traffic guard.
    Scenario s{"low-traffic-guard", Steady(200, 0), {}};
    for (int m = 0; m < 50; ++m) s.traffic[static_cast<size_t>(m)] = {1, 1};
    s.checks = {{10, {}}, {49, {}}, {50, {}}, {120, {}}, {200, {}}};
    out.push_back(s);
  }
  return out;
}

// Timeslice SLIs: 99% over 7d in 5m slices (min_events 10), min_valid_events 10 slices, 100
// requests a minute; a bad minute has half of its requests bad, which makes its slice bad.
std::vector<Scenario> SliceScenarios() {
  std::vector<Scenario> out;
  {
    // Bad slices [60,65) ... [85,90). At 65 the first completes: 6h/30m hold 13 and 6 slices
    // with one bad (7.7% and 17% > 6%): page and ticket. The page holds while the 30m window
    // holds a bad slice: until [85,90) leaves it at 116. The ticket holds while the 6h window
    // holds one: until [85,90) leaves it at 446.
    Scenario s{"page-then-recovery", Steady(450, 100), {}};
    Bad(&s.traffic, 60, 90, 50);
    s.checks = {{64, {}},          {65, {"page", "ticket"}}, {115, {"page", "ticket"}},
                {116, {"ticket"}}, {445, {"ticket"}},        {446, {}}};
    out.push_back(s);
  }
  {
    // One bad slice every two hours: 6h ratios of 1/21 .. 3/72 (under the page's 6%, over the
    // ticket's 1%), 1h ratios of 1/12 (under 14.4%). Ticket from 105, never a page.
    Scenario s{"ticket-only", Steady(480, 100), {}};
    for (int start : {100, 220, 340, 460}) Bad(&s.traffic, start, start + 5, 50);
    s.checks = {
        {104, {}}, {105, {"ticket"}}, {225, {"ticket"}}, {345, {"ticket"}}, {480, {"ticket"}}};
    out.push_back(s);
  }
  {
    // Good slices, an hour without traffic and half an hour of sparse slices (5 requests per
    // slice, under min_events, all of them slow and tokenless): skipped, nothing fires.
    Scenario s{"nothing", Steady(300, 100), {}};
    for (int m = 100; m < 160; ++m) s.traffic[static_cast<size_t>(m)] = {0, 0};
    for (int m = 200; m < 230; ++m) s.traffic[static_cast<size_t>(m)] = {1, 1};
    s.checks = {{50, {}}, {130, {}}, {215, {}}, {235, {}}, {300, {}}};
    out.push_back(s);
  }
  return out;
}

// What the engine says fires at each check's minute.
std::set<std::string> EngineFiring(const AlertTimeline& timeline, int minute) {
  std::set<std::string> out;
  TimeNs t = minute * kMinute;
  for (const Incident& inc : timeline.incidents) {
    bool active = inc.start <= t && (inc.open ? t <= inc.end : t < inc.end);
    if (active) out.insert(inc.severity);
  }
  return out;
}

AlertTimeline RunEngine(const Spec& spec, const Kind& kind, const Traffic& traffic) {
  Evaluator evaluator(spec);
  Record r;
  auto push = [&](int minute, bool bad, bool cancelled) {
    r.Reset(spec.fields.size());
    r.time_ns = minute * kMinute + 30 * kSecond;
    kind.event(spec, &r, bad);
    if (cancelled) SetField(spec, &r, "status", Value::Number(499));
    evaluator.Push(r);
  };
  for (size_t m = 0; m < traffic.size(); ++m) {
    int minute = static_cast<int>(m);
    for (int i = 0; i < traffic[m].total; ++i) push(minute, i < traffic[m].bad, false);
    if (spec.fields.Find("status") >= 0)
      for (int i = 0; i < 7; ++i) push(minute, false, true);  // cancellations, excluded by `valid`
  }
  return Backtest(evaluator, 0, 0, 0, static_cast<TimeNs>(traffic.size()) * kMinute);
}

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const std::string& x : s) out += (out.empty() ? "" : ",") + x;
  return "{" + out + "}";
}

// The rule file without annotations (promtool compares annotations exactly; promtool_test.cc
// checks them).
std::string RulesWithoutAnnotations(const Spec& spec) {
  Output out;
  Status s = CompileRules(spec, {}, &out);
  EXPECT_TRUE(s.ok()) << s.message();
  YAML::Node file = YAML::Load(out.text);
  for (auto g : file["groups"])
    for (auto r : g["rules"]) r.remove("annotations");
  YAML::Emitter e;
  e << file;
  return std::string(e.c_str()) + "\n";
}

std::string PromtoolSuite(const Kind& kind, const std::vector<Scenario>& scenarios) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "rule_files" << YAML::Value << YAML::BeginSeq << "rules.yaml" << YAML::EndSeq;
  e << YAML::Key << "evaluation_interval" << YAML::Value << "1m";
  e << YAML::Key << "tests" << YAML::Value << YAML::BeginSeq;
  for (const Scenario& s : scenarios) {
    e << YAML::BeginMap << YAML::Key << "name" << YAML::Value << s.name;
    e << YAML::Key << "interval" << YAML::Value << "1m";
    e << YAML::Key << "input_series" << YAML::Value << YAML::BeginSeq;
    for (const Series& series : kind.series(s.traffic)) {
      e << YAML::BeginMap << YAML::Key << "series" << YAML::Value << YAML::SingleQuoted
        << series.name;
      e << YAML::Key << "values" << YAML::Value << YAML::SingleQuoted << Expand(series.values)
        << YAML::EndMap;
    }
    e << YAML::EndSeq;
    e << YAML::Key << "alert_rule_test" << YAML::Value << YAML::BeginSeq;
    for (const Check& c : s.checks) {
      e << YAML::BeginMap << YAML::Key << "eval_time" << YAML::Value
        << fmt::format("{}m", c.minute);
      e << YAML::Key << "alertname" << YAML::Value << kAlertName;
      e << YAML::Key << "exp_alerts" << YAML::Value << YAML::BeginSeq;
      for (const std::string& severity : c.firing) {
        e << YAML::BeginMap << YAML::Key << "exp_labels" << YAML::Value << YAML::BeginMap;
        e << YAML::Key << "severity" << YAML::Value << severity;
        e << YAML::Key << "team" << YAML::Value << kind.team;
        e << YAML::Key << "slo" << YAML::Value << kind.name;
        e << YAML::Key << "service" << YAML::Value << "svc";
        for (const auto& [k, v] : kind.extra_labels) e << YAML::Key << k << YAML::Value << v;
        e << YAML::EndMap << YAML::EndMap;
      }
      e << YAML::EndSeq << YAML::EndMap;
    }
    e << YAML::EndSeq << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

void RunSuite(const Kind& kind, const std::vector<Scenario>& scenarios) {
  SCOPED_TRACE(kind.name);
  SLOKIT_REQUIRE_PROGRAM(promtool, "promtool", "prometheus");
  Spec spec = MustLoad(kind.spec, kind.name + ".yaml");
  // The hand-worked minutes are the engine's.
  if (kind.engine) {
    for (const Scenario& s : scenarios) {
      AlertTimeline timeline = RunEngine(spec, kind, s.traffic);
      for (const Check& c : s.checks)
        EXPECT_EQ(Join(EngineFiring(timeline, c.minute)), Join(c.firing))
            << "engine, scenario " << s.name << ", minute " << c.minute;
    }
  }
  // And Prometheus', running the generated rules.
  ScratchDir dir;
  WriteFile(dir / "rules.yaml", RulesWithoutAnnotations(spec));
  WriteFile(dir / "suite.yaml", PromtoolSuite(kind, scenarios));
  CommandResult r =
      RunCommand(dir, "cd " + dir.path().string() + " && " + promtool + " test rules suite.yaml");
  EXPECT_EQ(r.code, 0) << "promtool test rules " << (dir / "suite.yaml") << ":\n" << r.out << r.err;
}

class EventKindSuite : public ::testing::TestWithParam<size_t> {};
TEST_P(EventKindSuite, PageTicketNothingAndRecoveryAtTheExpectedMinutes) {
  RunSuite(EventKinds()[GetParam()], EventScenarios());
}
INSTANTIATE_TEST_SUITE_P(Rules, EventKindSuite, ::testing::Range<size_t>(0, EventKinds().size()),
                         [](const auto& info) {
                           std::string n = EventKinds()[info.param].name;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

class SliceKindSuite : public ::testing::TestWithParam<size_t> {};
TEST_P(SliceKindSuite, PageTicketNothingAndRecoveryAtTheExpectedMinutes) {
  RunSuite(SliceKinds()[GetParam()], SliceScenarios());
}
INSTANTIATE_TEST_SUITE_P(Rules, SliceKindSuite, ::testing::Range<size_t>(0, SliceKinds().size()),
                         [](const auto& info) {
                           std::string n = SliceKinds()[info.param].name;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

// `for:` delays the page by its duration (pending first, like the engine); a disabled tier
// never fires.
TEST(BurnSuites, ForDelaysThePageAndDisabledTiersStaySilent) {
  Kind kind = EventKinds()[0];
  kind.name = "ratio-for";
  kind.spec = std::string(kEventHeader) + R"(  - name: ratio-for
    objective: 99.9
    window: 30d
    valid: status != 499
    alerting:
      page:
        - {long: 1h, short: 5m, burn_rate: 14.4, for: 3m}
        - {long: 6h, short: 30m, burn_rate: 6, for: 3m}
      ticket: false
    sli:
      ratio:
        good: status < 500
        prometheus:
          good: 'requests_total{status="ok"}'
          total: 'requests_total{status!="cancelled"}'
)";
  Scenario s = EventScenarios()[0];
  // Active from 69 (see page-then-recovery), firing 3 minutes later; resolved at 117 as before.
  s.checks = {{69, {}}, {71, {}}, {72, {"page"}}, {116, {"page"}}, {117, {}}, {300, {}}};
  RunSuite(kind, {s});
}

// With `by: [model]` each model has its own SLI and its own alert, labelled with the model.
TEST(BurnSuites, ByLabelsAlertPerModel) {
  Kind kind = EventKinds()[0];
  kind.name = "per-model";
  kind.spec = std::string(kEventHeader) + R"(  - name: per-model
    objective: 99.9
    window: 30d
    sli:
      ratio:
        good: status < 500
        prometheus:
          good: 'requests_total{status="ok"}'
          total: 'requests_total{status!="cancelled"}'
          by: [model]
)";
  kind.series = [](const Traffic& t) {
    // Model a has the scenario's errors; model b the same traffic without errors.
    std::vector<Series> s = RequestSeries(t, "model=\"a\"");
    Traffic clean = t;
    for (Minute& m : clean) m.bad = 0;
    for (Series& x : RequestSeries(clean, "model=\"b\"")) s.push_back(x);
    return s;
  };
  kind.extra_labels = {{"model", "a"}};
  kind.engine = false;  // same minutes as the ratio kind, whose engine check covers them
  RunSuite(kind, {EventScenarios()[0]});
}

TEST(BurnSuites, ExpandingNotation) {
  EXPECT_EQ(Expand({0, 10, 20, 30}), "0+10x3");
  EXPECT_EQ(Expand({0, 10, 20, 25, 30, 30}), "0+10x2 25+5x1 30");
  EXPECT_EQ(Expand({5}), "5");
}

}  // namespace
}  // namespace slokit::rules
