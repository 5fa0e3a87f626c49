// Two-sample Kolmogorov-Smirnov test, two-sided, matching scipy.stats.ks_2samp(x, y,
// alternative='two-sided', method=...) in scipy 1.10: statistic, p-value, and where/which way the
// ECDFs differ most.
#pragma once

#include <cstdint>
#include <span>

#include "core/status.h"
#include "stats/p_value_method.h"

namespace slokit::stats {

struct KsResult {
  double statistic =
      0.0;                // D = sup |F_x - F_y| (with the exact method, rounded to h / lcm(n1, n2))
  double p_value = 1.0;   // two-sided
  double location = 0.0;  // the value at which D is attained (first in scipy's order)
  int sign = 1;           // +1 if F_x - F_y is largest there, -1 if F_y - F_x is
  bool exact = false;     // which method produced p_value
};

// D over the pooled values (ECDFs right-continuous, so ties across samples are handled exactly),
// O((n1 + n2) log(n1 + n2)). p-value:
//  - exact: P(D_{n1,n2} >= D) counted over lattice paths with Hodges' inside method in the
//    numerically stable 1 - p recursion of Viehmann (2021), O(max(n1, n2) * window), or the
//    closed alternating form when n1 == n2 — as scipy's _attempt_exact_2kssamp;
//  - asymptotic: KolmogorovSf(round(n1 n2 / (n1 + n2)), D) — scipy's kstwo.sf(D, round(en)).
// kAuto: exact when max(n1, n2) <= 10000, else asymptotic (scipy's rule). kExact falls back to
// asymptotic, as scipy does, when lcm(n1, n2) would reach 2^31. The exact p-value ignores ties
// (it is conservative for discrete data), as scipy's. Samples must be non-empty and finite;
// kAsymptotic with round(en) = 0 (n1 = n2 = 1) is InvalidArgument (scipy returns NaN).
Status KolmogorovSmirnov2(std::span<const double> x, std::span<const double> y, KsResult* out,
                          PValueMethod method = PValueMethod::kAuto);

// Exact two-sided P(D_{m,n} >= h / lcm(m, n)) for the two-sample statistic, h >= 1 (the kernel of
// the exact method above). O(max(m, n) * h / (max / gcd)) time, O(min(m, n)) memory.
double KolmogorovSmirnov2ExactSf(int64_t m, int64_t n, int64_t h);

}  // namespace slokit::stats
