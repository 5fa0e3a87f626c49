// Fuzzes ScrapeSli::RestoreBaseline, which reads what `slokit serve` stored about a scrape target
// back from its data directory: any bytes must restore or fail with a Status, and a restored
// baseline saved again must restore to the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "engine/scrape_sli.h"
#include "spec/loader.h"

namespace {

const char* kSpec = R"(
service: fuzz
slos:
  - name: availability
    objective: 99
    window: 30d
    sli:
      ratio:
        good: status < 500
        prometheus:
          bad: requests_total{status="error"}
          total: requests_total
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const slokit::Spec* spec = [] {
    auto* s = new slokit::Spec();
    if (!slokit::LoadSpecString(kSpec, "fuzz.yaml", s, nullptr).ok()) std::abort();
    return s;
  }();
  std::unique_ptr<slokit::ScrapeSli> sli;
  if (!slokit::ScrapeSli::Create(*spec, {}, &sli).ok()) std::abort();
  if (!sli->RestoreBaseline(std::string_view(reinterpret_cast<const char*>(data), size)).ok()) return 0;
  const std::string saved = sli->SaveBaseline();
  std::unique_ptr<slokit::ScrapeSli> again;
  if (!slokit::ScrapeSli::Create(*spec, {}, &again).ok()) std::abort();
  if (!again->RestoreBaseline(saved).ok() || again->SaveBaseline() != saved) std::abort();
  return 0;
}
