// DDSketch: a mergeable quantile sketch with a relative-error guarantee (Masson, Rim & Lee, VLDB
// 2019), for percentiles and baselines the engine keeps per slot. Every value is counted in a
// logarithmic bucket; a quantile is answered with its bucket's representative value.
//
// Guarantee: for relative accuracy alpha, Quantile(q) is within alpha * |x| of x, the exact
// "lower" quantile x = sorted[floor(q * (count - 1))] (numpy.quantile(method='lower')), for every
// q whose value lies in a bucket that has not been collapsed (see max_buckets).
//
// Layout: positive values in one bucket store, negative values (by magnitude) in a second, and
// values with |v| < 2.2e-308 (DBL_MIN, including 0) in a zero count. Bucket i covers
// (gamma^(i-1), gamma^i] with gamma = (1 + alpha) / (1 - alpha); index(v) = ceil(ln v / ln gamma)
// and its representative 2 gamma^i / (gamma + 1) is within alpha of anything in the bucket.
// Stores are dense arrays over [lowest, highest] used index; when a store would span more than
// max_buckets indices, its lowest buckets are collapsed into one (their values are then only
// known to be <= that bucket), so high quantiles — the ones latency objectives use — stay
// accurate. Memory is at most 2 * max_buckets * 8 bytes (32 KiB at the defaults), and at alpha =
// 1% 2048 buckets cover 17 orders of magnitude before anything is collapsed. The final state
// depends only on the multiset of values added (any order, any merge tree): merging sketches
// yields exactly the buckets of sketching the union.
//
// Not thread-safe; copyable and movable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace slokit::stats {

class DDSketch {
 public:
  static constexpr double kDefaultRelativeAccuracy = 0.01;
  static constexpr uint32_t kDefaultMaxBuckets = 2048;
  static constexpr double kMinRelativeAccuracy = 1e-6;  // keeps every index within int32
  static constexpr double kMaxRelativeAccuracy = 0.5;
  static constexpr uint32_t kMaxBucketsLimit = 1u << 20;

  // alpha = 1%, 2048 buckets per store.
  DDSketch();
  // InvalidArgument unless relative_accuracy is in [1e-6, 0.5] and max_buckets in [1, 2^20].
  static Status Create(double relative_accuracy, uint32_t max_buckets, DDSketch* out);

  // Adds `count` occurrences of `value`. O(1) amortized (one log), O(buckets) when the store
  // grows downwards or collapses. InvalidArgument for NaN or infinite values.
  Status Add(double value, uint64_t count = 1);

  // Adds every value of `other` (O(other's buckets)). InvalidArgument — and no change — unless
  // both sketches have the same relative accuracy. This sketch's max_buckets applies.
  Status Merge(const DDSketch& other);

  // Value at quantile q in [0, 1] (q = 0 and q = 1 give the exact min and max; estimates are
  // clamped to [min, max]). O(buckets). InvalidArgument on an empty sketch or q outside [0, 1].
  Status Quantile(double q, double* out) const;

  uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  double sum() const { return sum_; }  // exact sum of values (double arithmetic)
  double min() const { return min_; }  // +inf when empty
  double max() const { return max_; }  // -inf when empty
  double relative_accuracy() const { return alpha_; }
  uint32_t max_buckets() const { return max_buckets_; }
  // Buckets currently spanned by the two stores (memory is 8 bytes each).
  size_t bucket_count() const { return positive_.counts.size() + negative_.counts.size(); }
  // Whether low buckets were ever collapsed (quantiles in that range lose the guarantee).
  bool collapsed() const { return positive_.collapsed || negative_.collapsed; }

  void Clear();

  // Same accuracy, counts, min, max and bucket contents (sum may differ by rounding order).
  bool SameBuckets(const DDSketch& other) const;

  // Compact binary form: magic "DDS\x01", alpha, max_buckets, flags, zero count, sum, min, max,
  // then each store as zigzag varint offset, varint length and varint counts. Little-endian.
  std::string Serialize() const;
  // Parses Serialize's output; every field is validated (ranges, bucket limits, count overflow,
  // no trailing bytes), so untrusted bytes give InvalidArgument/ParseError, never a crash or an
  // oversized allocation.
  static Status Deserialize(std::string_view bytes, DDSketch* out);

 private:
  struct Store {
    int32_t offset = 0;            // index of counts[0]
    std::vector<uint64_t> counts;  // first and last are non-zero when not empty
    bool collapsed = false;
    void Add(int64_t index, uint64_t count, uint32_t max_buckets);
    bool operator==(const Store& o) const {
      return counts == o.counts && (counts.empty() || offset == o.offset);
    }
  };

  DDSketch(double alpha, uint32_t max_buckets);
  int64_t Index(double magnitude) const;
  double Value(int64_t index) const;
  static Status ReadStore(std::string_view* in, const DDSketch& sketch, Store* store,
                          uint64_t* total);

  double alpha_;
  double multiplier_;  // 1 / ln(gamma)
  uint32_t max_buckets_;
  double min_indexable_;
  Store positive_;
  Store negative_;
  uint64_t zero_count_ = 0;
  uint64_t count_ = 0;
  double sum_ = 0.0;
  double min_;
  double max_;
};

}  // namespace slokit::stats
