// Durations, timestamps and calendar boundaries: the forms people write in specs and events,
// round trips through the formatters, and month/week starts around year ends and leap days.
#include "core/time.h"

#include <gtest/gtest.h>

#include <limits>

namespace slokit {
namespace {

TimeNs T(const char* rfc3339) {
  std::optional<TimeNs> t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(0);
}

TEST(ParseDurationTest, Units) {
  EXPECT_EQ(ParseDuration("500ms"), 500 * kMillisecond);
  EXPECT_EQ(ParseDuration("2.5s"), 2500 * kMillisecond);
  EXPECT_EQ(ParseDuration("5m"), 5 * kMinute);
  EXPECT_EQ(ParseDuration("1h30m"), 90 * kMinute);
  EXPECT_EQ(ParseDuration("30d"), 30 * kDay);
  EXPECT_EQ(ParseDuration("1w"), kWeek);
  EXPECT_EQ(ParseDuration("250us"), 250 * kMicrosecond);
  EXPECT_EQ(ParseDuration("7ns"), 7);
  EXPECT_EQ(ParseDuration("43m12s"), 43 * kMinute + 12 * kSecond);
  EXPECT_EQ(ParseDuration("1d6h"), 30 * kHour);
}

TEST(ParseDurationTest, Rejects) {
  for (const char* bad : {"", "5", "m", "-5m", "1x", "1.2.3s", "h1", "1e3s", " 5m", "5m "}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseDuration("99999999999w").has_value());  // past int64 nanoseconds
}

TEST(FormatDurationTest, Budgets) {
  EXPECT_EQ(FormatDuration(43 * kMinute + 12 * kSecond), "43m12s");
  // A 99.9% SLO over 30 days leaves 0.1% of the window.
  EXPECT_EQ(FormatDuration(static_cast<DurationNs>(30 * kDay * 0.001)), "43m12s");
  EXPECT_EQ(FormatDuration(2 * kHour), "2h");
  EXPECT_EQ(FormatDuration(30 * kHour), "1d6h");
  EXPECT_EQ(FormatDuration(750 * kMillisecond), "750ms");
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(-90 * kSecond), "-1m30s");
  EXPECT_EQ(FormatDuration(1499 * kMillisecond), "1s");  // whole seconds past one second
  EXPECT_EQ(FormatDuration(1500 * kMillisecond), "2s");
  EXPECT_FALSE(FormatDuration(std::numeric_limits<DurationNs>::min()).empty());
  EXPECT_FALSE(FormatDuration(std::numeric_limits<DurationNs>::max()).empty());
}

TEST(FormatDurationTest, RoundTrips) {
  for (DurationNs d : {43 * kMinute + 12 * kSecond, 2 * kHour, 30 * kHour, 750 * kMillisecond,
                       kWeek, 59 * kSecond, 3 * kDay + 4 * kHour + 5 * kMinute}) {
    std::optional<DurationNs> back = ParseDuration(FormatDuration(d));
    ASSERT_TRUE(back.has_value()) << FormatDuration(d);
    EXPECT_EQ(*back, d) << FormatDuration(d);
  }
}

TEST(ParseRfc3339Test, Forms) {
  const TimeNs base = 1793534400 * kSecond;  // 2026-11-01T12:00:00Z
  EXPECT_EQ(ParseRfc3339("2026-11-01T12:00:00Z"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-01t12:00:00z"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-01 12:00:00Z"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-01T12:00:00.123Z"), base + 123 * kMillisecond);
  EXPECT_EQ(ParseRfc3339("2026-11-01T12:00:00.5Z"), base + 500 * kMillisecond);
  EXPECT_EQ(ParseRfc3339("2026-11-01T12:00:00.123456789Z"), base + 123456789);
  EXPECT_EQ(ParseRfc3339("2026-11-01T12:00:00.1234567891Z"), base + 123456789);  // past ns: dropped
  EXPECT_EQ(ParseRfc3339("2026-11-01T14:00:00+02:00"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-01T06:30:00-05:30"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-01T12:00:00+00:00"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-01"), base - 12 * kHour);
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339("1969-12-31T23:59:59Z"), -kSecond);
  EXPECT_EQ(ParseRfc3339("2024-02-29T00:00:00Z"), 1709164800 * kSecond);
}

TEST(ParseRfc3339Test, Rejects) {
  for (const char* bad :
       {"", "2026", "2026-11-01T12:00:00", "2026-11-01T12:00Z", "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z", "2026-11-32T00:00:00Z", "2026-11-01T24:00:00Z",
        "2026-11-01T12:60:00Z", "2026-11-01T12:00:00.Z", "2026-11-01T12:00:00+0200",
        "2026-11-01T12:00:00Zjunk", "2026-11-01X12:00:00Z", "2026-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        // int64 nanoseconds end in 2262; later dates must not overflow.
        "9999-12-31T23:59:59Z", "1000-01-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
  EXPECT_TRUE(ParseRfc3339("2000-02-29T00:00:00Z").has_value());
}

TEST(FormatTimeTest, RoundTrips) {
  for (const char* s : {"2026-11-01T12:00:00Z", "2026-11-01T12:00:00.123Z", "1999-12-31T23:59:59Z",
                        "2024-02-29T08:15:00.000000001Z", "1969-07-20T20:17:40Z"}) {
    EXPECT_EQ(FormatTime(T(s)), s);
  }
  EXPECT_EQ(FormatTime(T("2026-11-01T14:00:00+02:00")), "2026-11-01T12:00:00Z");
  EXPECT_EQ(FormatTime(0), "1970-01-01T00:00:00Z");
}

TEST(ParseTimestampTest, UnixNumbers) {
  const TimeNs s = 1700000000 * kSecond;
  EXPECT_EQ(ParseTimestamp("1700000000"), s);
  EXPECT_EQ(ParseTimestamp("1700000000.5"), s + 500 * kMillisecond);
  EXPECT_EQ(ParseTimestamp("1700000000.123456789"), s + 123456789);
  EXPECT_EQ(ParseTimestamp("1700000000123"), s + 123 * kMillisecond);
  EXPECT_EQ(ParseTimestamp("1700000000123.5"), s + 123 * kMillisecond + 500 * kMicrosecond);
  EXPECT_EQ(ParseTimestamp("1700000000123457"),
            s + 123457 * kMicrosecond);  // exact, not via double
  EXPECT_EQ(ParseTimestamp("1700000000123456789"), s + 123456789);
  EXPECT_EQ(ParseTimestamp("1.7e9"), s);
  EXPECT_EQ(ParseTimestamp("0"), 0);
  EXPECT_EQ(ParseTimestamp("2026-11-01T12:00:00Z"), 1793534400 * kSecond);
}

TEST(ParseTimestampTest, Rejects) {
  for (const char* bad :
       {"", "-1", "abc", "inf", "nan", "0x10", " 1700000000", "1700000000 ", ".", "1e",
        "99999999999999999999", "9300000000000000000", "2026-11-01T12:00:00"}) {
    EXPECT_FALSE(ParseTimestamp(bad).has_value()) << bad;
  }
}

TEST(UnixNumberToTimeTest, GuessesUnit) {
  EXPECT_EQ(UnixNumberToTime(1.7e9), 1700000000 * kSecond);
  EXPECT_EQ(UnixNumberToTime(1.7e12), 1700000000 * kSecond);
  EXPECT_EQ(UnixNumberToTime(1.7e15), 1700000000 * kSecond);
  EXPECT_EQ(UnixNumberToTime(1.7e18), 1700000000 * kSecond);
  EXPECT_FALSE(UnixNumberToTime(-1).has_value());
  EXPECT_FALSE(UnixNumberToTime(std::numeric_limits<double>::quiet_NaN()).has_value());
  EXPECT_FALSE(UnixNumberToTime(std::numeric_limits<double>::infinity()).has_value());
  EXPECT_FALSE(UnixNumberToTime(1e19).has_value());
}

TEST(CivilTest, RoundTrip) {
  for (int64_t days = -800000; days <= 800000; days += 37) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    ASSERT_EQ(DaysFromCivil(y, m, d), days);
  }
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
}

TEST(CalendarTest, MonthsAroundYearEnds) {
  EXPECT_EQ(StartOfMonth(T("2025-12-31T23:59:59.999Z")), T("2025-12-01T00:00:00Z"));
  EXPECT_EQ(StartOfNextMonth(T("2025-12-31T23:59:59.999Z")), T("2026-01-01T00:00:00Z"));
  EXPECT_EQ(StartOfMonth(T("2026-01-01T00:00:00Z")), T("2026-01-01T00:00:00Z"));
  EXPECT_EQ(StartOfNextMonth(T("2026-01-01T00:00:00Z")), T("2026-02-01T00:00:00Z"));
  EXPECT_EQ(StartOfMonth(T("1969-12-15T10:00:00Z")), T("1969-12-01T00:00:00Z"));
  EXPECT_EQ(StartOfNextMonth(T("1969-12-15T10:00:00Z")), 0);
}

TEST(CalendarTest, LeapYears) {
  EXPECT_EQ(StartOfMonth(T("2024-02-29T12:00:00Z")), T("2024-02-01T00:00:00Z"));
  EXPECT_EQ(StartOfNextMonth(T("2024-02-29T12:00:00Z")), T("2024-03-01T00:00:00Z"));
  EXPECT_EQ(StartOfNextMonth(T("2024-02-01T00:00:00Z")) - T("2024-02-01T00:00:00Z"), 29 * kDay);
  EXPECT_EQ(StartOfNextMonth(T("2023-02-01T00:00:00Z")) - T("2023-02-01T00:00:00Z"), 28 * kDay);
  EXPECT_EQ(StartOfNextMonth(T("2000-02-01T00:00:00Z")) - T("2000-02-01T00:00:00Z"), 29 * kDay);
  EXPECT_EQ(StartOfNextMonth(T("2100-02-01T00:00:00Z")) - T("2100-02-01T00:00:00Z"), 28 * kDay);
}

TEST(CalendarTest, IsoWeeksStartOnMonday) {
  // 2026-01-01 is a Thursday: its ISO week began on Monday 2025-12-29.
  EXPECT_EQ(StartOfWeek(T("2026-01-01T08:00:00Z")), T("2025-12-29T00:00:00Z"));
  EXPECT_EQ(StartOfWeek(T("2024-12-31T23:59:59Z")), T("2024-12-30T00:00:00Z"));
  EXPECT_EQ(StartOfWeek(T("2023-01-01T12:00:00Z")), T("2022-12-26T00:00:00Z"));  // a Sunday
  EXPECT_EQ(StartOfWeek(T("2022-12-26T00:00:00Z")), T("2022-12-26T00:00:00Z"));  // a Monday
  EXPECT_EQ(StartOfWeek(T("2024-02-29T12:00:00Z")), T("2024-02-26T00:00:00Z"));
  EXPECT_EQ(StartOfWeek(0), T("1969-12-29T00:00:00Z"));
  EXPECT_EQ(StartOfWeek(T("1969-12-31T23:00:00Z")), T("1969-12-29T00:00:00Z"));
}

}  // namespace
}  // namespace slokit
