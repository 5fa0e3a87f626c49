// ReadEventsParallel. A plain file is cut into blocks at line ends up front and each worker reads
// and parses whole blocks; other input (a pipe, gzip) is read in chunks by the calling thread,
// cut at the last line end, line-counted (for line numbers in errors) and queued to the workers.
// Each worker has its own parser, sink and statistics, merged at the end.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "io/byte_source.h"
#include "io/event_reader.h"
#include "io/jsonl_reader.h"

namespace slokit {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct Block {
  std::unique_ptr<char[]> data;
  size_t len = 0;
  uint64_t lines_before = 0;
};

// A bounded queue of blocks: the reader waits when workers fall behind, so memory stays flat.
class BlockQueue {
 public:
  explicit BlockQueue(size_t capacity) : capacity_(capacity) {}
  void Push(Block b) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return blocks_.size() < capacity_; });
    blocks_.push_back(std::move(b));
    not_empty_.notify_one();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  // False once the queue is closed and drained.
  bool Pop(Block* b) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !blocks_.empty() || closed_; });
    if (blocks_.empty()) return false;
    *b = std::move(blocks_.front());
    blocks_.pop_front();
    not_full_.notify_one();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Block> blocks_;
  size_t capacity_;
  bool closed_ = false;
};

// The ChunkConsumer that hands whole lines to the queue instead of parsing them.
class Dispatcher final : public io::ChunkConsumer {
 public:
  explicit Dispatcher(BlockQueue* queue) : queue_(queue) {}
  Status Consume(char* data, size_t len, bool eof, size_t* consumed) override {
    size_t cut = len;
    if (!eof) {
      const char* last = static_cast<const char*>(memrchr(data, '\n', len));
      if (last == nullptr) {
        *consumed = 0;  // one line longer than the chunk: ReadChunks grows it
        return Status::Ok();
      }
      cut = static_cast<size_t>(last - data) + 1;
    }
    if (cut > 0) {
      Block b;
      b.data.reset(new char[cut + io::kChunkPadding]);
      std::memcpy(b.data.get(), data, cut);
      std::memset(b.data.get() + cut, ' ', io::kChunkPadding);
      b.len = cut;
      b.lines_before = lines_;
      lines_ += static_cast<uint64_t>(std::count(data, data + cut, '\n'));
      queue_->Push(std::move(b));
    }
    *consumed = cut;
    return Status::Ok();
  }

 private:
  BlockQueue* queue_;
  uint64_t lines_ = 0;
};

// A plain file read in blocks cut at line ends, each worker reading its block with pread into its
// own padded buffer. Not mmap: on a virtual machine, touching freshly mapped page-cache pages
// costs more than the kernel's copy does (measured: a quarter of the parse time went to first
// touches). Null when the input is not a regular file (a pipe) or is gzip data: the caller then
// reads through the chunk queue.
class PlainFile {
 public:
  static std::unique_ptr<PlainFile> Open(const std::string& path) {
    if (path == "-" || EndsWith(path, ".gz")) return nullptr;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    std::unique_ptr<PlainFile> f(new PlainFile(fd));
    struct stat st;
    unsigned char magic[2];
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 2) return nullptr;
    f->size_ = static_cast<size_t>(st.st_size);
    if (!f->ReadAt(0, sizeof magic, reinterpret_cast<char*>(magic)) || (magic[0] == 0x1f && magic[1] == 0x8b))
      return nullptr;  // unreadable, or gzip without the suffix
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return f;
  }
  ~PlainFile() { close(fd_); }
  PlainFile(const PlainFile&) = delete;
  PlainFile& operator=(const PlainFile&) = delete;

  size_t size() const { return size_; }

  // Reads exactly [offset, offset + len); false on an I/O error or a file that shrank.
  bool ReadAt(size_t offset, size_t len, char* dst) const {
    while (len > 0) {
      ssize_t got = pread(fd_, dst, len, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      dst += got;
      offset += static_cast<size_t>(got);
      len -= static_cast<size_t>(got);
    }
    return true;
  }

  // The offset just past the first line end at or after `from`, or size() if there is none.
  size_t NextLineStart(size_t from) const {
    char window[4096];  // lines are short; a long one takes a few reads
    while (from < size_) {
      size_t len = std::min(sizeof window, size_ - from);
      if (!ReadAt(from, len, window)) return size_;
      if (const void* nl = std::memchr(window, '\n', len))
        return from + static_cast<size_t>(static_cast<const char*>(nl) - window) + 1;
      from += len;
    }
    return size_;
  }

 private:
  explicit PlainFile(int fd) : fd_(fd) {}
  int fd_;
  size_t size_ = 0;
};

// Per block: where it is, and what parsing it found (merged in file order at the end).
struct FileBlock {
  size_t begin = 0, end = 0;
  uint64_t lines = 0;
  ReadStats stats;
  int io_errno = -1;  // set when reading the block failed (0: the file shrank)
};

