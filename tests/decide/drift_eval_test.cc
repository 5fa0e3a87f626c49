// The spec's `drift:` section, embedding drift and the golden-set hallucination rate, on small
// hand-computed inputs: loading and errors (file:line), cosine of mean vectors, rates per cohort,
// and the numeric method switch.
#include "decide/drift_eval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include <fmt/format.h>

#include "decide/drift.h"
#include "spec/loader.h"

namespace slokit::decide {
namespace {

const char* kBase = R"(service: s
slos:
  - name: q
    objective: 90
    window: 7d
    sli:
      quality: {field: quality_score, min: 0.5}
    cohorts: [language]
)";

Status Load(const std::string& drift, Spec* spec) { return LoadSpecString(kBase + drift, "dir/s.yaml", spec, nullptr); }

TEST(DriftConfigTest, LoadsMethodsThresholdsAndPaths) {
  Spec spec;
  Status s = Load(R"(drift:
  by: region
  numeric: [ttft_ms]
  categorical: model
  numeric_method: ks
  categorical_method: js
  psi: 0.3
  ks_alpha: 0.001
  js: 0.2
  min_events: 50
  embedding: {field: emb, min_cosine: 0.9}
  hallucination: {golden: golden.jsonl, max_rate: 5%}
)",
                  &spec);
  ASSERT_TRUE(s.ok()) << s.message();
  const DriftConfig& d = spec.drift;
  EXPECT_EQ(d.by, "region");
  EXPECT_EQ(d.numeric, std::vector<std::string>{"ttft_ms"});
  EXPECT_EQ(d.categorical, std::vector<std::string>{"model"});
  EXPECT_EQ(d.numeric_method, DriftConfig::NumericMethod::kKs);
  EXPECT_EQ(d.categorical_method, DriftConfig::CategoricalMethod::kJs);
  EXPECT_DOUBLE_EQ(d.psi, 0.3);
  EXPECT_DOUBLE_EQ(d.psi_moderate, 0.1);  // default kept
  EXPECT_DOUBLE_EQ(d.ks_alpha, 0.001);
  EXPECT_DOUBLE_EQ(d.js, 0.2);
  EXPECT_EQ(d.min_events, 50u);
  EXPECT_EQ(d.embedding_field, "emb");
  EXPECT_DOUBLE_EQ(d.min_cosine, 0.9);
  EXPECT_EQ(d.golden, "dir/golden.jsonl");  // relative to the spec's directory
  EXPECT_DOUBLE_EQ(d.max_hallucination, 0.05);
  DriftOptions o = DriftOptions::FromConfig(d);
  EXPECT_DOUBLE_EQ(o.psi_drift, 0.3);
  EXPECT_EQ(o.min_events, 50u);
}

TEST(DriftConfigTest, DefaultsWithoutSection) {
  Spec spec;
  ASSERT_TRUE(Load("", &spec).ok());
  EXPECT_DOUBLE_EQ(spec.drift.min_cosine, 0.95);
  EXPECT_DOUBLE_EQ(spec.drift.max_hallucination, 0.02);
  EXPECT_EQ(spec.drift.numeric_method, DriftConfig::NumericMethod::kPsiOrKs);
  EXPECT_TRUE(spec.drift.embedding_field.empty());
}

TEST(DriftConfigTest, ErrorsNameLineColumnAndField) {
  Spec spec;
  Status s = Load("drift:\n  numeric_method: kss\n", &spec);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("dir/s.yaml:10:19: drift.numeric_method: expected psi_or_ks, psi or ks"),
            std::string::npos) << s.message();
  EXPECT_NE(s.message().find("did you mean 'ks'"), std::string::npos) << s.message();
  s = Load("drift:\n  embedding: {field: e, min_cosine: 2}\n", &spec);
  EXPECT_NE(s.message().find(":10:"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("between -1 and 1"), std::string::npos) << s.message();
  s = Load("drift:\n  psi_moderate: 0.5\n", &spec);  // above the default psi 0.25
  EXPECT_NE(s.message().find("must not exceed psi"), std::string::npos) << s.message();
  s = Load("drift:\n  hallucination: {max_rate: 2%}\n", &spec);
  EXPECT_NE(s.message().find("golden"), std::string::npos) << s.message();
  s = Load("drift:\n  thresholds: 1\n", &spec);
  EXPECT_NE(s.message().find(":10:3:"), std::string::npos) << s.message();
}

// n lines of one cohort, each with the same embedding `vec` (text) and optional extra JSON.
std::string Lines(int n, const std::string& language, const std::string& vec, const std::string& extra = "") {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += fmt::format("{{\"ts\": {}, \"language\": \"{}\", \"emb\": {}{}}}\n", i, language, vec, extra);
  return out;
}

