// Random numbers for the simulator that come out bit-identical on every platform, compiler and
// standard library: the generators (splitmix64, xoshiro256**) and every distribution are written
// here using only IEEE-754 basic operations (+ - * / sqrt, which are correctly rounded everywhere)
// and exact bit manipulation of doubles. Neither <random> distributions nor libm exp/log/cos are
// used: their results differ in the last bits between implementations, and a trace must be
// reproducible from its seed alone. (Build with -ffp-contract=off, as src/sim/CMakeLists.txt
// does, so that no compiler fuses a multiply and an add.)
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace slokit::sim {

// The splitmix64 finaliser: a bijective 64-bit mixer (Steele, Lea, Flood 2014).
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Maps 64 random bits to a double strictly inside (0, 1), so log(u) and log(1 - u) are finite.
// 52 bits, so that the largest value, 1 - 2^-53, is exactly representable (53 would round to 1).
inline double ToUnit(uint64_t bits) { return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52; }

// Two uniforms in (0, 1) with 32-bit resolution from the halves of one 64-bit draw: ample for
// per-request choices (the smallest probability used is 3e-4) at half the generator cost.
inline double HighUnit(uint64_t bits) {
  return (static_cast<double>(bits >> 32) + 0.5) * 0x1.0p-32;
}
inline double LowUnit(uint64_t bits) {
  return (static_cast<double>(bits & 0xffffffffULL) + 0.5) * 0x1.0p-32;
}

// splitmix64: tiny and fast; used for the short per-event streams and to seed xoshiro.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return Mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  double Uniform() { return ToUnit(Next()); }

 private:
  uint64_t state_;
};

// xoshiro256** (Blackman, Vigna 2018): the long-period generator behind the arrival process.
class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed) {
    SplitMix64 sm(seed);
    for (uint64_t& word : s_) word = sm.Next();
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  double Uniform() { return ToUnit(Next()); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // upper bits of ln 2 (exact * k)
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
inline constexpr double kPi = 3.14159265358979323846;

namespace internal {

// Series coefficients and the 2^(j/64) table of DetExp, computed at compile time (constant
// evaluation is IEEE arithmetic too, so the tables are the same everywhere).
struct Tables {
  double exp_poly[6];   // 1/n!
  double exp2_64[64];   // 2^(j/64)
  double cos_poly[11];  // (-1)^k / (2k)!
  double log_poly[10];  // 1/(2k+1)
};
constexpr Tables MakeTables() {
  Tables t{};
  double f = 1;
  for (int n = 0; n < 6; ++n) {
    if (n > 0) f *= n;
    t.exp_poly[n] = 1 / f;
  }
  for (int j = 0; j < 64; ++j) {  // e^(j ln2 / 64) by its Taylor series, to full precision
    const double x = j * 0.693147180559945309417232 / 64;
    double term = 1, sum = 1;
    for (int n = 1; n < 30; ++n) {
      term = term * x / n;
      sum += term;
    }
    t.exp2_64[j] = sum;
  }
  f = 1;
  for (int k = 0; k < 11; ++k) {
    if (k > 0) f *= (2 * k - 1) * (2 * k);
    t.cos_poly[k] = (k % 2 == 0 ? 1 : -1) / f;
  }
  for (int k = 0; k < 10; ++k) t.log_poly[k] = 1.0 / (2 * k + 1);
  return t;
}
inline constexpr Tables kTables = MakeTables();

inline uint64_t Bits(double x) { return std::bit_cast<uint64_t>(x); }
inline double FromBits(uint64_t b) { return std::bit_cast<double>(b); }

}  // namespace internal

// Rounds to the nearest integer (halves away from zero) without a libm call or a branch.
inline int64_t RoundToInt(double x) { return static_cast<int64_t>(x + std::copysign(0.5, x)); }

// Natural logarithm for finite x > 0, accurate to a few ulp.
inline double DetLog(double x) {
  if (!(x >= 0x1.0p-1022)) {  // zero, subnormal or negative: never drawn, handled anyway
    if (!(x > 0)) return -std::numeric_limits<double>::infinity();
    return DetLog(x * 0x1.0p54) - 54 * 0.693147180559945309417232;
  }
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)), by shifting the exponent field so that the
  // split happens at sqrt(2) instead of 2 (no data-dependent branch).
  const uint64_t b = internal::Bits(x) + (0x3ff0000000000000ULL - 0x3fe6a09e00000000ULL);
  const int e = static_cast<int>(b >> 52) - 0x3ff;
  const double m = internal::FromBits((b & 0x000fffffffffffffULL) + 0x3fe6a09e00000000ULL);
  // log(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), |s| < 0.1716.
  const double s = (m - 1) / (m + 1);
  const double s2 = s * s;
  const double* c = internal::kTables.log_poly;
  double p = c[9];
  for (int k = 8; k >= 0; --k) p = p * s2 + c[k];
  return e * kLn2Hi + (e * kLn2Lo + 2 * s * p);
}

