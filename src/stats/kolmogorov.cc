#include "stats/kolmogorov.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace slokit::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMinLog = -7.451332191019412076235e2;  // log(2^-1075), cephes MINLOG
constexpr int kE128 = 128;
const double kEP128 = std::ldexp(1.0, kE128);
const double kEM128 = std::ldexp(1.0, -kE128);
constexpr int64_t kSmirnovMaxComputeN = 1000000;

double Clip(double p) { return std::clamp(p, 0.0, 1.0); }

// log(n! / n^n) by Stirling's series with n log n removed up front.
double LogNFactorialDivNPowN(double n) {
  static constexpr double kStirling[] = {-2.955065359477124183e-2,  6.4102564102564102564e-3,
                                         -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                         -5.952380952380952381e-4,  7.9365079365079365079e-4,
                                         -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  const double rn = 1.0 / n;
  const double x = rn / n;
  double poly = 0.0;
  for (double c : kStirling) poly = poly * x + c;
  return std::log(n) / 2 - n + std::log(2 * std::numbers::pi) / 2 + rn * poly;
}

// Row-major square matrix product.
void MatMul(const std::vector<double>& a, const std::vector<double>& b, int m,
            std::vector<double>* out) {
  std::vector<double> c(static_cast<size_t>(m) * m, 0.0);
  for (int i = 0; i < m; ++i) {
    for (int l = 0; l < m; ++l) {
      const double ail = a[static_cast<size_t>(i) * m + l];
      if (ail == 0.0) continue;
      for (int j = 0; j < m; ++j) {
        c[static_cast<size_t>(i) * m + j] += ail * b[static_cast<size_t>(l) * m + j];
      }
    }
  }
  *out = std::move(c);
}

// Pr(D_n <= d): Durbin's matrix algorithm as arranged by Marsaglia, Tsang & Wang (2003).
double KolmogorovCdfDurbin(int64_t n, double d) {
  if (d >= 1.0) return 1.0;
  const double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) return 0.0;
  const int k = static_cast<int>(std::ceil(nd));
  const double h = k - nd;
  const int m = 2 * k - 1;
  std::vector<double> v(m), w(m);
  for (int j = 0; j < m; ++j) v[j] = 1.0 - std::pow(h, j + 1);
  double fac = 1.0;
  for (int j = 1; j <= m; ++j) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] *= fac;
  }
  const double tt = std::pow(std::max(2 * h - 1.0, 0.0), m) - 2 * std::pow(h, m);
  v[m - 1] = (1.0 + tt) * fac;
  auto at = [m](std::vector<double>& mat, int r, int c) -> double& {
    return mat[static_cast<size_t>(r) * m + c];
  };
  std::vector<double> hm(static_cast<size_t>(m) * m, 0.0);
  for (int i = 1; i < m; ++i) {
    for (int r = i - 1; r < m; ++r) at(hm, r, i) = w[r - (i - 1)];
  }
  for (int r = 0; r < m; ++r) at(hm, r, 0) = v[r];
  for (int c = 0; c < m; ++c) at(hm, m - 1, c) = v[m - 1 - c];

  std::vector<double> power(static_cast<size_t>(m) * m, 0.0);
  for (int i = 0; i < m; ++i) at(power, i, i) = 1.0;
  int64_t nn = n;
  int expnt = 0;
  int h_expnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      MatMul(power, hm, m, &power);
      expnt += h_expnt;
    }
    MatMul(hm, hm, m, &hm);
    h_expnt *= 2;
    if (std::fabs(at(hm, k - 1, k - 1)) > kEP128) {
      for (double& e : hm) e /= kEP128;
      h_expnt += kE128;
    }
    nn /= 2;
  }
  double p = at(power, k - 1, k - 1);
  const double dn = static_cast<double>(n);
  for (int64_t i = 1; i <= n; ++i) {
    p = static_cast<double>(i) * p / dn;
    if (std::fabs(p) < kEM128) {
      p *= kEP128;
      expnt -= kE128;
    }
  }
  if (expnt != 0) p = std::ldexp(p, expnt);
  return Clip(p);
}

