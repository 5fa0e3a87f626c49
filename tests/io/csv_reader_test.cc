// CSV: cell typing, RFC 4180 quoting (commas, "" escapes, embedded newlines), physical line
// numbers, header errors and malformed rows. Each input is read at several chunk sizes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/time.h"
#include "reader_test_util.h"

namespace slokit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr TimeNs kT0 = 1700000000 * kSecond;

class CsvTest : public ReaderTest {};

TEST_F(CsvTest, CellTyping) {
  EXPECT_EQ(Own(io::CsvCellValue("")), Missing());
  EXPECT_EQ(Own(io::CsvCellValue("true")), Bool(true));
  EXPECT_EQ(Own(io::CsvCellValue("false")), Bool(false));
  EXPECT_EQ(Own(io::CsvCellValue("null")), Null());
  EXPECT_EQ(Own(io::CsvCellValue("42")), Num(42));
  EXPECT_EQ(Own(io::CsvCellValue("-1.5e3")), Num(-1500));
  EXPECT_EQ(Own(io::CsvCellValue("+7")), Num(7));
  EXPECT_EQ(Own(io::CsvCellValue(".5")), Num(0.5));
  EXPECT_EQ(Own(io::CsvCellValue("3.")), Num(3));
  for (const char* s : {"True", "NULL", "1e", "1.2.3", "12abc", " 12", "12 ", "inf", "nan", "-",
                        "+", ".", "0x10", "1e400", "e5"}) {
    EXPECT_EQ(Own(io::CsvCellValue(s)), Str(s)) << s;
  }
}

TEST_F(CsvTest, TypedRows) {
  ASSERT_TRUE(Csv("ts,model,status,ttft_ms,unused\n"
                  "1700000000,llama,200,12.5,x\n"
                  "2023-11-14T22:13:20Z,,true,null,\n"
                  "1700000000123,\"quoted\",false,-3,y\n")
                  .ok());
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[0].time_ns, kT0);
  EXPECT_EQ(V(0, "model"), Str("llama"));
  EXPECT_EQ(V(0, "status"), Num(200));
  EXPECT_EQ(V(0, "ttft_ms"), Num(12.5));
  EXPECT_EQ(V(0, "labels.model"), Missing());
  EXPECT_EQ(events_[1].time_ns, kT0);
  EXPECT_EQ(V(1, "model"), Missing());
  EXPECT_EQ(V(1, "status"), Bool(true));
  EXPECT_EQ(V(1, "ttft_ms"), Null());
  EXPECT_EQ(events_[2].time_ns, kT0 + 123 * kMillisecond);
  EXPECT_EQ(V(2, "model"), Str("quoted"));
  EXPECT_EQ(V(2, "status"), Bool(false));
  EXPECT_EQ(stats_.lines, 3u);
  EXPECT_EQ(stats_.bad_lines, 0u);
}

TEST_F(CsvTest, QuotingAndEmbeddedNewlines) {
  ASSERT_TRUE(Csv("ts,model,labels.model,status\n"
                  "1700000000,\"a,b\",\"say \"\"hi\"\"\",\"\"\"\"\n"
                  "1700000001,\"two\nlines\",\"three\r\nlines\nhere\",\"\"\n"
                  "1700000002,x,y,z\n"
                  "1700000003,x,y\n")
                  .ok());
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(V(0, "model"), Str("a,b"));
  EXPECT_EQ(V(0, "labels.model"), Str("say \"hi\""));
  EXPECT_EQ(V(0, "status"), Str("\""));
  EXPECT_EQ(V(1, "model"), Str("two\nlines"));
  EXPECT_EQ(V(1, "labels.model"), Str("three\r\nlines\nhere"));
  EXPECT_EQ(V(1, "status"), Missing());  // "" is an empty cell
  EXPECT_EQ(V(2, "status"), Str("z"));
  // The row with embedded newlines spans lines 3-6, so the short row is on line 8.
  EXPECT_THAT(ErrorLines(), ElementsAre(8u));
  EXPECT_EQ(ErrorMessage(0), "expected 4 cells, found 3");
}

TEST_F(CsvTest, QuotedTimeAndEscapedCells) {
  fields_.Intern("ts");
  ASSERT_TRUE(Csv("\"ts\",\"model\"\n\"1700000000\",\"x\"\"y\"\n").ok());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].time_ns, kT0);
  EXPECT_EQ(V(0, "ts"), Num(1700000000));
  EXPECT_EQ(V(0, "model"), Str("x\"y"));
}

