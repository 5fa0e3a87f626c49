// ReadEventsParallel must see exactly what the sequential reader sees: the same records (in any
// order), the same counts, and the same first bad lines with the same line numbers.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "io/event_reader.h"

namespace slokit {
namespace {

namespace fs = std::filesystem;

// ~6 MB of lines (more than one 4 MiB block) with a bad line every 997 lines.
std::string MakeTrace(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i % 997 == 500) {
      out += "{\"ts\": \"not a time\", \"model\": \"m\"}\n";
      continue;
    }
    out += "{\"ts\":" + std::to_string(1700000000 + i) + ",\"model\":\"m" + std::to_string(i % 7) +
           "\",\"pad\":\"" + std::string(static_cast<size_t>(i % 50), 'x') + "\"}\n";
  }
  return out;
}

struct Collected {
  std::vector<std::pair<int64_t, std::string>> records;
  ReadStats stats;
};

// workers == 0: the sequential reader, the reference.
Collected Read(const std::string& path, int workers) {
  FieldSet fields;
  fields.Intern("model");
  ReadOptions options;
  Collected c;
  std::mutex mu;
  auto sink_for = [&](int) {
    return [&](const Record& r) {
      std::lock_guard<std::mutex> lock(mu);
      c.records.emplace_back(r.time_ns, std::string(r.values[0].string));
    };
  };
  Status s = workers == 0 ? ReadEvents(path, fields, options, sink_for(0), &c.stats)
                          : ReadEventsParallel(path, fields, options, workers, sink_for, &c.stats);
  EXPECT_TRUE(s.ok()) << s.message();
  std::sort(c.records.begin(), c.records.end());
  return c;
}

TEST(ParallelReader, SeesWhatTheSequentialReaderSees) {
  fs::path path = fs::temp_directory_path() / ("slokit_parallel_" + std::to_string(getpid()) + ".jsonl");
  std::string trace = MakeTrace(90000);
  trace.pop_back();  // the last line has no line end
  std::ofstream(path, std::ios::binary).write(trace.data(), static_cast<std::streamsize>(trace.size()));
  // The same bytes gzip-compressed: parallel reading then goes through the block queue instead
  // of reading blocks at offsets.
  fs::path gz = path.string() + ".gz";
  gzFile out = gzopen(gz.c_str(), "wb1");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, trace.data(), static_cast<unsigned>(trace.size())), static_cast<int>(trace.size()));
  gzclose(out);
  Collected one = Read(path.string(), 0);
  for (auto [file, workers] : {std::pair{path, 1}, {path, 2}, {path, 3}, {path, 8}, {gz, 2}, {gz, 3}}) {
    SCOPED_TRACE(file.string() + " x" + std::to_string(workers));
    Collected many = Read(file.string(), workers);
    EXPECT_EQ(many.records, one.records) << workers;
    EXPECT_EQ(many.stats.lines, one.stats.lines);
    EXPECT_EQ(many.stats.records, one.stats.records);
    EXPECT_EQ(many.stats.bad_lines, one.stats.bad_lines);
    EXPECT_EQ(many.stats.bytes, one.stats.bytes);  // uncompressed bytes
    ASSERT_EQ(many.stats.first_errors.size(), one.stats.first_errors.size());
    for (size_t i = 0; i < one.stats.first_errors.size(); ++i) {
      EXPECT_EQ(many.stats.first_errors[i].line, one.stats.first_errors[i].line);
      EXPECT_EQ(many.stats.first_errors[i].message, one.stats.first_errors[i].message);
    }
  }
  EXPECT_EQ(one.stats.bad_lines, 90u);
  EXPECT_EQ(one.stats.first_errors[0].line, 501u);
  EXPECT_EQ(one.stats.first_errors[1].line, 1498u);
  fs::remove(path);
  fs::remove(gz);
}

TEST(ParallelReader, MissingFileIsAnError) {
  FieldSet fields;
  ReadStats stats;
  Status s = ReadEventsParallel("/nonexistent/x.jsonl", fields, ReadOptions{}, 2,
                                [](int) { return RecordSink([](const Record&) {}); }, &stats);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace slokit
