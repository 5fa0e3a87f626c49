// Tests of the trace simulator: determinism, output formats, the baseline traffic model and
// that every scenario changes the trace inside its own window and nowhere else.
#include "sim/simulator.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace slokit::sim {
namespace {

TimeNs T(const char* text) { return ParseRfc3339(text).value(); }

SimulateOptions Options(Scenario scenario, double days, double rate, uint64_t seed = 1) {
  SimulateOptions o;
  o.scenario = scenario;
  o.days = days;
  o.rate = rate;
  o.seed = seed;
  return o;
}

std::string TempPath(const std::string& name) {
  return testing::TempDir() + "/slokit_sim_" + std::to_string(getpid()) + "_" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string Generate(const SimulateOptions& o) {
  const std::string path = TempPath("gen.out");
  uint64_t n = 0;
  Status s = WriteTrace(o, path, &n);
  EXPECT_TRUE(s.ok()) << s.message();
  std::string text = ReadFile(path);
  std::remove(path.c_str());
  return text;
}

// Runs `fn` over every event of the trace.
void ForEach(const SimulateOptions& o, const std::function<void(const Event&)>& fn) {
  Simulator sim(o);
  Event e;
  while (sim.Next(&e)) fn(e);
}

bool In(TimeNs t, const Window& w) { return t >= w.begin && t < w.end; }

const Window* Find(const std::vector<Window>& windows, std::string_view name) {
  for (const Window& w : windows) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

TEST(SimScenario, ParseNameDescribe) {
  EXPECT_EQ(AllScenarios().size(), 6u);
  for (Scenario s : AllScenarios()) {
    EXPECT_EQ(ParseScenario(ScenarioName(s)), s);
    EXPECT_GT(DescribeScenario(s).size(), 20u);
  }
  EXPECT_EQ(ParseScenario("latency-regression"), Scenario::kLatencyRegression);
  EXPECT_FALSE(ParseScenario("Steady").has_value());
  EXPECT_FALSE(ParseScenario("").has_value());
}

TEST(SimOptions, Validate) {
  EXPECT_TRUE(ValidateOptions(SimulateOptions()).ok());
  EXPECT_EQ(SimulateOptions().start, T("2026-10-01T00:00:00Z"));
  EXPECT_FALSE(ValidateOptions(Options(Scenario::kSteady, 0, 1)).ok());
  EXPECT_FALSE(ValidateOptions(Options(Scenario::kSteady, -1, 1)).ok());
  EXPECT_FALSE(ValidateOptions(Options(Scenario::kSteady, NAN, 1)).ok());
  EXPECT_FALSE(ValidateOptions(Options(Scenario::kSteady, 1, 0)).ok());
  EXPECT_FALSE(ValidateOptions(Options(Scenario::kSteady, 1, 1e9)).ok());
  SimulateOptions o;
  o.start = -kDay;
  EXPECT_FALSE(ValidateOptions(o).ok());
  uint64_t n = 0;
  EXPECT_FALSE(WriteTrace(Options(Scenario::kSteady, 0, 1), TempPath("x"), &n).ok());
}

TEST(SimTimeline, WindowsScaleWithTraceLength) {
  auto windows = Timeline(Options(Scenario::kIncident, 30, 0.1));
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[0].name, "maintenance");
  EXPECT_EQ(windows[0].begin, T("2026-10-10T02:00:00Z"));
  EXPECT_EQ(windows[0].end, T("2026-10-10T02:30:00Z"));
  EXPECT_EQ(windows[1].name, "incident-burst");
  EXPECT_EQ(windows[1].begin, T("2026-10-21T14:00:00Z"));
  EXPECT_EQ(windows[1].end, T("2026-10-21T14:45:00Z"));
  EXPECT_EQ(windows[2].name, "incident-recovery");
  EXPECT_EQ(windows[2].begin, T("2026-10-21T14:45:00Z"));
  EXPECT_EQ(windows[2].end, T("2026-10-21T16:45:00Z"));

  windows = Timeline(Options(Scenario::kIncident, 7, 0.1));
  EXPECT_EQ(Find(windows, "maintenance")->begin, T("2026-10-03T02:00:00Z"));
  EXPECT_EQ(Find(windows, "incident-burst")->begin, T("2026-10-05T14:00:00Z"));
  // Too short for 14:00 on the day 2/3 in (08:00): exactly 2/3 into the trace instead.
  EXPECT_EQ(Find(Timeline(Options(Scenario::kIncident, 0.5, 1)), "incident-burst")->begin,
            T("2026-10-01T08:00:00Z"));
  const TimeNs end7 = T("2026-10-08T00:00:00Z");
  EXPECT_EQ(
      Find(Timeline(Options(Scenario::kLatencyRegression, 7, 1)), "latency-regression")->begin,
      T("2026-10-05T04:48:00Z"));
  EXPECT_EQ(Find(Timeline(Options(Scenario::kSlowBurn, 7, 1)), "slow-burn")->begin,
            T("2026-10-04T12:00:00Z"));
  EXPECT_EQ(Find(Timeline(Options(Scenario::kQualityDrop, 7, 1)), "quality-drop")->end, end7);
  EXPECT_EQ(Find(Timeline(Options(Scenario::kCanary, 7, 1)), "canary")->begin,
            T("2026-10-05T21:36:00Z"));
  EXPECT_EQ(Timeline(Options(Scenario::kSteady, 7, 1)).size(), 1u);
  // A trace too short to reach 02:00 has no maintenance window.
  EXPECT_TRUE(Timeline(Options(Scenario::kSteady, 1.0 / 24, 1)).empty());
}

TEST(SimFormatter, ExactJsonAndCsv) {
  Event e;
  e.ts = T("2026-10-01T13:04:05.006Z");
  e.request_id = 0x00ab00cd00ef0012ULL;
  e.model = "llama-3-8b";
  e.deployment = "stable";
  e.region = "us-east";
  e.language = "en";
  e.tier = "free";
  e.endpoint = "/v1/chat/completions";
  e.prompt_tokens = 600;
  e.completion_tokens = 200;
  e.queue_ms = 12;
  e.ttft_ms = 250.5;
  e.itl_ms = 0.1;
  e.e2e_ms = 270.5;
  e.cache_hit = true;
  e.has_quality = true;
  e.quality_score = 0.9;
  EventFormatter json(SimulateOptions::Format::kJsonLines);
  EXPECT_EQ(json.Header(), "");
  EXPECT_EQ(json.Format(e),
            R"({"ts":"2026-10-01T13:04:05.006Z","request_id":"req-00ab00cd00ef0012",)"
            R"("model":"llama-3-8b","deployment":"stable","region":"us-east","language":"en",)"
            R"("tier":"free","endpoint":"/v1/chat/completions","status":200,"prompt_tokens":600,)"
            R"("completion_tokens":200,"queue_ms":12,"ttft_ms":250.5,"itl_ms":0.1,"e2e_ms":270.5,)"
            R"("cache_hit":true,"quality_score":0.9,"hallucination":false})"
            "\n");
  e.status = 503;
  e.error_type = "timeout";
  e.has_quality = false;
  e.maintenance = true;
  e.completion_tokens = 0;
  e.itl_ms = 0;
  EventFormatter csv(SimulateOptions::Format::kCsv);
  EXPECT_EQ(csv.Header(),
            "ts,request_id,model,deployment,region,language,tier,endpoint,status,error_type,"
            "prompt_tokens,completion_tokens,queue_ms,ttft_ms,itl_ms,e2e_ms,cache_hit,"
            "quality_score,hallucination,maintenance\n");
  EXPECT_EQ(csv.Format(e),
            "2026-10-01T13:04:05.006Z,req-00ab00cd00ef0012,llama-3-8b,stable,us-east,en,free,"
            "/v1/chat/completions,503,timeout,600,0,12,250.5,0,270.5,true,,,true\n");
  const std::string line = json.Format(e);
  EXPECT_NE(line.find(R"("status":503,"error_type":"timeout","prompt_tokens")"), std::string::npos);
  EXPECT_NE(line.find(R"("cache_hit":true,"maintenance":true})"), std::string::npos);
  EXPECT_EQ(line.find("quality_score"), std::string::npos);
}

TEST(SimFormatter, TimestampsRoundTrip) {
  EventFormatter f(SimulateOptions::Format::kCsv);
  Event e;
  for (const char* text :
       {"1970-01-01T00:00:00.000Z", "2026-12-31T23:59:59.999Z", "2027-01-01T00:00:00.001Z",
        "2028-02-29T12:00:00.500Z", "2100-03-01T00:00:00.000Z", "2026-10-01T09:08:07.060Z"}) {
    e.ts = T(text);
    EXPECT_EQ(f.Format(e).substr(0, 24), text);
  }
  // Many days in sequence exercise the per-day date cache.
  for (TimeNs t = T("2026-01-01T00:00:00Z"); t < T("2029-01-01T00:00:00Z"); t += kDay + 7919) {
    e.ts = t / kMillisecond * kMillisecond;
    ASSERT_EQ(ParseRfc3339(f.Format(e).substr(0, 24)), e.ts);
  }
}

TEST(Simulator, SameSeedSameBytesOtherSeedOtherBytes) {
  const SimulateOptions o = Options(Scenario::kIncident, 2, 0.2, 7);
  const std::string a = Generate(o);
  EXPECT_GT(a.size(), 10000u);
  EXPECT_EQ(a, Generate(o));
  SimulateOptions other = o;
  other.seed = 8;
  EXPECT_NE(a, Generate(other));
  // Events (not only bytes) are reproducible, and request ids are unique.
  std::vector<uint64_t> ids;
  ForEach(o, [&](const Event& e) { ids.push_back(e.request_id); });
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
}

uint64_t Fnv1a(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// Traces are bit-identical on every platform and build; these digests pin the exact bytes.
// A deliberate change to the traffic model must update them (and say so in the change log).
TEST(Simulator, GoldenDigests) {
  SimulateOptions o = Options(Scenario::kIncident, 2, 0.2, 7);
  const std::string json = Generate(o);
  EXPECT_EQ(Fnv1a(json), 0x5b82d17d80c4dd31ULL) << json.size();
  o = Options(Scenario::kQualityDrop, 3, 0.1, 3);
  o.format = SimulateOptions::Format::kCsv;
  o.start = T("2027-02-27T05:06:07.089Z");
  const std::string csv = Generate(o);
  EXPECT_EQ(Fnv1a(csv), 0xb21d43f1e76cd093ULL) << csv.size();
}

TEST(Simulator, TimeOrderedWithinTrace) {
  SimulateOptions o = Options(Scenario::kCanary, 3, 2);
  o.start = T("2026-10-01T13:37:12.345Z");  // not at midnight
  const TimeNs end = o.start + 3 * kDay;
  TimeNs last = o.start;
  uint64_t n = 0;
  Simulator sim(o);
  Event e;
  while (sim.Next(&e)) {
    ASSERT_GE(e.ts, last);
    ASSERT_LT(e.ts, end);
    ASSERT_EQ(e.ts % kMillisecond, 0);
    last = e.ts;
    ++n;
  }
  EXPECT_DOUBLE_EQ(sim.Progress(), 1.0);
  // Thu 13:37 to Sun 13:37: half of it on the weekend, so a little under the mean rate.
  EXPECT_NEAR(static_cast<double>(n), 0.96 * 2 * 3 * 86400, 0.02 * 2 * 3 * 86400);
}

// The baseline model: mix of traffic, statuses, tokens, latencies and quality sampling.
TEST(Simulator, BaselineMarginals) {
  const SimulateOptions o = Options(Scenario::kSteady, 7, 1);
  const Window maintenance = Timeline(o)[0];
  std::map<std::string_view, double> model, region, language, tier, endpoint, error;
  std::map<int, double> status;
  double n = 0, ok = 0, sampled = 0, hallucinated = 0, quality = 0, hits = 0;
  double in_maintenance = 0, maintenance_503 = 0;
  std::map<std::string_view, std::vector<double>> ttft, itl;
  std::vector<double> hit_ttft, miss_ttft, prompt, completion;
  ForEach(o, [&](const Event& e) {
    if (e.maintenance) {
      EXPECT_TRUE(In(e.ts, maintenance));
      ++in_maintenance;
      maintenance_503 += e.status == 503;
      return;
    }
    EXPECT_FALSE(In(e.ts, maintenance));
    ++n;
    ++model[e.model];
    ++region[e.region];
    ++language[e.language];
    ++tier[e.tier];
    ++endpoint[e.endpoint];
    ++status[e.status];
    if (!e.error_type.empty()) ++error[e.error_type];
    EXPECT_EQ(e.deployment, "stable");
    hits += e.cache_hit;
    if (e.status == 200) {
      ++ok;
      ttft[e.model].push_back(e.ttft_ms);
      itl[e.model].push_back(e.itl_ms);
      if (e.model == "llama-3-8b") (e.cache_hit ? hit_ttft : miss_ttft).push_back(e.ttft_ms);
      prompt.push_back(static_cast<double>(e.prompt_tokens));
      completion.push_back(static_cast<double>(e.completion_tokens));
    }
    if (e.has_quality) {
      ++sampled;
      quality += e.quality_score;
      hallucinated += e.hallucination;
    }
  });
  ASSERT_GT(n, 500000);
  auto share = [&](double count, double expected, double tolerance) {
    EXPECT_NEAR(count / n, expected, tolerance);
  };
  share(model["llama-3-8b"], 0.60, 0.005);
  share(model["llama-3-70b"], 0.30, 0.005);
  share(model["mixtral-8x7b"], 0.10, 0.005);
  share(region["us-east"], 0.45, 0.005);
  share(region["ap-south"], 0.25, 0.005);
  share(language["en"], 0.70, 0.005);
  share(language["ja"], 0.07, 0.003);
  share(language["hi"], 0.05, 0.003);
  share(tier["enterprise"], 0.10, 0.003);
  share(endpoint["/v1/completions"], 0.15, 0.003);
  share(hits, 0.35, 0.005);
  share(status[500] + status[503], 0.0005, 0.00015);
  share(status[429], 0.003, 0.0005);
  share(status[499], 0.005, 0.0006);
  share(status[401] + status[403], 0.001, 0.0003);
  share(status[400], 0.002, 0.0004);
  share(error["rate_limited"], 0.003, 0.0005);
  EXPECT_NEAR(sampled / ok, 0.20, 0.005);
  EXPECT_NEAR(quality / sampled, 0.86, 0.01);
  EXPECT_NEAR(hallucinated / sampled, 0.015, 0.003);
  EXPECT_GT(in_maintenance, 100);
  EXPECT_NEAR(maintenance_503 / in_maintenance, 0.9, 0.05);

  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  auto quantile = [](std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(q * static_cast<double>(v.size()))];
  };
  EXPECT_NEAR(median(ttft["llama-3-8b"]), 250, 25);
  EXPECT_NEAR(median(ttft["llama-3-70b"]), 600, 50);
  // A long right tail, yet p95 well under the 1.5 s of the example spec's ttft-p95 SLO.
  for (const char* model : {"llama-3-8b", "llama-3-70b"}) {
    EXPECT_GT(quantile(ttft[model], 0.99), 2.3 * median(ttft[model])) << model;
    EXPECT_GT(quantile(ttft[model], 0.999), 3.5 * median(ttft[model])) << model;
  }
  EXPECT_LT(quantile(ttft["llama-3-70b"], 0.95), 1200);
  EXPECT_NEAR(median(itl["llama-3-8b"]), 25, 2);
  EXPECT_NEAR(median(itl["llama-3-70b"]), 45, 3);
  EXPECT_LT(median(hit_ttft), 0.7 * median(miss_ttft));
  EXPECT_NEAR(median(prompt), 600, 60);
  EXPECT_NEAR(median(completion), 220, 20);
  EXPECT_LE(*std::max_element(completion.begin(), completion.end()), 4096);
}

TEST(Simulator, FieldInvariants) {
  ForEach(Options(Scenario::kIncident, 3, 1), [](const Event& e) {
    ASSERT_EQ(e.error_type.empty(), e.status < 400) << e.status;
    if (e.status >= 500) {
      ASSERT_TRUE(e.status == 500 || e.status == 503);
      ASSERT_TRUE(e.error_type == "oom" || e.error_type == "timeout" ||
                  e.error_type == "cuda_error");
    } else if (e.status == 429) {
      ASSERT_EQ(e.error_type, "rate_limited");
    } else if (e.status == 499) {
      ASSERT_EQ(e.error_type, "cancelled");
    } else if (e.status == 401 || e.status == 403) {
      ASSERT_EQ(e.error_type, "unauthorized");
    } else if (e.status == 400) {
      ASSERT_EQ(e.error_type, "invalid_request");
    } else {
      ASSERT_EQ(e.status, 200);
    }
    if (e.status >= 400 && e.status != 499) {
      ASSERT_EQ(e.completion_tokens, 0);
    }
    if (e.status == 200) {
      ASSERT_GE(e.completion_tokens, 1);
    }
    ASSERT_LE(e.completion_tokens, 4096);
    ASSERT_GE(e.prompt_tokens, 1);
    if (!e.has_quality) {
      ASSERT_FALSE(e.hallucination);
    }
    if (e.has_quality) {
      ASSERT_EQ(e.status, 200);
      ASSERT_GE(e.quality_score, 0.0);
      ASSERT_LE(e.quality_score, 1.0);
    }
    // e2e = ttft + itl x completion tokens + small non-negative noise; one decimal at most.
    const double expected = e.ttft_ms + e.itl_ms * static_cast<double>(e.completion_tokens);
    ASSERT_GE(e.e2e_ms, expected - 0.051);
    ASSERT_LE(e.e2e_ms, expected + 15);
    ASSERT_GE(e.ttft_ms, e.queue_ms);
    ASSERT_GE(e.queue_ms, 0);
    for (double v : {e.queue_ms, e.ttft_ms, e.itl_ms, e.e2e_ms}) {
      ASSERT_NEAR(v * 10, std::round(v * 10), 1e-6);
    }
  });
}

TEST(Simulator, DiurnalAndWeeklyCycle) {
  const SimulateOptions o = Options(Scenario::kSteady, 14, 1);  // Thu 1 Oct .. Wed 14 Oct
  std::vector<double> by_hour(24), by_day(14);
  double n = 0;
  ForEach(o, [&](const Event& e) {
    ++by_hour[static_cast<size_t>((e.ts - o.start) / kHour % 24)];
    ++by_day[static_cast<size_t>((e.ts - o.start) / kDay)];
    ++n;
  });
  EXPECT_NEAR(n / (14 * 86400), 1.0, 0.02);  // the mean rate is --rate
  const double mean_hour = n / 24;
  EXPECT_NEAR(by_hour[15] / mean_hour, 1.6, 0.06);  // peak at 15:00 UTC
  EXPECT_NEAR(by_hour[3] / mean_hour, 0.4, 0.03);   // trough at 03:00 UTC
  // 3-4 Oct and 10-11 Oct 2026 are weekends.
  const double weekend = by_day[2] + by_day[3] + by_day[9] + by_day[10];
  const double weekday = by_day[0] + by_day[1] + by_day[4] + by_day[5];
  EXPECT_NEAR(weekend / weekday, 0.85, 0.02);
}

TEST(Simulator, MaxEventsCap) {
  SimulateOptions o = Options(Scenario::kSteady, 1, 0.1);
  o.max_events = 1234;
  const std::string path = TempPath("cap.jsonl");
  uint64_t n = 0;
  ASSERT_TRUE(WriteTrace(o, path, &n).ok());
  EXPECT_EQ(n, 1234u);
  EXPECT_EQ(SplitLines(ReadFile(path)).size(), 1234u);
  std::remove(path.c_str());
  // The capped trace is a prefix of the full one.
  o.format = SimulateOptions::Format::kCsv;
  const std::vector<std::string> capped = SplitLines(Generate(o));
  ASSERT_EQ(capped.size(), 1235u);  // + header
  o.max_events = 0;
  const std::vector<std::string> full = SplitLines(Generate(o));
  ASSERT_GT(full.size(), capped.size());
  EXPECT_TRUE(std::equal(capped.begin(), capped.end(), full.begin()));
}

TEST(SimOutput, JsonLinesAreValidJson) {
  const std::vector<std::string> keys = {
      "ts",        "request_id",    "model",         "deployment",
      "region",    "language",      "tier",          "endpoint",
      "status",    "error_type",    "prompt_tokens", "completion_tokens",
      "queue_ms",  "ttft_ms",       "itl_ms",        "e2e_ms",
      "cache_hit", "quality_score", "hallucination", "maintenance"};
  const std::vector<std::string> lines =
      SplitLines(Generate(Options(Scenario::kIncident, 1, 0.25)));
  ASSERT_GT(lines.size(), 15000u);
  std::map<std::string, int> seen;
  for (const std::string& line : lines) {
    const auto j = nlohmann::ordered_json::parse(line);  // throws on invalid JSON
    ASSERT_TRUE(j.is_object());
    size_t k = 0;
    for (const auto& [key, value] : j.items()) {
      while (k < keys.size() && keys[k] != key) ++k;
      ASSERT_LT(k, keys.size()) << "unknown or out-of-order key " << key << " in " << line;
      ++seen[key];
    }
    ASSERT_TRUE(j["ts"].is_string());
    ASSERT_EQ(j["ts"].get<std::string>().size(), 24u);
    ASSERT_TRUE(j["status"].is_number_integer());
    ASSERT_TRUE(j["e2e_ms"].is_number());
    ASSERT_TRUE(j["cache_hit"].is_boolean());
    ASSERT_EQ(j.contains("error_type"), j["status"].get<int>() >= 400);
    ASSERT_EQ(j.contains("quality_score"), j.contains("hallucination"));
    if (j.contains("maintenance")) {
      ASSERT_EQ(j["maintenance"], true);
    }
  }
  for (const std::string& key : keys) EXPECT_GT(seen[key], 0) << key;
  EXPECT_EQ(seen["ts"], static_cast<int>(lines.size()));
}

TEST(SimOutput, CsvMatchesJson) {
  SimulateOptions o = Options(Scenario::kCanary, 1, 0.1);
  const std::vector<std::string> json = SplitLines(Generate(o));
  o.format = SimulateOptions::Format::kCsv;
  const std::vector<std::string> csv = SplitLines(Generate(o));
  ASSERT_EQ(csv.size(), json.size() + 1);
  std::vector<std::string> header;
  std::stringstream hs(csv[0]);
  for (std::string cell; std::getline(hs, cell, ',');) header.push_back(cell);
  ASSERT_EQ(header.size(), 20u);
  EXPECT_EQ(header.front(), "ts");
  EXPECT_EQ(header.back(), "maintenance");
  for (size_t i = 0; i < json.size(); ++i) {
    std::vector<std::string> cells;
    size_t pos = 0;
    while (true) {
      size_t comma = csv[i + 1].find(',', pos);
      cells.push_back(csv[i + 1].substr(pos, comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    ASSERT_EQ(cells.size(), 20u) << csv[i + 1];
    const auto j = nlohmann::json::parse(json[i]);
    for (size_t c = 0; c < header.size(); ++c) {
      std::string expected;
      if (j.contains(header[c])) {
        const auto& v = j[header[c]];
        expected = v.is_string() ? v.get<std::string>() : v.dump();
      }
      ASSERT_EQ(cells[c], expected) << header[c] << " in " << json[i];
    }
  }
}

TEST(SimOutput, GzipDecompressesToPlainTrace) {
  SimulateOptions o = Options(Scenario::kSteady, 1, 0.5);
  const std::string plain = Generate(o);
  const std::string path = TempPath("trace.jsonl.gz");
  TraceStats stats;
  ASSERT_TRUE(WriteTrace(o, path, &stats, nullptr).ok());
  EXPECT_EQ(stats.bytes, plain.size());
  EXPECT_LT(stats.file_bytes * 4, stats.bytes);  // it really is compressed
  gzFile gz = gzopen(path.c_str(), "rb");
  ASSERT_NE(gz, nullptr);
  std::string unzipped;
  char buf[1 << 16];
  int n;
  while ((n = gzread(gz, buf, sizeof buf)) > 0) unzipped.append(buf, static_cast<size_t>(n));
  gzclose(gz);
  EXPECT_EQ(unzipped, plain);
  std::remove(path.c_str());
}

TEST(SimOutput, ProgressAndErrors) {
  std::vector<double> fractions;
  TraceStats stats;
  const std::string path = TempPath("progress.jsonl");
  ASSERT_TRUE(WriteTrace(Options(Scenario::kSteady, 1, 1), path, &stats, [&](double f, uint64_t) {
                fractions.push_back(f);
              }).ok());
  std::remove(path.c_str());
  ASSERT_GT(fractions.size(), 3u);
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_EQ(fractions.back(), 1.0);
  Status s = WriteTrace(SimulateOptions(), "/nonexistent-dir/trace.jsonl", &stats, nullptr);
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_NE(s.message().find("/nonexistent-dir/trace.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace slokit::sim
