// Fuzzes the Prometheus / OpenMetrics text parser. Every sample of a parsed body is read back
// (ASan catches a view that outlived the body), its labels must be sorted and unique, and the
// samples re-rendered in the text format must parse again to the same names, labels and values.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "io/prometheus_text.h"

namespace {

using slokit::promtext::Exposition;
using slokit::promtext::Format;
using slokit::promtext::Label;
using slokit::promtext::Sample;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool SameValue(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

std::string Render(const Exposition& x) {
  std::string out;
  for (const Sample& s : x.samples()) {
    out.append(s.name);
    out += '{';
    for (const Label& l : x.labels(s)) {
      out.append(l.name);
      out += "=\"";
      for (char c : l.value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
          out += "\\n";
          continue;
        }
        out += c;
      }
      out += "\",";
    }
    out += "} ";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", s.value);
    out += std::isnan(s.value) ? "NaN" : std::isinf(s.value) ? (s.value > 0 ? "+Inf" : "-Inf") : buf;
    out += '\n';
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  for (Format f : {Format::kAuto, Format::kPrometheusText, Format::kOpenMetrics}) {
    Exposition parsed;
    if (!slokit::promtext::ParseExposition(body, f, &parsed).ok()) continue;
    Exposition x = std::move(parsed);
    uint64_t h = 0;
    for (const Sample& s : x.samples()) {
      for (char c : s.name) h += static_cast<uint8_t>(c);
      std::string_view prev;
      bool first = true;
      for (const Label& l : x.labels(s)) {
        Check(first || prev < l.name);
        prev = l.name;
        first = false;
        for (char c : l.value) h += static_cast<uint8_t>(c);
      }
      if (const auto* fam = x.FamilyOf(s)) Check(s.name.starts_with(fam->name));
    }
    // Round trip through the text format (without metadata or timestamps).
    std::string again = Render(x);
    Exposition y;
    slokit::Status st = slokit::promtext::ParseExposition(again, Format::kPrometheusText, &y);
    Check(st.ok());
    Check(y.samples().size() == x.samples().size());
    for (size_t i = 0; i < x.samples().size(); ++i) {
      const Sample& a = x.samples()[i];
      const Sample& b = y.samples()[i];
      Check(a.name == b.name && a.label_count == b.label_count && SameValue(a.value, b.value));
      for (size_t k = 0; k < a.label_count; ++k) {
        Check(x.labels(a)[k].name == y.labels(b)[k].name && x.labels(a)[k].value == y.labels(b)[k].value);
      }
    }
    (void)h;
  }
  return 0;
}
