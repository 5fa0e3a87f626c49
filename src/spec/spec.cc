#include "spec/spec.h"

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
  // Seed 000's policy, the multiwindow multi-burn-rate alerts of the SRE workbook.
  AlertingPolicy p;
  p.conditions = {
      {"page", kHour, 5 * kMinute, 14.4},
      {"page", 6 * kHour, 30 * kMinute, 6},
      {"ticket", 3 * kDay, 6 * kHour, 1},
  };
  return p;
}

}  // namespace slokit
