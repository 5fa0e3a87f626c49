// The binning rule that turns two continuous samples into aligned histograms for PSI, KL and
// Jensen-Shannon: bins at the reference sample's quantiles, so each reference bin holds about the
// same share of the reference and drift shows as the current sample piling into some bins.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/status.h"

namespace slokit::stats {

struct Binning {
  std::vector<double> edges;             // strictly increasing inner edges, at most num_bins - 1
  std::vector<double> reference_counts;  // edges.size() + 1 bins
  std::vector<double> current_counts;
};

// The rule: inner edges are the reference quantiles at i / num_bins, i = 1 .. num_bins - 1, with
// linear interpolation between order statistics (numpy.quantile's default, Hyndman-Fan type 7);
// equal edges (heavy ties) are merged, so fewer bins may result. Bins are right-closed:
// (-inf, e1], (e1, e2], ..., (e_last, +inf), i.e. a value v falls in bin #{edges < v}
// (numpy.searchsorted(edges, v, side='left')). Values outside the reference range land in the
// first or last bin. num_bins >= 1 (1 gives a single bin); O((n + m) log n).
// InvalidArgument for empty or non-finite samples or num_bins == 0.
Status BinByReferenceQuantiles(std::span<const double> reference, std::span<const double> current,
                               size_t num_bins, Binning* out);

}  // namespace slokit::stats
