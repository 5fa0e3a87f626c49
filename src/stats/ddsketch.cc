#include "stats/ddsketch.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace slokit::stats {
namespace {

constexpr char kMagic[4] = {'D', 'D', 'S', '\x01'};
constexpr double kInf = std::numeric_limits<double>::infinity();

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutDouble(std::string* out, double d) {
  uint64_t bits = std::bit_cast<uint64_t>(d);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    if (shift == 63 && byte > 1) return false;  // would overflow 64 bits
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool GetDouble(std::string_view* in, double* d) {
  if (in->size() < 8) return false;
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i)
    bits |= static_cast<uint64_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(8);
  *d = std::bit_cast<double>(bits);
  return true;
}

Status Truncated(const char* what) {
  return Status::ParseError(fmt::format("DDSketch bytes truncated or malformed at {}", what));
}

}  // namespace

void DDSketch::Store::Add(int64_t index, uint64_t count, uint32_t max_buckets) {
  const int64_t cap = max_buckets;
  if (counts.empty()) {
    offset = static_cast<int32_t>(index);
    counts.assign(1, count);
    return;
  }
  const int64_t lo = offset;
  const int64_t hi = lo + static_cast<int64_t>(counts.size()) - 1;
  if (index >= lo && index <= hi) {
    counts[static_cast<size_t>(index - lo)] += count;
    return;
  }
  if (index > hi) {
    const int64_t new_lo = std::max(lo, index - cap + 1);
    if (new_lo == lo) {
      counts.resize(static_cast<size_t>(index - lo + 1), 0);
      counts.back() += count;
      return;
    }
    // Collapse every bucket at or below new_lo into new_lo.
    collapsed = true;
    std::vector<uint64_t> next(static_cast<size_t>(index - new_lo + 1), 0);
    for (size_t j = 0; j < counts.size(); ++j) {
      const int64_t target = std::max(lo + static_cast<int64_t>(j), new_lo) - new_lo;
      next[static_cast<size_t>(target)] += counts[j];
    }
    next.back() += count;
    counts = std::move(next);
    offset = static_cast<int32_t>(new_lo);
    return;
  }
  // index < lo: extend downwards, or clamp into the lowest allowed bucket.
  const int64_t floor_index = hi - cap + 1;  // <= lo, since the span never exceeds cap
  if (index < floor_index) {
    collapsed = true;
    index = floor_index;
  }
  if (index >= lo) {
    counts[static_cast<size_t>(index - lo)] += count;
    return;
  }
  counts.insert(counts.begin(), static_cast<size_t>(lo - index), 0);
  offset = static_cast<int32_t>(index);
  counts.front() += count;
}

DDSketch::DDSketch() : DDSketch(kDefaultRelativeAccuracy, kDefaultMaxBuckets) {}

DDSketch::DDSketch(double alpha, uint32_t max_buckets)
    : alpha_(alpha),
      multiplier_(1.0 / std::log1p(2.0 * alpha / (1.0 - alpha))),
      max_buckets_(max_buckets),
      min_indexable_(std::numeric_limits<double>::min()),
      min_(kInf),
      max_(-kInf) {}

Status DDSketch::Create(double relative_accuracy, uint32_t max_buckets, DDSketch* out) {
  if (!(relative_accuracy >= kMinRelativeAccuracy && relative_accuracy <= kMaxRelativeAccuracy)) {
    return Status::InvalidArgument(
        fmt::format("DDSketch relative accuracy must be in [{}, {}], got {}", kMinRelativeAccuracy,
                    kMaxRelativeAccuracy, relative_accuracy));
  }
  if (max_buckets < 1 || max_buckets > kMaxBucketsLimit) {
    return Status::InvalidArgument(fmt::format("DDSketch max_buckets must be in [1, {}], got {}",
                                               kMaxBucketsLimit, max_buckets));
  }
  *out = DDSketch(relative_accuracy, max_buckets);
  return Status::Ok();
}

int64_t DDSketch::Index(double magnitude) const {
  return static_cast<int64_t>(std::ceil(std::log(magnitude) * multiplier_));
}

