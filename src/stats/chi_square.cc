#include "stats/chi_square.h"

#include <fmt/format.h>

#include <cmath>

#include "stats/sample_check.h"
#include "stats/special_functions.h"

namespace slokit::stats {

Status ChiSquareContingency(const std::vector<std::vector<double>>& table, ChiSquareResult* out) {
  if (table.empty() || table.front().empty()) {
    return Status::InvalidArgument("contingency table is empty");
  }
  const size_t columns = table.front().size();
  for (size_t r = 0; r < table.size(); ++r) {
    if (table[r].size() != columns) {
      return Status::InvalidArgument(fmt::format(
          "contingency table row {} has {} categories, row 0 has {}", r, table[r].size(), columns));
    }
    for (size_t c = 0; c < columns; ++c) {
      const double v = table[r][c];
      if (!std::isfinite(v) || v < 0.0) {
        return Status::InvalidArgument(fmt::format(
            "contingency table cell [{}][{}] is not a finite count >= 0 ({})", r, c, v));
      }
    }
  }
  std::vector<double> row_totals(table.size(), 0.0);
  std::vector<double> column_totals(columns, 0.0);
  for (size_t r = 0; r < table.size(); ++r) {
    for (size_t c = 0; c < columns; ++c) {
      row_totals[r] += table[r][c];
      column_totals[c] += table[r][c];
    }
  }
  std::vector<size_t> rows, cols;
  double total = 0.0;
  for (size_t r = 0; r < table.size(); ++r) {
    if (row_totals[r] > 0.0) {
      rows.push_back(r);
      total += row_totals[r];
    }
  }
  for (size_t c = 0; c < columns; ++c) {
    if (column_totals[c] > 0.0) cols.push_back(c);
  }
  if (!(total > 0.0)) return Status::InvalidArgument("contingency table has no counts");
  if (!std::isfinite(total)) return Status::InvalidArgument("contingency table total overflows");

  ChiSquareResult result;
  result.dof = static_cast<int>((rows.size() - 1) * (cols.size() - 1));
  if (result.dof == 0) {
    result.statistic = 0.0;
    result.p_value = 1.0;
    *out = result;
    return Status::Ok();
  }
  double statistic = 0.0;
  for (size_t r : rows) {
    for (size_t c : cols) {
      const double expected = row_totals[r] * column_totals[c] / total;
      const double diff = table[r][c] - expected;
      statistic += diff * diff / expected;
    }
  }
  result.statistic = statistic;
  result.p_value = ChiSquareSf(statistic, static_cast<double>(result.dof));
  *out = result;
  return Status::Ok();
}

Status ChiSquareTwoSample(std::span<const double> reference_counts,
                          std::span<const double> current_counts, ChiSquareResult* out) {
  if (reference_counts.size() != current_counts.size()) {
    return Status::InvalidArgument(
        fmt::format("category counts differ in length: reference has {}, current has {}",
                    reference_counts.size(), current_counts.size()));
  }
  if (Status s = CheckCounts(reference_counts, "reference counts"); !s.ok()) return s;
  if (Status s = CheckCounts(current_counts, "current counts"); !s.ok()) return s;
  std::vector<std::vector<double>> table = {
      std::vector<double>(reference_counts.begin(), reference_counts.end()),
      std::vector<double>(current_counts.begin(), current_counts.end())};
  return ChiSquareContingency(table, out);
}

}  // namespace slokit::stats
