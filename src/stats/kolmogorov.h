// Distributions of one-sample Kolmogorov-Smirnov statistics, needed for two-sample KS p-values.
// They reproduce scipy's algorithms (Simard & L'Ecuyer 2011 selection of methods) so p-values
// agree with scipy to ~1e-10 relative, including where scipy itself uses an approximation.
#pragma once

#include <cstdint>

namespace slokit::stats {

// P(D_n^+ >= d) for the one-sided statistic D_n^+ = sup(F - F_n), n >= 1, d in [0, 1]: the
// Smirnov / Birnbaum-Tingey sum d * sum_{v <= n(1-d)} C(n, v) (d + v/n)^(v-1) (1 - d - v/n)^(n-v)
// of positive terms, each in log space (O(n) time, O(1) memory); closed forms for d <= 1/n and
// d >= 1 - 1/n; 0 once -2 n d^2 is below the double range; for n > 10^6 scipy's approximation
// exp(-(6 n d + 1)^2 / (18 n)). Matches scipy.special.smirnov. NaN outside the domain.
double SmirnovSf(int64_t n, double d);

// P(D_n >= d) for the two-sided one-sample statistic D_n = sup|F_n - F|: scipy.stats.kstwo.sf(d,
// n), choosing like scipy between Ruben-Gambino closed forms, the Durbin matrix (Marsaglia-Tsang-
// Wang, O(k^3 log n) with k = ceil(n d)), the Pomeranz recursion (n <= 140), 2 * SmirnovSf where
// the two one-sided events cannot overlap (d >= 0.5) or nearly never do (n d^2 large), and the
// Pelz-Good asymptotic series for large n. NaN for n < 1.
double KolmogorovSf(int64_t n, double d);

// P(D_n <= d), the complement computed the same way as scipy.stats.kstwo.cdf.
double KolmogorovCdf(int64_t n, double d);

}  // namespace slokit::stats
