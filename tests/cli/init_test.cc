// `slokit catalog` and `slokit init` end to end. For every sector with LLM inference in its name and
// every preset, `slokit init` writes a spec that `slokit validate` accepts without warnings; built
// with SLOKIT_INIT_PROMTOOL (ctest label "integration"), `slokit rules` compiles each one and
// `promtool check rules` accepts the result.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/slokit_runner.h"

namespace {

using slokit::testing::Result;

namespace fs = std::filesystem;

class InitTest : public slokit::testing::SlokitTest {
 protected:

  // (sector id, preset) for every LLM inference sector and every preset, from the catalog itself.
  std::vector<std::pair<std::string, std::string>> Combinations() {
    Result r = Slokit("catalog --format json");
    EXPECT_EQ(r.code, 0) << r.err;
    nlohmann::json j = nlohmann::json::parse(r.out);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& s : j["sectors"]) {
      if (!s["llm_inference"].get<bool>()) continue;
      for (const auto& p : j["presets"]) out.emplace_back(s["id"], p["name"]);
    }
    return out;
  }

};

#ifndef SLOKIT_INIT_PROMTOOL

TEST_F(InitTest, CatalogListsEverySectorAndEveryKpiOfTheSeedTable) {
  Result r = Slokit("catalog");
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream table(std::string(SLOKIT_SOURCE_DIR) + "/tests/spec/data/seed000_table.md");
  std::string line;
  int rows = 0;
  bool body = false;
  while (std::getline(table, line)) {
    if (line.rfind("---|", 0) == 0) {
      body = true;
      continue;
    }
    if (!body || line.find('|') == std::string::npos) continue;
    ++rows;
    std::string sector = line.substr(0, line.find(" | "));
    EXPECT_NE(r.out.find(sector), std::string::npos) << sector;
    std::string kpis = line.substr(line.find(" | ") + 3);
    kpis = kpis.substr(0, kpis.find(" | "));
    std::string style = line.substr(line.rfind(" | ") + 3);
    EXPECT_NE(r.out.find("alert style: " + style + "\n"), std::string::npos) << style;
    std::stringstream ks(kpis);
    std::string kpi;
    while (std::getline(ks, kpi, ',')) {
      kpi.erase(0, kpi.find_first_not_of(' '));
      // Listed with its expansion: "TTFT (Time to first token)".
      EXPECT_NE(r.out.find(kpi + " ("), std::string::npos) << kpi;
    }
  }
  EXPECT_EQ(rows, 17);
  EXPECT_NE(r.out.find("17 sectors, 68 KPIs"), std::string::npos);
  EXPECT_NE(r.out.find("slo_policy         page: burn rate > 14.4 over 1h and 5m, or > 6 over 6h and 30m"),
            std::string::npos);
  EXPECT_EQ(r.err, "");
}

TEST_F(InitTest, CatalogShowsOneSectorOneKpiAndOnePreset) {
  Result r = Slokit("catalog llm-inference-gpu");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("TTFT         Time to first token"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("99% of events <= 2.5s over 7d"), std::string::npos);
  EXPECT_NE(r.out.find("source: seed 001"), std::string::npos);
  EXPECT_NE(r.out.find("vllm:       histogram vllm:time_to_first_token_seconds (s)"), std::string::npos);
  EXPECT_NE(r.out.find("tgi:        - preset tgi cannot provide TTFT"), std::string::npos);
  r = Slokit("catalog tpot --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["kpis"].size(), 1u);
  EXPECT_EQ(j["kpis"][0]["abbr"], "ITL/TPOT");
  EXPECT_EQ(j["kpis"][0]["unit"], "s");
  EXPECT_EQ(j["kpis"][0]["bad"], "higher");
  EXPECT_EQ(j["kpis"][0]["presets"]["vllm"]["histogram"], "vllm:inter_token_latency_seconds");
  r = Slokit("catalog --preset llamacpp");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("QTS        counter llamacpp:tokens_predicted_total"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Not provided: TTFT, ITL/TPOT, E2E"), std::string::npos) << r.out;
  r = Slokit("catalog nope");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("slokit catalog: 'nope' is neither a sector nor a KPI", 0), 0u) << r.err;
  r = Slokit("catalog --preset nope");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown preset 'nope' (expected one of: llamacpp, otel-genai, slokit, tgi, vllm)"),
            std::string::npos);
  EXPECT_EQ(Slokit("catalog --help").code, 0);
  EXPECT_EQ(Slokit("catalog --format xml").code, 2);
}

TEST_F(InitTest, CatalogDirectoryOverridesTheBuiltInOne) {
  fs::copy(std::string(SLOKIT_SOURCE_DIR) + "/catalog", dir_ / "cat", fs::copy_options::recursive);
  std::string path = (dir_ / "cat" / "sectors.yaml").string();
  std::string text = Slurp(path);
  size_t at = text.find("name: Time to first token");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("name: Time to first token").size(), "name: Time to the very first token");
  std::ofstream(path) << text;
  Result r = Slokit("catalog TTFT --catalog cat");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Time to the very first token"), std::string::npos);
  // SLOKIT_CATALOG does the same for every command.
  r = Run("SLOKIT_CATALOG=cat " + Binary() + " catalog TTFT");
  EXPECT_NE(r.out.find("Time to the very first token"), std::string::npos) << r.err;
  // A broken catalog is an error naming the file and line.
  std::ofstream(path) << "styles: [\n";
  r = Slokit("catalog --catalog cat");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("sectors.yaml:"), std::string::npos) << r.err;
}

