// Fuzzes the parsers of scrape request headers (outside input from any HTTP client):
// NegotiateFormat (Accept) and NegotiateEncoding (Accept-Encoding). They must accept any bytes,
// return a valid choice, and be deterministic. Seed corpus: tests/fuzz/corpus/accept_header/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "slokit/metrics/exposition.h"

namespace sm = slokit::metrics;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const sm::Format f = sm::NegotiateFormat(input);
  if (f != sm::Format::kPrometheusText && f != sm::Format::kOpenMetrics) std::abort();
  if (sm::NegotiateFormat(input) != f) std::abort();
  if (sm::ContentType(f).empty()) std::abort();
  const sm::Encoding e = sm::NegotiateEncoding(input);
  if (e != sm::Encoding::kIdentity && e != sm::Encoding::kGzip) std::abort();
  if (sm::NegotiateEncoding(input) != e) std::abort();
  // Prepending an unacceptable range never changes the outcome.
  std::string prefixed = "application/x-unknown;q=1, ";
  prefixed.append(input);
  if (sm::NegotiateFormat(prefixed) != f) std::abort();
  return 0;
}
