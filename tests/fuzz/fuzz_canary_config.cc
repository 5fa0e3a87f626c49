// Fuzzes the canary config loader (docs/canary.md): any bytes must load or fail with a Status,
// never crash or hang; a config that loads is run over a few records on both sides.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decide/canary.h"
#include "decide/canary_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  slokit::decide::CanaryConfig config;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!slokit::decide::LoadCanaryConfigString(text, "fuzz.yaml", &config).ok()) return 0;
  if (config.max_samples > 1000) config.max_samples = 1000;
  if (config.min_events > 4) config.min_events = 4;
  slokit::decide::CanaryAnalyzer analyzer(config);
  slokit::Record r;
  for (int i = 0; i < 16; ++i) {
    r.Reset(config.fields.size());
    r.time_ns = i;
    for (size_t f = 0; f < r.values.size(); ++f)
      r.values[f] = slokit::Value::Number(static_cast<double>((i * 7 + static_cast<int>(f)) % 5));
    analyzer.Push(i % 2 ? slokit::decide::Side::kCanary : slokit::decide::Side::kBaseline, r);
  }
  (void)slokit::decide::RenderCanaryTable(analyzer.Analyze());
  return 0;
}
