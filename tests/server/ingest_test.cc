#include "server/ingest.h"

#include <gtest/gtest.h>

#include "spec/loader.h"

namespace slokit::server {
namespace {

Spec Load(const std::string& yaml) {
  Spec spec;
  std::vector<Diagnostic> warnings;
  Status s = LoadSpecString(yaml, "test.yaml", &spec, &warnings);
  EXPECT_TRUE(s.ok()) << s.message();
  return spec;
}

const char* kSpec =
    "service: s\nowners: {infra: sre, quality: ml}\nslos:\n"
    "  - name: avail\n    objective: 99\n    sli: {ratio: {good: ok}}\n    cohorts: {by: [model], max: 2}\n";

std::string Line(int minute, const std::string& model, bool ok) {
  return "{\"ts\": " + std::to_string(1790812800 + minute * 60) + ", \"model\": \"" + model +
         "\", \"ok\": " + (ok ? "true" : "false") + "}\n";
}

TEST(Ingest, ABadLineRefusesTheBatchAndNamesTheLine) {
  Spec spec = Load(kSpec);
  Evaluator batch(spec);
  ParsedBatch p = ParseJsonLinesBatch(Line(0, "a", true) + "{\"ts\": 1790812800, \"ok\": \n" + Line(1, "a", true), spec, {}, &batch);
  EXPECT_NE(p.error.find("line 2"), std::string::npos) << p.error;
  EXPECT_NE(p.error.find("refused"), std::string::npos) << p.error;
}

TEST(Ingest, HugeLinesAndTooManyEventsAreRefused) {
  Spec spec = Load(kSpec);
  IngestLimits limits;
  limits.max_line_bytes = 100;
  limits.max_events = 2;
  Evaluator b1(spec);
  std::string huge = "{\"ts\": 1790812800, \"pad\": \"" + std::string(200, 'x') + "\"}\n";
  EXPECT_NE(ParseJsonLinesBatch(Line(0, "a", true) + huge, spec, limits, &b1).error.find("line 2: longer than 100 bytes"),
            std::string::npos);
  Evaluator b2(spec);
  EXPECT_NE(ParseJsonLinesBatch(Line(0, "a", true) + Line(0, "a", true) + Line(0, "a", true), spec, limits, &b2)
                .error.find("limit is 2"),
            std::string::npos);
}

TEST(Ingest, NewCohortsTakeTheRoomLeftAndTheRestGoToOther) {
  Spec spec = Load(kSpec);
  Evaluator live(spec);
  Evaluator first(spec);
  ASSERT_TRUE(ParseJsonLinesBatch(Line(0, "a", true), spec, {}, &first).error.empty());
  std::vector<uint64_t> overflow;
  ApplyDeltas(ResolveDeltas(first, live, &overflow), overflow, &live);
  // Room for one more cohort: "d" (first to arrive) takes it; "c" and "b" fold into "other",
  // and "a" keeps its cohort although two new ones arrived before it.
  Evaluator second(spec);
  DeclareLiveCohorts(live, &second);
  ASSERT_TRUE(ParseJsonLinesBatch(Line(1, "d", false) + Line(1, "c", true) + Line(1, "b", true) + Line(1, "a", false),
                                  spec, {}, &second)
                  .error.empty());
  std::vector<SlotDelta> deltas = ResolveDeltas(second, live, &overflow);
  ApplyDeltas(deltas, overflow, &live);
  ASSERT_EQ(live.cohort_count(0), 4u);
  EXPECT_TRUE(live.has_cohort(0, "a"));
  EXPECT_TRUE(live.has_cohort(0, "d"));
  EXPECT_TRUE(live.has_cohort(0, "other"));
  EXPECT_FALSE(live.has_cohort(0, "b"));
  EXPECT_FALSE(live.has_cohort(0, "c"));
  EXPECT_EQ(live.Status(0, 1, 1790812800 * kSecond + kHour).units.valid, 2u);  // a
  EXPECT_EQ(live.overflow_events(0), 2u);
  TimeNs at = 1790812800 * kSecond + kHour;
  EXPECT_EQ(live.Status(0, 0, at).units.valid, 5u);
  EXPECT_EQ(live.Status(0, 0, at).units.good, 3u);
}

}  // namespace
}  // namespace slokit::server
