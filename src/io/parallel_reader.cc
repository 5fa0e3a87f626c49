// ReadEventsParallel: the calling thread reads the file in chunks, cuts them at the last line
// end, counts their lines (for line numbers in errors) and queues them; worker threads parse the
// blocks, each with its own parser, sink and statistics, merged at the end.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
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

// A plain file mapped into memory, for parsing without copying: blocks are cut at line ends and
// parsed in place, the bytes after a block serving as simdjson's padding; only a block too close
// to the end of the file is copied into a padded buffer. Null when the file cannot be mapped
// (a pipe, gzip data): the caller then reads through the chunk queue.
class MappedFile {
 public:
  static std::unique_ptr<MappedFile> Open(const std::string& path) {
    if (path == "-" || EndsWith(path, ".gz")) return nullptr;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st;
    std::unique_ptr<MappedFile> m;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 2) {
      size_t size = static_cast<size_t>(st.st_size);
      // Private and writable because parsers take char*; they do not write, so no page is copied.
      void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        m.reset(new MappedFile(static_cast<char*>(p), size));
        if (static_cast<unsigned char>(m->data_[0]) == 0x1f && static_cast<unsigned char>(m->data_[1]) == 0x8b)
          m.reset();  // gzip without the suffix
        else
          madvise(p, size, MADV_SEQUENTIAL);
      }
    }
    close(fd);
    return m;
  }
  ~MappedFile() { munmap(data_, size_); }
  char* data() const { return data_; }
  size_t size() const { return size_; }
  // Drops the pages wholly inside [begin, end) from memory once parsed, so resident memory stays
  // flat however big the file is (pages shared with neighbouring blocks stay).
  void Release(size_t begin, size_t end) const {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t first = (begin + page - 1) / page * page, last = end / page * page;
    if (last > first) madvise(data_ + first, last - first, MADV_DONTNEED);
  }

 private:
  MappedFile(char* data, size_t size) : data_(data), size_(size) {}
  char* data_;
  size_t size_;
};

// Per block: where it is, and what parsing it found (merged in file order at the end).
struct MappedBlock {
  size_t begin = 0, end = 0;
  uint64_t lines = 0;
  ReadStats stats;
};

Status ReadMapped(const MappedFile& file, std::string_view name, const FieldSet& fields, const ReadOptions& options,
                  const std::vector<RecordSink>& sinks, ReadStats* stats) {
  constexpr size_t kBlock = 4 << 20;
  std::vector<MappedBlock> blocks;
  for (size_t begin = 0; begin < file.size();) {
    size_t end = std::min(begin + kBlock, file.size());
    if (end < file.size()) {
      const void* nl = std::memchr(file.data() + end - 1, '\n', file.size() - end + 1);
      end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - file.data()) + 1 : file.size();
    }
    blocks.push_back({begin, end, 0, {}});
    begin = end;
  }
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> done_bytes{0};
  std::mutex progress_mu;
  auto work = [&](size_t w) {
    io::JsonLinesBlockParser parser(name, fields, options, sinks[w], nullptr);
    std::unique_ptr<char[]> tail;
    for (size_t i; (i = next.fetch_add(1)) < blocks.size();) {
      MappedBlock& b = blocks[i];
      parser.set_stats(&b.stats);
      char* data = file.data() + b.begin;
      size_t len = b.end - b.begin;
      if (b.end + io::kChunkPadding > file.size()) {
        tail.reset(new char[len + io::kChunkPadding]);
        std::memcpy(tail.get(), data, len);
        std::memset(tail.get() + len, ' ', io::kChunkPadding);
        data = tail.get();
      }
      // Line numbers are relative to the block here and made absolute after the merge.
      (void)parser.Parse(data, len, 0, &b.lines);
      file.Release(b.begin, b.end);
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
  for (MappedBlock& b : blocks) {
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
  if (workers <= 1 || csv || options.strict) return ReadEvents(path, fields, options, sink_for(0), stats);
  if (options.time_field.empty()) return Status::InvalidArgument("the time field name is empty");
  ReadStats ignored;
  if (stats == nullptr) stats = &ignored;
  std::vector<RecordSink> sinks;
  for (int w = 0; w < workers; ++w) sinks.push_back(sink_for(w));
  if (auto mapped = MappedFile::Open(path)) return ReadMapped(*mapped, path, fields, options, sinks, stats);

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
