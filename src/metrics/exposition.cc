// Prometheus text 0.0.4 and OpenMetrics 1.0 writers.
#include "slokit/metrics/exposition.h"

#include <limits>

#include "metrics/text_util.h"
#include "slokit/metrics/registry.h"

namespace slokit::metrics {
namespace {

using internal::AppendBound;
using internal::AppendDouble;
using internal::AppendEscapedLabelValue;
using internal::AppendUint;

std::string_view TypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "unknown";
}

// `{a="x",b="y"}`, with an extra `le` label for buckets; nothing when there are no labels.
void AppendLabels(std::string* out, const FamilySnapshot& f, const SeriesSnapshot& s,
                  const double* le = nullptr) {
  if (f.label_names.empty() && le == nullptr) return;
  *out += '{';
  for (size_t i = 0; i < f.label_names.size(); ++i) {
    if (i > 0) *out += ',';
    *out += f.label_names[i];
    *out += "=\"";
    AppendEscapedLabelValue(out, s.label_values[i]);
    *out += '"';
  }
  if (le != nullptr) {
    if (!f.label_names.empty()) *out += ',';
    *out += "le=\"";
    AppendBound(out, *le);
    *out += '"';
  }
  *out += '}';
}

void AppendSampleName(std::string* out, const std::string& name, std::string_view suffix) {
  *out += name;
  *out += suffix;
}

void AppendMetadata(std::string* out, const FamilySnapshot& f, Format format) {
  const bool om = format == Format::kOpenMetrics;
  // In the text format a counter's metadata names its sample, `<name>_total`; in OpenMetrics
  // metadata names the family, `<name>`.
  std::string name = f.name;
  if (!om && f.type == MetricType::kCounter) name += "_total";
  if (!f.help.empty()) {
    *out += "# HELP ";
    *out += name;
    *out += ' ';
    internal::AppendEscapedHelp(out, f.help, om);
    *out += '\n';
  }
  *out += "# TYPE ";
  *out += name;
  *out += ' ';
  *out += TypeName(f.type);
  *out += '\n';
  if (om && !f.unit.empty()) {
    *out += "# UNIT ";
    *out += name;
    *out += ' ';
    *out += f.unit;
    *out += '\n';
  }
}

void AppendCreated(std::string* out, const FamilySnapshot& f, const SeriesSnapshot& s) {
  AppendSampleName(out, f.name, "_created");
  AppendLabels(out, f, s);
  *out += ' ';
  AppendDouble(out, s.created);
  *out += '\n';
}

void AppendHistogram(std::string* out, const FamilySnapshot& f, const SeriesSnapshot& s, bool om) {
  static const double kInf = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i <= f.bounds.size(); ++i) {
    AppendSampleName(out, f.name, "_bucket");
    AppendLabels(out, f, s, i < f.bounds.size() ? &f.bounds[i] : &kInf);
    *out += ' ';
    AppendUint(out, i < s.buckets.size() ? s.buckets[i] : 0);
    *out += '\n';
  }
  // OpenMetrics: a histogram with negative buckets must not expose a sum (it would not be a
  // counter any more).
  if (!om || f.bounds.empty() || f.bounds.front() >= 0) {
    AppendSampleName(out, f.name, "_sum");
    AppendLabels(out, f, s);
    *out += ' ';
    AppendDouble(out, s.sum);
    *out += '\n';
  }
  AppendSampleName(out, f.name, "_count");
  AppendLabels(out, f, s);
  *out += ' ';
  AppendUint(out, s.count());
  *out += '\n';
  if (om) AppendCreated(out, f, s);
}

}  // namespace

std::string_view ContentType(Format format) {
  return format == Format::kOpenMetrics
             ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
             : "text/plain; version=0.0.4; charset=utf-8";
}

void Serialize(const std::vector<FamilySnapshot>& families, Format format, std::string* out) {
  const bool om = format == Format::kOpenMetrics;
  for (const FamilySnapshot& f : families) {
    if (f.series.empty()) continue;
    AppendMetadata(out, f, format);
    for (const SeriesSnapshot& s : f.series) {
      switch (f.type) {
        case MetricType::kCounter:
          AppendSampleName(out, f.name, "_total");
          AppendLabels(out, f, s);
          *out += ' ';
          AppendDouble(out, s.value);
          *out += '\n';
          if (om) AppendCreated(out, f, s);
          break;
        case MetricType::kGauge:
          AppendSampleName(out, f.name, "");
          AppendLabels(out, f, s);
          *out += ' ';
          AppendDouble(out, s.value);
          *out += '\n';
          break;
        case MetricType::kHistogram:
          AppendHistogram(out, f, s, om);
          break;
      }
    }
  }
  if (om) *out += "# EOF\n";
}

std::string Serialize(const std::vector<FamilySnapshot>& families, Format format) {
  std::string out;
  Serialize(families, format, &out);
  return out;
}

std::string Serialize(const Registry& registry, Format format) {
  return Serialize(registry.Collect(), format);
}

}  // namespace slokit::metrics
