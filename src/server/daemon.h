// Daemon: `slokit serve`. Holds one spec's live state (LiveSlos) over a durable Store, takes
// events over HTTP, steps the alert state machines at slot boundaries, sends alerts, and answers
// the API, /metrics and the status page. See docs/serve.md for endpoints, limits and durability.
//
// Thread safety: Start, Wait and Shutdown are called from one controlling thread; Reload may be
// called from any thread. Requests are served on the daemon's own threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "server/alert_sender.h"
#include "server/ingest.h"

namespace slokit::server {

struct DaemonOptions {
  std::string spec_path;
  std::string data_dir = "slokit-data";
  std::string listen = "127.0.0.1:8080";
  std::string token_file;      // bearer token for ingest and admin endpoints; empty: no auth
  bool auth_reads = false;     // also require the token on read endpoints
  // "wall": evaluate at the wall clock every slot; "events": the clock is the event time, so a
  // replayed trace gives the same alerts `slokit report` gives.
  std::string clock = "wall";
  DurationNs slot = kMinute;
  AlertSenderOptions alerts;
  IngestLimits ingest;
  size_t max_body_bytes = 64u << 20;  // per request, compressed and uncompressed
  int threads = 4;                     // request threads
  int max_inflight_ingest = 4;         // more concurrent ingest requests get 429
  DurationNs retention_margin = kDay;  // slots are kept for the longest window plus this
  bool alert_cohorts = false;          // also send per-cohort alerts (label `cohort`)
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Loads the spec, opens and restores the store, binds and starts serving.
  Status Start();
  // Blocks until Shutdown has finished draining.
  void Wait();
  // Stops accepting, lets requests in flight finish, flushes alerts. Idempotent.
  void Shutdown();
  // Re-reads the spec; SLOs whose SLI and cohorts are unchanged keep their state.
  Status Reload();

  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slokit::server
