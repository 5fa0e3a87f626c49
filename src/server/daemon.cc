#include "server/daemon.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "server/daemon_impl.h"
#include "slokit/metrics/http_server.h"
#include "spec/loader.h"

namespace slokit::server {
namespace {

TimeNs WallNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string TeamOf(const Spec& spec, const std::string& role) {
  for (const auto& [name, owner] : spec.owners)
    if (name == role) return owner.team;
  return role;
}

}  // namespace

Daemon::Daemon(DaemonOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Daemon::~Daemon() { Shutdown(); }
int Daemon::port() const { return impl_->port; }

Status Daemon::Impl::LoadSpec(std::shared_ptr<const Spec>* out) {
  auto spec = std::make_shared<Spec>();
  std::vector<Diagnostic> warnings;
  Status s = LoadSpecFile(options.spec_path, spec.get(), &warnings);
  if (!s.ok()) return s;
  for (const Diagnostic& d : warnings) std::cerr << d.ToString() << "\n";
  *out = std::move(spec);
  return Status::Ok();
}

Status Daemon::Impl::Restore(std::unique_ptr<LiveSlos>* out, std::shared_ptr<const Spec> spec) {
  EvaluatorOptions eo;
  eo.slot = options.slot;
  auto live = std::make_unique<LiveSlos>(spec, eo);
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < spec->slos.size(); ++i) {
    const Slo& slo = spec->slos[i];
    std::string fp = SloFingerprint(*spec, slo);
    std::string stored = store->Fingerprint(slo.name);
    if (!stored.empty() && stored != fp) {
      std::cerr << fmt::format("slokit serve: SLO {}: its SLI or cohorts changed; its stored counts are dropped\n",
                               slo.name);
      Status s = store->DropSlo(slo.name);
      if (!s.ok()) return s;
    }
    if (stored != fp) {
      Status s = store->SetFingerprint(slo.name, fp);
      if (!s.ok()) return s;
    }
    index[slo.name] = i;
    live->evaluator().AddOverflow(i, store->overflow(slo.name));
  }
  Status s = store->ForEachSlot([&](const SlotDelta& d) {
    auto it = index.find(d.slo);
    if (it == index.end()) return;  // an SLO no longer in the spec: kept until retention drops it
    live->evaluator().AddCounts(it->second, d.cohort, FloorDiv(d.slot_start, options.slot),
                                SlotCounts{static_cast<uint32_t>(d.valid), static_cast<uint32_t>(d.good)}, d.sum);
  });
  if (!s.ok()) return s;
  s = RestoreKpis(live.get());
  if (!s.ok()) return s;
  *out = std::move(live);
  return Status::Ok();
}

Status Daemon::Impl::RestoreKpis(LiveSlos* live) {
  KpiTracker& kpis = live->kpis();
  std::unordered_map<std::string, size_t> index;
  for (size_t k = 0; k < kpis.series_count(); ++k) {
    const std::string name = kpis.series_name(k), fp = kpis.series_fingerprint(k);
    const std::string stored = store->KpiFingerprint(name);
    if (!stored.empty() && stored != fp) {
      std::cerr << fmt::format("slokit serve: {}: its check changed; its stored buckets are dropped\n", name);
      Status s = store->DropKpiSeries(name);
      if (!s.ok()) return s;
    }
    if (stored != fp) {
      Status s = store->SetKpiFingerprint(name, fp);
      if (!s.ok()) return s;
    }
    index[name] = k;
  }
  Status bad;
  Status s = store->ForEachKpiBucket([&](const KpiBucketRow& row) {
    auto it = index.find(row.series);
    if (it == index.end()) return;  // a check no longer in the spec: kept until retention drops it
    KpiSeries* series = kpis.mutable_series(it->second);
    KpiBucket b{row.count, row.sum, row.max, {}};
    if (series->sketches()) {
      Status parsed = stats::DDSketch::Deserialize(row.sketch, &b.sketch);
      if (!parsed.ok()) {
        bad = Status::IoError(fmt::format("store: {} at {}: {}", row.series, FormatTime(row.start), parsed.message()));
        return;
      }
    }
    series->AddBucket(FloorDiv(row.start, series->width()), b);
  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  TimeNs start, end;
  store->KpiDataRange(&start, &end);
  kpis.CoverDataRange(start, end);
  return Status::Ok();
}

TimeNs Daemon::Impl::Now() const {
  const DurationNs slot = options.slot;
  if (options.clock == "events") return live->evaluator().data_end();
  return FloorDiv(WallNow(), slot) * slot + slot;
}

TimeNs Daemon::Impl::StepLimit() const {
  const DurationNs slot = options.slot;
  if (options.clock == "events") {
    // Only slots that are complete: events of the latest slot may still be arriving.
    TimeNs end = live->evaluator().data_end();
    return end ? end - slot : 0;
  }
  return FloorDiv(WallNow(), slot) * slot;
}

void Daemon::Impl::SendChanges(const AlertChanges& changes) {
  std::vector<AlertNotice> notices;
  std::lock_guard<std::mutex> lock(state_mu);
  const Spec& spec = live->spec();
  for (const AlertChange& c : changes.slos) {
    if (c.cohort != "all" && !options.alert_cohorts) continue;
    const Slo& slo = spec.slos[c.slo];
    AlertNotice n;
    n.labels = {{"alertname", "ErrorBudgetBurn"}, {"severity", c.incident.severity}, {"team", TeamOf(spec, slo.owner)},
                {"slo", slo.name}, {"service", spec.service}};
    if (c.cohort != "all") n.labels["cohort"] = c.cohort;
    n.annotations["summary"] =
        fmt::format("{} {}: error budget burning too fast ({})", spec.service, slo.name, c.incident.severity);
    std::string conditions;
    for (const std::string& k : c.incident.conditions) conditions += (conditions.empty() ? "" : ", ") + k;
    n.annotations["description"] =
        fmt::format("Burn rate peaked at {:.1f}x the budget rate ({}); objective {}% over {}.", c.incident.peak_burn,
                    conditions, slo.objective * 100, slo.window.text.empty() ? FormatDuration(slo.window.length) : slo.window.text);
    n.starts_at = c.incident.start;
    if (!c.incident.open) n.ends_at = c.incident.end;
    n.generator_url = fmt::format("http://{}:{}/api/v1/slos/{}", host, port, slo.name);
    notices.push_back(std::move(n));
    StoredIncident si{slo.name, c.cohort, c.incident.severity, c.incident.start, c.incident.end, c.incident.open,
                      c.incident.peak_burn};
    Status s = store->SaveIncident(si);
    if (!s.ok()) std::cerr << "slokit serve: " << s.message() << "\n";
  }
  for (const KpiAlertChange& c : changes.kpis) notices.push_back(KpiNotice(spec, c));
  sender.Send(std::move(notices));
}

AlertNotice Daemon::Impl::KpiNotice(const Spec& spec, const KpiAlertChange& c) const {
  const KpiIncident& inc = c.incident;
  AlertNotice n;
  std::string name, owner, what;
  if (c.capacity) {
    const CapacityCheck& check = spec.capacity[c.check];
    name = check.name;
    owner = check.owner;
    what = fmt::format("utilization peaked at {:.0f}% of the declared capacity ({:g})", inc.peak * 100, inc.reference);
  } else {
    const RegressionCheck& check = spec.regressions[c.check];
    name = check.name;
    owner = check.owner;
    what = fmt::format("{} was {:.2f}x worse than its baseline ({:g} against {:g})",
                       DescribeRegressionKpi(spec, check), inc.peak, inc.peak_value, inc.reference);
  }
  n.labels = {{"alertname", c.capacity ? "CapacitySaturation" : "KpiRegression"},
              {"severity", inc.severity},
              {"team", TeamOf(spec, owner)},
              {"check", name},
              {"service", spec.service}};
  n.annotations["summary"] = fmt::format("{} {}: {} ({})", spec.service, name,
                                         c.capacity ? "capacity saturating" : "regression against its baseline",
                                         inc.severity);
  std::string reasons;
  for (const std::string& r : inc.reasons) reasons += (reasons.empty() ? "" : ", ") + r;
  n.annotations["description"] = fmt::format("{}; {}.", what, reasons);
  n.starts_at = inc.start;
  if (!inc.open) n.ends_at = inc.end;
  n.generator_url = fmt::format("http://{}:{}/api/v1/slos", host, port);
  return n;
}

void Daemon::Impl::ResendFiring() {
  AlertChanges firing;
  {
    std::lock_guard<std::mutex> lock(state_mu);
    firing = live->Firing();
  }
  SendChanges(firing);
}

void Daemon::Impl::Compact() {
  std::lock_guard<std::mutex> lock(state_mu);
  DurationNs longest = 0;
  for (const Slo& slo : live->spec().slos) {
    longest = std::max(longest, slo.window.kind == Window::Kind::kCalendarMonth ? 31 * kDay : slo.window.NominalLength());
    for (const AlertCondition& c : slo.alerting.conditions) longest = std::max(longest, c.long_window);
  }
  // A regression reads its window and the baseline before it; a capacity check its window and
  // the inflection SLO's window (the SLO's slots are kept for their own windows above).
  DurationNs kpi_longest = 0;
  for (const RegressionCheck& r : live->spec().regressions)
    kpi_longest = std::max(kpi_longest, r.window + r.baseline + r.for_duration + r.step);
  for (const CapacityCheck& c : live->spec().capacity)
    kpi_longest = std::max(kpi_longest, c.window + c.for_duration + c.step);
  const TimeNs kpi_before = Now() - kpi_longest - options.retention_margin;
  live->kpis().DropBefore(kpi_before);  // sketches are large: memory must not grow with uptime
  uint64_t dropped = 0;
  Status s = store->Compact(Now() - longest - options.retention_margin, kpi_before, WallNow() - kDay, &dropped);
  if (!s.ok()) std::cerr << "slokit serve: retention: " << s.message() << "\n";
}

void Daemon::Impl::Tick() {
  AlertChanges changes;
  {
    std::lock_guard<std::mutex> lock(state_mu);
    TimeNs limit = StepLimit();
    if (limit > live->last_step()) changes = live->StepTo(limit);
  }
  SendChanges(changes);
  TimeNs now = WallNow();
  if (now - last_resend >= kMinute) {
    last_resend = now;
    ResendFiring();
  }
  if (now - last_compact >= kHour) {
    last_compact = now;
    Compact();
  }
}

Daemon::Impl::IngestOutcome Daemon::Impl::Ingest(std::string_view body, const std::string& key,
                                                  const BatchParser& parse) {
  std::shared_lock<std::shared_mutex> reload_lock(reload_mu);
  std::shared_ptr<const Spec> spec;
  EvaluatorOptions eo;
  eo.slot = options.slot;
  std::unique_ptr<Evaluator> batch_ptr;
  std::unique_ptr<KpiTracker> kpis;  // only when the spec has regression or capacity checks
  {
    std::lock_guard<std::mutex> lock(state_mu);
    if (!key.empty() && store->HasBatch(key)) return {200, "", 0, 0, true};
    spec = live->spec_ptr();
    batch_ptr = std::make_unique<Evaluator>(*spec, eo);
    DeclareLiveCohorts(live->evaluator(), batch_ptr.get());
    if (live->has_kpi_checks()) kpis = std::make_unique<KpiTracker>(*spec);
  }
  Evaluator& batch = *batch_ptr;
  ParsedBatch parsed = parse(body, *spec, &batch, kpis.get());
  if (!parsed.error.empty())
    return {parsed.events > options.ingest.max_events ? 413 : 400, parsed.error, 0, parsed.lines, false, 0};
  IngestOutcome out = Commit(batch, parsed.events, key, kpis.get());
  out.lines = parsed.lines;
  out.skipped = parsed.skipped;
  return out;
}

Daemon::Impl::IngestOutcome Daemon::Impl::Commit(const Evaluator& batch, uint64_t events, const std::string& key,
                                                  const KpiTracker* kpis, const ScrapeBaselineRow* baseline) {
  AlertChanges changes;
  {
    std::lock_guard<std::mutex> lock(state_mu);
    if (!key.empty() && store->HasBatch(key)) return {200, "", 0, 0, true};
    std::vector<uint64_t> overflow;
    std::vector<SlotDelta> deltas = ResolveDeltas(batch, live->evaluator(), &overflow);
    std::vector<std::pair<std::string, uint64_t>> named;
    for (size_t i = 0; i < overflow.size(); ++i) named.emplace_back(live->spec().slos[i].name, overflow[i]);
    auto t0 = std::chrono::steady_clock::now();
    // Ingest holds reload_mu from parsing to here, so `kpis` follows the live spec.
    KpiCommit kpi;
    if (kpis) kpi = ResolveKpiBuckets(*kpis, live->kpis());
    Status s = store->CommitBatch(key, events, deltas, named, kpi, baseline);
    commit_seconds->WithLabels().Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (!s.ok()) return {503, s.message(), 0, 0, false};
    ApplyDeltas(deltas, overflow, &live->evaluator());
    if (kpis) live->kpis().Merge(*kpis);
    if (options.clock == "events") changes = live->StepTo(StepLimit());
  }
  SendChanges(changes);
  return {200, "", events, 0, false};
}

Status Daemon::Impl::StartScraper(std::shared_ptr<const Spec> spec) {
  scraper.reset();
  if (spec->scrape.empty()) return Status::Ok();
  auto sink = [this, spec](const Evaluator& counts, const std::string& target, const std::string& baseline) {
    std::shared_lock<std::shared_mutex> reload_lock(reload_mu);
    {
      std::lock_guard<std::mutex> lock(state_mu);
      if (live->spec_ptr() != spec) return;  // a reload replaced the spec these counts follow
    }
    const ScrapeBaselineRow row{target, baseline};
    IngestOutcome out = Commit(counts, 0, "", nullptr, &row);
    if (out.status != 200) std::cerr << "slokit serve: scrape: " << out.error << "\n";
  };
  auto baselines = [this](const std::string& target) {
    std::lock_guard<std::mutex> lock(state_mu);
    return store->ScrapeBaseline(target);
  };
  Status s = Scraper::Create(spec, options.slot, sink, baselines, &scraper);
  if (!s.ok()) return s;
  scraper->Start();
  return Status::Ok();
}

Status Daemon::Start() {
  Impl& d = *impl_;
  d.started_at = WallNow();
  if (d.options.clock != "wall" && d.options.clock != "events")
    return Status::InvalidArgument("--clock: expected wall or events");
  if (!d.options.token_file.empty()) {
    std::ifstream in(d.options.token_file);
    if (!in) return Status::IoError(fmt::format("--token-file {}: cannot be read", d.options.token_file));
    std::stringstream ss;
    ss << in.rdbuf();
    d.token = ss.str();
    while (!d.token.empty() && std::isspace(static_cast<unsigned char>(d.token.back()))) d.token.pop_back();
    if (d.token.empty()) return Status::InvalidArgument(fmt::format("--token-file {}: the file is empty", d.options.token_file));
  }
  std::shared_ptr<const Spec> spec;
  Status s = d.LoadSpec(&spec);
  if (!s.ok()) return s;
  s = Store::Open(d.options.data_dir, &d.store);
  if (!s.ok()) return s;
  s = d.Restore(&d.live, spec);
  if (!s.ok()) return s;
  d.live->StepTo(d.StepLimit());  // rebuild the alert state; what fires now is re-sent below
  s = d.sender.Start();
  if (!s.ok()) return s;
  s = d.StartScraper(spec);
  if (!s.ok()) return s;

  d.events_total = &d.registry.AddCounter({"slokit_serve_ingested_events", "Events acknowledged (durably stored)", "",
                                           {"endpoint"}});
  d.requests_total = &d.registry.AddCounter({"slokit_serve_ingest_requests", "Ingest requests by endpoint and HTTP status",
                                             "", {"endpoint", "code"}});
  d.ingest_seconds = &d.registry.AddHistogram(
      {"slokit_serve_ingest_duration_seconds", "Time from request to acknowledgement", "seconds", {"endpoint"}},
      {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  d.commit_seconds = &d.registry.AddHistogram({"slokit_serve_store_commit_duration_seconds",
                                               "Time of one durable store commit (fsync included)", "seconds", {}},
                                              {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25});

  d.InstallRoutes();
  if (!metrics::ParseListenAddress(d.options.listen, &d.host, &d.port))
    return Status::InvalidArgument(fmt::format("--listen {}: expected host:port", d.options.listen));
  d.http.set_payload_max_length(d.options.max_body_bytes);
  d.http.set_read_timeout(30, 0);
  d.http.set_keep_alive_max_count(1000);
  // Without TCP_NODELAY a response written in two parts waits for the client's delayed ACK
  // (40 ms on Linux): acknowledgement latency would be set by Nagle, not by the work.
  d.http.set_tcp_nodelay(true);
  int threads = std::max(2, d.options.threads);
  d.http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  if (d.port == 0) {
    d.port = d.http.bind_to_any_port(d.host);
    if (d.port < 0) return Status::IoError(fmt::format("--listen {}: cannot bind", d.options.listen));
  } else if (!d.http.bind_to_port(d.host, d.port)) {
    return Status::IoError(fmt::format("--listen {}: cannot bind (in use?)", d.options.listen));
  }
  d.http_thread = std::thread([&d] { d.http.listen_after_bind(); });
  d.tick_thread = std::thread([&d] {
    std::unique_lock<std::mutex> lock(d.stop_mu);
    while (!d.stopping) {
      lock.unlock();
      d.Tick();
      lock.lock();
      d.stop_cv.wait_for(lock, std::chrono::seconds(1), [&] { return d.stopping; });
    }
  });
  d.ready = true;
  return Status::Ok();
}

void Daemon::Wait() {
  std::unique_lock<std::mutex> lock(impl_->stop_mu);
  impl_->stop_cv.wait(lock, [&] { return impl_->stopped; });
}

void Daemon::Shutdown() {
  Impl& d = *impl_;
  {
    std::lock_guard<std::mutex> lock(d.stop_mu);
    if (d.stopping) return;
    d.stopping = true;
  }
  d.ready = false;
  d.stop_cv.notify_all();
  // httplib's stop closes the listening socket; its thread pool finishes requests in flight.
  {
    std::lock_guard<std::mutex> lock(d.reload_call_mu);
    d.scraper.reset();
  }
  d.http.stop();
  if (d.http_thread.joinable()) d.http_thread.join();
  if (d.tick_thread.joinable()) d.tick_thread.join();
  d.sender.Stop();
  {
    std::lock_guard<std::mutex> lock(d.stop_mu);
    d.stopped = true;
  }
  d.stop_cv.notify_all();
}

Status Daemon::Reload() { return impl_->Reload(); }

Status Daemon::Impl::Reload() {
  std::shared_ptr<const Spec> spec;
  Status s = LoadSpec(&spec);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> one_at_a_time(reload_call_mu);
  // The scraper commits under the locks taken below: stop it before taking them.
  scraper.reset();
  std::unique_lock<std::shared_mutex> reload_lock(reload_mu);
  std::unique_lock<std::mutex> lock(state_mu);
  // Restoring from the store gives exactly what is acknowledged, and drops the counts of SLOs
  // whose meaning changed; the machines are then rebuilt over the data.
  std::unique_ptr<LiveSlos> fresh;
  s = Restore(&fresh, spec);
  if (!s.ok()) {
    reload_lock.unlock();
    lock.unlock();
    StartScraper(live->spec_ptr());  // keep scraping for the running spec
    return s;
  }
  live = std::move(fresh);
  live->StepTo(StepLimit());
  std::cerr << fmt::format("slokit serve: reloaded {} ({} SLOs)\n", options.spec_path, spec->slos.size());
  reload_lock.unlock();
  lock.unlock();
  return StartScraper(spec);
}

}  // namespace slokit::server