void PomeranzJ1J2(int64_t i, int64_t n, int64_t ll, int64_t ceilf, int64_t roundf, int64_t* j1,
                  int64_t* j2) {
  int64_t a, b;
  if (i == 0) {
    a = -ll - ceilf - 1;
    b = ll + ceilf - 1;
  } else {
    const int64_t ip1div2 = (i + 1) / 2;
    const int64_t ip1mod2 = (i + 1) % 2;
    if (ip1mod2 == 0) {  // i is odd
      if (ip1div2 == n + 1) {
        a = n - ll - ceilf - 1;
        b = n + ll + ceilf - 1;
      } else {
        a = ip1div2 - 1 - ll - roundf - 1;
        b = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      a = ip1div2 - 1 - ll - 1;
      b = ip1div2 + ll + roundf - 1;
    }
  }
  *j1 = std::max<int64_t>(a + 2, 0);
  *j2 = std::min(b, n);
}

// Pr(D_n <= d) by the Pomeranz (1974) recursion, as in scipy's _kolmogn_Pomeranz.
double KolmogorovCdfPomeranz(int64_t n, double x) {
  const double dn = static_cast<double>(n);
  const double t = dn * x;
  const int64_t ll = static_cast<int64_t>(std::floor(t));
  const double f = t - static_cast<double>(ll);
  const double g = std::min(f, 1.0 - f);
  const int64_t ceilf = f > 0 ? 1 : 0;
  const int64_t roundf = f > 0.5 ? 1 : 0;
  const int64_t npwrs = 2 * (ll + 1);
  std::vector<double> gpower(npwrs), twogpower(npwrs), onem2gpower(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
  const double g_over_n = g / dn;
  const double two_g_over_n = 2 * g / dn;
  const double one_minus_two_g_over_n = (1 - 2 * g) / dn;
  for (int64_t m = 1; m < npwrs; ++m) {
    gpower[m] = gpower[m - 1] * g_over_n / static_cast<double>(m);
    twogpower[m] = twogpower[m - 1] * two_g_over_n / static_cast<double>(m);
    onem2gpower[m] = onem2gpower[m - 1] * one_minus_two_g_over_n / static_cast<double>(m);
  }
  std::vector<double> v0(npwrs, 0.0), v1(npwrs, 0.0);
  v1[0] = 1.0;
  int64_t v0s = 0, v1s = 0;
  int expnt = 0;
  int64_t j1, j2;
  PomeranzJ1J2(0, n, ll, ceilf, roundf, &j1, &j2);
  for (int64_t i = 1; i < 2 * n + 2; ++i) {
    const int64_t k1 = j1;
    std::swap(v0, v1);
    std::swap(v0s, v1s);
    std::fill(v1.begin(), v1.end(), 0.0);
    PomeranzJ1J2(i, n, ll, ceilf, roundf, &j1, &j2);
    const std::vector<double>& pwrs =
        (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 ? twogpower : onem2gpower);
    const int64_t ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // conv = convolve(v0[k1 - v0s : k1 - v0s + ln2], pwrs[:ln2]); slices clipped to the arrays.
      const int64_t a_start = k1 - v0s;
      const int64_t a_len = std::max<int64_t>(0, std::min(a_start + ln2, npwrs) - a_start);
      const int64_t p_len = std::min(ln2, npwrs);
      const int64_t conv_start = j1 - k1;
      const int64_t conv_len = j2 - j1 + 1;
      for (int64_t c = 0; c < conv_len; ++c) {
        const int64_t idx = conv_start + c;
        double sum = 0.0;
        const int64_t lo = std::max<int64_t>(0, idx - (p_len - 1));
        const int64_t hi = std::min(a_len - 1, idx);
        for (int64_t a = lo; a <= hi; ++a) sum += v0[a_start + a] * pwrs[idx - a];
        v1[c] = sum;
      }
      const double vmax = *std::max_element(v1.begin(), v1.end());
      if (0 < vmax && vmax < kEM128) {
        for (double& e : v1) e *= kEP128;
        expnt -= kE128;
      }
      v1s = v0s + j1 - k1;
    }
  }
  double ans = v1[n - v1s];
  for (int64_t m = 1; m <= n; ++m) {
    if (std::fabs(ans) > kEP128) {
      ans *= kEM128;
      expnt += kE128;
    }
    ans *= static_cast<double>(m);
  }
  if (expnt != 0) ans = std::ldexp(ans, expnt);
  return Clip(ans);
}

// Pelz-Good (1976) approximation to Pr(D_n <= x), as in scipy's _kolmogn_PelzGood.
double KolmogorovCdfPelzGood(int64_t n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  constexpr double kPi = std::numbers::pi;
  constexpr double kPi2 = kPi * kPi;
  constexpr double kPi4 = kPi2 * kPi2;
  constexpr double kPi6 = kPi4 * kPi2;
  const double sqrt2pi = std::sqrt(2 * kPi);
  const double dn = static_cast<double>(n);
  const double z = std::sqrt(dn) * x;
  const double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  const double qlog = -kPi2 / 8 / z2;
  if (qlog < -708) return 0.0;
  double q = std::exp(qlog);
  const double k1a = -z2;
  const double k1b = kPi2 / 4;
  const double k2a = 6 * z6 + 2 * z4;
  const double k2b = (2 * z4 - 5 * z2) * kPi2 / 4;
  const double k2c = kPi4 * (1 - 2 * z2) / 16;
  const double k3d = kPi6 * (5 - 30 * z2) / 64;
  const double k3c = kPi4 * (-60 * z2 + 212 * z4) / 16;
  const double k3b = kPi2 * (135 * z4 - 96 * z6) / 4;
  const double k3a = -30 * z6 - 90 * std::pow(z, 8);
  double k[4] = {0, 0, 0, 0};
  const int64_t maxk = static_cast<int64_t>(std::ceil(16 * z / kPi));
  for (int64_t kk = maxk; kk > 0; --kk) {
    const double m = static_cast<double>(2 * kk - 1);
    const double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const double qpower = std::pow(q, static_cast<double>(8 * kk));
    const double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                              k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) k[i] = k[i] * qpower + coeffs[i];
  }
  const double denominators[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) k[i] = k[i] * q * sqrt2pi / denominators[i];
  q = std::exp(-kPi2 / 2 / z2);
  const double sqrt3z = std::sqrt(3.0) * z;
  double k2extra = 0.0, k3extra = 0.0;
  for (int64_t kk = maxk; kk > 0; --kk) {
    const double dk = static_cast<double>(kk);
    const double ks2 = dk * dk;
    const double qp = std::pow(q, ks2);
    const double kspi = kPi * dk;
    k2extra += ks2 * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
  }
  k[2] += k2extra * kPi2 * sqrt2pi / (-36 * z3);
  k[3] += k3extra * kPi2 * sqrt2pi / (216 * z6);
  double sum = 0.0;
  for (int i = 0; i < 4; ++i) sum += k[i] / std::pow(dn, i / 2.0);
  return sum;
}

