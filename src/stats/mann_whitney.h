// Mann-Whitney U test (Wilcoxon rank-sum) of two independent samples, two-sided, matching
// scipy.stats.mannwhitneyu(x, y, use_continuity=True, alternative='two-sided', method=...), and
// the exact null distribution of U that the test and the Hodges-Lehmann interval share.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "stats/p_value_method.h"

namespace slokit::stats {

// The exact distribution of U = #{(i, j): x_i > y_j} under the null hypothesis for sample sizes
// n1, n2 without ties: the coefficients of the Gaussian binomial [n1 + n2 choose n1]_q, computed
// in exact 128-bit integers (product formula, O(min^2 * max) additions), so every tail probability
// has full double precision. Immutable once created; thread-compatible.
class MannWhitneyExactDistribution {
 public:
  // Size limit of the table: n1 * n2 <= kMaxCells and C(n1 + n2, n1) < 2^126 (so roughly any
  // min(n1, n2) <= 8 with max <= 125000, or n1 = n2 <= 64). Memory: 24 bytes per cell while
  // building, 8 bytes per cell kept.
  static constexpr uint64_t kMaxCells = 1'000'000;

  MannWhitneyExactDistribution() = default;

  // True when Create would succeed for these sizes (cheap: no table is built).
  static bool Supported(uint64_t n1, uint64_t n2);
  // Builds the distribution; InvalidArgument when a size is 0 or !Supported(n1, n2).
  static Status Create(uint64_t n1, uint64_t n2, MannWhitneyExactDistribution* out);

  uint64_t n1() const { return n1_; }
  uint64_t n2() const { return n2_; }
  // P(U <= u); 0 for u < 0, 1 for u >= n1 * n2.
  double Cdf(int64_t u) const;
  // P(U >= u), through the symmetry P(U >= u) = P(U <= n1 n2 - u), so small upper tails keep
  // their relative precision.
  double Sf(int64_t u) const;

 private:
  uint64_t n1_ = 0;
  uint64_t n2_ = 0;
  std::vector<double> cdf_;  // cdf_[u] = P(U <= u), u = 0 .. n1 * n2
};

struct MannWhitneyResult {
  double u1 = 0.0;  // U of x: pairs with x_i > y_j plus half the tied pairs (scipy's statistic)
  double u2 = 0.0;  // n1 * n2 - u1
  double z = 0.0;   // standardized statistic of the asymptotic method; 0 for the exact one
  double p_value = 1.0;  // two-sided
  bool exact = false;    // which method produced p_value
};

// Ranks the pooled sample with mid-ranks for ties (O((n1 + n2) log(n1 + n2))), U1 = R1 -
// n1 (n1 + 1) / 2, and the two-sided p-value from U = max(U1, U2):
//  - exact: p = min(1, 2 P(U' >= U)) from MannWhitneyExactDistribution (no ties allowed);
//  - asymptotic: z = (U - n1 n2 / 2 - 0.5) / s with the tie-corrected
//    s^2 = n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))), p = min(1, 2 (1 - Phi(z))); when
//    every value is tied (s = 0) p = 1.
// kAuto uses scipy's rule: exact when min(n1, n2) <= 8 and the pooled sample has no ties, else
// asymptotic (and asymptotic as well in the rare case the exact table exceeds its size limit).
// kExact with ties, or beyond the size limit, is InvalidArgument. Samples must be non-empty and
// finite.
Status MannWhitneyU(std::span<const double> x, std::span<const double> y, MannWhitneyResult* out,
                    PValueMethod method = PValueMethod::kAuto);

}  // namespace slokit::stats
