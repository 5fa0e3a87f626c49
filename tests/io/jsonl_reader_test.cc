// JSON lines: timestamp forms, value types, escapes, dotted nested fields, line endings, and
// every kind of bad line with its line number. Each input is read at several chunk sizes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "core/time.h"
#include "reader_test_util.h"

namespace slokit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr TimeNs kT0 = 1700000000 * kSecond;  // 2023-11-14T22:13:20Z

class JsonLinesTest : public ReaderTest {};

TEST_F(JsonLinesTest, TimestampForms) {
  ASSERT_TRUE(Json(R"({"ts":"2023-11-14T22:13:20Z"}
{"ts":"2023-11-15T00:13:20+02:00"}
{"ts":"2023-11-14T17:13:20.25-05:00"}
{"ts":"2023-11-14T22:13:20.123456789Z"}
{"ts":1700000000}
{"ts":1700000000.5}
{"ts":1700000000123}
{"ts":1700000000123456}
{"ts":1700000000123456789}
{"ts":"1700000000"}
{"ts":1.7e9}
{"ts":1700000000.000001}
)")
                  .ok());
  std::vector<TimeNs> times;
  for (const Event& e : events_) times.push_back(e.time_ns);
  EXPECT_THAT(times, ElementsAre(kT0, kT0, kT0 + 250 * kMillisecond, kT0 + 123456789, kT0,
                                 kT0 + 500 * kMillisecond, kT0 + 123 * kMillisecond,
                                 kT0 + 123456 * kMicrosecond, kT0 + 123456789, kT0, kT0,
                                 kT0 + kMicrosecond));
  EXPECT_EQ(stats_.bad_lines, 0u);
  EXPECT_EQ(stats_.lines, 12u);
  EXPECT_EQ(stats_.records, 12u);
}

TEST_F(JsonLinesTest, ValueTypes) {
  ASSERT_TRUE(Json(R"({"ts":1700000000,"model":"llama-70b","status":200,"ttft_ms":12.5}
{"ts":1700000000,"model":null,"status":true}
{"ts":1700000000,"status":false,"model":[1,2],"ttft_ms":{"p50":3}}
{"ts":1700000000,"other":"x","ttft_ms":-1e3}
)")
                  .ok());
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_EQ(V(0, "model"), Str("llama-70b"));
  EXPECT_EQ(V(0, "status"), Num(200));
  EXPECT_EQ(V(0, "ttft_ms"), Num(12.5));
  EXPECT_EQ(V(0, "labels.model"), Missing());
  EXPECT_EQ(V(1, "model"), Null());
  EXPECT_EQ(V(1, "status"), Bool(true));
  EXPECT_EQ(V(1, "ttft_ms"), Missing());
  EXPECT_EQ(V(2, "status"), Bool(false));
  EXPECT_EQ(V(2, "model"), Missing());    // arrays are not values
  EXPECT_EQ(V(2, "ttft_ms"), Missing());  // nor are objects
  EXPECT_EQ(V(3, "model"), Missing());
  EXPECT_EQ(V(3, "ttft_ms"), Num(-1000));
}

