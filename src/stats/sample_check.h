// Input checks shared by the statistics (internal): every function that takes samples or counts
// rejects empty and non-finite input with a Status instead of returning NaN.
#pragma once

#include <span>
#include <string_view>

#include "core/status.h"

namespace slokit::stats {

// OK when `values` is non-empty and every value is finite; `what` names the argument in errors.
Status CheckSample(std::span<const double> values, std::string_view what);

// OK when `counts` is non-empty, every count is finite and >= 0, and the total is > 0.
Status CheckCounts(std::span<const double> counts, std::string_view what);

}  // namespace slokit::stats
