// The daemon in process, over HTTP on loopback.
#include "server/daemon.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "cli/slokit_runner.h"
#include "daemon_client.h"

namespace slokit::server {
namespace {

using slokit::testing::Bearer;

constexpr const char* kToken = "s3cret-token";

class DaemonTest : public slokit::testing::SlokitTest {
 protected:
  DaemonOptions Options(const std::string& clock = "events") {
    DaemonOptions o;
    o.spec_path = std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml";
    o.data_dir = (dir_ / "data").string();
    o.listen = "127.0.0.1:0";
    o.token_file = Write("token", std::string(kToken) + "\n");
    o.clock = clock;
    return o;
  }
  void Start(DaemonOptions o) {
    daemon_ = std::make_unique<Daemon>(std::move(o));
    Status s = daemon_->Start();
    ASSERT_TRUE(s.ok()) << s.message();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", daemon_->port());
    client_->set_read_timeout(60, 0);
  }
  void Stop() {
    client_.reset();
    daemon_.reset();
  }
  // The availability SLO's "overall" part of /api/v1/slos (null when it is missing).
  nlohmann::json Availability() {
    const nlohmann::json all = Slos();
    for (const auto& slo : all["slos"])
      if (slo["name"] == "availability") return slo["overall"];
    return nullptr;
  }
  // Simulates a trace with the slokit binary; returns its lines.
  std::vector<std::string> Trace(const std::string& args) {
    slokit::testing::Result r = Slokit("simulate " + args + " -o trace.jsonl");
    EXPECT_EQ(r.code, 0) << r.err;
    std::ifstream in(dir_ / "trace.jsonl");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line + "\n");
    return lines;
  }
  httplib::Result Post(const std::string& body, const std::string& key = "", const std::string& token = kToken) {
    httplib::Headers h = Bearer(token);
    if (!key.empty()) h.emplace("Idempotency-Key", key);
    return client_->Post("/api/v1/events", h, body, "application/x-ndjson");
  }
  void PostAll(const std::vector<std::string>& lines, size_t batch) {
    for (size_t i = 0; i < lines.size(); i += batch) {
      std::string body;
      for (size_t k = i; k < std::min(lines.size(), i + batch); ++k) body += lines[k];
      auto res = Post(body, "batch-" + std::to_string(i));
      ASSERT_TRUE(res);
      ASSERT_EQ(res->status, 200) << res->body;
    }
  }
  nlohmann::json Slos() {
    auto res = client_->Get("/api/v1/slos");
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    return nlohmann::json::parse(res->body);
  }
  // What `slokit report --format json` says of the example spec over trace.jsonl.
  nlohmann::json Report() {
    slokit::testing::Result r = Slokit("report " + std::string(SLOKIT_SOURCE_DIR) +
                                       "/examples/chat-service.yaml --events trace.jsonl --format json");
    EXPECT_LE(r.code, 1) << r.err;
    return nlohmann::json::parse(r.out);
  }
  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(DaemonTest, IngestedTraceGivesTheSameAnswersAsReport) {
  std::vector<std::string> lines = Trace("--scenario incident --days 4 --seed 3");
  Start(Options());
  PostAll(lines, 5000);
  nlohmann::json live = Slos();
  nlohmann::json report = Report();
  EXPECT_EQ(live["at"], report["at"]);
  EXPECT_EQ(live["events_total"].get<uint64_t>(), lines.size());
  ASSERT_EQ(live["slos"].size(), report["slos"].size());
  for (size_t i = 0; i < report["slos"].size(); ++i) {
    // Everything the report says of an SLO: SLI, budget, burn rates, cohorts and the alert
    // timeline; only the extra sections a report may carry are left out.
    nlohmann::json want = report["slos"][i], got = live["slos"][i];
    for (auto* j : {&want, &got})
      for (const char* extra : {"regressions", "capacity"}) j->erase(extra);
    EXPECT_EQ(got, want) << "SLO " << want["name"];
  }
  // A restart restores the same state from the store.
  Stop();
  Start(Options());
  nlohmann::json again = Slos();
  EXPECT_EQ(again["slos"], live["slos"]);
}

TEST_F(DaemonTest, RegressionAndCapacityChecksRunLiveAsInTheReport) {
  // Five days, so the regressions' daily baselines fill, at a rate that runs the token budget hot.
  std::vector<std::string> lines = Trace("--scenario latency-regression --days 5 --rate 0.2 --seed 3");
  httplib::Server hook;  // stands in for the pager
  std::mutex mu;
  std::set<std::string> alerted;  // alertname/check/severity of every notice
  hook.Post("/hook", [&](const httplib::Request& req, httplib::Response&) {
    std::lock_guard<std::mutex> lock(mu);
    nlohmann::json body = nlohmann::json::parse(req.body);
    for (const auto& a : body["alerts"]) {
      const auto& l = a["labels"];
      if (l.contains("check"))
        alerted.insert(l["alertname"].get<std::string>() + "/" + l["check"].get<std::string>() + "/" +
                       l["severity"].get<std::string>() + "/" + l["team"].get<std::string>());
    }
  });
  int hook_port = hook.bind_to_any_port("127.0.0.1");
  std::thread hook_thread([&] { hook.listen_after_bind(); });
  DaemonOptions options = Options();
  options.alerts.webhooks = {"http://127.0.0.1:" + std::to_string(hook_port) + "/hook"};
  Start(options);
  PostAll(lines, 5000);
  nlohmann::json live = Slos();
  nlohmann::json report = Report();
  // Values, baselines, utilization and the whole alert timeline of every check.
  for (const char* section : {"regressions", "capacity"}) {
    ASSERT_EQ(live[section].size(), report[section].size()) << section;
    size_t incidents = 0;
    for (size_t i = 0; i < report[section].size(); ++i) {
      EXPECT_EQ(live[section][i], report[section][i]) << section << " " << report[section][i]["name"];
      incidents += report[section][i]["alerts"]["incidents"].size();
    }
    EXPECT_GT(incidents, 0u) << section << ": the trace should fire some";
  }
  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("slokit_kpi_regression_ratio{service=\"chat-api\",check=\"ttft-llama-70b\"}"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("slokit_kpi_capacity_utilization_ratio{service=\"chat-api\",check=\"decode-tokens\"}"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("slokit_kpi_alert_firing{service=\"chat-api\",check=\"itl-p95\",kind=\"regression\","
                               "severity=\"critical\"}"),
            std::string::npos);
  // The alerts reached the webhook, labelled like the SLOs' (team from the check's owner).
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (alerted.count("KpiRegression/ttft-llama-70b/critical/inference-sre") && alerted.count("CapacitySaturation/decode-tokens/warn/inference-sre"))
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_TRUE(alerted.count("KpiRegression/ttft-llama-70b/critical/inference-sre")) << ::testing::PrintToString(alerted);
    EXPECT_TRUE(alerted.count("CapacitySaturation/decode-tokens/warn/inference-sre")) << ::testing::PrintToString(alerted);
  }
  // A restart restores the checks' buckets from the store: the same answers.
  Stop();
  Start(options);
  nlohmann::json again = Slos();
  EXPECT_EQ(again["regressions"], live["regressions"]);
  EXPECT_EQ(again["capacity"], live["capacity"]);
  Stop();
  hook.stop();
  hook_thread.join();
}

TEST_F(DaemonTest, RetriedBatchesCountOnce) {
  Start(Options());
  std::string body = "{\"ts\": \"2026-11-01T00:00:00Z\", \"status\": 200, \"model\": \"m\"}\n";
  for (int i = 0; i < 3; ++i) {
    auto res = Post(body, "same-key");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(nlohmann::json::parse(res->body)["duplicate"], i > 0);
  }
  EXPECT_EQ(Slos()["events_total"], 1);
}

TEST_F(DaemonTest, BadInputGetsTheDocumentedErrorAndChangesNothing) {
  DaemonOptions o = Options();
  o.max_body_bytes = 4096;
  o.ingest.max_line_bytes = 512;
  Start(o);
  std::string good = "{\"ts\": \"2026-11-01T00:00:00Z\", \"status\": 200, \"model\": \"m\"}\n";
  ASSERT_EQ(Post(good)->status, 200);
  auto error_of = [](const httplib::Result& res) { return nlohmann::json::parse(res->body)["error"]; };

  auto res = Post(good, "", "wrong");
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(error_of(res)["code"], 401);
  res = client_->Post("/api/v1/events", good, "application/x-ndjson");
  EXPECT_EQ(res->status, 401);

  res = Post(good + "{\"ts\": \"2026-11-01T00:00:00Z\", \"status\": 200,\n");
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(error_of(res)["message"].get<std::string>().find("line 2"), std::string::npos) << res->body;

  res = Post(good + "{\"ts\": \"yesterday\", \"status\": 200}\n");
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(error_of(res)["message"].get<std::string>().find("line 2"), std::string::npos) << res->body;

  res = Post("{\"ts\": \"2026-11-01T00:00:00Z\", \"x\": \"" + std::string(1000, 'x') + "\"}\n");
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("longer than 512 bytes"), std::string::npos) << res->body;

