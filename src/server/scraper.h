// Scraper: fetches the spec's `scrape:` endpoints on their intervals and turns each scrape into
// slot counts through ScrapeSli (docs/scrape.md); the daemon commits them like an ingest batch,
// together with the target's counter values (its baseline). A new Scraper (after a restart or a
// reload) starts each target from its committed baseline, so the increase across the gap counts.
//
// Thread safety: Start/Stop from the controlling thread; the scraping runs on its own thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "engine/evaluator.h"
#include "engine/scrape_sli.h"
#include "spec/spec.h"

namespace slokit::server {

class Scraper {
 public:
  // Receives each scrape's counts (an evaluator of `spec` holding only them) and the target's
  // baseline after it (ScrapeSli::SaveBaseline), to be committed together.
  using Sink = std::function<void(const Evaluator& counts, const std::string& target, const std::string& baseline)>;
  // Returns the last committed baseline of a target (empty: none).
  using BaselineSource = std::function<std::string(const std::string& target)>;
  // Fails when an SLO cannot be measured from scrapes (ScrapeSli's reasons).
  static Status Create(std::shared_ptr<const Spec> spec, DurationNs slot, Sink sink, const BaselineSource& baselines,
                       std::unique_ptr<Scraper>* out);
  // A target's key in the store: its name and URL (a baseline is worthless for another server).
  static std::string TargetKey(const ScrapeTarget& target);
  ~Scraper();

  void Start();
  void Stop();
  // Failed fetches or parses so far, and the last error of each target.
  uint64_t failures() const;

 private:
  struct Target;
  Scraper() = default;
  void Run();
  void ScrapeOne(Target& target);
  std::shared_ptr<const Spec> spec_;
  DurationNs slot_ = kMinute;
  Sink sink_;
  std::vector<std::unique_ptr<Target>> targets_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint64_t failures_ = 0;
  std::thread thread_;
};

}  // namespace slokit::server
