// Fuzzes `slokit convert` (spec/import.h): any bytes must import or fail with a Status, never
// crash or hang; and whatever imports must write a spec that the loader accepts, since the
// converter promises loadable output (a failure there would be a converter defect).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "spec/import.h"
#include "spec/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (slokit::ImportFormat format :
       {slokit::ImportFormat::kAuto, slokit::ImportFormat::kOpenSlo, slokit::ImportFormat::kSloth}) {
    slokit::ImportedSpec imported;
    if (!slokit::ImportSpec(text, "fuzz.yaml", format, &imported).ok()) continue;
    std::string yaml = slokit::WriteImportedSpec(imported);
    slokit::Spec spec;
    std::vector<slokit::Diagnostic> warnings;
    slokit::Status s = slokit::LoadSpecString(yaml, "converted.yaml", &spec, &warnings);
    if (!s.ok()) {
      std::fprintf(stderr, "converted spec does not load: %s\n%s\n", s.message().c_str(), yaml.c_str());
      __builtin_trap();
    }
  }
  return 0;
}