  std::string big;
  while (big.size() < 5000) big += good;
  res = Post(big);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413) << res->body;

  // A flood of new cohort values: the bound holds and the events still count.
  std::string flood;
  for (int i = 0; i < 40; ++i)
    flood += "{\"ts\": \"2026-11-01T00:01:00Z\", \"status\": 200, \"model\": \"m" + std::to_string(i) + "\"}\n";
  ASSERT_EQ(Post(flood)->status, 200);

  EXPECT_EQ(client_->Get("/healthz")->status, 200);
  nlohmann::json slos = Slos();
  EXPECT_EQ(slos["events_total"], 41);
  for (const auto& slo : slos["slos"]) {
    if (slo["name"] != "availability") continue;
    EXPECT_LE(slo["cohorts"].size(), 21u);  // max 20, plus "other"
    EXPECT_GT(slo["cohort_overflow_events"].get<int>(), 0);
    EXPECT_EQ(slo["overall"]["valid_events"], 41);
  }
}

TEST_F(DaemonTest, GzipBodiesMetricsAndThePage) {
  Start(Options());
  std::string body;
  for (int i = 0; i < 100; ++i)
    body += "{\"ts\": \"2026-11-01T00:00:" + std::to_string(10 + i % 40) + "Z\", \"status\": " + (i % 10 ? "200" : "500") +
            ", \"model\": \"m\"}\n";
  std::string gz(compressBound(body.size()) + 64, '\0');
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = reinterpret_cast<Bytef*>(body.data());
  zs.avail_in = static_cast<uInt>(body.size());
  zs.next_out = reinterpret_cast<Bytef*>(gz.data());
  zs.avail_out = static_cast<uInt>(gz.size());
  deflate(&zs, Z_FINISH);
  gz.resize(zs.total_out);
  deflateEnd(&zs);
  httplib::Headers h = Bearer(kToken);
  h.emplace("Content-Encoding", "gzip");
  auto res = client_->Post("/api/v1/events", h, gz, "application/x-ndjson");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(nlohmann::json::parse(res->body)["accepted"], 100);

  res = client_->Get("/metrics");
  ASSERT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("slokit_slo_sli_ratio{service=\"chat-api\",slo=\"availability\",cohort=\"all\"} 0.9"),
            std::string::npos)
      << res->body.substr(0, 3000);
  EXPECT_NE(res->body.find("slokit_serve_ingested_events_total{endpoint=\"events\"} 100"), std::string::npos);
  res = client_->Get("/api/v1/slos/availability?step=1m");
  ASSERT_EQ(res->status, 200);
  nlohmann::json one = nlohmann::json::parse(res->body);
  EXPECT_EQ(one["name"], "availability");
  EXPECT_FALSE(one["timeline"]["points"].empty());
  EXPECT_EQ(client_->Get("/api/v1/slos/nope")->status, 404);
  res = client_->Get("/");
  EXPECT_NE(res->body.find("availability"), std::string::npos);
  EXPECT_EQ(client_->Get("/readyz")->status, 200);
}