double DDSketch::Value(int64_t index) const {
  // Lower bound gamma^(i-1) times (1 + alpha) = 2 gamma^i / (gamma + 1).
  return std::exp(static_cast<double>(index - 1) / multiplier_) * (1.0 + alpha_);
}

Status DDSketch::Add(double value, uint64_t count) {
  if (!std::isfinite(value)) {
    return Status::InvalidArgument(fmt::format("DDSketch cannot hold {}", value));
  }
  if (count == 0) return Status::Ok();
  count_ += count;
  sum_ += value * static_cast<double>(count);
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  if (value >= min_indexable_) {
    positive_.Add(Index(value), count, max_buckets_);
  } else if (value <= -min_indexable_) {
    negative_.Add(Index(-value), count, max_buckets_);
  } else {
    zero_count_ += count;
  }
  return Status::Ok();
}

Status DDSketch::Merge(const DDSketch& other) {
  if (other.alpha_ != alpha_) {
    return Status::InvalidArgument(fmt::format(
        "cannot merge DDSketches of relative accuracy {} and {}", alpha_, other.alpha_));
  }
  if (other.empty()) return Status::Ok();
  if (&other == this) {  // the stores below would change while being read
    const DDSketch copy = other;
    return Merge(copy);
  }
  for (size_t j = 0; j < other.positive_.counts.size(); ++j) {
    if (other.positive_.counts[j] == 0) continue;
    positive_.Add(other.positive_.offset + static_cast<int64_t>(j), other.positive_.counts[j],
                  max_buckets_);
  }
  for (size_t j = 0; j < other.negative_.counts.size(); ++j) {
    if (other.negative_.counts[j] == 0) continue;
    negative_.Add(other.negative_.offset + static_cast<int64_t>(j), other.negative_.counts[j],
                  max_buckets_);
  }
  positive_.collapsed = positive_.collapsed || other.positive_.collapsed;
  negative_.collapsed = negative_.collapsed || other.negative_.collapsed;
  zero_count_ += other.zero_count_;
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  return Status::Ok();
}

Status DDSketch::Quantile(double q, double* out) const {
  if (!(q >= 0.0 && q <= 1.0)) {
    return Status::InvalidArgument(fmt::format("quantile must be in [0, 1], got {}", q));
  }
  if (count_ == 0) return Status::InvalidArgument("quantile of an empty DDSketch");
  if (q == 0.0) {
    *out = min_;
    return Status::Ok();
  }
  if (q == 1.0) {
    *out = max_;
    return Status::Ok();
  }
  const double rank = q * static_cast<double>(count_ - 1);
  double result = max_;
  uint64_t seen = 0;
  bool found = false;
  // Most negative first: the negative store from its highest magnitude down.
  for (size_t j = negative_.counts.size(); j-- > 0 && !found;) {
    seen += negative_.counts[j];
    if (static_cast<double>(seen) > rank) {
      result = -Value(negative_.offset + static_cast<int64_t>(j));
      found = true;
    }
  }
  if (!found) {
    seen += zero_count_;
    if (static_cast<double>(seen) > rank) {
      result = 0.0;
      found = true;
    }
  }
  for (size_t j = 0; j < positive_.counts.size() && !found; ++j) {
    seen += positive_.counts[j];
    if (static_cast<double>(seen) > rank) {
      result = Value(positive_.offset + static_cast<int64_t>(j));
      found = true;
    }
  }
  *out = std::clamp(result, min_, max_);
  return Status::Ok();
}

void DDSketch::Clear() { *this = DDSketch(alpha_, max_buckets_); }

bool DDSketch::SameBuckets(const DDSketch& other) const {
  return alpha_ == other.alpha_ && count_ == other.count_ && zero_count_ == other.zero_count_ &&
         min_ == other.min_ && max_ == other.max_ && positive_ == other.positive_ &&
         negative_ == other.negative_;
}

std::string DDSketch::Serialize() const {
  std::string out(kMagic, sizeof(kMagic));
  PutDouble(&out, alpha_);
  PutVarint(&out, max_buckets_);
  out.push_back(static_cast<char>((positive_.collapsed ? 1 : 0) | (negative_.collapsed ? 2 : 0)));
  PutVarint(&out, zero_count_);
  PutDouble(&out, sum_);
  PutDouble(&out, min_);
  PutDouble(&out, max_);
  for (const Store* store : {&positive_, &negative_}) {
    PutVarint(&out, ZigZag(store->counts.empty() ? 0 : store->offset));
    PutVarint(&out, store->counts.size());
    for (uint64_t c : store->counts) PutVarint(&out, c);
  }
  return out;
}

