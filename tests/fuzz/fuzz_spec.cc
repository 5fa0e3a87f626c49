// Fuzzes the spec loader: any bytes must load or fail with a Status, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spec/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;  // yaml-cpp recursion on huge nesting is not what we test
  slokit::Spec spec;
  std::vector<slokit::Diagnostic> warnings;
  (void)slokit::LoadSpecString(std::string_view(reinterpret_cast<const char*>(data), size),
                               "fuzz.yaml", &spec, &warnings);
  return 0;
}