TEST_F(DaemonTest, OtlpTracesBecomeEvents) {
  Start(Options());
  std::string otlp = Slurp(std::string(SLOKIT_SOURCE_DIR) + "/tests/fuzz/corpus/otlp/request");
  auto res = client_->Post("/v1/traces", Bearer(kToken), otlp, "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  nlohmann::json answer = nlohmann::json::parse(res->body);
  EXPECT_EQ(answer["accepted"], 3);  // three GenAI inference spans
  EXPECT_EQ(answer["skipped_spans"], 2);  // an HTTP span and a tool call
  EXPECT_EQ(Slos()["events_total"], 3);
  res = client_->Post("/v1/traces", Bearer(kToken), Slurp(std::string(SLOKIT_SOURCE_DIR) + "/tests/fuzz/corpus/otlp/bad_time"),
                      "application/json");
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("endTimeUnixNano"), std::string::npos) << res->body;
  EXPECT_EQ(Slos()["events_total"], 3);
  // The protobuf encoding (an SDK's default): one GenAI span and a health check, encoded by
  // protoc (tests/io/otlp_protobuf_test.cc checks it against the same request in JSON).
  std::string proto = Slurp(std::string(SLOKIT_SOURCE_DIR) + "/tests/fuzz/corpus/otlp_protobuf/request");
  res = client_->Post("/v1/traces", Bearer(kToken), proto, "application/x-protobuf");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->body, "");  // an empty ExportTraceServiceResponse
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/x-protobuf");
  EXPECT_EQ(Slos()["events_total"], 4);
  res = client_->Post("/v1/traces", Bearer(kToken), proto.substr(0, proto.size() - 5), "application/x-protobuf");
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("length past the end"), std::string::npos) << res->body;
  EXPECT_EQ(Slos()["events_total"], 4);
}

