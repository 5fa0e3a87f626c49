// Registry: owns metric families and the memory their series record into, and collects their
// values for exposition. Typically one per process, created at startup and kept until exit;
// every handle made from it (Counter, Gauge, Histogram) is valid as long as it lives.
//
// Registering is idempotent: adding a family whose name, type, unit, labels (and bounds) match an
// existing one returns the existing family, so independent components can share metrics.
// Conflicting registrations and invalid names throw std::invalid_argument.
//
// Thread safety: every method is thread-safe and may run concurrently with recording and with
// other scrapes. Recording never takes the registry's lock.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "slokit/metrics/counter.h"
#include "slokit/metrics/detail/cells.h"
#include "slokit/metrics/family.h"
#include "slokit/metrics/gauge.h"
#include "slokit/metrics/histogram.h"
#include "slokit/metrics/snapshot.h"

namespace slokit::metrics {

// The registry's own counter of label sets folded by cardinality guards, labelled by metric.
inline constexpr std::string_view kFoldedMetricName = "slokit_metrics_label_sets_folded";

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  CounterFamily& AddCounter(const MetricOptions& options);
  GaugeFamily& AddGauge(const MetricOptions& options);
  // `bounds`: strictly increasing finite upper bounds (a trailing +Inf is implied and may be
  // given), at most kMaxBuckets of them.
  HistogramFamily& AddHistogram(const MetricOptions& options, std::vector<double> bounds);

  // Snapshots of every family that has at least one series, in registration order.
  std::vector<FamilySnapshot> Collect() const;

  // Adds one to slokit_metrics_label_sets_folded_total{metric="<metric>"}. Families call it when
  // they fold a label set; wrappers that bound label values themselves may call it too.
  void CountFolded(std::string_view metric);

  // Memory blocks allocated for series (each is detail::kSlots x 4 KiB of address space).
  size_t blocks() const { return arena_.blocks(); }

 private:
  friend class Family;
  Family& Register(MetricType type, const MetricOptions& options, std::vector<double> bounds);

  detail::CellArena arena_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;
  std::unordered_map<std::string, Family*> by_name_;
  std::unordered_set<std::string> sample_names_;  // every exposed sample name in use
  CounterFamily* folded_ = nullptr;
};

}  // namespace slokit::metrics
