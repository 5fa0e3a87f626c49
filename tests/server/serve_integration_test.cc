// `slokit serve` as a process, with real neighbours: promtool checks its /metrics, a real
// Alertmanager receives its page and the resolve, and SIGKILL at random points loses no
// acknowledged event and counts none twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "cli/slokit_runner.h"
#include "core/time.h"
#include "daemon_client.h"

namespace slokit {
namespace {

using testing::Bearer;
using testing::FreePort;

constexpr const char* kToken = "integration-token";

// A child process started with execv; killed (SIGKILL) when destroyed.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::string& log) {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* f = freopen(log.c_str(), "a", stderr);
      (void)f;
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Process() { Kill(SIGKILL); }
  void Kill(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pid_ = -1;
  }
  int exit_code() const { return exit_code_; }

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

bool WaitHttp(int port, const std::string& path, int seconds = 30) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1, 0);
  for (int i = 0; i < seconds * 10; ++i) {
    auto res = c.Get(path);
    if (res && res->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

class ServeIntegration : public testing::SlokitTest {
 protected:
  std::unique_ptr<Process> StartDaemon(int port, const std::vector<std::string>& extra = {}) {
    Write("token", kToken);
    std::vector<std::string> argv = {Binary(), "serve", "--config", std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml",
                                     "--data-dir", (dir_ / "data").string(), "--listen", "127.0.0.1:" + std::to_string(port),
                                     "--token-file", (dir_ / "token").string(), "--clock", "events"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto p = std::make_unique<Process>(argv, (dir_ / "daemon.log").string());
    EXPECT_TRUE(WaitHttp(port, "/readyz")) << Slurp((dir_ / "daemon.log").string());
    return p;
  }
  std::vector<std::string> Trace(const std::string& args) {
    testing::Result r = Slokit("simulate " + args + " -o trace.jsonl");
    EXPECT_EQ(r.code, 0) << r.err;
    std::ifstream in(dir_ / "trace.jsonl");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line + "\n");
    return lines;
  }
  static int PostLines(httplib::Client& c, const std::vector<std::string>& lines, size_t from, size_t to) {
    std::string body;
    for (size_t i = from; i < to; ++i) body += lines[i];
    auto res = c.Post("/api/v1/events", Bearer(kToken), body, "application/x-ndjson");
    return res ? res->status : -1;
  }
};

TEST_F(ServeIntegration, PromtoolAcceptsTheMetrics) {
  int port = FreePort();
  auto daemon = StartDaemon(port);
  std::vector<std::string> lines = Trace("--scenario steady --days 1 --seed 5");
  httplib::Client c("127.0.0.1", port);
  ASSERT_EQ(PostLines(c, lines, 0, lines.size()), 200);
  // promtool lints the Prometheus text format (it reads OpenMetrics as that format, so the
  // OpenMetrics rendering is checked by the metrics library's own tests instead).
  for (const char* accept : {"text/plain; version=0.0.4", "*/*"}) {
    auto res = c.Get("/metrics", {{"Accept", accept}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
    Write("metrics.txt", res->body);
    testing::Result check = Run("promtool check metrics < metrics.txt");
    EXPECT_EQ(check.code, 0) << accept << "\n" << check.out << check.err;
    EXPECT_NE(res->body.find("slokit_slo_burn_rate{"), std::string::npos);
  }
  daemon->Kill(SIGTERM);
  EXPECT_EQ(daemon->exit_code(), 0);
}

TEST_F(ServeIntegration, AlertmanagerReceivesThePageAndTheResolve) {
  // A webhook receiver standing in for the on-call's pager, behind a real Alertmanager.
  std::mutex mu;
  std::vector<nlohmann::json> notifications;
  httplib::Server hook;
  hook.Post("/hook", [&](const httplib::Request& req, httplib::Response&) {
    std::lock_guard<std::mutex> lock(mu);
    notifications.push_back(nlohmann::json::parse(req.body));
  });
  int hook_port = hook.bind_to_any_port("127.0.0.1");
  std::thread hook_thread([&] { hook.listen_after_bind(); });
  int am_port = FreePort();
  Write("am.yml", "route:\n  receiver: hook\n  group_by: [slo, severity]\n  group_wait: 1s\n  group_interval: 1s\n"
                  "  repeat_interval: 1h\nreceivers:\n  - name: hook\n    webhook_configs:\n      - url: http://127.0.0.1:" +
                      std::to_string(hook_port) + "/hook\n        send_resolved: true\n");
  Process am({"/usr/bin/prometheus-alertmanager", "--config.file=" + (dir_ / "am.yml").string(),
              "--storage.path=" + (dir_ / "am").string(), "--web.listen-address=127.0.0.1:" + std::to_string(am_port),
              "--cluster.listen-address="},
             (dir_ / "am.log").string());
  ASSERT_TRUE(WaitHttp(am_port, "/-/ready")) << Slurp((dir_ / "am.log").string());

  std::vector<std::string> lines = Trace("--scenario incident --days 4 --seed 3");
  testing::Result r = Slokit(std::string("report ") + SLOKIT_SOURCE_DIR + "/examples/chat-service.yaml --events trace.jsonl --format json");
  nlohmann::json report = nlohmann::json::parse(r.out);
  nlohmann::json page;
  for (const auto& slo : report["slos"])
    for (const auto& inc : slo["overall"]["alerts"]["incidents"])
      if (inc["severity"] == "page" && !inc["open"].get<bool>() && page.is_null()) page = inc, page["slo"] = slo["name"];
  ASSERT_FALSE(page.is_null()) << "the incident scenario should page";

  int port = FreePort();
  auto daemon = StartDaemon(port, {"--alertmanager", "http://127.0.0.1:" + std::to_string(am_port)});
  httplib::Client c("127.0.0.1", port);
  // Up to 30 minutes into the incident: the page is open.
  std::string cut = FormatTime(*ParseRfc3339(page["start"].get<std::string>()) + 30 * kMinute).substr(0, 19);
  size_t mid = 0;
  while (mid < lines.size() && lines[mid].substr(7, 19) < cut) ++mid;
  ASSERT_EQ(PostLines(c, lines, 0, mid), 200);
  auto received = [&](const std::string& status) {
    for (int i = 0; i < 300; ++i) {
      {
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& n : notifications)
          for (const auto& a : n["alerts"])
            if (a["status"] == status && a["labels"]["slo"] == page["slo"] && a["labels"]["severity"] == "page" &&
                a["labels"]["team"] == "inference-sre" && a["labels"]["service"] == "chat-api")
              return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  EXPECT_TRUE(received("firing")) << Slurp((dir_ / "daemon.log").string()) << Slurp((dir_ / "am.log").string());
  ASSERT_EQ(PostLines(c, lines, mid, lines.size()), 200);
  EXPECT_TRUE(received("resolved")) << Slurp((dir_ / "daemon.log").string());
  daemon.reset();
  hook.stop();
  hook_thread.join();
}

TEST_F(ServeIntegration, KilledAndRestartedItCountsExactlyTheAcknowledgedBatches) {
  int port = FreePort();
  auto daemon = StartDaemon(port);
  constexpr int kPerBatch = 400, kKills = 5;
  std::atomic<int> acked{0};
  std::atomic<bool> killing_done{false};
  // The client keeps sending until every kill has happened, then 20 batches more, however fast
  // the machine is.
  std::thread client([&] {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(1, 0);
    int after = 0;
    for (int b = 0; after < 20; ++b) {
      if (killing_done) ++after;
      std::string body;
      for (int i = 0; i < kPerBatch; ++i)
        body += "{\"ts\": " + std::to_string(1790812800 + b % 10000 * 30 + i % 30) + ", \"status\": 200, \"model\": \"m" +
                std::to_string(i % 3) + "\"}\n";
      httplib::Headers h = Bearer(kToken);
      h.emplace("Idempotency-Key", "batch-" + std::to_string(b));
      // Resend until acknowledged: an unacknowledged batch may or may not have been committed,
      // and the key makes the daemon count it once either way.
      while (true) {
        auto res = c.Post("/api/v1/events", h, body, "application/x-ndjson");
        if (res && res->status == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      ++acked;
    }
  });
  std::mt19937 rng(42);
  for (int kill = 0; kill < kKills; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 300)(rng)));
    daemon->Kill(SIGKILL);
    daemon = StartDaemon(port);
  }
  killing_done = true;
  client.join();
  const int batches = acked.load();
  httplib::Client c("127.0.0.1", port);
  auto res = c.Get("/api/v1/slos");
  ASSERT_TRUE(res && res->status == 200);
  nlohmann::json slos = nlohmann::json::parse(res->body);
  EXPECT_EQ(slos["events_total"], batches * kPerBatch);
  EXPECT_EQ(slos["slos"][0]["name"], "availability");
  EXPECT_EQ(slos["slos"][0]["overall"]["valid_events"], batches * kPerBatch);
}

}  // namespace
}  // namespace slokit