// A scrape target serving gen_ai_server_requests_total{status="ok"|"error"} from `counts(n)`
// at its n-th scrape (from 0), on a port of its own, until it goes out of scope.
class CounterTarget {
 public:
  using Counts = std::function<std::pair<int, int>(int scrape)>;  // (ok, errors)
  explicit CounterTarget(Counts counts) : counts_(std::move(counts)) {
    server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      auto [ok, errors] = counts_(scrapes_++);
      res.set_content("# TYPE gen_ai_server_requests counter\n"
                      "gen_ai_server_requests_total{model=\"m\",status=\"ok\"} " + std::to_string(ok) + "\n"
                      "gen_ai_server_requests_total{model=\"m\",status=\"error\"} " + std::to_string(errors) + "\n",
                      "text/plain; version=0.0.4");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~CounterTarget() {
    server_.stop();
    thread_.join();
  }
  int scrapes() const { return scrapes_; }
  // Waits (up to 10 s) until the target has been scraped `n` times in all.
  void WaitForScrapes(int n) const {
    for (int i = 0; i < 100 && scrapes_ < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // A spec's scrape section for this target, every second.
  std::string ScrapeSection() const {
    return "\nscrape:\n  - {url: \"http://127.0.0.1:" + std::to_string(port_) + "/metrics\", interval: 1s}\n";
  }

 private:
  Counts counts_;
  std::atomic<int> scrapes_{0};
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(DaemonTest, ScrapedCountersBecomeTheSlis) {
  // Counters that grow between scrapes: 100 -> 200 requests, 0 -> 10 of them errors.
  CounterTarget target([](int n) { return n == 0 ? std::pair(100, 0) : std::pair(190, 10); });
  DaemonOptions o = Options("wall");
  o.spec_path = Write("spec.yaml", Slurp(std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml") +
                                                 target.ScrapeSection());
  Start(o);
  target.WaitForScrapes(3);
  nlohmann::json overall = Availability();
  EXPECT_EQ(overall["valid_units"], 100) << overall.dump();
  EXPECT_EQ(overall["good_units"], 90);
  Stop();
}

TEST_F(DaemonTest, AScrapeTargetsIncreaseWhileTheDaemonWasDownStillCounts) {
  // 100 requests before the restart; while the daemon is down 90 more succeed and 10 fail.
  std::atomic<bool> later{false};
  CounterTarget target([&](int) { return later ? std::pair(190, 10) : std::pair(100, 0); });
  DaemonOptions o = Options("wall");
  o.spec_path = Write("spec.yaml", Slurp(std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml") +
                                                 target.ScrapeSection());
  Start(o);
  target.WaitForScrapes(2);  // the second scrape is only taken once the first (the baseline) is committed
  Stop();
  later = true;
  Start(o);
  target.WaitForScrapes(target.scrapes() + 2);
  nlohmann::json overall = Availability();
  EXPECT_EQ(overall["valid_units"], 100) << overall.dump();
  EXPECT_EQ(overall["good_units"], 90);
  Stop();
}

TEST_F(DaemonTest, ReloadKeepsTheStateOfSlosWhoseSliIsUnchanged) {
  std::string spec = Slurp(std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml");
  DaemonOptions o = Options();
  o.spec_path = Write("spec.yaml", spec);
  Start(o);
  PostAll(Trace("--scenario steady --days 1 --seed 9"), 5000);
  nlohmann::json before = Slos();
  auto edit = [&](const std::string& from, const std::string& to) {
    size_t at = spec.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    spec.replace(at, from.size(), to);
  };
  // A new objective keeps the counts; a new SLI makes them meaningless and drops them.
  edit("objective: 99.9", "objective: 99.5");
  edit("good: status < 500", "good: status < 400");
  // Likewise for the checks: a new capacity keeps the load's buckets, a new filter drops them.
  edit("capacity: 60", "capacity: 70");
  edit("valid: status == 200 and completion_tokens > 1\n    statistic: p95",
       "valid: status == 503 and completion_tokens > 1\n    statistic: p95");
  Write("spec.yaml", spec);
  auto res = client_->Post("/-/reload", Bearer(kToken), "", "text/plain");
  ASSERT_EQ(res->status, 200) << res->body;
  nlohmann::json after = Slos();
  auto find = [](const nlohmann::json& slos, const std::string& name) {
    for (const auto& s : slos["slos"])
      if (s["name"] == name) return s;
    return nlohmann::json();
  };
  EXPECT_EQ(find(after, "availability")["objective"], 0.995);
  EXPECT_EQ(find(after, "availability")["overall"]["valid_events"], 0);  // its SLI changed
  EXPECT_GT(find(before, "ttft")["overall"]["valid_events"].get<int>(), 0);
  EXPECT_EQ(find(after, "ttft")["overall"], find(before, "ttft")["overall"]);
  auto check = [](const nlohmann::json& report, const char* section, const std::string& name) {
    for (const auto& c : report[section])
      if (c["name"] == name) return c;
    return nlohmann::json();
  };
  EXPECT_NE(check(before, "capacity", "decode-tokens")["value"], nullptr);
  EXPECT_EQ(check(after, "capacity", "decode-tokens")["value"], check(before, "capacity", "decode-tokens")["value"]);
  EXPECT_EQ(check(after, "capacity", "decode-tokens")["capacity"], 70);
  EXPECT_GT(check(before, "regressions", "itl-p95")["window_events"].get<int>(), 0);
  EXPECT_EQ(check(after, "regressions", "itl-p95")["window_events"], 0);  // its filter changed
  EXPECT_EQ(check(after, "regressions", "ttft-llama-70b"), check(before, "regressions", "ttft-llama-70b"));
  // A broken spec is refused and the running one kept.
  Write("spec.yaml", "service: [");
  res = client_->Post("/-/reload", Bearer(kToken), "", "text/plain");
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("spec.yaml"), std::string::npos) << res->body;
  EXPECT_EQ(find(Slos(), "ttft")["overall"], find(before, "ttft")["overall"]);
}

}  // namespace
}  // namespace slokit::server
