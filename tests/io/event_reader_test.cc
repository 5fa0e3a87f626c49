// ReadEvents on real files: format detection, gzip (written here with zlib, including
// multi-member and corrupt streams), and the errors for missing files and directories.
#include "io/event_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/time.h"

namespace slokit {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr TimeNs kT0 = 1700000000 * kSecond;

std::string Gzip(std::string_view data, int level = 6) {
  z_stream strm{};
  EXPECT_EQ(deflateInit2(&strm, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&strm, data.size()) + 64, '\0');
  strm.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  strm.avail_in = static_cast<uInt>(data.size());
  strm.next_out = reinterpret_cast<Bytef*>(out.data());
  strm.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&strm, Z_FINISH), Z_STREAM_END);
  out.resize(strm.total_out);
  deflateEnd(&strm);
  return out;
}

class EventFileTest : public ::testing::Test {
 protected:
  EventFileTest() {
    dir_ = fs::temp_directory_path() /
           ("slokit_io_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    fields_.Intern("model");
  }
  ~EventFileTest() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, std::string_view content) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary)
        .write(content.data(), static_cast<std::streamsize>(content.size()));
    return path;
  }

  Status Read(const std::string& path) {
    models_.clear();
    times_.clear();
    stats_ = ReadStats{};
    return ReadEvents(
        path, fields_, options_,
        [&](const Record& r) {
          times_.push_back(r.time_ns);
          models_.emplace_back(r.values[0].string);
        },
        &stats_);
  }

  fs::path dir_;
  FieldSet fields_;
  ReadOptions options_;
  ReadStats stats_;
  std::vector<std::string> models_;
  std::vector<TimeNs> times_;
};

const char kJsonl[] = "{\"ts\":1700000000,\"model\":\"a\"}\n{\"ts\":1700000001,\"model\":\"b\"}\n";
const char kCsv[] = "ts,model\n1700000000,a\n1700000001,b\n";

TEST_F(EventFileTest, PlainAndGzipFilesOfBothFormats) {
  struct Case {
    std::string name, content;
    size_t raw_size;
  };
  std::vector<Case> cases = {
      {"e.jsonl", kJsonl, sizeof kJsonl - 1},
      {"e.jsonl.gz", Gzip(kJsonl), sizeof kJsonl - 1},
      {"e.json", kJsonl, sizeof kJsonl - 1},
      {"e.csv", kCsv, sizeof kCsv - 1},
      {"e.csv.gz", Gzip(kCsv), sizeof kCsv - 1},
      {"gzip-without-suffix.jsonl", Gzip(kJsonl), sizeof kJsonl - 1},
      {"stored.jsonl.gz", Gzip(kJsonl, 0), sizeof kJsonl - 1},
  };
  for (const Case& c : cases) {
    Status s = Read(Write(c.name, c.content));
    ASSERT_TRUE(s.ok()) << c.name << ": " << s.ToString();
    EXPECT_THAT(models_, ::testing::ElementsAre("a", "b")) << c.name;
    EXPECT_THAT(times_, ::testing::ElementsAre(kT0, kT0 + kSecond)) << c.name;
    EXPECT_EQ(stats_.bytes, c.raw_size) << c.name;
    EXPECT_EQ(stats_.lines, 2u) << c.name;
    EXPECT_EQ(stats_.records, 2u) << c.name;
  }
}

TEST_F(EventFileTest, FormatOverride) {
  options_.format = EventFormat::kCsv;
  ASSERT_TRUE(Read(Write("events.txt", kCsv)).ok());
  EXPECT_EQ(stats_.records, 2u);
  options_.format = EventFormat::kJsonLines;
  ASSERT_TRUE(Read(Write("events.csv", kJsonl)).ok());
  EXPECT_EQ(stats_.records, 2u);
}

TEST_F(EventFileTest, ConcatenatedGzipMembers) {
  std::string two = Gzip(kJsonl) + Gzip("") + Gzip("{\"ts\":1700000002,\"model\":\"c\"}");
  ASSERT_TRUE(Read(Write("multi.jsonl.gz", two)).ok());
  EXPECT_THAT(models_, ::testing::ElementsAre("a", "b", "c"));
}

// `n` JSON lines of 40-90 bytes.
std::string ManyLines(int n) {
  std::string data;
  for (int i = 0; i < n; ++i) {
    data += "{\"ts\":" + std::to_string(1700000000 + i) + ",\"model\":\"m" + std::to_string(i % 7) +
            "\",\"padding\":\"" + std::string(static_cast<size_t>(i % 50), 'p') + "\"}\n";
  }
  return data;
}