Status DDSketch::ReadStore(std::string_view* in, const DDSketch& sketch, Store* store,
                           uint64_t* total) {
  uint64_t raw_offset, length;
  if (!GetVarint(in, &raw_offset) || !GetVarint(in, &length)) return Truncated("store header");
  const int64_t offset = UnZigZag(raw_offset);
  if (length > sketch.max_buckets_ || length > in->size()) {
    return Status::ParseError(
        fmt::format("DDSketch store of {} buckets exceeds its limit or the input", length));
  }
  if (length == 0) {
    if (offset != 0) return Status::ParseError("DDSketch empty store with an offset");
    return Status::Ok();
  }
  // Every index must be one a finite double can produce.
  const int64_t lowest = sketch.Index(sketch.min_indexable_);
  const int64_t highest = sketch.Index(std::numeric_limits<double>::max());
  if (offset < lowest || offset + static_cast<int64_t>(length) - 1 > highest) {
    return Status::ParseError("DDSketch bucket index out of range");
  }
  store->offset = static_cast<int32_t>(offset);
  store->counts.assign(length, 0);
  for (uint64_t j = 0; j < length; ++j) {
    uint64_t c;
    if (!GetVarint(in, &c)) return Truncated("bucket count");
    if (__builtin_add_overflow(*total, c, total)) {
      return Status::ParseError("DDSketch counts overflow");
    }
    store->counts[j] = c;
  }
  if (store->counts.front() == 0 || store->counts.back() == 0) {
    return Status::ParseError("DDSketch store has empty end buckets");
  }
  return Status::Ok();
}

Status DDSketch::Deserialize(std::string_view bytes, DDSketch* out) {
  std::string_view in = bytes;
  if (in.size() < sizeof(kMagic) || in.substr(0, sizeof(kMagic)) != std::string_view(kMagic, 4)) {
    return Status::ParseError("not a DDSketch (bad magic or version)");
  }
  in.remove_prefix(sizeof(kMagic));
  double alpha;
  uint64_t max_buckets;
  if (!GetDouble(&in, &alpha) || !GetVarint(&in, &max_buckets)) return Truncated("header");
  if (max_buckets > kMaxBucketsLimit) return Status::ParseError("DDSketch max_buckets too large");
  DDSketch sketch;
  if (Status s = Create(alpha, static_cast<uint32_t>(max_buckets), &sketch); !s.ok()) return s;
  if (in.empty()) return Truncated("flags");
  const uint8_t flags = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  if (flags & ~3u) return Status::ParseError("DDSketch unknown flags");
  sketch.positive_.collapsed = flags & 1;
  sketch.negative_.collapsed = flags & 2;
  uint64_t zero;
  double sum, min, max;
  if (!GetVarint(&in, &zero) || !GetDouble(&in, &sum) || !GetDouble(&in, &min) ||
      !GetDouble(&in, &max)) {
    return Truncated("totals");
  }
  uint64_t total = zero;
  if (Status s = ReadStore(&in, sketch, &sketch.positive_, &total); !s.ok()) return s;
  if (Status s = ReadStore(&in, sketch, &sketch.negative_, &total); !s.ok()) return s;
  if (!in.empty()) return Status::ParseError("DDSketch has trailing bytes");
  if (total == 0) {
    if (sum != 0.0 || min != kInf || max != -kInf) {
      return Status::ParseError("empty DDSketch with non-empty totals");
    }
  } else if (!std::isfinite(sum) || !std::isfinite(min) || !std::isfinite(max) || min > max) {
    return Status::ParseError("DDSketch sum, min or max invalid");
  }
  sketch.zero_count_ = zero;
  sketch.count_ = total;
  sketch.sum_ = sum;
  sketch.min_ = min;
  sketch.max_ = max;
  *out = std::move(sketch);
  return Status::Ok();
}

}  // namespace slokit::stats
