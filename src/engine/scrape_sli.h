// ScrapeSli: a spec's SLIs measured from successive Prometheus scrapes of one target (a vLLM
// server, an app using slokit's instrumentation library) instead of request events. Each SLI's
// `prometheus:` binding (docs/spec.md) names the counters; between two scrapes every matching
// series' increase is summed and the sums go to an Evaluator as slot counts, so reports, budgets,
// burn rates and alerts work the same as with events. docs/scrape.md describes the rules.
//
//   ratio, quality, composite   valid = increase(total), good = increase(good) or valid - increase(bad)
//   latency                     valid = increase(_count), good = increase(_bucket{le=threshold})
//   percentile                  the same per slot; the engine's slice verdict is then exact
//   throughput                  sum = increase(counter), valid = increase(events)
//
// What scrapes cannot give, and is refused when the object is created (kInvalidArgument naming
// the SLO): an SLI without a binding; a percentile whose threshold lies between two bucket
// boundaries (only histogram_quantile's interpolation could judge it, not an exact count); a
// throughput SLI with min_events > 1 but no `events` counter. Filters in `valid:` are not seen:
// a binding must carry them as label matchers, as for `slokit rules`.
//
// Counters: a value lower than the previous one means the target restarted and the counter began
// again from 0, so the increase is the new value. The target's first scrape only sets baselines;
// a series that first appears in a later scrape was created since the previous one and counts
// from 0 (the first error of a kind is not lost). An increase is spread over the slots between
// the two scrapes in proportion to time.
//
// One object per scrape target (it holds that target's last values); not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "engine/evaluator.h"
#include "io/prometheus_text.h"
#include "spec/spec.h"

namespace slokit {

struct ScrapeSliOptions {
  // SLOs that cannot be measured from scrapes are skipped (see skipped()) rather than an error.
  bool skip_unmeasurable = false;
  // A series first seen after the target's first scrape counts from 0 (see above); false: its
  // first value is only a baseline, like the first scrape's.
  bool count_new_series = true;
};

struct ScrapeStats {
  uint64_t scrapes = 0;
  uint64_t series = 0;   // distinct series that some binding reads
  uint64_t resets = 0;   // counter resets seen
  uint64_t ignored_out_of_order = 0;  // scrapes not later than the previous one
  // About the last scrape: bindings that matched nothing, histograms without the threshold's
  // bucket. Empty when every binding found its series.
  std::vector<std::string> warnings;
};

class ScrapeSli {
 public:
  // Compiles the bindings of `spec`, which must outlive the object.
  static Status Create(const Spec& spec, const ScrapeSliOptions& options, std::unique_ptr<ScrapeSli>* out);
  ~ScrapeSli();

  // Feeds the scrape of the target taken at `at`: the increases since the previous scrape go to
  // `evaluator` (built on the same spec) via AddCounts, for the SLO as a whole and for each
  // cohort (the binding's `by` labels, else the SLO's cohort fields read as label names).
  void Observe(TimeNs at, const promtext::Exposition& scrape, Evaluator* evaluator);

  // The counters' values at the last scrape and its time, so that a restarted daemon counts the
  // increase across its downtime: a new object given them by RestoreBaseline treats its first
  // scrape as the one after that scrape. Empty before the first scrape.
  std::string SaveBaseline() const;
  // Fails on malformed data, changing nothing. Bindings the saved object did not have (the spec
  // changed) get their baselines from the next scrape, as on a fresh start, and their SLOs count
  // from the scrape after it. A first scrape not later than the saved one (the clock went back)
  // is a baseline again instead of being ignored.
  Status RestoreBaseline(std::string_view saved);

  // Whether SLO `slo` is measured (false when it was skipped).
  bool measures(size_t slo) const;
  // "<slo>: <reason>" for each skipped SLO.
  const std::vector<std::string>& skipped() const { return skipped_; }
  const ScrapeStats& stats() const { return stats_; }

 private:
  struct Term;
  struct Plan;
  struct SeriesState;
  struct SeriesMap;
  ScrapeSli();
  void Measure(const promtext::Exposition& scrape, Term* term);
  void Feed(const Plan& plan, TimeNs from, TimeNs to, Evaluator* evaluator);

  ScrapeSliOptions options_;
  std::vector<std::unique_ptr<Term>> terms_;
  std::unique_ptr<SeriesMap> series_;  // every series a term reads: last value, increase
  std::vector<Plan> plans_;
  std::vector<bool> measured_;
  std::vector<std::string> skipped_;
  ScrapeStats stats_;
  bool have_previous_ = false;
  TimeNs previous_ = 0;
  bool restored_ = false;  // previous_ comes from RestoreBaseline and nothing was observed since
  uint64_t scrape_id_ = 0;
};

}  // namespace slokit
