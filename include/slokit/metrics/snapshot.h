// Snapshots: plain copies of metric values taken at scrape time. Registry::Collect returns them
// and the exposition writers format them; they are also handy in tests and custom exporters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace slokit::metrics {

enum class MetricType : uint8_t { kCounter, kGauge, kHistogram };

struct SeriesSnapshot {
  std::vector<std::string> label_values{};  // parallel to FamilySnapshot::label_names
  double value = 0;                         // counters and gauges
  // Histograms: cumulative counts per bound, then the +Inf bucket (which equals the count).
  std::vector<uint64_t> buckets{};
  double sum = 0;      // histograms
  double created = 0;  // Unix seconds the series was created (counters and histograms)

  uint64_t count() const { return buckets.empty() ? 0 : buckets.back(); }
};

struct FamilySnapshot {
  std::string name{};  // as registered: counters without "_total"
  std::string help{};
  std::string unit{};
  MetricType type = MetricType::kGauge;
  std::vector<std::string> label_names{};
  std::vector<double> bounds{};  // histograms: upper bounds, without +Inf
  std::vector<SeriesSnapshot> series{};
};

}  // namespace slokit::metrics