TEST_F(InitTest, EveryLlmInferenceSectorAndPresetGivesAValidSpec) {
  auto combos = Combinations();
  ASSERT_EQ(combos.size(), 6u * 5u);
  for (const auto& [sector, preset] : combos) {
    SCOPED_TRACE(sector + " " + preset);
    std::string file = sector + "-" + preset + ".yaml";
    Result r = Slokit("init --sector " + sector + " --preset " + preset + " --service chat -o " + file);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "") << "no warnings";
    EXPECT_NE(r.out.find("wrote " + file + ": "), std::string::npos) << r.out;
    r = Slokit("validate " + file);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("0 warnings"), std::string::npos) << r.out << r.err;
    std::string spec = Slurp((dir_ / file).string());
    EXPECT_NE(spec.find("sector: " + sector + "\npreset: " + preset + "\n"), std::string::npos);
  }
}

TEST_F(InitTest, InitWritesTheCatalogsDefaultsWithThePresetsSeries) {
  Result r = Slokit("init --sector llm-inference-gpu --preset vllm --service chat");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string& y = r.out;
  EXPECT_NE(y.find("service: \"chat\"\nsector: llm-inference-gpu\npreset: vllm\n"), std::string::npos) << y;
  EXPECT_NE(y.find("latency: {kpi: \"TTFT\", threshold: 2.5s}"), std::string::npos);
  EXPECT_NE(y.find("latency: {kpi: \"ITL/TPOT\", threshold: 100ms}"), std::string::npos);
  EXPECT_NE(y.find("throughput: {kpi: \"QTS\", min: 100}"), std::string::npos);
  EXPECT_NE(y.find("# vllm: histogram vllm:time_to_first_token_seconds (s)"), std::string::npos);
  EXPECT_NE(y.find("- {long: 1h, short: 5m, burn_rate: 14.4}"), std::string::npos);
  // TGI: no TTFT histogram (commented out, with the reason), and thresholds moved to its buckets.
  r = Slokit("init --sector llm-inference-gpu --preset tgi --service chat");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("#     latency: {kpi: \"TTFT\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("preset tgi cannot provide TTFT"), std::string::npos);
  EXPECT_NE(r.out.find("latency: {kpi: \"ITL/TPOT\", threshold: 0.09852612533569335s}"), std::string::npos);
  // llama.cpp measures only throughput; the network sector none of its KPIs: an anchor SLO.
  r = Slokit("init --sector llm-inference-network --preset llamacpp --service chat");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("throughput: {kpi: \"llm-inference-gpu/QTS\", min: 100}"), std::string::npos) << r.out;
}

TEST_F(InitTest, InitRefusesToOverwriteAndRejectsBadInput) {
  ASSERT_EQ(Slokit("init --sector llm-inference-api --preset slokit --service api -o slos.yaml").code, 0);
  std::string first = Slurp((dir_ / "slos.yaml").string());
  Result r = Slokit("init --sector llm-inference-gpu --preset slokit --service api -o slos.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "slokit init: slos.yaml exists; pass --force to overwrite it\n");
  EXPECT_EQ(Slurp((dir_ / "slos.yaml").string()), first);
  r = Slokit("init --sector llm-inference-gpu --preset slokit --service api -o slos.yaml --force");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(Slurp((dir_ / "slos.yaml").string()), first);

  r = Slokit("init --sector nope --preset vllm --service x");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("slokit init: unknown sector 'nope' (expected one of: llm-inference-gpu,", 0), 0u) << r.err;
  r = Slokit("init --sector llm-inference-gpu --preset nope --service x");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown preset 'nope'"), std::string::npos);
  r = Slokit("init --sector hft-cdn --preset vllm --service x");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("serve the LLM inference sectors"), std::string::npos) << r.err;
  r = Slokit("init --sector llm-inference-gpu --preset vllm --service 'a b'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--service 'a b'"), std::string::npos);
  EXPECT_EQ(Slokit("init --sector llm-inference-gpu --preset vllm").code, 2);  // --service is required
  EXPECT_EQ(Slokit("init --help").code, 0);
}

#else  // SLOKIT_INIT_PROMTOOL

TEST_F(InitTest, EveryInitSpecCompilesToRulesPromtoolAccepts) {
  if (Run("promtool --version").code != 0) GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  if (Slokit("rules --help").code != 0) GTEST_SKIP() << "this slokit has no rules command";
  auto combos = Combinations();
  ASSERT_EQ(combos.size(), 6u * 5u);
  for (const auto& [sector, preset] : combos) {
    SCOPED_TRACE(sector + " " + preset);
    std::string file = sector + "-" + preset;
    Result r = Slokit("init --sector " + sector + " --preset " + preset + " --service chat -o " + file + ".yaml");
    ASSERT_EQ(r.code, 0) << r.err;
    r = Slokit("rules " + file + ".yaml -o " + file + ".rules.yaml");
    ASSERT_EQ(r.code, 0) << r.err;
    r = Run("promtool check rules " + file + ".rules.yaml");
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("SUCCESS"), std::string::npos) << r.out;
  }
}

#endif

}  // namespace
