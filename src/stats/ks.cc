#include "stats/ks.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "stats/kolmogorov.h"
#include "stats/sample_check.h"

namespace slokit::stats {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t CeilDiv(int64_t a, int64_t b) { return -FloorDiv(-a, b); }

// P(D_{n,n} >= h/n): 2 * (C(2n, n-h) - C(2n, n-2h) + ...) / C(2n, n), in scipy's Horner-like form
// that divides every term by C(2n, n) to avoid cancellation.
double ProbOutsideSquare(int64_t n, int64_t h) {
  double p = 0.0;
  int64_t k = n / h;
  while (k >= 0) {
    double p1 = 1.0;
    for (int64_t j = 0; j < h; ++j) {
      p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
    }
    p = p1 * (1.0 - p);
    --k;
  }
  return 2 * p;
}

// 1 - (share of lattice paths from (0,0) to (m,n) staying strictly inside |x/m - y/n| < h/lcm),
// computed directly (Viehmann's recursion for 1 - p), one sliding column at a time.
double OuterProbInside(int64_t m, int64_t n, int64_t g, int64_t h) {
  if (m < n) std::swap(m, n);
  const int64_t mg = m / g;
  const int64_t ng = n / g;
  int64_t minj = 0;
  int64_t maxj = std::min(CeilDiv(h, mg), n + 1);
  int64_t curlen = maxj - minj;
  const int64_t len_a = std::min(2 * maxj + 2, n + 1);
  std::vector<double> a(static_cast<size_t>(len_a), 1.0);
  for (int64_t j = minj; j < maxj; ++j) a[j] = 0.0;
  auto read = [&a, len_a](int64_t idx) { return idx < len_a ? a[idx] : 1.0; };
  for (int64_t i = 1; i <= m; ++i) {
    const int64_t lastminj = minj;
    const int64_t lastlen = curlen;
    minj = std::max<int64_t>(FloorDiv(ng * i - h, mg) + 1, 0);
    minj = std::min(minj, n);
    maxj = std::min(CeilDiv(ng * i + h, mg), n + 1);
    if (maxj <= minj) return 1.0;
    double val = minj == 0 ? 0.0 : 1.0;
    const double di = static_cast<double>(i);
    for (int64_t jj = 0; jj < maxj - minj; ++jj) {
      const int64_t j = jj + minj;
      val = (read(jj + minj - lastminj) * di + val * static_cast<double>(j)) /
            static_cast<double>(i + j);
      if (jj < len_a) a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      for (int64_t idx = maxj - minj; idx < maxj - minj + (lastlen - curlen) && idx < len_a;
           ++idx) {
        a[idx] = 1.0;
      }
    }
  }
  return read(maxj - minj - 1);
}

}  // namespace

double KolmogorovSmirnov2ExactSf(int64_t m, int64_t n, int64_t h) {
  if (m <= 0 || n <= 0) return std::numeric_limits<double>::quiet_NaN();
  if (h <= 0) return 1.0;
  if (m == n) return ProbOutsideSquare(n, h);
  return OuterProbInside(m, n, std::gcd(m, n), h);
}

Status KolmogorovSmirnov2(std::span<const double> x, std::span<const double> y, KsResult* out,
                          PValueMethod method) {
  if (Status s = CheckSample(x, "x"); !s.ok()) return s;
  if (Status s = CheckSample(y, "y"); !s.ok()) return s;
  std::vector<double> a(x.begin(), x.end());
  std::vector<double> b(y.begin(), y.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const int64_t n1 = static_cast<int64_t>(a.size());
  const int64_t n2 = static_cast<int64_t>(b.size());
  const double dn1 = static_cast<double>(n1);
  const double dn2 = static_cast<double>(n2);

  // cddiffs over data_all = sorted(x) ++ sorted(y), first argmin/argmax in that order.
  double max_diff = -std::numeric_limits<double>::infinity();
  double min_diff = std::numeric_limits<double>::infinity();
  double max_loc = 0.0, min_loc = 0.0;
  auto visit = [&](double v) {
    const double cdf1 =
        static_cast<double>(std::upper_bound(a.begin(), a.end(), v) - a.begin()) / dn1;
    const double cdf2 =
        static_cast<double>(std::upper_bound(b.begin(), b.end(), v) - b.begin()) / dn2;
    const double diff = cdf1 - cdf2;
    if (diff > max_diff) {
      max_diff = diff;
      max_loc = v;
    }
    if (diff < min_diff) {
      min_diff = diff;
      min_loc = v;
    }
  };
  for (double v : a) visit(v);
  for (double v : b) visit(v);
  const double min_s = std::clamp(-min_diff, 0.0, 1.0);
  const double max_s = max_diff;
  KsResult r;
  double d;
  if (min_s > max_s) {
    d = min_s;
    r.location = min_loc;
    r.sign = -1;
  } else {
    d = max_s;
    r.location = max_loc;
    r.sign = 1;
  }

  const int64_t g = std::gcd(n1, n2);
  const int64_t n1g = n1 / g;
  const int64_t n2g = n2 / g;
  bool exact = false;
  switch (method) {
    case PValueMethod::kAuto:
      exact = std::max(n1, n2) <= 10000;
      break;
    case PValueMethod::kExact:
      exact = static_cast<double>(n1g) <
              static_cast<double>(std::numeric_limits<int32_t>::max()) / static_cast<double>(n2g);
      break;
    case PValueMethod::kAsymptotic:
      exact = false;
      break;
  }
  double p = std::numeric_limits<double>::quiet_NaN();
  if (exact) {
    const int64_t lcm = n1g * n2;
    const int64_t h = static_cast<int64_t>(std::nearbyint(d * static_cast<double>(lcm)));
    d = static_cast<double>(h) / static_cast<double>(lcm);
    p = h == 0 ? 1.0 : KolmogorovSmirnov2ExactSf(n1, n2, h);
    if (!(p >= 0.0 && p <= 1.0)) exact = false;  // scipy: fall back to the asymptotic method
  }
  if (!exact) {
    const double m = std::max(dn1, dn2);
    const double n = std::min(dn1, dn2);
    const double en = m * n / (m + n);
    const int64_t rounded = static_cast<int64_t>(std::nearbyint(en));  // half to even, as np.round
    if (rounded < 1) {
      return Status::InvalidArgument(
          "asymptotic KS p-value needs n1 * n2 / (n1 + n2) >= 0.5 after rounding; use the exact "
          "method for samples this small");
    }
    p = KolmogorovSf(rounded, d);
  }
  r.statistic = d;
  r.p_value = std::clamp(p, 0.0, 1.0);
  r.exact = exact;
  *out = r;
  return Status::Ok();
}

}  // namespace slokit::stats