TEST(EmbeddingDriftTest, CosineOfMeanVectors) {
  DriftConfig c;
  c.embedding_field = "emb";
  EvalAnalyzer a(&c, "language", 50, nullptr);
  // Cohort en: the same vectors on both sides -> cosine 1. Cohort ja: reference mean (0.5, 0.5),
  // current mean (1, 0) -> cosine 0.5 / (sqrt(0.5) * 1) = 0.70711.
  ASSERT_TRUE(a.ReadSideBuffer(false, Lines(100, "en", "[3, 4]") + Lines(100, "ja", "[1, 0]") +
                                          Lines(100, "ja", "[0, 1]"), "ref").ok());
  ASSERT_TRUE(a.ReadSideBuffer(true, Lines(100, "en", "[3, 4]") + Lines(200, "ja", "[1, 0]"), "cur").ok());
  EvalResult r = a.Analyze();
  ASSERT_EQ(r.embedding.size(), 3u);  // overall, en, ja
  EXPECT_EQ(r.dimension, 2u);
  // Overall: reference sums (300, 400) + (100, 100) = (400, 500), current (300, 400) + (200, 0) =
  // (500, 400); dot = 400000, |a|^2 = |b|^2 = 410000 -> 0.97561, above 0.95.
  EXPECT_NEAR(r.embedding[0].cosine, 400000.0 / 410000.0, 1e-12);
  EXPECT_FALSE(r.embedding[0].drift);
  EXPECT_EQ(r.embedding[1].cohort, "en");
  EXPECT_NEAR(r.embedding[1].cosine, 1.0, 1e-12);
  EXPECT_EQ(r.embedding[2].cohort, "ja");
  EXPECT_NEAR(r.embedding[2].cosine, 0.5 / std::sqrt(0.5), 1e-12);
  EXPECT_TRUE(r.embedding[2].drift);
  EXPECT_EQ(r.embedding[2].reference_n, 200u);
  EXPECT_TRUE(r.any_embedding_drift);
}

TEST(EmbeddingDriftTest, TooFewVectorsIsNotApplicable) {
  DriftConfig c;
  c.embedding_field = "emb";
  EvalAnalyzer a(&c, "", 50, nullptr);
  ASSERT_TRUE(a.ReadSideBuffer(false, Lines(99, "en", "[1, 0]"), "ref").ok());
  ASSERT_TRUE(a.ReadSideBuffer(true, Lines(100, "en", "[0, 1]"), "cur").ok());
  EvalResult r = a.Analyze();
  ASSERT_EQ(r.embedding.size(), 1u);
  EXPECT_TRUE(r.embedding[0].skipped);
  EXPECT_FALSE(r.any_embedding_drift);
}

TEST(EmbeddingDriftTest, BadVectorsNameFileAndLine) {
  DriftConfig c;
  c.embedding_field = "emb";
  EvalAnalyzer a(&c, "", 50, nullptr);
  Status s = a.ReadSideBuffer(false, Lines(2, "en", "[1, 0]") + Lines(1, "en", "[1, 0, 0]"), "ref.jsonl");
  EXPECT_EQ(s.message(), "ref.jsonl:3: field \"emb\": 3 elements, expected 2 (as at ref.jsonl:1)");
  s = a.ReadSideBuffer(false, "\n" + Lines(1, "en", "[1, \"x\"]"), "b.jsonl");
  EXPECT_EQ(s.message(), "b.jsonl:2: field \"emb\": element 1 is not a number");
  s = a.ReadSideBuffer(false, Lines(1, "en", "\"1,2\""), "c.jsonl");
  EXPECT_EQ(s.message(), "c.jsonl:1: field \"emb\": expected an array of numbers");
  // A line that is not JSON is left to the event reader's report, not an error here.
  EXPECT_TRUE(a.ReadSideBuffer(false, "{not json\n" + Lines(1, "en", "[1, 0]"), "d.jsonl").ok());
}

const char* kGolden = R"({"id": "q1", "expected": "Paris"}
{"id": "q2", "expected": "4"}

{"id": 3, "expected": "Blue  Whale"}
)";

TEST(HallucinationTest, GoldenSetParsesAndRejects) {
  GoldenSet g;
  ASSERT_TRUE(ParseGoldenSet(kGolden, "golden.jsonl", &g).ok());
  EXPECT_EQ(g.expected.size(), 3u);
  EXPECT_EQ(g.expected.at("3"), "blue whale");
  GoldenSet d;
  EXPECT_EQ(ParseGoldenSet("{\"id\": \"a\", \"expected\": \"x\"}\n{\"id\": \"a\", \"expected\": \"y\"}\n", "g", &d)
                .message(),
            "g:2: duplicate id \"a\" (first on line 1)");
  GoldenSet e;
  EXPECT_EQ(ParseGoldenSet("{\"id\": \"a\"}\n", "g", &e).message(),
            "g:1: \"expected\": expected a string (the golden answer or label)");
  GoldenSet f;
  EXPECT_EQ(ParseGoldenSet("{\"id\": \"a\", \"expected\": \"x\"}\nnot json\n", "g", &f).message().rfind("g:2: not a valid JSON object", 0), 0u);
  EXPECT_EQ(NormalizeAnswer("  The  Blue\tWhale \n"), "the blue whale");
}

