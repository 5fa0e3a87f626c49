// End to end with a real Prometheus: a simulated incident trace is written both as events and as
// the OpenMetrics an instrumented server would have exposed (`slokit simulate --format
// openmetrics`), the metrics are backfilled with `promtool tsdb create-blocks-from openmetrics`,
// and /usr/bin/prometheus serves that TSDB on a free loopback port. Then:
//
//   1. Prometheus evaluates the rules `slokit rules` generates for data/prometheus-e2e.yaml, at
//      instants around the incident: every error ratio over every alert window and the SLO
//      window. Burn rates and error ratios must agree with `slokit report --events --at` within 1%.
//   2. `slokit report --prometheus` against that Prometheus must agree with `slokit report
//      --events` within 1% for every SLO and cohort (SLI, every burn rate) and fire the same alerts.
//
// Why the rules are evaluated through subqueries rather than `promtool tsdb create-blocks-from
// rules`: promtool (like a live Prometheus) staggers each rule group by an offset derived from a
// hash of its name, so its tiles would be stamped some seconds after the minute, where a 1-minute
// tile over backfilled 1-minute samples holds one sample and no increase. A recorded tile read by a
// window rule is the same as the tile's expression evaluated at the minute instants of a subquery
// (`(expr)[59m59s:1m]`), which is what step 1 sends: every expression is the generated one.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "io/prometheus_client.h"

extern char** environ;

