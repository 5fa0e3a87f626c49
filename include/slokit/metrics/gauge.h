// Gauge: a value that goes up and down (requests in flight, queue depth, GPU memory in use). A
// Gauge is a handle to one series of a GaugeFamily; resolve it once with WithLabels and keep it.
//
// Semantics: Set is last-write-wins. Inc/Dec are sharded per thread like counter increments, so
// a gauge moved by many threads at once (active requests) costs the same as on one thread. When
// Set races with Inc/Dec on other threads the result is that of some order of those calls. A gauge
// that is only ever Set holds exactly the last value set; one that mixes Set with Inc/Dec of
// fractional amounts may differ from it by floating-point rounding.
//
// Thread safety: all methods may be called from any thread at once; no locks, no allocation.
// Lifetime: a handle stays valid as long as the Registry that made it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "slokit/metrics/detail/cells.h"
#include "slokit/metrics/family.h"

namespace slokit::metrics {

class Gauge {
 public:
  Gauge() = default;  // a placeholder; assign a handle from a family before use

  void Set(double v) {
    uint64_t* shared = cells_ + detail::kSharedOffset;
    if (detail::Load(shared[kDeltasUsed]) == 0) {
      detail::StoreDouble(shared[kValue], v);
    } else {
      SetAfterDeltas(v);
    }
  }

  void Inc(double v = 1.0) {
    const uint32_t off = detail::SlotOffset();
    if (detail::IsExclusive(off)) {
      uint64_t& used = cells_[detail::kSharedOffset + kDeltasUsed];
      if (detail::Load(used) == 0) [[unlikely]]
        detail::Store(used, 1);
      detail::AddDouble(cells_[off + kValue], v, true);
    } else {
      detail::AddDouble(cells_[off + kValue], v, false);  // the shared slot holds the base
    }
  }
  void Dec(double v = 1.0) { Inc(-v); }

  // The current value (a scrape-time operation, not for hot paths).
  double Value() const { return detail::SumDouble(cells_, kValue); }

  bool valid() const { return cells_ != nullptr; }

 private:
  friend class GaugeFamily;
  // Cell 0: in an exclusive slot, that thread's net Inc/Dec; in the shared slot, the base (the
  // value last Set, adjusted for deltas at that moment, plus the deltas of threads without an
  // exclusive slot). Cell 8 of the shared slot, on a cache line of its own and written once:
  // non-zero once Inc/Dec has been used. Keeping it off the value's line means concurrent Sets
  // only ever store to that line, never load it.
  static constexpr uint32_t kValue = 0;
  static constexpr uint32_t kDeltasUsed = detail::kCellsPerCacheLine;
  explicit Gauge(uint64_t* cells) : cells_(cells) {}
  void SetAfterDeltas(double v);
  uint64_t* cells_ = nullptr;
};

// GaugeFamily: every series of one gauge, keyed by label values. Made by Registry::AddGauge.
class GaugeFamily : public Family {
 public:
  // See CounterFamily::WithLabels: resolve once, keep the handle.
  Gauge WithLabels(std::initializer_list<std::string_view> values = {}) {
    return Gauge(Resolve(std::span(values.begin(), values.size())));
  }
  Gauge WithLabels(std::span<const std::string_view> values) { return Gauge(Resolve(values)); }
  Gauge WithLabels(std::span<const std::string> values) { return Gauge(Resolve(values)); }

 private:
  friend class Registry;
  GaugeFamily(Registry* registry, const MetricOptions& options)
      : Family(registry, MetricType::kGauge, options, Gauge::kDeltasUsed + 1) {}
};

}  // namespace slokit::metrics