TEST(HallucinationTest, RatesPerCohortAgainstTarget) {
  GoldenSet g;
  ASSERT_TRUE(ParseGoldenSet(kGolden, "golden.jsonl", &g).ok());
  DriftConfig c;
  c.golden = "golden.jsonl";
  EvalAnalyzer a(&c, "language", 50, &g);
  std::string cur;
  // en: 200 evaluations, answers compared with the golden set, 2 wrong -> 1% (target 2%: met).
  for (int i = 0; i < 200; ++i)
    cur += fmt::format("{{\"language\": \"en\", \"golden_id\": \"q1\", \"answer\": \"{}\"}}\n", i < 2 ? "Lyon" : " paris ");
  // ja: 100 judged evaluations (ids as numbers), 9 hallucinated -> 9%: above.
  for (int i = 0; i < 100; ++i)
    cur += fmt::format("{{\"language\": \"ja\", \"golden_id\": 3, \"hallucinated\": {}}}\n", i < 9 ? "true" : "false");
  cur += "{\"language\": \"ja\", \"ttft_ms\": 5}\n";  // not an evaluation result
  ASSERT_TRUE(a.ReadSideBuffer(true, cur, "cur").ok());
  EvalResult r = a.Analyze();
  ASSERT_EQ(r.hallucination.size(), 3u);
  EXPECT_EQ(r.hallucination[0].evaluated, 300u);
  EXPECT_EQ(r.hallucination[0].hallucinated, 11u);
  EXPECT_NEAR(r.hallucination[0].rate, 11.0 / 300, 1e-12);  // 3.67% overall: above too
  EXPECT_TRUE(r.hallucination[0].above);
  EXPECT_EQ(r.hallucination[1].cohort, "en");
  EXPECT_NEAR(r.hallucination[1].rate, 0.01, 1e-12);
  EXPECT_FALSE(r.hallucination[1].above);
  EXPECT_EQ(r.hallucination[2].cohort, "ja");
  EXPECT_NEAR(r.hallucination[2].rate, 0.09, 1e-12);
  EXPECT_TRUE(r.hallucination[2].above);
  EXPECT_TRUE(r.any_hallucination_above);
  EXPECT_EQ(r.hallucination[2].reference_evaluated, 0u);
}

TEST(HallucinationTest, EvaluationErrorsNameFileAndLine) {
  GoldenSet g;
  ASSERT_TRUE(ParseGoldenSet(kGolden, "golden.jsonl", &g).ok());
  DriftConfig c;
  c.golden = "golden.jsonl";
  EvalAnalyzer a(&c, "", 50, &g);
  Status s = a.ReadSideBuffer(true, "{\"golden_id\": \"q1\", \"answer\": \"Paris\"}\n{\"golden_id\": \"q9\", \"answer\": \"x\"}\n", "cur.jsonl");
  EXPECT_EQ(s.message(), "cur.jsonl:2: \"golden_id\": id \"q9\" is not in the golden dataset golden.jsonl");
  s = a.ReadSideBuffer(true, "{\"golden_id\": \"q1\", \"verdict\": \"ok\"}\n", "cur.jsonl");
  EXPECT_NE(s.message().find("cur.jsonl:1: an evaluation result"), std::string::npos) << s.message();
}

TEST(DriftMethodTest, NumericMethodDecidesWhatFlags) {
  Spec spec;
  ASSERT_TRUE(Load("", &spec).ok());
  auto run = [&](DriftConfig::NumericMethod method, double psi) {
    DriftOptions o;
    o.numeric = {"ttft_ms"};
    o.numeric_method = method;
    o.psi_drift = psi;
    DriftAnalyzer a(&spec, &o);
    int ttft = spec.fields.Find("ttft_ms");
    std::mt19937_64 rng(11);
    std::normal_distribution<double> n01(0, 1);
    Record r;
    for (int side = 0; side < 2; ++side)
      for (int i = 0; i < 5000; ++i) {
        r.Reset(spec.fields.size());
        r.values[static_cast<size_t>(ttft)] = Value::Number(400 + 50 * n01(rng) + (side ? 50 : 0));
        a.Push(side == 1, r);
      }
    return a.Analyze().fields.at(0);
  };
  // A one-sigma shift: KS D ~ 0.38, PSI well under 100.
  EXPECT_TRUE(run(DriftConfig::NumericMethod::kPsiOrKs, 100).drift);
  EXPECT_TRUE(run(DriftConfig::NumericMethod::kKs, 100).drift);
  EXPECT_FALSE(run(DriftConfig::NumericMethod::kPsi, 100).drift);
  EXPECT_TRUE(run(DriftConfig::NumericMethod::kPsi, 0.25).drift);
}

}  // namespace
}  // namespace slokit::decide
