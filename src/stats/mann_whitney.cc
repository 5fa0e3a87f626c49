#include "stats/mann_whitney.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "stats/sample_check.h"
#include "stats/special_functions.h"

namespace slokit::stats {
namespace {

using Int128 = __int128;
using UInt128 = unsigned __int128;

// C(max + min, min) when it is below 2^126, so every partial sum of the Gaussian binomial fits a
// signed 128-bit integer; false otherwise.
bool BinomialFits(uint64_t small, uint64_t large, UInt128* out) {
  constexpr UInt128 kLimit = static_cast<UInt128>(1) << 126;
  UInt128 c = 1;
  for (uint64_t i = 1; i <= small; ++i) {
    // C(large + i, i) = C(large + i - 1, i - 1) * (large + i) / i, exact at every step.
    UInt128 product;
    if (__builtin_mul_overflow(c, static_cast<UInt128>(large + i), &product)) return false;
    c = product / i;
    if (c >= kLimit) return false;
  }
  *out = c;
  return true;
}

struct RankSums {
  double r1 = 0.0;        // rank sum of x (mid-ranks)
  double tie_term = 0.0;  // sum over tie groups of t^3 - t
  bool has_ties = false;
};

RankSums RankPooled(std::span<const double> x, std::span<const double> y) {
  std::vector<std::pair<double, bool>> pooled;  // (value, from x)
  pooled.reserve(x.size() + y.size());
  for (double v : x) pooled.emplace_back(v, true);
  for (double v : y) pooled.emplace_back(v, false);
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  RankSums sums;
  size_t i = 0;
  while (i < pooled.size()) {
    size_t j = i;
    size_t from_x = 0;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) {
      from_x += pooled[j].second ? 1 : 0;
      ++j;
    }
    // Positions i+1 .. j share the mid-rank (i + 1 + j) / 2.
    double mid_rank = 0.5 * static_cast<double>(i + 1 + j);
    sums.r1 += mid_rank * static_cast<double>(from_x);
    double t = static_cast<double>(j - i);
    if (j - i > 1) {
      sums.has_ties = true;
      sums.tie_term += t * t * t - t;
    }
    i = j;
  }
  return sums;
}

}  // namespace

bool MannWhitneyExactDistribution::Supported(uint64_t n1, uint64_t n2) {
  if (n1 == 0 || n2 == 0) return false;
  if (n1 > kMaxCells || n2 > kMaxCells || n1 * n2 > kMaxCells) return false;
  UInt128 total = 0;
  return BinomialFits(std::min(n1, n2), std::max(n1, n2), &total);
}

Status MannWhitneyExactDistribution::Create(uint64_t n1, uint64_t n2,
                                            MannWhitneyExactDistribution* out) {
  if (!Supported(n1, n2)) {
    return Status::InvalidArgument(fmt::format(
        "exact Mann-Whitney distribution not available for sizes {} and {} (needs both > 0, "
        "n1 * n2 <= {} and C(n1 + n2, n1) < 2^126)",
        n1, n2, kMaxCells));
  }
  const uint64_t m = std::min(n1, n2);
  const uint64_t n = std::max(n1, n2);
  UInt128 total = 0;
  BinomialFits(m, n, &total);
  // Coefficients of [n + i choose i]_q = [n + i - 1 choose i - 1]_q (1 - q^(n+i)) / (1 - q^i),
  // truncated at degree i * n where the quotient is an exact polynomial. Partial results are
  // bounded by C(n + i, i), so the signed 128-bit arithmetic is exact.
  std::vector<Int128> c(m * n + 1, 0);
  c[0] = 1;
  for (uint64_t i = 1; i <= m; ++i) {
    const uint64_t degree = i * n;
    const uint64_t shift = n + i;
    for (uint64_t j = degree; j >= shift; --j) c[j] -= c[j - shift];
    for (uint64_t j = i; j <= degree; ++j) c[j] += c[j - i];
  }
  out->n1_ = n1;
  out->n2_ = n2;
  out->cdf_.assign(m * n + 1, 0.0);
  const long double denominator = static_cast<long double>(total);
  Int128 cumulative = 0;
  for (uint64_t u = 0; u <= m * n; ++u) {
    cumulative += c[u];
    out->cdf_[u] = static_cast<double>(static_cast<long double>(cumulative) / denominator);
  }
  return Status::Ok();
}

double MannWhitneyExactDistribution::Cdf(int64_t u) const {
  if (u < 0) return 0.0;
  if (static_cast<uint64_t>(u) >= cdf_.size()) return 1.0;
  return cdf_[static_cast<size_t>(u)];
}

double MannWhitneyExactDistribution::Sf(int64_t u) const {
  return Cdf(static_cast<int64_t>(n1_ * n2_) - u);
}

Status MannWhitneyU(std::span<const double> x, std::span<const double> y, MannWhitneyResult* out,
                    PValueMethod method) {
  if (Status s = CheckSample(x, "x"); !s.ok()) return s;
  if (Status s = CheckSample(y, "y"); !s.ok()) return s;
  const uint64_t n1 = x.size();
  const uint64_t n2 = y.size();
  const RankSums ranks = RankPooled(x, y);
  const double dn1 = static_cast<double>(n1);
  const double dn2 = static_cast<double>(n2);
  MannWhitneyResult r;
  r.u1 = ranks.r1 - dn1 * (dn1 + 1.0) / 2.0;
  r.u2 = dn1 * dn2 - r.u1;
  const double u = std::max(r.u1, r.u2);

  bool exact = false;
  switch (method) {
    case PValueMethod::kAuto:
      exact = (n1 <= 8 || n2 <= 8) && !ranks.has_ties &&
              MannWhitneyExactDistribution::Supported(n1, n2);
      break;
    case PValueMethod::kExact:
      if (ranks.has_ties) {
        return Status::InvalidArgument(
            "exact Mann-Whitney p-value assumes no ties; the samples have tied values (use the "
            "asymptotic method)");
      }
      exact = true;
      break;
    case PValueMethod::kAsymptotic:
      exact = false;
      break;
  }

  if (exact) {
    MannWhitneyExactDistribution dist;
    if (Status s = MannWhitneyExactDistribution::Create(n1, n2, &dist); !s.ok()) return s;
    r.p_value = std::min(1.0, 2.0 * dist.Sf(static_cast<int64_t>(u)));
    r.exact = true;
  } else {
    const double mu = dn1 * dn2 / 2.0;
    const double n = dn1 + dn2;
    const double variance = dn1 * dn2 / 12.0 * ((n + 1.0) - ranks.tie_term / (n * (n - 1.0)));
    if (!(variance > 0.0)) {
      r.z = 0.0;
      r.p_value = 1.0;  // every value tied: U = mu exactly
    } else {
      r.z = (u - mu - 0.5) / std::sqrt(variance);
      r.p_value = std::min(1.0, 2.0 * NormalSf(r.z));
    }
    r.exact = false;
  }
  *out = r;
  return Status::Ok();
}

}  // namespace slokit::stats
