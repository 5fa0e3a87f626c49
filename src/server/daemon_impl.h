// The daemon's state, shared by its implementation files (lifecycle and ingest in daemon.cc,
// HTTP routes in http_api.cc, /metrics in status_metrics.cc). Private to src/server.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "server/daemon.h"
#include "server/live_slos.h"
#include "server/scraper.h"
#include "server/store.h"
#include "slokit/metrics/registry.h"

namespace slokit::server {

struct Daemon::Impl {
  explicit Impl(DaemonOptions o) : options(std::move(o)), sender(options.alerts) {}

  // --- daemon.cc
  Status LoadSpec(std::shared_ptr<const Spec>* out);
  Status Restore(std::unique_ptr<LiveSlos>* out, std::shared_ptr<const Spec> spec);
  // The regression and capacity checks' buckets, for series whose check is unchanged.
  Status RestoreKpis(LiveSlos* live);
  // The instant answers are given for: the end of the data (events clock) or the end of the
  // current slot (wall clock).
  TimeNs Now() const;
  // The latest slot boundary the alert machines may be stepped to.
  TimeNs StepLimit() const;
  void SendChanges(const AlertChanges& changes);
  AlertNotice KpiNotice(const Spec& spec, const KpiAlertChange& change) const;
  void ResendFiring();
  void Tick();
  void Compact();
  Status Reload();
  // Starts scraping the spec's endpoints (replacing a previous scraper).
  Status StartScraper(std::shared_ptr<const Spec> spec);
  struct IngestOutcome {
    int status = 200;
    std::string error;
    uint64_t events = 0, lines = 0;
    bool duplicate = false;
    uint64_t skipped = 0;
  };
  // Parses one request body into a batch evaluator (empty but for the live cohorts) and, when
  // the spec has regression or capacity checks, an empty tracker (else null).
  using BatchParser =
      std::function<ParsedBatch(std::string_view body, const Spec& spec, Evaluator* batch, KpiTracker* kpis)>;
  // Parses and durably commits one batch; `key` is the Idempotency-Key (or empty).
  IngestOutcome Ingest(std::string_view body, const std::string& key, const BatchParser& parse);
  // Commits a batch already pushed into `batch` (an evaluator of `spec`) and `kpis` (may be null),
  // with a scrape target's new baseline (may be null).
  IngestOutcome Commit(const Evaluator& batch, uint64_t events, const std::string& key,
                       const KpiTracker* kpis = nullptr, const ScrapeBaselineRow* baseline = nullptr);

  // --- http_api.cc
  void InstallRoutes();
  bool Authorized(const httplib::Request& req) const;

  // --- status_metrics.cc
  std::string RenderMetrics(std::string_view accept, std::string_view accept_encoding, std::string* content_type,
                            std::string* content_encoding);

  DaemonOptions options;
  std::string token;
  AlertSender sender;
  httplib::Server http;
  std::string host;
  int port = 0;
  std::thread http_thread, tick_thread;

  std::mutex reload_call_mu;    // one Reload (or shutdown of the scraper) at a time
  std::shared_mutex reload_mu;  // shared by ingest, exclusive for a reload
  mutable std::mutex state_mu;  // guards store and live
  std::unique_ptr<Store> store;
  std::unique_ptr<LiveSlos> live;
  std::unique_ptr<Scraper> scraper;  // null when the spec has no scrape section

  std::atomic<int> inflight_ingest{0};
  std::atomic<bool> ready{false};
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false, stopped = false;

  // The daemon's own metrics (ingest, latencies); SLO status is rendered fresh at each scrape.
  metrics::Registry registry;
  metrics::CounterFamily* events_total = nullptr;
  metrics::CounterFamily* requests_total = nullptr;
  metrics::HistogramFamily* ingest_seconds = nullptr;
  metrics::HistogramFamily* commit_seconds = nullptr;
  TimeNs started_at = 0;
  TimeNs last_resend = 0, last_compact = 0;
};

}  // namespace slokit::server
