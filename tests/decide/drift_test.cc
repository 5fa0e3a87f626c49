// Drift analysis on synthetic records: a shifted numeric field and a changed category mix are
// flagged, equal data is not, and a cohort below its quality target is flagged only while the
// aggregate passes.
#include "decide/drift.h"

#include <gtest/gtest.h>

#include <random>

#include "spec/loader.h"

namespace slokit::decide {
namespace {

const char* kSpec = R"(
service: s
slos:
  - name: q
    objective: 90
    window: 7d
    sli:
      quality: {field: quality_score, min: 0.5}
    cohorts: [language]
)";

TEST(DriftTest, FlagsShiftsAndHiddenCohorts) {
  Spec spec;
  Status s = LoadSpecString(kSpec, "s.yaml", &spec, nullptr);
  ASSERT_TRUE(s.ok()) << s.message();
  DriftOptions o;
  o.numeric = {"ttft_ms", "quality_score"};
  o.categorical = {"model"};
  o.by = "language";
  DriftAnalyzer a(&spec, &o);
  int ttft = spec.fields.Find("ttft_ms"), q = spec.fields.Find("quality_score"), model = spec.fields.Find("model"),
      lang = spec.fields.Find("language");
  std::mt19937_64 rng(7);
  std::normal_distribution<double> n01(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  Record r;
  for (int side = 0; side < 2; ++side) {
    for (int i = 0; i < 20000; ++i) {
      r.Reset(spec.fields.size());
      r.time_ns = i;
      bool ja = i % 10 == 0;
      r.values[static_cast<size_t>(lang)] = Value::String(ja ? "ja" : "en");
      r.values[static_cast<size_t>(ttft)] = Value::Number(400 + 50 * n01(rng) + (side ? 100 : 0));  // shifted
      r.values[static_cast<size_t>(model)] = Value::String(u(rng) < 0.5 ? "a" : "b");                // stable mix
      double quality = 0.8 + 0.1 * n01(rng) - (side && ja ? 0.4 : 0);  // only ja drops
      r.values[static_cast<size_t>(q)] = Value::Number(quality);
      a.Push(side == 1, r);
    }
  }
  DriftResult d = a.Analyze();
  auto find = [&](const std::string& field, const std::string& cohort) {
    for (const FieldDrift& f : d.fields)
      if (f.field == field && f.cohort == cohort) return f;
    ADD_FAILURE() << field << " " << cohort;
    return FieldDrift{};
  };
  EXPECT_TRUE(find("ttft_ms", "").drift);
  EXPECT_GT(find("ttft_ms", "").psi, 0.25);
  EXPECT_NEAR(find("ttft_ms", "").wasserstein, 100, 5);
  EXPECT_FALSE(find("model", "").drift);
  EXPECT_TRUE(find("quality_score", "ja").drift);
  EXPECT_FALSE(find("quality_score", "en").drift);
  EXPECT_TRUE(d.any_drift);
  ASSERT_EQ(d.quality.size(), 3u);  // aggregate, en, ja
  EXPECT_TRUE(d.quality[0].met);
  EXPECT_EQ(d.quality[2].cohort, "ja");
  EXPECT_FALSE(d.quality[2].met);
  EXPECT_TRUE(d.quality[2].flagged);
  EXPECT_FALSE(d.quality[1].flagged);
  EXPECT_TRUE(d.any_flagged);
}

}  // namespace
}  // namespace slokit::decide
