// Registry: validation of names, idempotent registration, collection.
#include "slokit/metrics/registry.h"

#include <cmath>
#include <stdexcept>

#include "metrics/text_util.h"

namespace slokit::metrics {
namespace {

[[noreturn]] void Invalid(const std::string& name, const std::string& why) {
  throw std::invalid_argument("metric \"" + name + "\": " + why);
}

std::vector<std::string> SampleNames(MetricType type, const std::string& name) {
  switch (type) {
    case MetricType::kCounter:
      return {name, name + "_total", name + "_created"};
    case MetricType::kGauge:
      return {name};
    case MetricType::kHistogram:
      return {name, name + "_bucket", name + "_count", name + "_sum", name + "_created"};
  }
  return {name};
}

MetricOptions Normalize(MetricType type, const MetricOptions& in) {
  MetricOptions o = in;
  if (type == MetricType::kCounter && internal::EndsWith(o.name, "_total")) {
    o.name.resize(o.name.size() - 6);
  }
  if (!internal::IsValidMetricName(o.name)) Invalid(in.name, "invalid metric name");
  for (char c : o.unit) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      Invalid(in.name, "invalid unit \"" + o.unit + "\"");
    }
  }
  if (!o.unit.empty() && !internal::EndsWith(o.name, "_" + o.unit)) {
    Invalid(in.name, "name must end in \"_" + o.unit + "\" (OpenMetrics unit suffix)");
  }
  o.help = internal::SanitizeUtf8(o.help);
  for (size_t i = 0; i < o.labels.size(); ++i) {
    const std::string& l = o.labels[i];
    if (!internal::IsValidLabelName(l)) Invalid(in.name, "invalid label name \"" + l + "\"");
    if (type == MetricType::kHistogram && l == "le") Invalid(in.name, "label \"le\" is reserved");
    for (size_t j = 0; j < i; ++j) {
      if (o.labels[j] == l) Invalid(in.name, "duplicate label name \"" + l + "\"");
    }
  }
  if (o.max_series < 1) Invalid(in.name, "max_series must be at least 1");
  return o;
}

std::vector<double> NormalizeBounds(const std::string& name, std::vector<double> bounds) {
  if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) bounds.pop_back();
  if (bounds.size() > kMaxBuckets) Invalid(name, "too many buckets");
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) Invalid(name, "bucket bounds must be finite");
    if (i > 0 && !(bounds[i] > bounds[i - 1])) {
      Invalid(name, "bucket bounds must be strictly increasing");
    }
  }
  return bounds;
}

}  // namespace

Registry::Registry() {
  folded_ = &AddCounter({.name = std::string(kFoldedMetricName),
                         .help = "Label sets folded into the \"other\" series because the metric "
                                 "reached its series limit.",
                         .labels = {"metric"},
                         .max_series = 100000});
}

Registry::~Registry() = default;

Family& Registry::Register(MetricType type, const MetricOptions& options,
                           std::vector<double> bounds) {
  MetricOptions o = Normalize(type, options);
  if (type == MetricType::kHistogram) bounds = NormalizeBounds(o.name, std::move(bounds));
  std::lock_guard lock(mu_);
  if (auto it = by_name_.find(o.name); it != by_name_.end()) {
    Family* f = it->second;
    if (f->type() != type || f->unit() != o.unit || f->label_names() != o.labels ||
        f->bounds() != bounds) {
      Invalid(o.name, "already registered with a different type, unit, labels or buckets");
    }
    return *f;
  }
  std::vector<std::string> samples = SampleNames(type, o.name);
  for (const std::string& s : samples) {
    if (sample_names_.count(s)) Invalid(o.name, "clashes with the samples of another metric");
  }
  std::unique_ptr<Family> f;
  switch (type) {
    case MetricType::kCounter:
      f.reset(new CounterFamily(this, o));
      break;
    case MetricType::kGauge:
      f.reset(new GaugeFamily(this, o));
      break;
    case MetricType::kHistogram:
      f.reset(new HistogramFamily(this, o, bounds));
      break;
  }
  // A family without labels has exactly one series: create it now so it is exposed (as zero)
  // from the first scrape.
  if (o.labels.empty()) f->Resolve(std::span<const std::string_view>());
  sample_names_.insert(samples.begin(), samples.end());
  by_name_.emplace(o.name, f.get());
  families_.push_back(std::move(f));
  return *families_.back();
}

CounterFamily& Registry::AddCounter(const MetricOptions& options) {
  return static_cast<CounterFamily&>(Register(MetricType::kCounter, options, {}));
}

GaugeFamily& Registry::AddGauge(const MetricOptions& options) {
  return static_cast<GaugeFamily&>(Register(MetricType::kGauge, options, {}));
}

HistogramFamily& Registry::AddHistogram(const MetricOptions& options, std::vector<double> bounds) {
  return static_cast<HistogramFamily&>(
      Register(MetricType::kHistogram, options, std::move(bounds)));
}

std::vector<FamilySnapshot> Registry::Collect() const {
  std::vector<const Family*> families;
  {
    std::lock_guard lock(mu_);
    families.reserve(families_.size());
    for (const auto& f : families_) families.push_back(f.get());
  }
  std::vector<FamilySnapshot> out;
  out.reserve(families.size());
  for (const Family* f : families) {
    FamilySnapshot s = f->Snapshot();
    if (!s.series.empty()) out.push_back(std::move(s));
  }
  return out;
}

void Registry::CountFolded(std::string_view metric) {
  std::string_view v[] = {metric};
  folded_->WithLabels(std::span<const std::string_view>(v)).Inc();
}

}  // namespace slokit::metrics