TEST_F(JsonLinesTest, StringEscapes) {
  // Several escaped strings in one record: each view must survive the others' unescaping.
  ASSERT_TRUE(
      Json(
          R"({"ts":1700000000,"model":"a\"b\\c","labels":{"model":"caf\u00e9 \ud83d\ude00"},"status":"tab\there\nnl"}
{"ts":"2023-11-14T22:13:20\u005a","model":"plain","status":"\/slash"}
{"t\u0073":1700000000,"mod\u0065l":"escaped key"}
)")
          .ok());
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(V(0, "model"), Str("a\"b\\c"));
  EXPECT_EQ(V(0, "labels.model"), Str("caf\xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_EQ(V(0, "status"), Str("tab\there\nnl"));
  EXPECT_EQ(events_[1].time_ns, kT0);
  EXPECT_EQ(V(1, "model"), Str("plain"));
  EXPECT_EQ(V(1, "status"), Str("/slash"));
  EXPECT_EQ(V(2, "model"), Str("escaped key"));
}

TEST_F(JsonLinesTest, NestedDottedFields) {
  fields_.Intern("a.b.c");
  ASSERT_TRUE(
      Json(R"({"ts":1700000000,"labels":{"region":"eu","model":"m1","deep":{"x":[1,{"y":2}]}}}
{"ts":1700000000,"a":{"b":{"c":7,"d":8},"e":1}}
{"ts":1700000000,"labels":"flat"}
{"ts":1700000000,"labels.model":"dotted key"}
{"ts":1700000000,"labels":{"model":"first"},"labels":{"other":1}}
{"ts":1700000000,"labels":{"model":"first"},"labels":{"model":"second"}}
{"ts":1700000000,"a":{"b":[{"c":1}]},"model":{"labels":{"model":"no"}}}
)")
          .ok());
  ASSERT_EQ(events_.size(), 7u);
  EXPECT_EQ(V(0, "labels.model"), Str("m1"));
  EXPECT_EQ(V(1, "a.b.c"), Num(7));
  EXPECT_EQ(V(2, "labels.model"), Missing());
  EXPECT_EQ(V(3, "labels.model"), Str("dotted key"));
  EXPECT_EQ(V(4, "labels.model"), Missing());  // duplicate key: the last "labels" wins whole
  EXPECT_EQ(V(5, "labels.model"), Str("second"));
  EXPECT_EQ(V(6, "a.b.c"), Missing());
  EXPECT_EQ(V(6, "labels.model"), Missing());
  EXPECT_EQ(V(6, "model"), Missing());
}

TEST_F(JsonLinesTest, DuplicateKeysLastWins) {
  ASSERT_TRUE(Json(R"({"ts":1700000000,"status":1,"status":2}
{"ts":"soon","ts":1700000001}
{"ts":1700000001,"ts":"soon"}
)")
                  .ok());
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(V(0, "status"), Num(2));
  EXPECT_EQ(events_[1].time_ns, kT0 + kSecond);
  EXPECT_THAT(ErrorLines(), ElementsAre(3u));
}

TEST_F(JsonLinesTest, TimeFieldIsAlsoAValue) {
  fields_.Intern("ts");
  ASSERT_TRUE(Json("{\"ts\":1700000000}\n{\"ts\":\"2023-11-14T22:13:20Z\"}\n").ok());
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(V(0, "ts"), Num(1700000000));
  EXPECT_EQ(V(1, "ts"), Str("2023-11-14T22:13:20Z"));
  EXPECT_EQ(events_[1].time_ns, kT0);
}

TEST_F(JsonLinesTest, CustomAndNestedTimeField) {
  options_.time_field = "meta.at";
  ASSERT_TRUE(Json(R"({"meta":{"at":1700000000,"id":1}}
{"meta":{"id":1}}
{"meta":{"at":1700000000},"meta":{"id":2}}
{"at":1700000000}
)")
                  .ok());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].time_ns, kT0);
  EXPECT_THAT(ErrorLines(), ElementsAre(2u, 3u, 4u));
  EXPECT_EQ(ErrorMessage(0), "missing field \"meta.at\"");
}

TEST_F(JsonLinesTest, LineEndingsAndBlankLines) {
  std::string data =
      "\xEF\xBB\xBF{\"ts\":1700000000,\"model\":\"a\"}\r\n"
      "\r\n"
      "   \t \r\n"
      "\n"
      "{\"ts\":1700000001,\"model\":\"b\"}  \r\n"
      "not json\r\n"
      "{\"ts\":1700000002,\"model\":\"c\"}";  // no newline at the end
  ASSERT_TRUE(Json(data).ok());
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(V(0, "model"), Str("a"));
  EXPECT_EQ(V(1, "model"), Str("b"));
  EXPECT_EQ(V(2, "model"), Str("c"));
  EXPECT_EQ(events_[2].time_ns, kT0 + 2 * kSecond);
  EXPECT_EQ(stats_.lines, 4u);  // blank lines are not counted
  EXPECT_THAT(ErrorLines(), ElementsAre(6u));
  EXPECT_EQ(stats_.bytes, data.size());
}

TEST_F(JsonLinesTest, OutOfOrderTimesPassThrough) {
  ASSERT_TRUE(Json("{\"ts\":1700000003}\n{\"ts\":1700000001}\n{\"ts\":1700000002}\n").ok());
  std::vector<TimeNs> times;
  for (const Event& e : events_) times.push_back(e.time_ns);
  EXPECT_THAT(times, ElementsAre(kT0 + 3 * kSecond, kT0 + kSecond, kT0 + 2 * kSecond));
}

