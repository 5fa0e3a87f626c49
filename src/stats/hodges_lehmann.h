// Hodges-Lehmann estimate of the location shift between two samples (the median of all pairwise
// differences y_j - x_i) with the distribution-free Moses confidence interval derived from the
// Mann-Whitney null distribution. Nothing is materialized: the n1 * n2 differences are selected
// by counting, so 10k x 10k samples need O(n1 + n2) memory.
#pragma once

#include <cstdint>
#include <span>

#include "core/status.h"

namespace slokit::stats {

// The k-th smallest (1-based, 1 <= k <= n1 * n2) of the differences y_j - x_i, each computed as
// the double fl(y_j - x_i) (so the result equals sorting numpy's `y[None, :] - x[:, None]`).
// Bisects over the ordered bit patterns of doubles (at most 64 steps), counting differences
// <= t with two pointers over the sorted samples: O((n1 + n2) log(n1 + n2)) to sort plus
// O(64 (n1 + n2)). InvalidArgument for empty/non-finite samples, k out of range, or differences
// that overflow to infinity.
Status PairwiseDifferenceOrderStatistic(std::span<const double> x, std::span<const double> y,
                                        uint64_t k, double* out);

// Hodges-Lehmann shift: the median of the n1 * n2 differences y_j - x_i (for an even count, the
// mean of the two middle ones, as numpy.median). Positive when y tends to be larger than x.
Status HodgesLehmannShift(std::span<const double> x, std::span<const double> y, double* shift);

struct HodgesLehmannResult {
  double shift = 0.0;  // median of y_j - x_i
  double lower = 0.0;  // confidence interval [lower, upper] for the shift
  double upper = 0.0;
  double confidence = 0.0;  // achieved coverage (exact method) or the nominal one (normal method)
  uint64_t k = 0;           // lower = D(k), upper = D(n1 n2 + 1 - k), 1-based order statistics
  bool exact = false;       // k from the exact U distribution rather than the normal approximation
};

// Shift and a two-sided confidence interval of level `confidence` (in (0, 1), e.g. 0.95), by
// inverting the Mann-Whitney test (Moses 1953; Hollander & Wolfe): with D(1) <= ... <= D(N) the
// sorted differences, N = n1 n2 and a = 1 - confidence, the interval is [D(k), D(N + 1 - k)]
// where
//  - exact (whenever MannWhitneyExactDistribution::Supported(n1, n2)): k is the largest integer
//    with P(U <= k - 1) <= a / 2, so the coverage 1 - 2 P(U <= k - 1) >= confidence is reported;
//  - otherwise (normal approximation with continuity correction, no tie correction):
//    k = floor(N / 2 - z_{1 - a/2} sqrt(n1 n2 (n1 + n2 + 1) / 12) + 0.5).
// Assumes continuous data (a pure shift model); with ties the endpoints are still order
// statistics of the differences but the coverage is approximate. InvalidArgument when the samples
// are too small for the level (no k >= 1), or for invalid input.
Status HodgesLehmann(std::span<const double> x, std::span<const double> y, double confidence,
                     HodgesLehmannResult* out);

}  // namespace slokit::stats
