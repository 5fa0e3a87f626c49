// Fuzzes DDSketch::Deserialize, the parser of sketch bytes that may come from outside (stored
// baselines, peers): any input must parse or fail cleanly, without oversized allocations, and a
// parsed sketch must answer quantiles, merge, and serialize to bytes that parse to the same
// sketch. Needs slokit_stats linked into the fuzz targets (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "stats/ddsketch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using slokit::stats::DDSketch;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  DDSketch sketch;
  if (!DDSketch::Deserialize(bytes, &sketch).ok()) return 0;
  const std::string canonical = sketch.Serialize();
  DDSketch again;
  if (!DDSketch::Deserialize(canonical, &again).ok() || !again.SameBuckets(sketch) ||
      again.Serialize() != canonical) {
    __builtin_trap();
  }
  double value;
  for (double q : {0.0, 0.001, 0.5, 0.99, 1.0}) {
    if (sketch.Quantile(q, &value).ok() && !(value >= sketch.min() && value <= sketch.max())) {
      __builtin_trap();
    }
  }
  DDSketch merged = sketch;
  if (merged.Merge(sketch).ok() && merged.count() != 2 * sketch.count() &&
      sketch.count() < (1ull << 62)) {
    __builtin_trap();
  }
  (void)merged.Add(-1.5, 3);
  (void)merged.Quantile(0.25, &value);
  return 0;
}
