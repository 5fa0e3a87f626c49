// Distribution-drift measures between a reference and a current distribution: population
// stability index (PSI), Kullback-Leibler divergence, Jensen-Shannon distance — over binned counts
// or over raw samples binned by BinByReferenceQuantiles — and the Wasserstein-1 distance on raw
// samples. Natural logarithms throughout.
#pragma once

#include <cstddef>
#include <span>

#include "core/status.h"

namespace slokit::stats {

// Smoothing floor for empty bins: a 0.01% share.
inline constexpr double kDefaultEpsilon = 1e-4;

// Smoothing rule shared by PSI and KL on counts: p_i = c_i / sum(c); if epsilon > 0 then
// p_i = max(p_i, epsilon) and p is renormalized to sum 1 (so an empty bin counts as a tiny share
// instead of making the measure infinite). epsilon = 0 disables it; then a bin empty on one side
// only makes PSI / KL +infinity (as scipy.stats.entropy). epsilon must be in [0, 1).
// Counts: same length, finite, >= 0, positive total; else InvalidArgument. All O(bins).

// PSI = sum_i (c_i - r_i) ln(c_i / r_i) over the smoothed shares r (reference) and c (current);
// equals KL(c || r) + KL(r || c). Common reading: < 0.1 stable, 0.1 - 0.25 moderate, > 0.25 major.
Status PopulationStabilityIndex(std::span<const double> reference_counts,
                                std::span<const double> current_counts, double* out,
                                double epsilon = kDefaultEpsilon);

// KL(p || q) = sum_i p_i ln(p_i / q_i) over smoothed shares; scipy.stats.entropy(p, q).
Status KlDivergence(std::span<const double> p_counts, std::span<const double> q_counts, double* out,
                    double epsilon = kDefaultEpsilon);

// Jensen-Shannon distance sqrt(JS) with JS = (KL(p || m) + KL(q || m)) / 2, m = (p + q) / 2, on
// the plain normalized shares (no smoothing needed: it is always finite, in [0, sqrt(ln 2)]);
// scipy.spatial.distance.jensenshannon(p, q) with its default base e.
Status JensenShannonDistance(std::span<const double> p_counts, std::span<const double> q_counts,
                             double* out);

struct BinningOptions {
  size_t num_bins = 10;              // reference-quantile bins (deciles)
  double epsilon = kDefaultEpsilon;  // smoothing for PSI and KL
};

// The same measures on raw samples, binned with BinByReferenceQuantiles(reference, current,
// options.num_bins). KlDivergenceOfSamples is KL(current || reference).
Status PsiOfSamples(std::span<const double> reference, std::span<const double> current,
                    const BinningOptions& options, double* out);
Status KlDivergenceOfSamples(std::span<const double> reference, std::span<const double> current,
                             const BinningOptions& options, double* out);
Status JensenShannonDistanceOfSamples(std::span<const double> reference,
                                      std::span<const double> current,
                                      const BinningOptions& options, double* out);

// Wasserstein-1 (earth mover's) distance between the empirical distributions of u and v:
// integral |F_u(t) - F_v(t)| dt, summed exactly over the pooled sorted values;
// scipy.stats.wasserstein_distance(u, v). O((n + m) log(n + m)). Same unit as the data.
Status WassersteinDistance(std::span<const double> u, std::span<const double> v, double* out);

}  // namespace slokit::stats
