// Out-of-line parts of Gauge and Histogram: the slow Set path, histogram layout and reads,
// bucket helpers.
#include <algorithm>
#include <cmath>
#include <limits>

#include "slokit/metrics/gauge.h"
#include "slokit/metrics/histogram.h"

namespace slokit::metrics {

void Gauge::SetAfterDeltas(double v) {
  // value = base + sum of the exclusive slots' deltas, so the base becomes v minus those deltas.
  double deltas = 0;
  const uint32_t n = detail::SlotsInUse();
  for (uint32_t s = 0; s < n; ++s) deltas += detail::LoadDouble(cells_[s * detail::kCellsPerSlot]);
  detail::StoreDouble(cells_[detail::kSharedOffset + kValue], v - deltas);
}

namespace detail {

HistogramLayout::HistogramLayout(const std::vector<double>& b)
    : n(static_cast<uint32_t>(b.size())), bounds(b) {
  for (uint32_t k = 0; k < kLinear; ++k) {
    padded[k] = k < n ? b[k] : std::numeric_limits<double>::infinity();
  }
}

uint32_t HistogramLayout::IndexSearch(double v) const {
  // First bound >= v; NaN never gets here (Observe drops it).
  return static_cast<uint32_t>(std::lower_bound(bounds.begin(), bounds.end(), v) - bounds.begin());
}

}  // namespace detail

uint64_t Histogram::Count() const {
  uint64_t total = 0;
  for (uint32_t i = 0; i <= layout_->n; ++i) total += detail::SumU64(cells_, kFirstBucket + i);
  return total;
}

double Histogram::Sum() const { return detail::SumDouble(cells_, kSum); }

std::vector<uint64_t> Histogram::CumulativeBuckets() const {
  std::vector<uint64_t> out(layout_->n + 1);
  uint64_t running = 0;
  for (uint32_t i = 0; i <= layout_->n; ++i) {
    running += detail::SumU64(cells_, kFirstBucket + i);
    out[i] = running;
  }
  return out;
}

std::vector<double> LinearBuckets(double start, double width, size_t count) {
  std::vector<double> b(count);
  for (size_t i = 0; i < count; ++i) b[i] = start + width * static_cast<double>(i);
  return b;
}

std::vector<double> ExponentialBuckets(double start, double factor, size_t count) {
  std::vector<double> b(count);
  double v = start;
  for (size_t i = 0; i < count; ++i, v *= factor) b[i] = v;
  return b;
}

}  // namespace slokit::metrics
