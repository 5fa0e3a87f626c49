#include "core/time.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace slokit {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at text[*pos].
bool ReadDigits(std::string_view text, size_t* pos, int n, int* out) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (*pos >= text.size() || !IsDigit(text[*pos])) return false;
    v = v * 10 + (text[(*pos)++] - '0');
  }
  *out = v;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// The largest instant UnixNumberToTime accepts; keeps both conversions in agreement.
constexpr int64_t kMaxUnixNs = 9'200'000'000'000'000'000;

// Reads a plain decimal Unix number ("1700000000", "1700000000.123456789", "1700000000123")
// exactly, without going through double: nanosecond and microsecond stamps need all their
// digits. Returns false when `text` is not of that form (signs, exponents: the caller falls back).
bool ParseUnixDecimal(std::string_view text, std::optional<TimeNs>* out) {
  size_t i = 0;
  uint64_t whole = 0;
  int whole_digits = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i, ++whole_digits) {
    if (whole_digits >= 19) return false;  // too large for exact arithmetic
    whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  uint64_t frac = 0, frac_scale = 1;
  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && IsDigit(text[i]); ++i, ++frac_digits) {
      if (frac_digits < 9) {
        frac = frac * 10 + static_cast<uint64_t>(text[i] - '0');
        frac_scale *= 10;
      }
    }
    if (frac_digits == 0) return false;
  }
  if (i != text.size() || whole_digits == 0) return false;
  // Same magnitude rule as UnixNumberToTime: seconds, milliseconds, microseconds, nanoseconds.
  uint64_t unit;
  if (whole < 100'000'000'000ULL)
    unit = kSecond;
  else if (whole < 100'000'000'000'000ULL)
    unit = kMillisecond;
  else if (whole < 100'000'000'000'000'000ULL)
    unit = kMicrosecond;
  else
    unit = kNanosecond;
  if (whole > static_cast<uint64_t>(kMaxUnixNs) / unit) {
    *out = std::nullopt;
    return true;
  }
  // frac < 1e9 and unit <= 1e9, so the product fits in 64 bits.
  uint64_t ns = whole * unit + (frac * unit + frac_scale / 2) / frac_scale;
  *out = ns >= static_cast<uint64_t>(kMaxUnixNs) ? std::nullopt
                                                 : std::optional<TimeNs>(static_cast<TimeNs>(ns));
  return true;
}

}  // namespace

std::optional<DurationNs> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (IsDigit(text[i]) || text[i] == '.')) ++i;
    if (start == i) return std::nullopt;
    std::string number(text.substr(start, i - start));
    char* end = nullptr;
    double v = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return std::nullopt;
    size_t ustart = i;
    while (i < text.size() && !IsDigit(text[i]) && text[i] != '.') ++i;
    std::string_view unit = text.substr(ustart, i - ustart);
    double scale;
    if (unit == "ns") scale = kNanosecond;
    else if (unit == "us" || unit == "µs") scale = kMicrosecond;
    else if (unit == "ms") scale = kMillisecond;
    else if (unit == "s") scale = kSecond;
    else if (unit == "m") scale = kMinute;
    else if (unit == "h") scale = kHour;
    else if (unit == "d") scale = kDay;
    else if (unit == "w") scale = kWeek;
    else return std::nullopt;
    total += v * scale;
  }
  if (!(total >= 0) || total > 9.2e18) return std::nullopt;
  return static_cast<DurationNs>(std::llround(total));
}

std::string FormatDuration(DurationNs d) {
  if (d == std::numeric_limits<DurationNs>::min()) d += 1;  // -d would overflow
  if (d < 0) return FormatDuration(-d).insert(0, 1, '-');  // not "-" + ...: gcc 12 -Wrestrict
  if (d == 0) return "0s";
  if (d < kSecond) {
    char buf[32];
    if (d % kMillisecond == 0) std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(d / kMillisecond));
    else std::snprintf(buf, sizeof buf, "%.3gms", static_cast<double>(d) / kMillisecond);
    return buf;
  }
  // Round to whole seconds: a budget shown to the nanosecond reads as noise.
  int64_t s = d / kSecond + (d % kSecond >= kSecond / 2 ? 1 : 0);
  int64_t days = s / 86400, hours = s / 3600 % 24, minutes = s / 60 % 60, seconds = s % 60;
  std::string out;
  char buf[24];
  auto part = [&](int64_t v, const char* unit) {
    if (v == 0) return;
    std::snprintf(buf, sizeof buf, "%lld%s", static_cast<long long>(v), unit);
    out += buf;
  };
  part(days, "d");
  part(hours, "h");
  // Past a day, seconds are noise.
  part(minutes, "m");
  if (days == 0) part(seconds, "s");
  return out.empty() ? "0s" : out;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

