#include "stats/binning.h"

#include <algorithm>
#include <cmath>

#include "stats/sample_check.h"

namespace slokit::stats {

Status BinByReferenceQuantiles(std::span<const double> reference, std::span<const double> current,
                               size_t num_bins, Binning* out) {
  if (Status s = CheckSample(reference, "reference"); !s.ok()) return s;
  if (Status s = CheckSample(current, "current"); !s.ok()) return s;
  if (num_bins == 0) return Status::InvalidArgument("num_bins must be at least 1");
  std::vector<double> sorted(reference.begin(), reference.end());
  std::sort(sorted.begin(), sorted.end());
  const double last = static_cast<double>(sorted.size() - 1);
  Binning b;
  for (size_t i = 1; i < num_bins; ++i) {
    // numpy 'linear': position q (n - 1) between order statistics j and j + 1.
    const double pos = static_cast<double>(i) / static_cast<double>(num_bins) * last;
    const size_t j = static_cast<size_t>(std::floor(pos));
    const double frac = pos - static_cast<double>(j);
    double edge = sorted[j];
    if (j + 1 < sorted.size()) {
      // numpy's _lerp, which interpolates from the nearer end.
      const double diff = sorted[j + 1] - sorted[j];
      edge = frac >= 0.5 ? sorted[j + 1] - diff * (1.0 - frac) : sorted[j] + diff * frac;
    }
    if (b.edges.empty() || edge > b.edges.back()) b.edges.push_back(edge);
  }
  b.reference_counts.assign(b.edges.size() + 1, 0.0);
  b.current_counts.assign(b.edges.size() + 1, 0.0);
  auto bin_of = [&b](double v) {
    return static_cast<size_t>(std::lower_bound(b.edges.begin(), b.edges.end(), v) -
                               b.edges.begin());
  };
  for (double v : reference) b.reference_counts[bin_of(v)] += 1.0;
  for (double v : current) b.current_counts[bin_of(v)] += 1.0;
  *out = std::move(b);
  return Status::Ok();
}

}  // namespace slokit::stats
