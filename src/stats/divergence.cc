#include "stats/divergence.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "stats/binning.h"
#include "stats/sample_check.h"

namespace slokit::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Status CheckPair(std::span<const double> a, std::span<const double> b, const char* a_name,
                 const char* b_name) {
  if (a.size() != b.size()) {
    return Status::InvalidArgument(fmt::format("bin counts differ in length: {} has {}, {} has {}",
                                               a_name, a.size(), b_name, b.size()));
  }
  if (Status s = CheckCounts(a, a_name); !s.ok()) return s;
  return CheckCounts(b, b_name);
}

Status CheckEpsilon(double epsilon) {
  if (!(epsilon >= 0.0 && epsilon < 1.0)) {
    return Status::InvalidArgument(fmt::format("epsilon must be in [0, 1), got {}", epsilon));
  }
  return Status::Ok();
}

// Shares c_i / sum(c), floored at epsilon and renormalized when epsilon > 0.
std::vector<double> Shares(std::span<const double> counts, double epsilon) {
  double total = 0.0;
  for (double c : counts) total += c;
  std::vector<double> p(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) p[i] = counts[i] / total;
  if (epsilon > 0.0) {
    double sum = 0.0;
    for (double& v : p) {
      v = std::max(v, epsilon);
      sum += v;
    }
    for (double& v : p) v /= sum;
  }
  return p;
}

// scipy.special.rel_entr: x ln(x / y), 0 when x = 0, +inf when y = 0 < x.
double RelEntr(double x, double y) {
  if (x > 0.0 && y > 0.0) return x * std::log(x / y);
  if (x == 0.0 && y >= 0.0) return 0.0;
  return kInf;
}

double KlOfShares(const std::vector<double>& p, const std::vector<double>& q) {
  double sum = 0.0;
  for (size_t i = 0; i < p.size(); ++i) sum += RelEntr(p[i], q[i]);
  return sum;
}

}  // namespace

Status PopulationStabilityIndex(std::span<const double> reference_counts,
                                std::span<const double> current_counts, double* out,
                                double epsilon) {
  if (Status s = CheckEpsilon(epsilon); !s.ok()) return s;
  if (Status s = CheckPair(reference_counts, current_counts, "reference", "current"); !s.ok()) {
    return s;
  }
  const std::vector<double> r = Shares(reference_counts, epsilon);
  const std::vector<double> c = Shares(current_counts, epsilon);
  double psi = 0.0;
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i] == c[i]) continue;  // includes both empty
    if (r[i] == 0.0 || c[i] == 0.0) {
      psi = kInf;
      break;
    }
    psi += (c[i] - r[i]) * std::log(c[i] / r[i]);
  }
  *out = psi;
  return Status::Ok();
}

Status KlDivergence(std::span<const double> p_counts, std::span<const double> q_counts, double* out,
                    double epsilon) {
  if (Status s = CheckEpsilon(epsilon); !s.ok()) return s;
  if (Status s = CheckPair(p_counts, q_counts, "p", "q"); !s.ok()) return s;
  *out = KlOfShares(Shares(p_counts, epsilon), Shares(q_counts, epsilon));
  return Status::Ok();
}

Status JensenShannonDistance(std::span<const double> p_counts, std::span<const double> q_counts,
                             double* out) {
  if (Status s = CheckPair(p_counts, q_counts, "p", "q"); !s.ok()) return s;
  const std::vector<double> p = Shares(p_counts, 0.0);
  const std::vector<double> q = Shares(q_counts, 0.0);
  std::vector<double> m(p.size());
  for (size_t i = 0; i < p.size(); ++i) m[i] = (p[i] + q[i]) / 2.0;
  const double js = KlOfShares(p, m) + KlOfShares(q, m);
  *out = std::sqrt(std::max(0.0, js / 2.0));  // rounding can leave -1e-17 for equal inputs
  return Status::Ok();
}

Status PsiOfSamples(std::span<const double> reference, std::span<const double> current,
                    const BinningOptions& options, double* out) {
  Binning b;
  if (Status s = BinByReferenceQuantiles(reference, current, options.num_bins, &b); !s.ok()) {
    return s;
  }
  return PopulationStabilityIndex(b.reference_counts, b.current_counts, out, options.epsilon);
}

Status KlDivergenceOfSamples(std::span<const double> reference, std::span<const double> current,
                             const BinningOptions& options, double* out) {
  Binning b;
  if (Status s = BinByReferenceQuantiles(reference, current, options.num_bins, &b); !s.ok()) {
    return s;
  }
  return KlDivergence(b.current_counts, b.reference_counts, out, options.epsilon);
}

Status JensenShannonDistanceOfSamples(std::span<const double> reference,
                                      std::span<const double> current,
                                      const BinningOptions& options, double* out) {
  Binning b;
  if (Status s = BinByReferenceQuantiles(reference, current, options.num_bins, &b); !s.ok()) {
    return s;
  }
  return JensenShannonDistance(b.reference_counts, b.current_counts, out);
}

Status WassersteinDistance(std::span<const double> u, std::span<const double> v, double* out) {
  if (Status s = CheckSample(u, "u"); !s.ok()) return s;
  if (Status s = CheckSample(v, "v"); !s.ok()) return s;
  std::vector<double> a(u.begin(), u.end());
  std::vector<double> b(v.begin(), v.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<double> all;
  all.reserve(a.size() + b.size());
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(all));
  const double na = static_cast<double>(a.size());
  const double nb = static_cast<double>(b.size());
  // Between consecutive pooled values t_i < t_{i+1} both ECDFs are constant: F(t_i), counted as
  // #{values <= t_i} (searchsorted side='right').
  size_t ia = 0, ib = 0;
  double sum = 0.0;
  for (size_t i = 0; i + 1 < all.size(); ++i) {
    const double t = all[i];
    while (ia < a.size() && a[ia] <= t) ++ia;
    while (ib < b.size() && b[ib] <= t) ++ib;
    const double delta = all[i + 1] - t;
    sum += std::fabs(static_cast<double>(ia) / na - static_cast<double>(ib) / nb) * delta;
  }
  if (!std::isfinite(sum)) return Status::InvalidArgument("Wasserstein distance overflows");
  *out = sum;
  return Status::Ok();
}

}  // namespace slokit::stats
