// Histogram: counts observations (latencies, sizes) into buckets with explicit upper bounds, plus
// their sum. A Histogram is a handle to one series of a HistogramFamily; resolve it once with
// WithLabels and keep it.
//
// Buckets: an observation v lands in the first bucket whose bound b satisfies v <= b (a value
// equal to a bound counts in that bound's bucket, as Prometheus' `le` says), else in +Inf.
// NaN observations are ignored. Up to 16 bounds are searched branch-free (SSE2 where available),
// more by binary search.
//
// Thread safety: Observe may be called from any number of threads at once; no locks, no
// allocation, only the calling thread's cache lines are written.
// Lifetime: a handle stays valid as long as the Registry that made it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "slokit/metrics/detail/cells.h"
#include "slokit/metrics/family.h"

namespace slokit::metrics {

inline constexpr size_t kMaxBuckets = 256;  // bounds per histogram, not counting +Inf

// Bounds start, start+width, ... (count of them).
std::vector<double> LinearBuckets(double start, double width, size_t count);
// Bounds start, start*factor, start*factor^2, ... (count of them).
std::vector<double> ExponentialBuckets(double start, double factor, size_t count);

namespace detail {

// The bucket bounds of a histogram family, laid out for the search in Observe.
struct HistogramLayout {
  static constexpr uint32_t kLinear = 16;
  explicit HistogramLayout(const std::vector<double>& bounds);

  // The bucket of v (not NaN): the number of bounds below v.
  uint32_t Index(double v) const {
    if (n > kLinear) return IndexSearch(v);
#if defined(__SSE2__)
    // Two bounds per compare; each all-ones lane subtracts -1 from a 64-bit counter.
    const __m128d x = _mm_set1_pd(v);
    __m128i below = _mm_setzero_si128();
    for (uint32_t k = 0; k < kLinear; k += 2) {
      below = _mm_sub_epi64(below, _mm_castpd_si128(_mm_cmplt_pd(_mm_load_pd(padded + k), x)));
    }
    const uint64_t i = static_cast<uint64_t>(_mm_cvtsi128_si64(below)) +
                       static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(below, below)));
#else
    uint32_t i = 0;
    for (uint32_t k = 0; k < kLinear; ++k) i += padded[k] < v;
#endif
    return i < n ? static_cast<uint32_t>(i) : n;  // padding (+Inf) never counts for finite v
  }
  uint32_t IndexSearch(double v) const;

  alignas(64) double padded[kLinear];  // the bounds, then +Inf up to kLinear entries
  uint32_t n = 0;                      // number of bounds
  std::vector<double> bounds;
};

}  // namespace detail

class Histogram {
 public:
  Histogram() = default;  // a placeholder; assign a handle from a family before use

  void Observe(double v) { ObserveN(v, 1); }

  // Records `n` observations of the same value `v` (for example n tokens that arrived together,
  // each after the same inter-token gap).
  void ObserveN(double v, uint64_t n) {
    if (v != v) return;
    const uint32_t i = layout_->Index(v);
    const uint32_t off = detail::SlotOffset();
    const bool exclusive = detail::IsExclusive(off);
    uint64_t* c = cells_ + off;
    detail::AddU64(c[kFirstBucket + i], n, exclusive);
    detail::AddDouble(c[kSum], n == 1 ? v : v * static_cast<double>(n), exclusive);
  }

  // Scrape-time reads (not for hot paths).
  uint64_t Count() const;
  double Sum() const;
  std::vector<uint64_t> CumulativeBuckets() const;  // one per bound, then +Inf
  const std::vector<double>& bounds() const { return layout_->bounds; }

  bool valid() const { return cells_ != nullptr; }

 private:
  friend class HistogramFamily;
  // Cells: the sum, then one count per bucket (non-cumulative; the last is +Inf).
  static constexpr uint32_t kSum = 0;
  static constexpr uint32_t kFirstBucket = 1;
  Histogram(uint64_t* cells, const detail::HistogramLayout* layout)
      : cells_(cells), layout_(layout) {}
  uint64_t* cells_ = nullptr;
  const detail::HistogramLayout* layout_ = nullptr;
};

// HistogramFamily: every series of one histogram, keyed by label values; all share the bounds.
// Made by Registry::AddHistogram. The label name "le" is reserved.
class HistogramFamily : public Family {
 public:
  // See CounterFamily::WithLabels: resolve once, keep the handle.
  Histogram WithLabels(std::initializer_list<std::string_view> values = {}) {
    return Histogram(Resolve(std::span(values.begin(), values.size())), &layout_);
  }
  Histogram WithLabels(std::span<const std::string_view> values) {
    return Histogram(Resolve(values), &layout_);
  }
  Histogram WithLabels(std::span<const std::string> values) {
    return Histogram(Resolve(values), &layout_);
  }

 private:
  friend class Registry;
  HistogramFamily(Registry* registry, const MetricOptions& options, std::vector<double> bounds)
      : Family(registry, MetricType::kHistogram, options, static_cast<uint32_t>(bounds.size()) + 2,
               bounds),
        layout_(bounds) {}
  detail::HistogramLayout layout_;
};

}  // namespace slokit::metrics