Status ReadPlainFile(const PlainFile& file, std::string_view name, const FieldSet& fields,
                     const ReadOptions& options, const std::vector<RecordSink>& sinks, ReadStats* stats) {
  // Small enough that a block is still in the core's L2 cache when it is parsed after being read
  // (4 MiB blocks: 10% slower on the benchmark trace).
  constexpr size_t kBlock = 256 << 10;
  std::vector<FileBlock> blocks;
  for (size_t begin = 0; begin < file.size();) {
    size_t end = begin + kBlock >= file.size() ? file.size() : file.NextLineStart(begin + kBlock - 1);
    blocks.push_back({begin, end, 0, {}, -1});
    begin = end;
  }
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> done_bytes{0};
  std::mutex progress_mu;
  auto work = [&](size_t w) {
    io::JsonLinesBlockParser parser(name, fields, options, sinks[w], nullptr);
    std::unique_ptr<char[]> buffer;
    size_t capacity = 0;
    for (size_t i; (i = next.fetch_add(1)) < blocks.size();) {
      FileBlock& b = blocks[i];
      size_t len = b.end - b.begin;
      if (len + io::kChunkPadding > capacity) {
        capacity = len + io::kChunkPadding;
        buffer.reset(new char[capacity]);
      }
      errno = 0;
      if (!file.ReadAt(b.begin, len, buffer.get())) {
        b.io_errno = errno;
        continue;
      }
      std::memset(buffer.get() + len, ' ', io::kChunkPadding);
      parser.set_stats(&b.stats);
      // Line numbers are relative to the block here and made absolute after the merge.
      (void)parser.Parse(buffer.get(), len, 0, &b.lines);
      uint64_t total = done_bytes.fetch_add(len) + len;
      if (options.progress) {
        std::lock_guard<std::mutex> lock(progress_mu);
        options.progress(total, file.size());
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < sinks.size(); ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  uint64_t lines_before = 0;
  for (FileBlock& b : blocks) {
    if (b.io_errno >= 0)
      return Status::IoError(std::string(name) + ": read failed: " +
                             (b.io_errno ? std::strerror(b.io_errno) : "the file shrank while being read"));
    stats->lines += b.stats.lines;
    stats->records += b.stats.records;
    stats->bad_lines += b.stats.bad_lines;
    for (LineError& e : b.stats.first_errors) {
      if (stats->first_errors.size() >= options.max_reported_errors) break;
      e.line += lines_before;
      stats->first_errors.push_back(std::move(e));
    }
    lines_before += b.lines;
  }
  stats->bytes += file.size();
  return Status::Ok();
}

}  // namespace

Status ReadEventsParallel(const std::string& path, const FieldSet& fields, const ReadOptions& options, int workers,
                          const SinkFactory& sink_for, ReadStats* stats) {
  bool csv = options.format == EventFormat::kCsv ||
             (options.format == EventFormat::kAuto && (EndsWith(path, ".csv") || EndsWith(path, ".csv.gz")));
  if (workers < 1 || csv || options.strict) return ReadEvents(path, fields, options, sink_for(0), stats);
  if (options.time_field.empty()) return Status::InvalidArgument("the time field name is empty");
  ReadStats ignored;
  if (stats == nullptr) stats = &ignored;
  std::vector<RecordSink> sinks;
  for (int w = 0; w < workers; ++w) sinks.push_back(sink_for(w));
  if (auto file = PlainFile::Open(path)) return ReadPlainFile(*file, path, fields, options, sinks, stats);
  if (workers == 1) return ReadEvents(path, fields, options, sinks[0], stats);

  std::unique_ptr<io::ByteSource> source;
  Status s = io::OpenByteSource(path, &source);
  if (!s.ok()) return s;
  std::string name = path == "-" ? "<stdin>" : path;

  BlockQueue queue(static_cast<size_t>(workers) * 2);
  std::vector<ReadStats> worker_stats(static_cast<size_t>(workers));
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      io::JsonLinesBlockParser parser(name, fields, options, sinks[static_cast<size_t>(w)],
                                      &worker_stats[static_cast<size_t>(w)]);
      Block b;
      // Outside strict mode bad lines are counted in the stats, never returned as errors.
      while (queue.Pop(&b)) (void)parser.Parse(b.data.get(), b.len, b.lines_before);
    });
  }
  Dispatcher dispatcher(&queue);
  // Smaller chunks than the sequential reader: several are in flight at once.
  s = io::ReadChunks(source.get(), &dispatcher, 4 << 20, &stats->bytes, options.progress);
  queue.Close();
  for (auto& t : threads) t.join();
  std::vector<LineError> errors = std::move(stats->first_errors);
  for (ReadStats& ws : worker_stats) {
    stats->lines += ws.lines;
    stats->records += ws.records;
    stats->bad_lines += ws.bad_lines;
    errors.insert(errors.end(), ws.first_errors.begin(), ws.first_errors.end());
  }
  std::stable_sort(errors.begin(), errors.end(), [](const LineError& a, const LineError& b) { return a.line < b.line; });
  if (errors.size() > options.max_reported_errors) errors.resize(options.max_reported_errors);
  stats->first_errors = std::move(errors);
  return s;
}

}  // namespace slokit
