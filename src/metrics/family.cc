// Family: label resolution with the cardinality guard, and snapshots.
#include "slokit/metrics/family.h"

#include <chrono>
#include <stdexcept>

#include "metrics/text_util.h"
#include "slokit/metrics/registry.h"

namespace slokit::metrics {
namespace {

double NowUnixSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

// Length-prefixed join: distinct label-value lists always give distinct keys.
void AppendKeyPart(std::string* key, std::string_view v) {
  const uint32_t n = static_cast<uint32_t>(v.size());
  key->append(reinterpret_cast<const char*>(&n), sizeof(n));
  key->append(v);
}

}  // namespace

Family::Family(Registry* registry, MetricType type, const MetricOptions& options,
               uint32_t cells_per_series, std::vector<double> bounds)
    : registry_(registry),
      type_(type),
      name_(options.name),
      help_(options.help),
      unit_(options.unit),
      label_names_(options.labels),
      max_series_(options.max_series),
      cells_per_series_(cells_per_series),
      own_cache_line_(type == MetricType::kGauge),
      bounds_(std::move(bounds)) {}

size_t Family::series_count() const {
  std::lock_guard lock(mu_);
  return series_.size();
}

uint64_t* Family::Resolve(std::span<const std::string> values) {
  std::vector<std::string_view> views(values.begin(), values.end());
  return Resolve(std::span<const std::string_view>(views));
}

uint64_t* Family::Resolve(std::span<const std::string_view> values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("metric " + name_ + ": expected " +
                                std::to_string(label_names_.size()) + " label values, got " +
                                std::to_string(values.size()));
  }
  std::vector<std::string> clean;
  clean.reserve(values.size());
  std::string key;
  for (std::string_view v : values) {
    clean.push_back(internal::SanitizeUtf8(v));
    AppendKeyPart(&key, clean.back());
  }
  bool folded = false;
  uint64_t* cells = nullptr;
  {
    std::lock_guard lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) return it->second;
    if (regular_series_ >= max_series_) {
      folded = true;
      folded_.fetch_add(1, std::memory_order_relaxed);
      key.clear();
      for (std::string& v : clean) {
        v = kOtherLabelValue;
        AppendKeyPart(&key, v);
      }
      if (auto it = index_.find(key); it != index_.end()) {
        cells = it->second;
      } else {
        cells = FindOrCreate(std::move(key), std::move(clean));
      }
    } else {
      ++regular_series_;
      cells = FindOrCreate(std::move(key), std::move(clean));
    }
  }
  // Outside the lock: the folded counter is itself a family. Its own folds are not counted
  // again, which would recurse.
  if (folded && this != registry_->folded_) registry_->CountFolded(name_);
  return cells;
}

uint64_t* Family::FindOrCreate(std::string key, std::vector<std::string> values) {
  Series& s = series_.emplace_back();
  s.values = std::move(values);
  s.created = NowUnixSeconds();
  s.cells = registry_->arena_.Allocate(cells_per_series_, own_cache_line_);
  index_.emplace(std::move(key), s.cells);
  return s.cells;
}

FamilySnapshot Family::Snapshot() const {
  FamilySnapshot f;
  f.name = name_;
  f.help = help_;
  f.unit = unit_;
  f.type = type_;
  f.label_names = label_names_;
  f.bounds = bounds_;
  std::lock_guard lock(mu_);
  f.series.reserve(series_.size());
  for (const Series& s : series_) {
    SeriesSnapshot& out = f.series.emplace_back();
    out.label_values = s.values;
    out.created = s.created;
    switch (type_) {
      case MetricType::kCounter:
      case MetricType::kGauge:
        out.value = detail::SumDouble(s.cells, 0);
        break;
      case MetricType::kHistogram: {
        out.sum = detail::SumDouble(s.cells, 0);
        out.buckets.resize(bounds_.size() + 1);
        uint64_t running = 0;
        for (uint32_t i = 0; i < out.buckets.size(); ++i) {
          running += detail::SumU64(s.cells, 1 + i);
          out.buckets[i] = running;
        }
        break;
      }
    }
  }
  return f;
}

}  // namespace slokit::metrics