TEST_F(CsvTest, CrlfBlankLinesAndNoTrailingNewline) {
  std::string data =
      "\xEF\xBB\xBFts,model\r\n"
      "1700000000,a\r\n"
      "\r\n"
      "\n"
      "1700000001,b\r\n"
      "1700000002,\"c\"\r\n"
      "1700000003,d";
  ASSERT_TRUE(Csv(data).ok());
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_EQ(V(0, "model"), Str("a"));
  EXPECT_EQ(V(1, "model"), Str("b"));
  EXPECT_EQ(V(2, "model"), Str("c"));
  EXPECT_EQ(V(3, "model"), Str("d"));
  EXPECT_EQ(events_[3].time_ns, kT0 + 3 * kSecond);
  EXPECT_EQ(stats_.lines, 4u);
  EXPECT_EQ(stats_.bytes, data.size());
}

TEST_F(CsvTest, HeaderWithoutTimeColumnIsAnError) {
  Status s = Read(Format::kCsv, "time,model\n1700000000,x\n", "events.csv");
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_THAT(s.message(), HasSubstr("events.csv"));
  EXPECT_THAT(s.message(), HasSubstr("\"ts\""));
  EXPECT_EQ(stats_.records, 0u);
  options_.time_field = "time";
  EXPECT_TRUE(Csv("time,model\n1700000000,x\n").ok());
  EXPECT_EQ(stats_.records, 1u);
  EXPECT_EQ(Read(Format::kCsv, "\"ts,model\n1,x\n", "e.csv").code(), Status::Code::kParseError);
}

TEST_F(CsvTest, EmptyInputAndHeaderOnly) {
  EXPECT_TRUE(Csv("").ok());
  EXPECT_EQ(stats_.lines, 0u);
  EXPECT_TRUE(Csv("ts,model\n").ok());
  EXPECT_EQ(stats_.lines, 0u);
  EXPECT_EQ(stats_.records, 0u);
}

TEST_F(CsvTest, BadRows) {
  options_.max_reported_errors = 100;
  ASSERT_TRUE(Csv("ts,model\n"
                  "1700000000,ok\n"
                  "1700000000\n"
                  "1700000000,a,b\n"
                  ",missing time\n"
                  "noon,bad time\n"
                  "1700000000,\"x\"junk\n"
                  "1700000000,ok\n"
                  "1700000000,\"never closed\nstill open")
                  .ok());
  EXPECT_EQ(stats_.records, 2u);
  EXPECT_EQ(stats_.lines, 8u);
  EXPECT_EQ(stats_.bad_lines, 6u);
  EXPECT_THAT(ErrorLines(), ElementsAre(3u, 4u, 5u, 6u, 7u, 9u));
  EXPECT_EQ(ErrorMessage(0), "expected 2 cells, found 1");
  EXPECT_EQ(ErrorMessage(1), "expected 2 cells, found 3");
  EXPECT_EQ(ErrorMessage(2), "missing field \"ts\"");
  EXPECT_EQ(ErrorMessage(3), "field \"ts\": not an RFC 3339 timestamp or Unix number");
  EXPECT_EQ(ErrorMessage(4), "malformed CSV: text after a closing quote");
  EXPECT_EQ(ErrorMessage(5), "malformed CSV: unterminated quoted cell");
}

TEST_F(CsvTest, StrayQuotesInsideUnquotedCellsAreText) {
  ASSERT_TRUE(Csv("ts,model\n1700000000,5\" screen\n").ok());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(V(0, "model"), Str("5\" screen"));
}

TEST_F(CsvTest, StrictStopsAtTheFirstBadRow) {
  options_.strict = true;
  Status s =
      Read(Format::kCsv, "ts,model\n1700000000,\"a\nb\"\n1700000000\n1700000000,c\n", "events.csv");
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_EQ(s.message(), "events.csv:4: expected 2 cells, found 1");
  EXPECT_EQ(stats_.records, 1u);
}

TEST_F(CsvTest, FirstErrorsAreCapped) {
  options_.max_reported_errors = 2;
  std::string data = "ts,model\n";
  for (int i = 0; i < 5; ++i) data += "x,y\n1700000000,y\n";
  ASSERT_TRUE(Csv(data).ok());
  EXPECT_EQ(stats_.bad_lines, 5u);
  EXPECT_EQ(stats_.records, 5u);
  EXPECT_THAT(ErrorLines(), ElementsAre(2u, 4u));
}

}  // namespace
}  // namespace slokit
