// Exposition: formatting collected metrics for scrapers, and choosing the format and
// compression an HTTP client asked for.
//
// Two formats: the Prometheus text format 0.0.4 and OpenMetrics 1.0. Both write HELP and TYPE,
// label values with backslash, double quote and newline escaped, counters as `<name>_total`,
// histograms as cumulative `_bucket` series ending in le="+Inf", then `_sum` and `_count`.
// OpenMetrics adds `# UNIT`, `_created` timestamps for counters and histograms, and the closing
// `# EOF`. Families without any series are left out.
//
// Everything here is a pure function of its arguments and safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "slokit/metrics/snapshot.h"

namespace slokit::metrics {

class Registry;

enum class Format { kPrometheusText, kOpenMetrics };
enum class Encoding { kIdentity, kGzip };

// "text/plain; version=0.0.4; charset=utf-8" or
// "application/openmetrics-text; version=1.0.0; charset=utf-8".
std::string_view ContentType(Format format);

// Picks a format from an HTTP Accept header: the acceptable media range with the highest q wins
// (then the more specific one, then the one listed first). application/openmetrics-text with
// version 1.0.0, 0.0.1 or none selects OpenMetrics; text/plain (version 0.0.4 or none), text/*
// and */* select the text format, as does anything else (an absent or unusable header included).
// Never fails: any byte string is accepted.
Format NegotiateFormat(std::string_view accept);

// Picks gzip when an Accept-Encoding header allows it (gzip or x-gzip, or * without gzip;q=0)
// and does not prefer identity; identity otherwise. Never fails.
Encoding NegotiateEncoding(std::string_view accept_encoding);

// Appends the families in `format` to *out.
void Serialize(const std::vector<FamilySnapshot>& families, Format format, std::string* out);
std::string Serialize(const std::vector<FamilySnapshot>& families, Format format);
// Collects the registry and serializes it.
std::string Serialize(const Registry& registry, Format format);

}  // namespace slokit::metrics
