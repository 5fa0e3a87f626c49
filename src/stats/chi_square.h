// Pearson's chi-square test of independence over category counts: do two (or more) samples share
// one categorical distribution? Matches scipy.stats.chi2_contingency(table, correction=False).
#pragma once

#include <span>
#include <vector>

#include "core/status.h"

namespace slokit::stats {

struct ChiSquareResult {
  double statistic = 0.0;  // sum over cells of (observed - expected)^2 / expected
  int dof = 0;             // (rows - 1) * (columns - 1) after dropping empty rows and columns
  double p_value = 1.0;    // ChiSquareSf(statistic, dof); 1 when dof == 0
};

// `table[r][c]`: count of sample r in category c (counts may be fractional, must be finite and
// >= 0; every row the same length). Expected counts are row_total * column_total / total.
// Rows and columns whose total is zero are dropped first — scipy raises on them instead, since
// their expected counts are 0; this is the only difference. After dropping, dof = (R - 1)(C - 1);
// when that is 0 (one category or one sample left) the statistic is 0 and p = 1, as scipy. No
// Yates correction. O(R * C). InvalidArgument for ragged, negative, non-finite or all-zero tables.
Status ChiSquareContingency(const std::vector<std::vector<double>>& table, ChiSquareResult* out);

// The two-sample case: category counts of a reference and a current sample, aligned by index.
// InvalidArgument when the lengths differ or either sample has no counts.
Status ChiSquareTwoSample(std::span<const double> reference_counts,
                          std::span<const double> current_counts, ChiSquareResult* out);

}  // namespace slokit::stats
