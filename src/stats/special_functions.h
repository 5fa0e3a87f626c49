// Special functions behind the tests' p-values: the standard normal distribution and the
// regularized incomplete gamma function (chi-square tail). Each is accurate to about 1e-14
// relative over the ranges the statistics use; all are pure functions of their arguments.
#pragma once

namespace slokit::stats {

// Standard normal CDF Phi(z) and survival function 1 - Phi(z), both through std::erfc so either
// tail keeps full relative precision (NormalSf(10) ~ 7.6e-24, not 0).
double NormalCdf(double z);
double NormalSf(double z);

// Inverse of NormalCdf: Acklam's rational approximation refined by two Halley steps on erfc
// (~1e-15 relative). Returns -inf at p = 0, +inf at p = 1 and NaN outside [0, 1].
double NormalQuantile(double p);

// Regularized incomplete gamma functions for a > 0, x >= 0: P(a, x) = gamma(a, x) / Gamma(a) and
// Q(a, x) = 1 - P(a, x). The power series is used for x < a + 1, the Lentz continued fraction for
// Q otherwise (so the upper tail is never computed as 1 - P), with the prefactor
// x^a e^-x / Gamma(a) evaluated in log space. O(sqrt(a)) iterations near x = a. NaN for a <= 0 or
// x < 0 or NaN input.
double RegularizedGammaP(double a, double x);
double RegularizedGammaQ(double a, double x);

// Chi-square survival function P(X >= x) for k > 0 degrees of freedom: Q(k / 2, x / 2); 1 for
// x <= 0. Matches scipy.stats.chi2.sf.
double ChiSquareSf(double x, double k);

}  // namespace slokit::stats
