#include "stats/hodges_lehmann.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>
#include <vector>

#include "stats/mann_whitney.h"
#include "stats/sample_check.h"
#include "stats/special_functions.h"

namespace slokit::stats {
namespace {

// Order-preserving map from doubles (not NaN) to unsigned integers.
uint64_t OrderedKey(double d) {
  uint64_t bits = std::bit_cast<uint64_t>(d);
  return (bits & 0x8000000000000000ull) ? ~bits : bits | 0x8000000000000000ull;
}

double FromOrderedKey(uint64_t key) {
  uint64_t bits = (key & 0x8000000000000000ull) ? key & ~0x8000000000000000ull : ~key;
  return std::bit_cast<double>(bits);
}

// Selects order statistics of the differences of two sorted samples.
class DifferenceSelector {
 public:
  DifferenceSelector(std::vector<double> x, std::vector<double> y)
      : x_(std::move(x)), y_(std::move(y)) {
    std::sort(x_.begin(), x_.end());
    std::sort(y_.begin(), y_.end());
  }

  uint64_t size() const { return static_cast<uint64_t>(x_.size()) * y_.size(); }
  double smallest() const { return y_.front() - x_.back(); }
  double largest() const { return y_.back() - x_.front(); }

  // #{(i, j): fl(y_j - x_i) <= t}. fl is monotone, so for each x_i the qualifying y_j form a
  // prefix that only grows as x_i increases.
  uint64_t CountAtMost(double t) const {
    uint64_t count = 0;
    size_t p = 0;
    for (double xi : x_) {
      while (p < y_.size() && y_[p] - xi <= t) ++p;
      count += p;
    }
    return count;
  }

  // The k-th smallest difference (1-based): the smallest double t with CountAtMost(t) >= k.
  double Select(uint64_t k) const {
    uint64_t lo = OrderedKey(smallest());
    uint64_t hi = OrderedKey(largest());  // CountAtMost(largest()) == size() >= k
    while (lo < hi) {
      uint64_t mid = lo + (hi - lo) / 2;
      if (CountAtMost(FromOrderedKey(mid)) >= k) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return FromOrderedKey(lo) + 0.0;  // + 0.0 turns -0 into +0
  }

  double Median() const {
    const uint64_t n = size();
    if (n % 2 == 1) return Select(n / 2 + 1);
    return (Select(n / 2) + Select(n / 2 + 1)) / 2.0;
  }

 private:
  std::vector<double> x_;
  std::vector<double> y_;
};

Status MakeSelector(std::span<const double> x, std::span<const double> y,
                    std::unique_ptr<DifferenceSelector>* out) {
  if (Status s = CheckSample(x, "x"); !s.ok()) return s;
  if (Status s = CheckSample(y, "y"); !s.ok()) return s;
  if (x.size() > (uint64_t{1} << 31) || y.size() > (uint64_t{1} << 31)) {
    return Status::InvalidArgument("samples too large for pairwise differences");
  }
  auto selector = std::make_unique<DifferenceSelector>(std::vector<double>(x.begin(), x.end()),
                                                       std::vector<double>(y.begin(), y.end()));
  if (!std::isfinite(selector->smallest()) || !std::isfinite(selector->largest())) {
    return Status::InvalidArgument("pairwise differences overflow to infinity");
  }
  *out = std::move(selector);
  return Status::Ok();
}

}  // namespace

Status PairwiseDifferenceOrderStatistic(std::span<const double> x, std::span<const double> y,
                                        uint64_t k, double* out) {
  std::unique_ptr<DifferenceSelector> selector;
  if (Status s = MakeSelector(x, y, &selector); !s.ok()) return s;
  if (k < 1 || k > selector->size()) {
    return Status::InvalidArgument(
        fmt::format("order statistic {} out of range 1..{}", k, selector->size()));
  }
  *out = selector->Select(k);
  return Status::Ok();
}

Status HodgesLehmannShift(std::span<const double> x, std::span<const double> y, double* shift) {
  std::unique_ptr<DifferenceSelector> selector;
  if (Status s = MakeSelector(x, y, &selector); !s.ok()) return s;
  *shift = selector->Median();
  return Status::Ok();
}

Status HodgesLehmann(std::span<const double> x, std::span<const double> y, double confidence,
                     HodgesLehmannResult* out) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return Status::InvalidArgument(fmt::format("confidence must be in (0, 1), got {}", confidence));
  }
  std::unique_ptr<DifferenceSelector> selector;
  if (Status s = MakeSelector(x, y, &selector); !s.ok()) return s;
  const uint64_t n1 = x.size();
  const uint64_t n2 = y.size();
  const uint64_t total = selector->size();
  const double half_alpha = (1.0 - confidence) / 2.0;
  HodgesLehmannResult r;
  uint64_t k = 0;
  if (MannWhitneyExactDistribution::Supported(n1, n2)) {
    MannWhitneyExactDistribution dist;
    if (Status s = MannWhitneyExactDistribution::Create(n1, n2, &dist); !s.ok()) return s;
    // Largest k with P(U <= k - 1) <= a / 2; the CDF is increasing, so scan up from k = 0.
    while (k < total && dist.Cdf(static_cast<int64_t>(k)) <= half_alpha) ++k;
    r.exact = true;
    if (k >= 1) r.confidence = 1.0 - 2.0 * dist.Cdf(static_cast<int64_t>(k) - 1);
  } else {
    const double dn1 = static_cast<double>(n1);
    const double dn2 = static_cast<double>(n2);
    const double sigma = std::sqrt(dn1 * dn2 * (dn1 + dn2 + 1.0) / 12.0);
    const double z = NormalQuantile(1.0 - half_alpha);
    const double kd = std::floor(static_cast<double>(total) / 2.0 - z * sigma + 0.5);
    k = kd >= 1.0 ? static_cast<uint64_t>(kd) : 0;
    r.exact = false;
    r.confidence = confidence;
  }
  if (k < 1) {
    return Status::InvalidArgument(
        fmt::format("samples of sizes {} and {} are too small for a {}% confidence interval", n1,
                    n2, 100.0 * confidence));
  }
  r.k = k;
  r.shift = selector->Median();
  r.lower = selector->Select(k);
  r.upper = selector->Select(total + 1 - k);
  *out = r;
  return Status::Ok();
}

}  // namespace slokit::stats
