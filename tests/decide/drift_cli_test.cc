// `slokit drift` end to end: the quality-drop scenario (only language "ja" degrades) shows
// quality_score drift in the ja cohort and flags ja below target while the aggregate passes;
// two steady traces with different seeds show neither.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

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

  int Slokit(const std::string& args, std::string* out) {
    std::string o = (dir_ / "stdout").string();
    int status = std::system((std::string(SLOKIT_BINARY_DIR) + "/slokit " + args + " >" + o + " 2>/dev/null").c_str());
    std::ifstream in(o);
    *out = std::string(std::istreambuf_iterator<char>(in), {});
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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

}  // namespace
