// Time: instants as int64 nanoseconds since the Unix epoch (UTC), durations as int64 nanoseconds,
// and the calendar arithmetic (UTC months and ISO weeks) that calendar windows need.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slokit {

using TimeNs = int64_t;
using DurationNs = int64_t;

inline constexpr DurationNs kNanosecond = 1;
inline constexpr DurationNs kMicrosecond = 1000;
inline constexpr DurationNs kMillisecond = 1000 * kMicrosecond;
inline constexpr DurationNs kSecond = 1000 * kMillisecond;
inline constexpr DurationNs kMinute = 60 * kSecond;
inline constexpr DurationNs kHour = 60 * kMinute;
inline constexpr DurationNs kDay = 24 * kHour;
inline constexpr DurationNs kWeek = 7 * kDay;

// Parses "500ms", "2.5s", "5m", "1h30m", "30d", "1w" (units ns, us, ms, s, m, h, d, w).
std::optional<DurationNs> ParseDuration(std::string_view text);
// Formats the way people read budgets: "43m12s", "2h", "1d6h", "750ms".
std::string FormatDuration(DurationNs d);

// Parses an RFC 3339 timestamp ("2026-11-01T12:00:00.123Z", "+02:00" offsets allowed, a space
// instead of 'T' allowed) into nanoseconds since the epoch.
std::optional<TimeNs> ParseRfc3339(std::string_view text);
// Interprets a Unix timestamp whose unit is guessed from its magnitude: seconds (fractional
// allowed), milliseconds, microseconds or nanoseconds.
std::optional<TimeNs> UnixNumberToTime(double value);
// Parses either form: RFC 3339 text or a decimal Unix number.
std::optional<TimeNs> ParseTimestamp(std::string_view text);
// "2026-11-01T12:00:00Z", with milliseconds only when they are not zero.
std::string FormatTime(TimeNs t);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

// Start of the UTC calendar month / ISO week (Monday) containing t, and the start of the next one.
TimeNs StartOfMonth(TimeNs t);
TimeNs StartOfNextMonth(TimeNs t);
TimeNs StartOfWeek(TimeNs t);

// Floor division that rounds toward negative infinity, for slot indices before the epoch.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace slokit
