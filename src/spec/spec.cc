#include "spec/spec.h"

#include <memory>

#include "spec/catalog.h"

namespace slokit {

const char* SliKindName(SliKind kind) {
  switch (kind) {
    case SliKind::kRatio: return "ratio";
    case SliKind::kLatency: return "latency";
    case SliKind::kPercentile: return "percentile";
    case SliKind::kThroughput: return "throughput";
    case SliKind::kQuality: return "quality";
    case SliKind::kComposite: return "composite";
  }
  return "?";
}

const char* CapacityResourceName(CapacityCheck::Resource resource) {
  switch (resource) {
    case CapacityCheck::Resource::kTokensPerSecond: return "tokens/s";
    case CapacityCheck::Resource::kRequestsPerSecond: return "requests/s";
    case CapacityCheck::Resource::kConcurrentRequests: return "concurrent requests";
    case CapacityCheck::Resource::kQueueDepth: return "queue depth";
  }
  return "?";
}

void Window::Bounds(TimeNs at, TimeNs* start, TimeNs* end_of_period) const {
  switch (kind) {
    case Kind::kRolling:
      *start = at - length;
      *end_of_period = at;
      return;
    case Kind::kCalendarMonth:
      *start = StartOfMonth(at - 1);
      *end_of_period = StartOfNextMonth(at - 1);
      return;
    case Kind::kCalendarWeek:
      *start = StartOfWeek(at - 1);
      *end_of_period = *start + kWeek;
      return;
  }
}

AlertingPolicy AlertingPolicy::Defaults() {
  // Seed 000's slo_policy, the multiwindow multi-burn-rate alerts of the SRE workbook, as the
  // catalog holds it (catalog/sectors.yaml, policies.slo_policy): the one in use (--catalog,
  // SLOKIT_CATALOG), else the one compiled in.
  std::shared_ptr<const CatalogSet> set;
  if (ActiveCatalog(&set).ok()) return set->catalog.policies.slo;
  return EmbeddedCatalog().catalog.policies.slo;
}

}  // namespace slokit
