// slokit serve: the live SLO daemon (src/server). Signals are taken on this thread with
// sigwait, so handlers never run inside the daemon's locks: SIGHUP reloads the spec,
// SIGTERM/SIGINT drain and exit 0.
#include <signal.h>

#include <iostream>

#include <fmt/format.h>

#include "cli/command.h"
#include "server/daemon.h"

namespace slokit::cli {

namespace {

struct ServeOptions {
  server::DaemonOptions daemon;
  std::string slot = "1m";
  std::string retention_margin = "1d";
  std::string max_body = "64MiB";
};

int Fail(const std::string& message) { return UsageError("serve", message); }

// "64MiB", "512KiB", "1000000" -> bytes.
bool ParseBytes(const std::string& text, size_t* out) {
  size_t pos = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &pos);
  } catch (...) {
    return false;
  }
  std::string unit = text.substr(pos);
  size_t mult = unit.empty() || unit == "B" ? 1 : unit == "KiB" ? 1u << 10 : unit == "MiB" ? 1u << 20 : unit == "GiB" ? 1u << 30 : 0;
  if (mult == 0 || n == 0) return false;
  *out = static_cast<size_t>(n) * mult;
  return true;
}

int RunServe(ServeOptions& opts) {
  auto slot = ParseDuration(opts.slot);
  if (!slot || *slot < kSecond || kMinute % *slot != 0) return Fail("--slot must divide 1m evenly (e.g. 1m, 30s)");
  opts.daemon.slot = *slot;
  auto margin = ParseDuration(opts.retention_margin);
  if (!margin || *margin < 0) return Fail("--retention-margin: expected a duration such as 1d");
  opts.daemon.retention_margin = *margin;
  if (!ParseBytes(opts.max_body, &opts.daemon.max_body_bytes)) return Fail("--max-body: expected a size such as 64MiB");

  // Block the signals before any thread starts, so every thread inherits the mask and only
  // sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGHUP, SIGTERM, SIGINT}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  server::Daemon daemon(opts.daemon);
  Status s = daemon.Start();
  if (!s.ok()) return Fail(s.message());
  std::cerr << fmt::format("slokit serve: listening on {} (port {}), data in {}, {} clock\n", opts.daemon.listen,
                           daemon.port(), opts.daemon.data_dir, opts.daemon.clock);
  while (true) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      Status r = daemon.Reload();
      if (!r.ok()) std::cerr << "slokit serve: reload failed, keeping the running spec: " << r.message() << "\n";
      continue;
    }
    std::cerr << "slokit serve: draining\n";
    daemon.Shutdown();
    return kExitOk;
  }
}

}  // namespace

Command MakeServeCommand(CLI::App& parent) {
  auto opts = std::make_shared<ServeOptions>();
  server::DaemonOptions& d = opts->daemon;
  CLI::App* app = parent.add_subcommand("serve", "Run the live SLO daemon: ingest events, evaluate SLOs every slot, "
                                                 "send alerts, serve the API, /metrics and a status page");
  app->add_option("--config,-c", d.spec_path, "SLO spec (YAML)")->required();
  app->add_option("--data-dir", d.data_dir, "Directory of the durable store (created if missing)");
  app->add_option("--listen", d.listen, "Address to serve on, host:port (port 0 picks a free one)");
  app->add_option("--token-file", d.token_file, "File holding the bearer token required by ingest and admin endpoints");
  app->add_flag("--auth-reads", d.auth_reads, "Require the token on read endpoints too (/api/v1/slos, /metrics, /)");
  app->add_option("--alertmanager", d.alerts.alertmanager_url, "Alertmanager base URL, e.g. http://127.0.0.1:9093");
  app->add_option("--webhook", d.alerts.webhooks, "Also POST alert notices as JSON to this URL (repeatable)");
  app->add_flag("--alert-cohorts", d.alert_cohorts, "Also send per-cohort alerts (label `cohort`)");
  app->add_option("--clock", d.clock, "wall: evaluate at the wall clock; events: the clock is the event time (replays)")
      ->check(CLI::IsMember({"wall", "events"}));
  app->add_option("--slot", opts->slot, "Slot width: the resolution of windows and of alert evaluation");
  app->add_option("--threads", d.threads, "Request threads")->check(CLI::Range(2, 256));
  app->add_option("--max-body", opts->max_body, "Largest request body, compressed or not (e.g. 64MiB)");
  app->add_option("--max-batch-events", d.ingest.max_events, "Most events in one batch");
  app->add_option("--max-inflight", d.max_inflight_ingest, "Concurrent ingest requests before 429")
      ->check(CLI::Range(1, 1024));
  app->add_option("--retention-margin", opts->retention_margin, "Slots are kept for the longest window plus this");
  app->footer(
      "Endpoints: POST /api/v1/events (JSON lines, gzip allowed; Idempotency-Key header makes retries safe),\n"
      "GET /api/v1/slos, GET /api/v1/slos/{name}?step=1h, GET /metrics, GET /healthz, GET /readyz, GET /,\n"
      "POST /-/reload. Signals: SIGHUP reloads the spec, SIGTERM drains and exits. See docs/serve.md.\n"
      "Exit codes: 0 after a clean shutdown, 2 bad usage or a start-up failure (spec, store, address).");
  auto run = [opts]() -> int { return RunServe(*opts); };
  return {app, run};
}

}  // namespace slokit::cli