// e^x, accurate to a few ulp; saturates instead of overflowing. x = (64 m + j) ln2/64 + r with
// |r| <= ln2/128, so e^x = 2^m * 2^(j/64) * e^r and a short polynomial covers e^r.
inline double DetExp(double x) {
  if (x > 700) x = 700;
  if (x < -700) return 0;
  // Round to nearest by adding and removing 1.5 * 2^52 (exact in the default rounding mode).
  constexpr double kShifter = 6755399441055744.0;
  const double k = (x * (64 / 0.693147180559945309417232) + kShifter) - kShifter;
  const auto ki = static_cast<int64_t>(k);
  const double r = (x - k * (kLn2Hi / 64)) - k * (kLn2Lo / 64);  // k * kLn2Hi is exact
  const double* c = internal::kTables.exp_poly;
  const double p = c[0] + r * (c[1] + r * (c[2] + r * (c[3] + r * (c[4] + r * c[5]))));
  const double scaled = internal::kTables.exp2_64[ki & 63] * p;
  // Times 2^m, built directly: m is within the normal exponent range.
  return scaled * internal::FromBits(static_cast<uint64_t>((ki >> 6) + 1023) << 52);
}

// cos(x) to ~1e-15, after reducing x to [0, pi/2].
inline double DetCos(double x) {
  const double two_pi = 2 * kPi;
  x -= two_pi * std::floor(x / two_pi);  // [0, 2pi)
  if (x > kPi) x = two_pi - x;           // [0, pi], cos is even
  double sign = 1;
  if (x > kPi / 2) {
    x = kPi - x;
    sign = -1;
  }
  const double x2 = x * x;
  const double* c = internal::kTables.cos_poly;
  double p = c[10];
  for (int k = 9; k >= 0; --k) p = p * x2 + c[k];
  return sign * p;
}

// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
// Inverse-CDF sampling costs one uniform per normal and no libm call in the central 95%.
inline double NormalQuantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  if (p < kLow || p > 1 - kLow) {
    const double q = std::sqrt(-2 * DetLog(p < kLow ? p : 1 - p));
    const double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                     ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < kLow ? x : -x;
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// Exponential with mean 1, from a uniform in (0, 1).
inline double StdExponential(double u) { return -DetLog(u); }

// Lognormal with the given median and log-space standard deviation, from a standard normal z.
inline double Lognormal(double median, double sigma, double z) {
  return median * DetExp(sigma * z);
}

// Pareto tail multiplier >= 1 with shape alpha, from a uniform in (0, 1).
inline double ParetoFactor(double alpha, double u) { return DetExp(-DetLog(u) / alpha); }

// Logistic function, for beta-like scores in (0, 1) from a normal (a logit-normal variate).
inline double Logistic(double x) { return 1 / (1 + DetExp(-x)); }

}  // namespace slokit::sim
