// ReadEventsParallel: the calling thread reads the file in chunks, cuts them at the last line
// end, counts their lines (for line numbers in errors) and queues them; worker threads parse the
// blocks, each with its own parser, sink and statistics, merged at the end.
#include <algorithm>
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

}  // namespace

Status ReadEventsParallel(const std::string& path, const FieldSet& fields, const ReadOptions& options, int workers,
                          const SinkFactory& sink_for, ReadStats* stats) {
  bool csv = options.format == EventFormat::kCsv ||
             (options.format == EventFormat::kAuto && (EndsWith(path, ".csv") || EndsWith(path, ".csv.gz")));
  if (workers <= 1 || csv || options.strict) return ReadEvents(path, fields, options, sink_for(0), stats);
  if (options.time_field.empty()) return Status::InvalidArgument("the time field name is empty");
  std::unique_ptr<io::ByteSource> source;
  Status s = io::OpenByteSource(path, &source);
  if (!s.ok()) return s;
  std::string name = path == "-" ? "<stdin>" : path;

  BlockQueue queue(static_cast<size_t>(workers) * 2);
  std::vector<RecordSink> sinks;
  std::vector<ReadStats> worker_stats(static_cast<size_t>(workers));
  for (int w = 0; w < workers; ++w) sinks.push_back(sink_for(w));
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
  ReadStats ignored;
  if (stats == nullptr) stats = &ignored;
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
