// Text helpers shared by registration and exposition: name validation, UTF-8 repair, escaping
// and number formatting in the forms Prometheus and OpenMetrics parsers accept.
#pragma once

#include <string>
#include <string_view>

namespace slokit::metrics::internal {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved)
bool IsValidLabelName(std::string_view name);
bool EndsWith(std::string_view s, std::string_view suffix);

// Replaces every byte sequence that is not valid UTF-8 with U+FFFD.
std::string SanitizeUtf8(std::string_view s);

// Label values, both formats: backslash, double quote and newline escaped.
void AppendEscapedLabelValue(std::string* out, std::string_view v);
// HELP text: backslash and newline escaped; with `quote` (OpenMetrics) double quotes too.
void AppendEscapedHelp(std::string* out, std::string_view v, bool quote);

// Sample values: "NaN", "+Inf", "-Inf", integers without a fraction, otherwise the shortest
// representation that reads back to the same double.
void AppendDouble(std::string* out, double v);
void AppendUint(std::string* out, uint64_t v);
// `le` bound values in canonical float form: "1.0", "0.005", "+Inf".
void AppendBound(std::string* out, double v);

}  // namespace slokit::metrics::internal
