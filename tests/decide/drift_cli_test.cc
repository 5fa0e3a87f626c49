// `slokit drift` end to end: the quality-drop scenario (only language "ja" degrades) shows
// quality_score drift in the ja cohort and flags ja below target while the aggregate passes;
// two steady traces with different seeds show neither. Embedding drift and the golden-set
// hallucination rate on hand-made files, set up by the spec's drift: section or by flags.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

namespace fs = std::filesystem;

class DriftCliTest : public ::testing::Test {
 protected:
  DriftCliTest() {
    dir_ = fs::temp_directory_path() / ("slokit_drift_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  ~DriftCliTest() override { fs::remove_all(dir_); }

  int Slokit(const std::string& args, std::string* out, std::string* err = nullptr) {
    std::string o = (dir_ / "stdout").string(), e = (dir_ / "stderr").string();
    int status = std::system((std::string(SLOKIT_BINARY_DIR) + "/slokit " + args + " >" + o + " 2>" + e).c_str());
    std::ifstream in(o);
    *out = std::string(std::istreambuf_iterator<char>(in), {});
    if (err) {
      std::ifstream ein(e);
      *err = std::string(std::istreambuf_iterator<char>(ein), {});
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string Write(const std::string& name, const std::string& content) {
    std::string p = (dir_ / name).string();
    std::ofstream(p) << content;
    return p;
  }
  std::string Simulate(const std::string& scenario, int seed) {
    std::string path = (dir_ / (scenario + std::to_string(seed) + ".jsonl")).string(), out;
    EXPECT_EQ(Slokit("simulate --scenario " + scenario + " --days 7 --seed " + std::to_string(seed) + " -o " + path, &out), 0);
    return path;
  }
  static std::string Spec() { return std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml"; }
  fs::path dir_;
};

TEST_F(DriftCliTest, QualityDropFlagsOnlyJa) {
  std::string ref = Simulate("steady", 3), cur = Simulate("quality-drop", 4), out;
  int code = Slokit("drift " + Spec() + " --reference " + ref + " --current " + cur + " --format json", &out);
  EXPECT_EQ(code, 1) << out;
  nlohmann::json j = nlohmann::json::parse(out);
  EXPECT_EQ(j["by"], "language");
  for (const auto& f : j["fields"]) {
    bool expect = f["field"] == "quality_score" && f["cohort"] == "ja";
    EXPECT_EQ(f["drift"], expect) << f.dump();
  }
  int flagged = 0;
  for (const auto& q : j["quality"]) {
    if (q["cohort"] == "") {
      EXPECT_EQ(q["met"], true) << q.dump();
    }
    if (q["flagged"] == true) {
      ++flagged;
      EXPECT_EQ(q["cohort"], "ja") << q.dump();
    }
  }
  EXPECT_GE(flagged, 1);
}

TEST_F(DriftCliTest, SteadyTracesDoNotDrift) {
  std::string ref = Simulate("steady", 3), cur = Simulate("steady", 4), out;
  EXPECT_EQ(Slokit("drift " + Spec() + " --reference " + ref + " --current " + cur, &out), 0) << out;
  EXPECT_NE(out.find("No drift; no cohort hidden"), std::string::npos) << out;
}

// A spec whose drift: section asks for embeddings (field "emb") and a golden dataset next to it.
const char* kEvalSpec = R"(service: s
slos:
  - name: q
    objective: 90
    window: 7d
    sli:
      quality: {field: quality_score, min: 0.5}
    cohorts: [language]
drift:
  numeric: [ttft_ms]
  categorical: [model]
  embedding: {field: emb}
  hallucination: {golden: golden.jsonl, max_rate: 2%}
)";

// 100 events per language; `ja_emb` is the ja cohort's vector, `ja_wrong` how many of its 100
// golden answers are wrong (en always answers right).
std::string Events(const std::string& ja_emb, int ja_wrong) {
  std::string out;
  for (int i = 0; i < 200; ++i) {
    bool ja = i % 2 == 1;
    bool wrong = ja && i / 2 < ja_wrong;
    out += "{\"ts\": " + std::to_string(1700000000 + i) + ", \"language\": \"" + (ja ? "ja" : "en") +
           "\", \"model\": \"m\", \"ttft_ms\": " + std::to_string(100 + i % 7) + ", \"quality_score\": 0.9" +
           ", \"emb\": " + (ja ? ja_emb : "[0.6, 0.8, 0]") + ", \"golden_id\": \"g" + std::to_string(i % 3) +
           "\", \"answer\": \"" + (wrong ? "nope" : "Answer " + std::to_string(i % 3)) + "\"}\n";
  }
  return out;
}

TEST_F(DriftCliTest, EmbeddingDriftAndHallucinationFromTheSpec) {
  std::string spec = Write("spec.yaml", kEvalSpec);
  Write("golden.jsonl", "{\"id\": \"g0\", \"expected\": \"answer 0\"}\n{\"id\": \"g1\", \"expected\": \"ANSWER 1\"}\n"
                        "{\"id\": \"g2\", \"expected\": \"answer  2\"}\n");
  std::string ref = Write("ref.jsonl", Events("[0.6, 0.8, 0]", 0));
  // ja: mean vector (0, 0.8, 0.6) -> cosine with (0.6, 0.8, 0) = 0.64 < 0.95; 5 of 100 wrong = 5% > 2%.
  std::string cur = Write("cur.jsonl", Events("[0, 0.8, 0.6]", 5)), out;
  EXPECT_EQ(Slokit("drift " + spec + " --reference " + ref + " --current " + cur + " --format json", &out), 1);
  nlohmann::json j = nlohmann::json::parse(out);
  EXPECT_EQ(j["embedding_drift"], true);
  EXPECT_EQ(j["hallucination_above_target"], true);
  EXPECT_EQ(j["embedding"]["dimension"], 3);
  const auto& e = j["embedding"]["cohorts"];
  ASSERT_EQ(e.size(), 3u);  // (all), en, ja
  // Overall: ref mean (0.6, 0.8, 0), cur mean (0.3, 0.8, 0.3): dot 0.82 / |cur| sqrt(0.82) = 0.9055.
  EXPECT_NEAR(e[0]["cosine"].get<double>(), 0.82 / std::sqrt(0.82), 1e-9);
  EXPECT_EQ(e[0]["drift"], true);
  EXPECT_NEAR(e[1]["cosine"].get<double>(), 1.0, 1e-9);
  EXPECT_EQ(e[1]["drift"], false);
  EXPECT_NEAR(e[2]["cosine"].get<double>(), 0.64, 1e-9);
  const auto& h = j["hallucination"]["cohorts"];
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0]["evaluated"], 200);
  EXPECT_EQ(h[0]["hallucinated"], 5);
  EXPECT_EQ(h[0]["above"], true);  // 2.5% > 2%
  EXPECT_EQ(h[1]["hallucinated"], 0);
  EXPECT_EQ(h[2]["cohort"], "ja");
  EXPECT_NEAR(h[2]["rate"].get<double>(), 0.05, 1e-12);
  EXPECT_EQ(h[2]["reference_rate"], 0.0);
  // Flags override the spec: a 10% target and a 0.6 cosine floor pass the same files.
  EXPECT_EQ(Slokit("drift " + spec + " --reference " + ref + " --current " + cur +
                       " --min-cosine 0.6 --max-hallucination 10",
                   &out),
            0)
      << out;
  EXPECT_NE(out.find("HALLUCINATION"), std::string::npos) << out;
}

TEST_F(DriftCliTest, SameEmbeddingsAndAnswersPass) {
  std::string spec = Write("spec.yaml", kEvalSpec);
  Write("golden.jsonl", "{\"id\": \"g0\", \"expected\": \"answer 0\"}\n{\"id\": \"g1\", \"expected\": \"answer 1\"}\n"
                        "{\"id\": \"g2\", \"expected\": \"answer 2\"}\n");
  std::string ref = Write("ref.jsonl", Events("[0.6, 0.8, 0]", 0)), out;
  EXPECT_EQ(Slokit("drift " + spec + " --reference " + ref + " --current " + ref, &out), 0) << out;
  EXPECT_NE(out.find("No drift; no cohort hidden"), std::string::npos) << out;
}

TEST_F(DriftCliTest, UnknownGoldenIdNamesFileAndLine) {
  std::string spec = Write("spec.yaml", kEvalSpec);
  Write("golden.jsonl", "{\"id\": \"g0\", \"expected\": \"answer 0\"}\n");
  std::string ref = Write("ref.jsonl", Events("[0.6, 0.8, 0]", 0)), out, err;
  EXPECT_EQ(Slokit("drift " + spec + " --reference " + ref + " --current " + ref, &out, &err), 2);
  EXPECT_NE(err.find("ref.jsonl:2: \"golden_id\": id \"g1\" is not in the golden dataset"), std::string::npos) << err;
}

}  // namespace
