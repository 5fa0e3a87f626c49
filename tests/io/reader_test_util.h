// Test helpers for the event readers: a sink that copies every record (string views die with
// the next record), and runners that read the same input at several chunk sizes so records,
// quoted newlines and escapes all get cut at chunk boundaries.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/status.h"
#include "io/byte_source.h"
#include "io/csv_reader.h"
#include "io/event_reader.h"
#include "io/jsonl_reader.h"

namespace slokit {

// A Value that owns its string.
struct OwnedValue {
  ValueType type = ValueType::kMissing;
  bool boolean = false;
  double number = 0;
  std::string string;

  bool operator==(const OwnedValue&) const = default;
};

inline OwnedValue Own(const Value& v) {
  OwnedValue o;
  o.type = v.type;
  if (v.type == ValueType::kBool) o.boolean = v.boolean;
  if (v.type == ValueType::kNumber) o.number = v.number;
  if (v.type == ValueType::kString) o.string = std::string(v.string);
  return o;
}

inline OwnedValue Str(std::string s) {
  OwnedValue o;
  o.type = ValueType::kString;
  o.string = std::move(s);
  return o;
}
inline OwnedValue Num(double d) {
  OwnedValue o;
  o.type = ValueType::kNumber;
  o.number = d;
  return o;
}
inline OwnedValue Bool(bool b) {
  OwnedValue o;
  o.type = ValueType::kBool;
  o.boolean = b;
  return o;
}
inline OwnedValue Null() {
  OwnedValue o;
  o.type = ValueType::kNull;
  return o;
}
inline OwnedValue Missing() { return OwnedValue{}; }

inline void PrintTo(const OwnedValue& v, std::ostream* os) {
  switch (v.type) {
    case ValueType::kMissing:
      *os << "missing";
      break;
    case ValueType::kNull:
      *os << "null";
      break;
    case ValueType::kBool:
      *os << (v.boolean ? "true" : "false");
      break;
    case ValueType::kNumber:
      *os << v.number;
      break;
    case ValueType::kString:
      *os << '"' << v.string << '"';
      break;
  }
}

struct Event {
  int64_t time_ns = 0;
  std::vector<OwnedValue> values;
  bool operator==(const Event&) const = default;
};

// Reads with one parser at many chunk sizes and checks they all agree.
class ReaderTest : public ::testing::Test {
 protected:
  enum class Format { kJson, kCsv };

  ReaderTest() {
    for (const char* name : {"model", "status", "labels.model", "ttft_ms"}) fields_.Intern(name);
  }

  int F(std::string_view name) { return fields_.Find(name); }
  const OwnedValue& V(size_t event, std::string_view field) {
    return events_.at(event).values.at(static_cast<size_t>(F(field)));
  }

  Status Read(Format format, std::string_view data, std::string_view name = "events") {
    Status first;
    bool have_first = false;
    for (size_t chunk :
         {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, io::kDefaultChunkSize}) {
      std::vector<Event> events;
      ReadStats stats;
      auto source = io::NewMemorySource(data);
      RecordSink sink = [&](const Record& r) {
        Event e;
        e.time_ns = r.time_ns;
        for (const Value& v : r.values) e.values.push_back(Own(v));
        events.push_back(std::move(e));
      };
      Status s =
          format == Format::kJson
              ? io::ReadJsonLinesFrom(source.get(), name, fields_, options_, sink, &stats, chunk)
              : io::ReadCsvFrom(source.get(), name, fields_, options_, sink, &stats, chunk);
      if (!have_first) {
        first = s;
        events_ = events;
        stats_ = stats;
        have_first = true;
        continue;
      }
      EXPECT_EQ(s.ToString(), first.ToString()) << "chunk " << chunk;
      EXPECT_EQ(events, events_) << "chunk " << chunk;
      EXPECT_EQ(stats.lines, stats_.lines) << "chunk " << chunk;
      EXPECT_EQ(stats.records, stats_.records) << "chunk " << chunk;
      EXPECT_EQ(stats.bad_lines, stats_.bad_lines) << "chunk " << chunk;
      if (s.ok()) {  // a failed read stops wherever its chunk ended
        EXPECT_EQ(stats.bytes, data.size()) << "chunk " << chunk;
      }
      EXPECT_EQ(stats.first_errors.size(), stats_.first_errors.size()) << "chunk " << chunk;
    }
    return first;
  }
  Status Json(std::string_view data) { return Read(Format::kJson, data); }
  Status Csv(std::string_view data) { return Read(Format::kCsv, data); }

  // The line numbers of the described bad lines.
  std::vector<uint64_t> ErrorLines() const {
    std::vector<uint64_t> lines;
    for (const LineError& e : stats_.first_errors) lines.push_back(e.line);
    return lines;
  }
  std::string ErrorMessage(size_t i) const {
    return i < stats_.first_errors.size() ? stats_.first_errors[i].message : "";
  }

  FieldSet fields_;
  ReadOptions options_;
  ReadStats stats_;
  std::vector<Event> events_;
};

}  // namespace slokit