TEST_F(EventFileTest, LargeGzipFileSpansManyChunks) {
  std::string data = ManyLines(300000);
  ASSERT_GT(data.size(), size_t{16} << 20);  // more than one default chunk
  ASSERT_TRUE(Read(Write("big.jsonl.gz", Gzip(data, 1))).ok());
  EXPECT_EQ(stats_.records, 300000u);
  EXPECT_EQ(stats_.bad_lines, 0u);
  EXPECT_EQ(stats_.bytes, data.size());
  ASSERT_EQ(times_.size(), 300000u);
  EXPECT_EQ(times_.back(), kT0 + 299999 * kSecond);
  EXPECT_EQ(models_.back(), "m0");  // 299999 % 7 == 0
}

TEST_F(EventFileTest, LargeFilesAreReadAhead) {
  // Past 1 MiB a background thread reads ahead: errors and early stops must still surface.
  std::string data = ManyLines(100000);
  ASSERT_TRUE(Read(Write("big.jsonl", data)).ok());
  EXPECT_EQ(stats_.records, 100000u);
  EXPECT_EQ(stats_.bytes, data.size());

  std::string gz = Gzip(data, 0);  // stored blocks: large, and corruptible mid-stream
  gz[gz.size() / 2] = static_cast<char>(~gz[gz.size() / 2]);
  gz[gz.size() - 5] = static_cast<char>(~gz[gz.size() - 5]);
  std::string path = Write("big-corrupt.jsonl.gz", gz);
  Status s = Read(path);
  EXPECT_EQ(s.code(), Status::Code::kIoError) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(path));

  options_.strict = true;
  std::string bad = data;
  bad.insert(bad.find('\n', 1000) + 1, "{}\n");
  s = Read(Write("big-bad.jsonl", bad));
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_LT(stats_.records, 100u);
}

TEST_F(EventFileTest, CorruptGzipIsAnIoError) {
  std::string good = Gzip(std::string(kJsonl) + kJsonl + kJsonl);
  std::string flipped = good;
  for (size_t i = 12; i < flipped.size() - 8; i += 3) flipped[i] = static_cast<char>(~flipped[i]);
  std::string truncated = good.substr(0, good.size() / 2);
  std::string bad_crc = good;
  bad_crc[bad_crc.size() - 6] = static_cast<char>(~bad_crc[bad_crc.size() - 6]);
  for (auto [name, content] : std::vector<std::pair<std::string, std::string>>{
           {"flipped.jsonl.gz", flipped},
           {"truncated.jsonl.gz", truncated},
           {"crc.jsonl.gz", bad_crc},
           {"plain-text.jsonl.gz", kJsonl},
           {"empty.jsonl.gz", ""},
           {"truncated.csv.gz", Gzip(kCsv).substr(0, 15)}}) {
    std::string path = Write(name, content);
    Status s = Read(path);
    EXPECT_EQ(s.code(), Status::Code::kIoError) << name << ": " << s.ToString();
    EXPECT_THAT(s.message(), HasSubstr(path)) << name;
    EXPECT_THAT(s.message(), HasSubstr("gzip")) << name;
  }
}

TEST_F(EventFileTest, MissingFileAndDirectory) {
  std::string missing = (dir_ / "nope.jsonl").string();
  Status s = Read(missing);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), missing + ": no such file");
  s = Read(dir_.string());
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_THAT(s.message(), HasSubstr(dir_.string()));
}

TEST_F(EventFileTest, StrictErrorsNameTheFile) {
  options_.strict = true;
  std::string path = Write("bad.jsonl", "{\"ts\":1700000000}\n{}\n");
  Status s = Read(path);
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_EQ(s.message(), path + ":2: missing field \"ts\"");
  path = Write("bad.csv.gz", Gzip("ts,model\n1700000000,a\n\n1700000000\n"));
  s = Read(path);
  EXPECT_EQ(s.message(), path + ":4: expected 2 cells, found 1");
  path = Write("nots.csv", "time,model\n");
  s = Read(path);
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_THAT(s.message(), HasSubstr(path));
}

TEST_F(EventFileTest, DashReadsStandardInput) {
  std::string path = Write("stdin.jsonl.gz", Gzip(kJsonl));  // gzip found by its magic bytes
  int saved = dup(0);
  FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  dup2(fileno(f), 0);
  Status s = Read("-");
  dup2(saved, 0);
  close(saved);
  std::fclose(f);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_THAT(models_, ::testing::ElementsAre("a", "b"));
}

TEST_F(EventFileTest, NullStatsAndSinkAreAllowed) {
  std::string path = Write("e.jsonl", kJsonl);
  EXPECT_TRUE(ReadEvents(path, fields_, options_, RecordSink(), nullptr).ok());
}

}  // namespace
}  // namespace slokit
