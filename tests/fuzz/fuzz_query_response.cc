// Fuzzes the parser of Prometheus query API responses (io/prometheus_client.h): any body must
// parse or fail with a Status, never throw or crash; a parsed result must be self-consistent
// (samples of a series in time order, no series left behind on failure).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "io/prometheus_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  std::vector<slokit::io::PromSeries> series;
  std::vector<std::string> warnings;
  slokit::Status s = slokit::io::ParseQueryResponse(body, &series, &warnings);
  if (!s.ok()) {
    if (!series.empty() || s.message().empty()) std::abort();
    return 0;
  }
  for (const auto& one : series) {
    for (size_t i = 1; i < one.samples.size(); ++i) {
      if (one.samples[i].t <= one.samples[i - 1].t) std::abort();
    }
    (void)one.Label("le");
  }
  return 0;
}