namespace slokit {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr char kStart[] = "2026-10-01T00:00:00Z";
constexpr double kDays = 3;  // the incident is at 14:00 on day 2 (2/3 into the trace)
// Instants compared: before, during and after the outage (14:00-14:45) and its recovery (until
// 16:45), and the end of the trace.
const char* const kInstants[] = {"2026-10-02T12:00:00Z", "2026-10-03T14:30:00Z",
                                 "2026-10-03T14:45:00Z", "2026-10-03T16:00:00Z",
                                 "2026-10-03T17:20:00Z", "2026-10-04T00:00:00Z"};

std::string Slokit() { return std::string(SLOKIT_BINARY_DIR) + "/slokit"; }
std::string Spec() { return std::string(SLOKIT_SOURCE_DIR) + "/tests/integration/data/prometheus-e2e.yaml"; }

struct ShellResult {
  int code = -1;
  std::string out, err;
};

ShellResult Shell(const fs::path& dir, const std::string& command) {
  std::string out = (dir / "cmd.out").string(), err = (dir / "cmd.err").string();
  int status = std::system((command + " >" + out + " 2>" + err).c_str());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool Within(double got, double want, double rel = 0.01) {
  return std::fabs(got - want) <= rel * std::fabs(want) + 1e-9;
}

// Shared by the tests: the trace, the TSDB and the running Prometheus.
class PrometheusE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* tool : {"/usr/bin/prometheus", "/usr/bin/promtool"}) {
      if (access(tool, X_OK) != 0) {
        setup_error_ = fmt::format("{} not found: install the Debian package prometheus", tool);
        return;
      }
    }
    dir_ = fs::temp_directory_path() / fmt::format("slokit_prom_e2e_{}", getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string sim = fmt::format("{} simulate --scenario incident --days {} --rate 1 --seed 11 --start {}",
                                  Slokit(), kDays, kStart);
    std::vector<std::string> steps = {
        sim + " -o " + (dir_ / "events.jsonl").string(),
        sim + " --format openmetrics --interval 1m -o " + (dir_ / "trace.om").string(),
        "promtool tsdb create-blocks-from openmetrics --max-block-duration=24h " +
            (dir_ / "trace.om").string() + " " +
            (dir_ / "data").string(),
        Slokit() + " rules " + Spec() + " -o " + (dir_ / "rules.yaml").string(),
    };
    for (const std::string& step : steps) {
      ShellResult r = Shell(dir_, step);
      if (r.code != 0) {
        setup_error_ = fmt::format("`{}` failed ({}): {}{}", step, r.code, r.out.substr(0, 2000), r.err);
        return;
      }
    }
    std::ofstream(dir_ / "prometheus.yml") << "global:\n  scrape_interval: 1m\n";
    int port = FreePort();
    url_ = fmt::format("http://127.0.0.1:{}", port);
    // Under `timeout`, so it cannot outlive a test killed with SIGKILL.
    std::vector<std::string> args = {
        "timeout", "600", "/usr/bin/prometheus",
        "--config.file=" + (dir_ / "prometheus.yml").string(),
        "--storage.tsdb.path=" + (dir_ / "data").string(),
        "--storage.tsdb.retention.time=100y",
        fmt::format("--web.listen-address=127.0.0.1:{}", port),
        "--log.level=warn"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string log = (dir_ / "prometheus.log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawnp(&prometheus_pid_, "timeout", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      setup_error_ = "cannot start prometheus";
      prometheus_pid_ = 0;
      return;
    }
    // Ready once it answers a query over the backfilled data.
    io::PrometheusClientOptions o;
    o.url = url_;
    o.retries = 0;
    o.timeout = 2 * kSecond;
    io::PrometheusClient client(o);
    TimeNs end = *ParseRfc3339(kInstants[std::size(kInstants) - 1]);
    for (int i = 0; i < 600; ++i) {
      std::vector<io::PromSeries> out;
      if (client.Query("sum(gen_ai_server_requests_total)", end, &out).ok() && !out.empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    setup_error_ = "prometheus did not answer within 60 s; see " + log;
  }

  static void TearDownTestSuite() {
    if (prometheus_pid_ > 0) {
      kill(prometheus_pid_, SIGTERM);
      int status;
      waitpid(prometheus_pid_, &status, 0);
      prometheus_pid_ = 0;
    }
    if (!dir_.empty() && !::testing::UnitTest::GetInstance()->failed_test_count()) fs::remove_all(dir_);
  }

  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

  // `slokit report` as JSON; events or --prometheus arguments.
  // --threads 1: with several readers the merged slot series may start a little before the
  // data (SlotSeries grows to the left with slack), which inflates covered_seconds and the budget
  // consumed of the events report, whatever the source of the other report.
  static json Report(const std::string& args) {
    ShellResult r =
        Shell(dir_, fmt::format("{} report {} --format json --threads 1 {}", Slokit(), Spec(), args));
    EXPECT_TRUE(r.code == 0 || r.code == 1) << args << ": " << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << args << ": " << r.out.substr(0, 500) << r.err;
    last_stderr_ = r.err;
    return j;
  }

  static inline fs::path dir_;
  static inline std::string url_, setup_error_, last_stderr_;
  static inline pid_t prometheus_pid_ = 0;
};

// Rewrites a window-ratio expression so that it reads its tiles through subqueries of the tile
// rules' own expressions, evaluated at the minute instants a recording group would use.
std::string InlineTiles(std::string expr, const std::map<std::string, std::string>& tiles) {
  for (const auto& [selector, tile_expr] : tiles) {
    std::string needle = selector + "[";
    for (size_t at = expr.find(needle); at != std::string::npos; at = expr.find(needle, at)) {
      size_t close = expr.find(']', at);
      std::string range = expr.substr(at + needle.size(), close - at - needle.size());
      std::string sub = "(\n" + tile_expr + "\n)[" + range + ":1m]";
      expr.replace(at, close + 1 - at, sub);
      at += sub.size();
    }
  }
  return expr;
}

TEST_F(PrometheusE2E, PrometheusEvaluatingTheGeneratedRulesAgreesWithReport) {
  YAML::Node rules = YAML::LoadFile((dir_ / "rules.yaml").string());
  // Per SLO: tile selectors -> tile expressions, and window -> ratio expression.
  std::map<std::string, std::map<std::string, std::string>> tiles;
  std::map<std::string, std::map<std::string, std::string>> ratios;
  for (const auto& g : rules["groups"]) {
    for (const auto& r : g["rules"]) {
      if (!r["record"]) continue;
      std::string record = r["record"].as<std::string>();
      std::string slo = r["labels"]["slo"].as<std::string>();
      std::string window = r["labels"]["sli_window"].as<std::string>();
      std::string selector =
          fmt::format("{}{{slo=\"{}\",service=\"chat-api\"}}", record, slo);
      if (record.rfind("slokit:sli_errors:", 0) == 0 || record.rfind("slokit:sli_requests:", 0) == 0 ||
          record.rfind("slokit:sli_slice:", 0) == 0)
        tiles[slo][selector] = r["expr"].as<std::string>();
      if (record.rfind("slokit:sli_error:ratio", 0) == 0) ratios[slo][window] = r["expr"].as<std::string>();
    }
  }
  ASSERT_EQ(ratios.size(), 8u);

  io::PrometheusClientOptions o;
  o.url = url_;
  o.timeout = 60 * kSecond;
  io::PrometheusClient client(o);
  int compared = 0, nonzero = 0;
  double worst = 0;
  for (const char* instant : kInstants) {
    json report = Report(fmt::format("--events {} --at {}", (dir_ / "events.jsonl").string(), instant));
    TimeNs at = *ParseRfc3339(instant);
    for (const json& slo : report["slos"]) {
      std::string name = slo["name"];
      double budget = 1 - slo["objective"].get<double>();
      ASSERT_TRUE(ratios.count(name)) << name;
      for (const auto& [window, expr] : ratios[name]) {
        std::vector<io::PromSeries> out;
        std::string promql = InlineTiles(expr, tiles[name]);
        Status s = client.Query(promql, at, &out);
        ASSERT_TRUE(s.ok()) << s.message();
        DurationNs w = *ParseDuration(window);
        // The engine's side: a burn rate for the alert windows; the SLI for the SLO window.
        const json& overall = slo["overall"];
        std::optional<double> want;  // error ratio
        if (overall["burn_rates"].contains(FormatDuration(w))) {
          const json& b = overall["burn_rates"][FormatDuration(w)];
          if (!b.is_null()) want = b.get<double>() * budget;
        } else {
          ASSERT_FALSE(overall["sli"].is_null()) << name;
          want = 1 - overall["sli"].get<double>();
        }
        SCOPED_TRACE(fmt::format("{} {} at {}: {}", name, window, instant, promql));
        if (!want) {  // no valid units: no ratio (0/0 is NaN)
          EXPECT_TRUE(out.empty() || std::isnan(out[0].samples[0].v));
          continue;
        }
        ASSERT_EQ(out.size(), 1u);
        double got = out[0].samples[0].v;
        EXPECT_TRUE(Within(got / budget, *want / budget))
            << "burn rate: prometheus " << got / budget << ", slokit report " << *want / budget;
        if (*want > 0) {
          ++nonzero;
          worst = std::max(worst, std::fabs(got - *want) / *want);
        }
        ++compared;
      }
    }
  }
  // 8 SLOs, 5 or 6 windows each (a 5m window holds no 5m slice: left out for timeslice SLOs).
  EXPECT_GE(compared, 6 * 40);
  EXPECT_GE(nonzero, compared / 2);
  std::cout << fmt::format("rules: {} ratios compared ({} non-zero), worst relative difference {:.3g}\n",
                           compared, nonzero, worst);
}

// Every number two reports give, by path, for the comparison below.
void Flatten(const json& j, const std::string& path, std::map<std::string, json>* out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) Flatten(v, path + "/" + k, out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      std::string key = j[i].is_object() && j[i].contains("cohort") ? j[i]["cohort"].get<std::string>()
                        : j[i].is_object() && j[i].contains("name") ? j[i]["name"].get<std::string>()
                                                                     : std::to_string(i);
      Flatten(j[i], path + "/" + key, out);
    }
  } else {
    (*out)[path] = j;
  }
}

TEST_F(PrometheusE2E, ReportFromPrometheusAgreesWithReportFromEvents) {
  for (const char* instant : {kInstants[2], kInstants[std::size(kInstants) - 1]}) {
    SCOPED_TRACE(instant);
    json events = Report(fmt::format("--events {} --at {}", (dir_ / "events.jsonl").string(), instant));
    json prom = Report(fmt::format("--prometheus {} --from {} --to {}", url_, kStart, instant));
    EXPECT_NE(last_stderr_.find("source: Prometheus query API at " + url_), std::string::npos) << last_stderr_;
    ASSERT_TRUE(prom.contains("slos")) << prom.dump().substr(0, 500);
    std::map<std::string, json> a, b;
    Flatten(events["slos"], "", &a);
    Flatten(prom["slos"], "", &b);
    int numbers = 0, alerts = 0;
    double worst = 0;
    for (const auto& [path, want] : a) {
      ASSERT_TRUE(b.count(path)) << path << " missing from the --prometheus report";
      const json& got = b[path];
      if (path.find("/incidents/") != std::string::npos || path.find("/pages") != std::string::npos ||
          path.find("/tickets") != std::string::npos)
        ++alerts;
      if (want.is_number() && got.is_number()) {
        double w = want.get<double>(), g = got.get<double>();
        EXPECT_TRUE(Within(g, w)) << path << ": events " << w << ", prometheus " << g;
        if (w != 0) worst = std::max(worst, std::fabs(g - w) / std::fabs(w));
        ++numbers;
      } else {
        EXPECT_EQ(got, want) << path;
      }
    }
    EXPECT_GT(numbers, 500);
    EXPECT_GT(alerts, 0);
    std::cout << fmt::format("report --prometheus at {}: {} numbers compared, worst relative difference {:.3g}\n",
                             instant, numbers, worst);
  }
}

TEST_F(PrometheusE2E, MissingSeriesIsAClearError) {
  std::string spec = (dir_ / "missing.yaml").string();
  std::ofstream(spec) << "service: s\nslos:\n  - name: a\n    objective: 99\n    sli:\n      ratio:\n"
                         "        good: status == 200\n        prometheus:\n"
                         "          good: no_such_metric_total{code=\"200\"}\n"
                         "          total: no_such_metric_total\n";
  ShellResult r = Shell(dir_, fmt::format("{} report {} --prometheus {} --from {} --to {}", Slokit(), spec, url_,
                                  kStart, kInstants[1]));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("SLO 'a': series no_such_metric_total is missing: the query returned no data"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace slokit
