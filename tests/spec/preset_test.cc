// Presets against real expositions: for every preset, tests/spec/data/<preset>.prom is a /metrics
// sample of that server (written from its documentation and source; slokit's is a capture of
// examples/instrumented_server). Every series the preset names must be in it - histograms with
// exactly the preset's bucket boundaries, counters and gauges with their TYPE, selectors matching
// at least one sample - and the labels it declares must be on them.
#include "spec/preset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "spec/prometheus_binding.h"

namespace slokit {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family -> counter, gauge, histogram...
  std::vector<Sample> samples;

  // The family a sample belongs to (x_bucket -> x when x is a histogram).
  std::string Family(const std::string& name) const {
    if (types.count(name)) return name;
    for (const char* suffix : {"_bucket", "_count", "_sum", "_total", "_created"}) {
      std::string s = suffix;
      if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
        std::string base = name.substr(0, name.size() - s.size());
        if (types.count(base)) return base;
      }
    }
    return "";
  }
  std::string Type(const std::string& name) const {
    auto it = types.find(Family(name));
    return it == types.end() ? "" : it->second;
  }
};

// Parses the Prometheus text format (0.0.4): # TYPE lines and samples with quoted label values.
Exposition Parse(const std::string& text) {
  Exposition e;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream l(line);
      std::string hash, kind, name, type;
      l >> hash >> kind >> name >> type;
      if (kind == "TYPE") e.types[name] = type;
      continue;
    }
    Sample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        EXPECT_NE(eq, std::string::npos) << "line " << n;
        std::string label = line.substr(i, eq - i);
        EXPECT_EQ(line[eq + 1], '"') << "line " << n;
        std::string value;
        size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) {
            ++j;
            value += line[j] == 'n' ? '\n' : line[j];
          } else {
            value += line[j];
          }
        }
        s.labels[label] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;  // '}'
    }
    std::istringstream rest(line.substr(i));
    std::string value;
    rest >> value;
    s.value = value == "+Inf" ? INFINITY : std::stod(value);
    e.samples.push_back(std::move(s));
  }
  return e;
}

