#include "stats/sample_check.h"

#include <fmt/format.h>

#include <cmath>

namespace slokit::stats {

Status CheckSample(std::span<const double> values, std::string_view what) {
  if (values.empty()) return Status::InvalidArgument(fmt::format("{} is empty", what));
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return Status::InvalidArgument(
          fmt::format("{}[{}] is not a finite number ({})", what, i, values[i]));
    }
  }
  return Status::Ok();
}

Status CheckCounts(std::span<const double> counts, std::string_view what) {
  if (counts.empty()) return Status::InvalidArgument(fmt::format("{} has no bins", what));
  double total = 0.0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (!std::isfinite(counts[i]) || counts[i] < 0.0) {
      return Status::InvalidArgument(
          fmt::format("{}[{}] is not a finite count >= 0 ({})", what, i, counts[i]));
    }
    total += counts[i];
  }
  if (!(total > 0.0)) return Status::InvalidArgument(fmt::format("{} has a zero total", what));
  if (!std::isfinite(total))
    return Status::InvalidArgument(fmt::format("{} total overflows", what));
  return Status::Ok();
}

}  // namespace slokit::stats