TEST_F(JsonLinesTest, BadLinesAreCountedWithLineNumbers) {
  options_.max_reported_errors = 100;
  ASSERT_TRUE(Json(R"({"ts":1700000000}
{"ts":1700000000,
[1,2]
"just a string"
42
hello
{"model":"x"}
{"ts":"yesterday"}
{"ts":true}
{"ts":null}
{"ts":-5}
{"ts":{"s":1}}
{"ts":1700000000} trailing
{"ts":1700000000}}
{"ts":1700000000,"model":"bad \x escape"}
{"ts":1700000000,"status":01}
{"ts":1700000000,"status":nul}
{"ts":1700000000 "model":"x"}
{"ts":"2023-02-30T00:00:00Z"}
{"ts":12abc}

{"ts":1700000000}
)")
                  .ok());
  EXPECT_EQ(stats_.records, 2u);
  EXPECT_EQ(stats_.lines, 21u);
  EXPECT_EQ(stats_.bad_lines, 19u);
  std::vector<uint64_t> expected;
  for (uint64_t i = 2; i <= 20; ++i) expected.push_back(i);
  EXPECT_EQ(ErrorLines(), expected);
  EXPECT_EQ(ErrorMessage(0), "invalid JSON: malformed object");
  EXPECT_EQ(ErrorMessage(1), "not a JSON object");
  EXPECT_EQ(ErrorMessage(5), "missing field \"ts\"");
  EXPECT_EQ(ErrorMessage(6), "field \"ts\": not an RFC 3339 timestamp or Unix number");
  for (size_t i = 6; i <= 10; ++i) EXPECT_THAT(ErrorMessage(i), HasSubstr("field \"ts\"")) << i;
  EXPECT_EQ(ErrorMessage(13), "invalid JSON: bad string escape in field \"model\"");
  EXPECT_THAT(ErrorMessage(14), HasSubstr("in field \"status\""));
  EXPECT_THAT(ErrorMessage(15), HasSubstr("in field \"status\""));
}

TEST_F(JsonLinesTest, InvalidUtf8IsABadLine) {
  ASSERT_TRUE(Json("{\"ts\":1700000000,\"model\":\"\xFF\xFE\"}\n{\"ts\":1700000000}\n").ok());
  EXPECT_EQ(stats_.records, 1u);
  EXPECT_THAT(ErrorLines(), ElementsAre(1u));
  EXPECT_EQ(ErrorMessage(0), "invalid JSON: invalid UTF-8");
}

TEST_F(JsonLinesTest, FirstErrorsAreCapped) {
  options_.max_reported_errors = 3;
  std::string data;
  for (int i = 0; i < 10; ++i) data += "{\"model\":\"no time\"}\n{\"ts\":1700000000}\n";
  ASSERT_TRUE(Json(data).ok());
  EXPECT_EQ(stats_.bad_lines, 10u);
  EXPECT_EQ(stats_.records, 10u);
  EXPECT_THAT(ErrorLines(), ElementsAre(1u, 3u, 5u));
}

TEST_F(JsonLinesTest, StrictStopsAtTheFirstBadLine) {
  options_.strict = true;
  Status s = Read(Format::kJson, "{\"ts\":1700000000}\n\n{\"ts\":\"noon\"}\n{\"ts\":1700000000}\n",
                  "events.jsonl");
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_EQ(s.message(), "events.jsonl:3: field \"ts\": not an RFC 3339 timestamp or Unix number");
  EXPECT_EQ(stats_.records, 1u);
  EXPECT_EQ(stats_.bad_lines, 1u);
}

TEST_F(JsonLinesTest, LongLinesAndEmptyInput) {
  std::string big(100000, 'x');
  ASSERT_TRUE(
      Json("{\"ts\":1700000000,\"model\":\"" + big + "\",\"skip\":\"" + big + "\"}\n").ok());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(V(0, "model").string.size(), big.size());
  ASSERT_TRUE(Json("").ok());
  EXPECT_EQ(stats_.lines, 0u);
  ASSERT_TRUE(Json("\n\n  \n").ok());
  EXPECT_EQ(stats_.lines, 0u);
}

TEST_F(JsonLinesTest, TheInMemoryEntryPointNeedsNoPadding) {
  // An exact-size heap copy: ASan flags any read past its end.
  std::string text = "{\"ts\":1700000000,\"model\":\"m\",\"status\":true}";
  std::unique_ptr<char[]> exact(new char[text.size()]);
  std::memcpy(exact.get(), text.data(), text.size());
  int n = 0;
  ReadStats stats;
  Status s = ReadJsonLines(
      std::string_view(exact.get(), text.size()), "mem", fields_, options_,
      [&](const Record& r) { n += r.values[0].string == "m"; }, &stats);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(n, 1);
  EXPECT_EQ(stats.bytes, text.size());
}

TEST_F(JsonLinesTest, EmptyTimeFieldIsRejected) {
  options_.time_field = "";
  EXPECT_EQ(Json("{\"ts\":1}\n").code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace slokit
