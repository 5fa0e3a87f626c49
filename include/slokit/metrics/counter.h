// Counter: a value that only goes up (requests served, tokens generated). A Counter is a handle
// to one series of a CounterFamily (one set of label values): resolve it once with
// CounterFamily::WithLabels and keep it; copying the handle is as cheap as copying a pointer.
//
// Thread safety: Inc may be called from any number of threads at once. It takes no lock,
// allocates nothing and writes only the calling thread's own cache lines (see detail/cells.h).
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

class Counter {
 public:
  Counter() = default;  // a placeholder; assign a handle from a family before use

  // Adds `v` (default 1). Negative and NaN increments are ignored: counters never go down.
  void Inc(double v = 1.0) {
    if (!(v >= 0)) return;
    const uint32_t off = detail::SlotOffset();
    detail::AddDouble(cells_[off], v, detail::IsExclusive(off));
  }

  // The current total, summed over threads (a scrape-time operation, not for hot paths).
  double Value() const { return detail::SumDouble(cells_, 0); }

  bool valid() const { return cells_ != nullptr; }

 private:
  friend class CounterFamily;
  explicit Counter(uint64_t* cells) : cells_(cells) {}
  uint64_t* cells_ = nullptr;
};

// CounterFamily: every series of one counter, keyed by label values. Made by Registry::AddCounter.
// Exposed as `<name>_total` (and `<name>_created` in OpenMetrics).
class CounterFamily : public Family {
 public:
  // Returns the series for `values` (one per label name, in order), creating it when new. Past
  // max_series distinct label sets it returns the shared `other` series. Thread-safe; takes the
  // family's lock, so resolve once and keep the handle rather than calling this per event.
  Counter WithLabels(std::initializer_list<std::string_view> values = {}) {
    return Counter(Resolve(std::span(values.begin(), values.size())));
  }
  Counter WithLabels(std::span<const std::string_view> values) { return Counter(Resolve(values)); }
  Counter WithLabels(std::span<const std::string> values) { return Counter(Resolve(values)); }

 private:
  friend class Registry;
  CounterFamily(Registry* registry, const MetricOptions& options)
      : Family(registry, MetricType::kCounter, options, 1) {}
};

}  // namespace slokit::metrics