// scipy's _kolmogn(n, x, cdf): the Simard-L'Ecuyer choice of method.
double Kolmogn(int64_t n, double x, bool cdf) {
  if (n <= 0 || std::isnan(x)) return kNaN;
  auto select = [cdf](double cdf_prob, double sf_prob) { return Clip(cdf ? cdf_prob : sf_prob); };
  if (x >= 1.0) return select(1.0, 0.0);
  if (x <= 0.0) return select(0.0, 1.0);
  const double dn = static_cast<double>(n);
  const double t = dn * x;
  if (t <= 1.0) {  // Ruben-Gambino: 1/2n <= x <= 1/n
    if (t <= 0.5) return select(0.0, 1.0);
    double prob;
    if (n <= 140) {
      prob = 1.0;
      for (int64_t i = 1; i <= n; ++i) prob *= static_cast<double>(i) * (1.0 / dn) * (2 * t - 1);
    } else {
      prob = std::exp(LogNFactorialDivNPowN(dn) + dn * std::log(2 * t - 1));
    }
    return select(prob, 1.0 - prob);
  }
  if (t >= dn - 1) {  // Ruben-Gambino
    const double prob = 2 * std::pow(1.0 - x, dn);
    return select(1 - prob, prob);
  }
  if (x >= 0.5) {  // exact: the one-sided events are disjoint
    const double prob = 2 * SmirnovSf(n, x);
    return select(1.0 - prob, prob);
  }
  const double nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) {
      const double prob = KolmogorovCdfDurbin(n, x);
      return select(prob, 1.0 - prob);
    }
    if (nxsquared <= 4) {
      const double prob = KolmogorovCdfPomeranz(n, x);
      return select(prob, 1.0 - prob);
    }
    const double prob = 2 * SmirnovSf(n, x);  // Miller's approximation
    return select(1.0 - prob, prob);
  }
  if (!cdf) {
    if (nxsquared >= 370.0) return 0.0;
    if (nxsquared >= 2.2) return Clip(2 * SmirnovSf(n, x));
  }
  double cdf_prob;
  if (nxsquared >= 18.0) {
    cdf_prob = 1.0;
  } else if (n <= 100000 && dn * std::pow(x, 1.5) <= 1.4) {
    cdf_prob = KolmogorovCdfDurbin(n, x);
  } else {
    cdf_prob = KolmogorovCdfPelzGood(n, x);
  }
  return select(cdf_prob, 1.0 - cdf_prob);
}

}  // namespace

