// Parsers of the Prometheus text exposition format (0.0.4) and the OpenMetrics 1.0 text format:
// one scrape body in, samples (metric name, sorted labels, value, optional timestamp) and the
// families' metadata out. `slokit serve` parses every scrape with it, so it makes no allocation
// per sample: the Exposition owns the body, unescapes label values in place and points into it.
// Errors name the line and column of the first problem. An Exposition is immutable once parsed
// and may be read from several threads; parsing into one is not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace slokit::promtext {

enum class Format : uint8_t {
  kAuto,            // OpenMetrics when the body ends with "# EOF", else the text format
  kPrometheusText,  // text/plain; version=0.0.4
  kOpenMetrics,     // application/openmetrics-text; version=1.0.0
};

// The format a Content-Type header announces; kAuto when it names neither.
Format FormatFromContentType(std::string_view content_type);

enum class MetricType : uint8_t {
  kUnknown,  // no TYPE line, or "untyped" / "unknown"
  kCounter,
  kGauge,
  kHistogram,
  kGaugeHistogram,
  kSummary,
  kInfo,
  kStateSet,
};
const char* MetricTypeName(MetricType type);

struct Label {
  std::string_view name;
  std::string_view value;  // unescaped
};

struct Family {
  std::string_view name;  // as written in the metadata (text format counters: often x_total)
  MetricType type = MetricType::kUnknown;
  std::string_view help;  // still escaped (\\, \n and, in OpenMetrics, \"): it is only shown
  std::string_view unit;  // OpenMetrics # UNIT, else empty
};

inline constexpr uint32_t kNoFamily = UINT32_MAX;

struct Sample {
  std::string_view name;      // the sample's name: x_bucket, x_total, x
  uint32_t label_begin = 0;   // its labels are Exposition::labels(sample), sorted by name
  uint32_t label_count = 0;
  uint32_t family = kNoFamily;  // index into Exposition::families(), kNoFamily without metadata
  bool has_timestamp = false;
  double value = 0;           // NaN and ±Inf are kept
  int64_t timestamp_ns = 0;   // when has_timestamp: text-format milliseconds or OpenMetrics seconds
};

class Exposition {
 public:
  Exposition() = default;
  Exposition(Exposition&&) noexcept = default;
  Exposition& operator=(Exposition&&) noexcept = default;
  Exposition(const Exposition&) = delete;
  Exposition& operator=(const Exposition&) = delete;

  Format format() const { return format_; }  // the format actually parsed (never kAuto)
  const std::vector<Sample>& samples() const { return samples_; }
  const std::vector<Family>& families() const { return families_; }
  std::span<const Label> labels(const Sample& s) const {
    return {labels_.data() + s.label_begin, s.label_count};
  }
  // The value of label `name`; empty when the sample lacks it (as in PromQL, where a missing
  // label and an empty one are the same). *found (optional) tells them apart.
  std::string_view LabelValue(const Sample& s, std::string_view name, bool* found = nullptr) const;
  // The sample's family metadata, or nullptr.
  const Family* FamilyOf(const Sample& s) const {
    return s.family == kNoFamily ? nullptr : &families_[s.family];
  }

 private:
  friend class Parser;
  friend Status ParseExposition(std::string_view body, Format format, Exposition* out);
  Format format_ = Format::kPrometheusText;
  std::unique_ptr<char[]> text_;  // the body; views point here, so moving keeps them valid
  size_t size_ = 0;
  std::vector<Sample> samples_;
  std::vector<Label> labels_;
  std::vector<Family> families_;
};

// Parses one scrape body. On error *out holds nothing useful and the status (kParseError) reads
// "line L, column C: <reason>" (1-based, columns in bytes).
//
// Text format: lines end with \n (a \r before it is an error); blank lines, other comments and
// blanks around tokens are allowed; timestamps are integer milliseconds. OpenMetrics is stricter:
// single spaces, no blank lines, only HELP/TYPE/UNIT comments, a family's samples together,
// timestamps in (fractional) seconds, exemplars after " # " (checked, then dropped), and a final
// "# EOF". Both: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*,
// label values escape \\ \" \n, a label may appear once per sample, one TYPE and HELP per
// family given before its samples, `le` / `quantile` labels must be numbers.
Status ParseExposition(std::string_view body, Format format, Exposition* out);

}  // namespace slokit::promtext