bool Matches(const Sample& s, const PromSelector& sel) {
  if (s.name != sel.metric) return false;
  for (const PromMatcher& m : sel.matchers) {
    auto it = s.labels.find(m.label);
    std::string v = it == s.labels.end() ? "" : it->second;
    if (m.op == "=" && v != m.value) return false;
    if (m.op == "!=" && v == m.value) return false;
    if (m.op == "=~" && !std::regex_match(v, std::regex(m.value))) return false;
    if (m.op == "!~" && std::regex_match(v, std::regex(m.value))) return false;
  }
  return true;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

class PresetSample : public ::testing::TestWithParam<std::string> {};

TEST_P(PresetSample, EverySeriesThePresetNamesIsInTheServersExposition) {
  const CatalogSet& set = EmbeddedCatalog();
  const Preset* p = set.FindPreset(GetParam());
  ASSERT_NE(p, nullptr);
  Exposition e = Parse(Read(std::string(SLOKIT_SOURCE_DIR) + "/tests/spec/data/" + p->name + ".prom"));
  ASSERT_GT(e.samples.size(), 10u);
  std::string model_label = p->Label("model");
  size_t checked = 0;
  for (const PresetKpi& m : p->kpis) {
    SCOPED_TRACE(p->name + " " + m.kpi);
    switch (m.kind) {
      case PresetKpi::Kind::kHistogram: {
        PromSelector h;
        std::string error;
        int column;
        ASSERT_TRUE(ParsePromSelector(m.histogram, true, &h, &error, &column)) << error;
        EXPECT_EQ(e.types[h.metric], "histogram") << h.metric;
        std::set<double> les;
        bool count = false, sum = false;
        for (const Sample& s : e.samples) {
          if (Matches(s, h.WithMetric(h.metric + "_bucket"))) {
            les.insert(s.labels.at("le") == "+Inf" ? INFINITY : std::stod(s.labels.at("le")));
            if (!model_label.empty()) {
              EXPECT_TRUE(s.labels.count(model_label)) << model_label;
            }
          }
          count |= Matches(s, h.WithMetric(h.metric + "_count"));
          sum |= Matches(s, h.WithMetric(h.metric + "_sum"));
        }
        EXPECT_TRUE(count && sum) << h.metric << "_count and _sum";
        // Exactly the preset's boundaries, then +Inf: thresholds picked from them exist as `le`.
        ASSERT_EQ(les.size(), m.buckets.size() + 1) << h.metric;
        auto it = les.begin();
        for (double b : m.buckets) {
          EXPECT_NEAR(*it, b, 1e-12 * std::max(1.0, b)) << h.metric;
          ++it;
        }
        EXPECT_TRUE(std::isinf(*it));
        ++checked;
        break;
      }
      case PresetKpi::Kind::kRatio:
      case PresetKpi::Kind::kCounter:
      case PresetKpi::Kind::kGauge:
        for (const std::string& text : m.Series()) {
          PromSelector sel;
          std::string error;
          int column;
          ASSERT_TRUE(ParsePromSelector(text, true, &sel, &error, &column)) << error;
          std::string type = e.Type(sel.metric);
          if (m.kind == PresetKpi::Kind::kGauge) {
            EXPECT_EQ(type, "gauge") << sel.metric;
          } else {
            // A counter, or the _count/_sum of a histogram (TGI's generated tokens, OTel's usage).
            EXPECT_TRUE(type == "counter" || type == "histogram") << sel.metric << " is a " << type;
          }
          size_t n = std::count_if(e.samples.begin(), e.samples.end(), [&](const Sample& s) { return Matches(s, sel); });
          EXPECT_GT(n, 0u) << text << " matches no series of the sample";
          ++checked;
        }
        break;
    }
  }
  EXPECT_GE(checked, p->kpis.size());
}

INSTANTIATE_TEST_SUITE_P(Presets, PresetSample, ::testing::Values("vllm", "tgi", "llamacpp", "otel-genai", "slokit"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(Preset, EveryPresetHasASample) {
  for (const Preset& p : EmbeddedCatalog().presets) {
    std::ifstream in(std::string(SLOKIT_SOURCE_DIR) + "/tests/spec/data/" + p.name + ".prom");
    EXPECT_TRUE(in) << p.name << ": add tests/spec/data/" << p.name << ".prom and list it above";
  }
}

TEST(Preset, MapsTheKpisEachServerExposes) {
  const CatalogSet& set = EmbeddedCatalog();
  const Catalog& c = set.catalog;
  auto provides = [&](const char* preset, const char* kpi) {
    return set.FindPreset(preset)->Find(*c.FindKpis(kpi).front()) != nullptr;
  };
  for (const char* p : {"vllm", "otel-genai", "slokit"}) {
    for (const char* k : {"TTFT", "ITL/TPOT", "E2E", "QTS", "P95 LAT", "ERR"}) EXPECT_TRUE(provides(p, k)) << p << " " << k;
  }
  EXPECT_FALSE(provides("tgi", "TTFT"));
  EXPECT_TRUE(provides("tgi", "429R"));
  EXPECT_FALSE(provides("vllm", "429R"));
  EXPECT_TRUE(provides("llamacpp", "QTS"));
  for (const char* k : {"TTFT", "ITL/TPOT", "E2E", "ERR"}) EXPECT_FALSE(provides("llamacpp", k)) << k;
  // Units: every latency histogram of the presets is in seconds, as their servers expose it.
  for (const Preset& p : set.presets) {
    for (const PresetKpi& m : p.kpis) {
      if (m.kind == PresetKpi::Kind::kHistogram) {
        EXPECT_EQ(m.unit, "s") << p.name << " " << m.kpi;
      }
    }
  }
  // same_as copies the series.
  const PresetKpi* p95 = set.FindPreset("vllm")->Find(*c.FindKpis("P95 LAT").front());
  ASSERT_NE(p95, nullptr);
  EXPECT_EQ(p95->histogram, "vllm:e2e_request_latency_seconds");
  EXPECT_EQ(p95->buckets.size(), 21u);
}

TEST(Preset, ErrorsNameFileLineAndField) {
  const Catalog& c = EmbeddedCatalog().catalog;
  Preset p;
  Status s = ParsePreset("name: x\ntitle: X\nkpis:\n  TTFT: {counter: some_total}\n", "p.yaml", c, &p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("p.yaml:4:9: kpis.TTFT: TTFT (Time to first token) is a latency KPI: map it to a "
                             "histogram, not a counter"),
            std::string::npos)
      << s.message();
  s = ParsePreset("name: x\ntitle: X\nkpis:\n  OOR: {counter: some_total}\n", "p.yaml", c, &p);
  EXPECT_NE(s.message().find("'OOR' is not a KPI of an LLM inference sector"), std::string::npos) << s.message();
  s = ParsePreset("name: x\ntitle: X\nkpis:\n  E2E: {histogram: 'x{a=\"b\"', buckets: [1]}\n", "p.yaml", c, &p);
  EXPECT_NE(s.message().find("kpis.E2E.histogram"), std::string::npos) << s.message();
  s = ParsePreset("name: x\ntitle: X\nkpis:\n  E2E: {histogram: x_seconds, buckets: [2, 1]}\n", "p.yaml", c, &p);
  EXPECT_NE(s.message().find("bucket boundaries must be increasing"), std::string::npos) << s.message();
  s = ParsePreset("name: x\ntitle: X\nkpis:\n  E2E: {histogram: x_seconds, buckets: [1]}\nunsupported:\n  E2E: no\n",
                  "p.yaml", c, &p);
  EXPECT_NE(s.message().find("'E2E' is mapped under kpis"), std::string::npos) << s.message();
  s = ParsePreset("name: x\ntitle: X\nkpis:\n  UST: {same_as: E2E}\n", "p.yaml", c, &p);
  EXPECT_NE(s.message().find("no mapping of 'E2E' to copy here"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace slokit