double SmirnovSf(int64_t n, double x) {
  if (!(n > 0 && x >= 0.0 && x <= 1.0)) return kNaN;
  if (n == 1) return 1.0 - x;
  if (x == 0.0) return 1.0;
  if (x == 1.0) return 0.0;
  const double dn = static_cast<double>(n);
  // floor(n x) and its fractional part, exactly: n x = nx + err with err from an FMA.
  const double nx = dn * x;
  const double err = std::fma(dn, x, -nx);
  double nx_floor = std::floor(nx);
  double alpha = (nx - nx_floor) + err;
  if (alpha < 0) {
    nx_floor -= 1;
    alpha += 1;
  }
  if (alpha >= 1) {
    nx_floor += 1;
    alpha = 0;
  }
  const int64_t nxfl = static_cast<int64_t>(nx_floor);
  // Last index of the (all positive) lower sum; v = n(1 - x) itself contributes 0.
  int64_t last = n - nxfl - (alpha == 0 ? 0 : 1);
  if (alpha == 0) last -= 1;

  if (nxfl == 0 || (nxfl == 1 && alpha == 0)) {  // x <= 1/n: cdf = x (1 + x)^(n - 1)
    const double cdf = x * std::exp((dn - 1) * std::log1p(x));
    return Clip(1.0 - cdf);
  }
  if (-2 * dn * x * x < kMinLog) return 0.0;
  if (nxfl >= n - 1) return Clip(std::exp(dn * std::log1p(-x)));  // x >= 1 - 1/n
  if (n > kSmirnovMaxComputeN) {
    const double logp = -std::pow(6.0 * dn * x + 1, 2) / 18.0 / dn;
    if (logp < -std::numbers::ln2) return Clip(std::exp(logp));
    return Clip(1.0 - (-std::expm1(logp)));
  }
  // Sum of A_v = C(n, v) (x + v/n)^(v - 1) (1 - x - v/n)^(n - v), v = 0..last, in log space with
  // a running maximum (online log-sum-exp). x + v/n and 1 - x - v/n use the exact n x.
  double log_binomial = 0.0;  // log C(n, v)
  double max_log = -std::numeric_limits<double>::infinity();
  double scaled_sum = 0.0;  // sum of exp(log A_v - max_log)
  for (int64_t v = 0; v <= last; ++v) {
    const double dv = static_cast<double>(v);
    const double up = ((dv + nx) + err) / dn;           // x + v/n
    const double down = (((dn - dv) - nx) - err) / dn;  // 1 - x - v/n
    if (down > 0.0) {
      const double log_term = log_binomial + (dv - 1) * std::log(up) + (dn - dv) * std::log(down);
      if (log_term > max_log) {
        scaled_sum = scaled_sum * std::exp(max_log - log_term) + 1.0;
        max_log = log_term;
      } else {
        scaled_sum += std::exp(log_term - max_log);
      }
    }
    log_binomial += std::log((dn - dv) / (dv + 1.0));
  }
  if (scaled_sum == 0.0) return 0.0;
  return Clip(std::exp(std::log(x) + max_log + std::log(scaled_sum)));
}

double KolmogorovSf(int64_t n, double d) { return Kolmogn(n, d, /*cdf=*/false); }

double KolmogorovCdf(int64_t n, double d) { return Kolmogn(n, d, /*cdf=*/true); }

}  // namespace slokit::stats
