// Family: the series of one metric, one per distinct set of label values, with its name, help,
// unit and label names. The typed families (CounterFamily, GaugeFamily, HistogramFamily) add
// WithLabels, which resolves label values into a handle once so that recording never looks
// anything up.
//
// Cardinality guard: a family holds at most `max_series` label sets. Past that, new label sets
// fold into one extra series whose every label value is "other", and the registry's counter
// slokit_metrics_label_sets_folded_total{metric="<name>"} goes up by one per folded resolution.
// Memory therefore stays bounded whatever label values callers pass.
//
// Thread safety: every method is thread-safe. Families are owned by their Registry.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "slokit/metrics/snapshot.h"

namespace slokit::metrics {

class Registry;

inline constexpr size_t kDefaultMaxSeries = 1000;
inline constexpr std::string_view kOtherLabelValue = "other";

// What a metric is called and how it may be labelled. Invalid options make Registry::Add*
// throw std::invalid_argument.
struct MetricOptions {
  // [a-zA-Z_:][a-zA-Z0-9_:]*. Counters are named without "_total" (a trailing "_total" is
  // dropped); when `unit` is set the name must end in "_<unit>" (OpenMetrics).
  std::string name{};
  std::string help{};
  std::string unit{};                     // base unit: "seconds", "bytes", "ratio", or empty
  std::vector<std::string> labels{};      // label names: [a-zA-Z_][a-zA-Z0-9_]*, no leading "__"
  size_t max_series = kDefaultMaxSeries;  // cardinality guard, >= 1
};

class Family {
 public:
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }
  const std::string& help() const { return help_; }
  const std::string& unit() const { return unit_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  const std::vector<double>& bounds() const { return bounds_; }  // histograms only
  size_t max_series() const { return max_series_; }
  // Series held, counting the `other` series once it exists (so at most max_series + 1).
  size_t series_count() const;
  // Label-set resolutions that were folded into the `other` series.
  uint64_t folded() const { return folded_.load(std::memory_order_relaxed); }

  // Current values of every series, in creation order.
  FamilySnapshot Snapshot() const;

 protected:
  Family(Registry* registry, MetricType type, const MetricOptions& options,
         uint32_t cells_per_series, std::vector<double> bounds = {});
  // Returns the cells of the series for `values`, creating or folding as described above.
  uint64_t* Resolve(std::span<const std::string_view> values);
  uint64_t* Resolve(std::span<const std::string> values);

 private:
  friend class Registry;
  struct Series {
    std::vector<std::string> values;
    double created = 0;  // Unix seconds
    uint64_t* cells = nullptr;
  };
  uint64_t* FindOrCreate(std::string key, std::vector<std::string> values);

  Registry* const registry_;
  const MetricType type_;
  const std::string name_, help_, unit_;
  const std::vector<std::string> label_names_;
  const size_t max_series_;
  const uint32_t cells_per_series_;
  const bool own_cache_line_;  // gauges: no series shares a cache line with another
  const std::vector<double> bounds_;

  mutable std::mutex mu_;
  std::deque<Series> series_;
  std::unordered_map<std::string, uint64_t*> index_;  // joined label values -> cells
  size_t regular_series_ = 0;                         // series not counting `other`
  std::atomic<uint64_t> folded_{0};
};

}  // namespace slokit::metrics