std::optional<TimeNs> ParseRfc3339(std::string_view text) {
  size_t p = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, &p, 4, &year) || !Expect(text, &p, '-') || !ReadDigits(text, &p, 2, &month) ||
      !Expect(text, &p, '-') || !ReadDigits(text, &p, 2, &day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  int64_t frac_ns = 0;
  int64_t offset_s = 0;
  if (p < text.size()) {
    char sep = text[p];
    if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
    ++p;
    if (!ReadDigits(text, &p, 2, &hour) || !Expect(text, &p, ':') || !ReadDigits(text, &p, 2, &minute) ||
        !Expect(text, &p, ':') || !ReadDigits(text, &p, 2, &second))
      return std::nullopt;
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (p < text.size() && (text[p] == '.' || text[p] == ',')) {
      ++p;
      int digits = 0;
      while (p < text.size() && IsDigit(text[p])) {
        if (digits < 9) frac_ns = frac_ns * 10 + (text[p] - '0');
        ++digits;
        ++p;
      }
      if (digits == 0) return std::nullopt;
      for (int i = digits; i < 9; ++i) frac_ns *= 10;
    }
    if (p >= text.size()) return std::nullopt;  // RFC 3339 requires a zone
    if (text[p] == 'Z' || text[p] == 'z') {
      ++p;
    } else if (text[p] == '+' || text[p] == '-') {
      int sign = text[p] == '-' ? -1 : 1;
      ++p;
      int oh, om;
      if (!ReadDigits(text, &p, 2, &oh) || !Expect(text, &p, ':') || !ReadDigits(text, &p, 2, &om))
        return std::nullopt;
      offset_s = sign * (oh * 3600 + om * 60);
    } else {
      return std::nullopt;
    }
    if (p != text.size()) return std::nullopt;
  }
  if (day > DaysInMonth(year, month)) return std::nullopt;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  // int64 nanoseconds cover the years 1678..2262; outside that the product would overflow.
  if (secs <= std::numeric_limits<int64_t>::min() / kSecond ||
      secs >= std::numeric_limits<int64_t>::max() / kSecond)
    return std::nullopt;
  return secs * kSecond + frac_ns;
}

std::optional<TimeNs> UnixNumberToTime(double v) {
  if (!std::isfinite(v) || v < 0) return std::nullopt;
  // Magnitudes of "now" in each unit are ~1.8e9 s, 1.8e12 ms, 1.8e15 us, 1.8e18 ns.
  double ns;
  if (v < 1e11) ns = v * 1e9;
  else if (v < 1e14) ns = v * 1e6;
  else if (v < 1e17) ns = v * 1e3;
  else ns = v;
  if (ns >= 9.2e18) return std::nullopt;
  return static_cast<TimeNs>(std::llround(ns));
}

std::optional<TimeNs> ParseTimestamp(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.size() >= 10 && text[4] == '-') return ParseRfc3339(text);
  // A plain decimal number is read exactly; anything else (a sign, an exponent) goes via double.
  std::optional<TimeNs> exact;
  if (ParseUnixDecimal(text, &exact)) return exact;
  // strtod would also take "inf", "0x1p4" and leading blanks: only let a decimal float through.
  for (char c : text) {
    if (!IsDigit(c) && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-')
      return std::nullopt;
  }
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return UnixNumberToTime(v);
}

std::string FormatTime(TimeNs t) {
  int64_t secs = FloorDiv(t, kSecond);
  int64_t ns = t - secs * kSecond;
  int64_t days = FloorDiv(secs, 86400);
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(y), m, d,
                        static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                        static_cast<long long>(rem % 60));
  if (ns % kMillisecond == 0 && ns != 0)
    std::snprintf(buf + n, sizeof buf - n, ".%03lldZ", static_cast<long long>(ns / kMillisecond));
  else if (ns != 0)
    std::snprintf(buf + n, sizeof buf - n, ".%09lldZ", static_cast<long long>(ns));
  else
    std::snprintf(buf + n, sizeof buf - n, "Z");
  return buf;
}

TimeNs StartOfMonth(TimeNs t) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(t, kDay), &y, &m, &d);
  return DaysFromCivil(y, m, 1) * kDay;
}

TimeNs StartOfNextMonth(TimeNs t) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(t, kDay), &y, &m, &d);
  if (m == 12) return DaysFromCivil(y + 1, 1, 1) * kDay;
  return DaysFromCivil(y, m + 1, 1) * kDay;
}

TimeNs StartOfWeek(TimeNs t) {
  int64_t days = FloorDiv(t, kDay);
  // 1970-01-01 was a Thursday; ISO weeks start on Monday (3 days earlier).
  int64_t weekday = ((days + 3) % 7 + 7) % 7;  // 0 = Monday
  return (days - weekday) * kDay;
}

}  // namespace slokit
