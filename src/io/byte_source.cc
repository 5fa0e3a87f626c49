// Byte sources (plain file, gzip, memory) and the chunk loop. Gzip is inflated with zlib in
// streaming mode, member after member, so a multi-GB .gz file never sits in memory whole.
#include "io/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace slokit::io {
namespace {

// Files this large are read on a background thread, in blocks of this size.
constexpr uint64_t kPrefetchMinSize = 1 << 20;
constexpr size_t kPrefetchBlockSize = 4 << 20;

std::string DisplayName(const std::string& path) { return path == "-" ? "<stdin>" : path; }

// Reads a file descriptor, with a few bytes pushed back in front (the sniffed gzip magic).
class FdSource : public ByteSource {
 public:
  FdSource(int fd, bool owned, std::string name, uint64_t size)
      : fd_(fd), owned_(owned), name_(std::move(name)), size_(size) {}
  ~FdSource() override {
    if (owned_) close(fd_);
  }
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  Status Read(char* dst, size_t n, size_t* got) override {
    if (pushed_pos_ < pushed_.size()) {
      *got = std::min(n, pushed_.size() - pushed_pos_);
      std::memcpy(dst, pushed_.data() + pushed_pos_, *got);
      pushed_pos_ += *got;
      return Status::Ok();
    }
    return ReadFd(dst, n, got);
  }

  // Reads up to `n` bytes ahead without consuming them; call before the first Read.
  Status Peek(size_t n, std::string_view* out) {
    char buf[16];
    while (pushed_.size() < n) {
      size_t got;
      Status s = ReadFd(buf, std::min(sizeof buf, n - pushed_.size()), &got);
      if (!s.ok()) return s;
      if (got == 0) break;
      pushed_.append(buf, got);
    }
    *out = pushed_;
    return Status::Ok();
  }

  uint64_t SizeHint() const override { return size_; }

 private:
  int fd_;
  bool owned_;
  std::string name_;
  uint64_t size_;
  std::string pushed_;
  size_t pushed_pos_ = 0;

  Status ReadFd(char* dst, size_t n, size_t* got) {
    for (;;) {
      ssize_t r = read(fd_, dst, std::min<size_t>(n, 1 << 30));
      if (r >= 0) {
        *got = static_cast<size_t>(r);
        return Status::Ok();
      }
      if (errno == EINTR) continue;
      *got = 0;
      return Status::IoError(name_ + ": " + std::strerror(errno));
    }
  }
};

// Inflates gzip (or zlib) data from another source. Concatenated gzip members are read one
// after another, as gzip(1) does; bytes after the last member that are not another member are
// ignored, like gzip's "trailing garbage".
class GzipSource : public ByteSource {
 public:
  GzipSource(std::unique_ptr<ByteSource> in, std::string name)
      : in_(std::move(in)), name_(std::move(name)), buf_(256 << 10) {}
  ~GzipSource() override {
    if (initialized_) inflateEnd(&strm_);
  }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  Status Init() {
    std::memset(&strm_, 0, sizeof strm_);
    if (inflateInit2(&strm_, 15 + 32) != Z_OK) return Status::IoError(name_ + ": zlib init failed");
    initialized_ = true;
    return Status::Ok();
  }

  Status Read(char* dst, size_t n, size_t* got) override {
    *got = 0;
    if (n == 0) return Status::Ok();
    n = std::min<size_t>(n, 1u << 30);  // zlib counts in uInt
    strm_.next_out = reinterpret_cast<Bytef*>(dst);
    strm_.avail_out = static_cast<uInt>(n);
    while (strm_.avail_out == n && !done_) {
      if (strm_.avail_in == 0 && !in_eof_) {
        size_t k;
        Status s = in_->Read(buf_.data(), buf_.size(), &k);
        if (!s.ok()) return s;
        if (k == 0) in_eof_ = true;
        strm_.next_in = reinterpret_cast<Bytef*>(buf_.data());
        strm_.avail_in = static_cast<uInt>(k);
      }
      if (!in_member_) {
        if (strm_.avail_in == 0 && !in_eof_) continue;
        if (!started_ && strm_.avail_in == 0) return Corrupt("empty input");
        // Between members: another one starts only with the gzip magic byte.
        if (started_ && (strm_.avail_in == 0 || strm_.next_in[0] != 0x1f)) {
          done_ = true;
          break;
        }
        if (started_ && inflateReset(&strm_) != Z_OK) return Corrupt("reset failed");
        in_member_ = started_ = true;
      }
      int rc = inflate(&strm_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
      } else if (rc == Z_BUF_ERROR) {
        // No progress: fine if more input is on its way, else the data is cut short.
        if (strm_.avail_in != 0 || in_eof_) return Corrupt("unexpected end of data");
      } else if (rc != Z_OK) {
        return Corrupt(strm_.msg != nullptr ? strm_.msg : "inflate failed");
      }
    }
    *got = n - strm_.avail_out;
    return Status::Ok();
  }

 private:
  Status Corrupt(const char* why) {
    return Status::IoError(name_ + ": corrupt gzip data (" + why + ")");
  }

  std::unique_ptr<ByteSource> in_;
  std::string name_;
  std::vector<char> buf_;
  z_stream strm_;
  bool initialized_ = false;
  bool in_eof_ = false;
  bool in_member_ = false;
  bool started_ = false;
  bool done_ = false;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view data) : data_(data) {}
  Status Read(char* dst, size_t n, size_t* got) override {
    *got = std::min(n, data_.size() - pos_);
    if (*got > 0) std::memcpy(dst, data_.data() + pos_, *got);
    pos_ += *got;
    return Status::Ok();
  }
  uint64_t SizeHint() const override { return data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Runs another source one block ahead on a background thread, so the read system call and
// gzip inflation overlap with parsing. Two blocks alternate: the thread fills one while the
// reader drains the other. Used for regular files only: a read from a pipe may block for good,
// and the destructor must join the thread.
class PrefetchSource : public ByteSource {
 public:
  PrefetchSource(std::unique_ptr<ByteSource> in, size_t block_size) : in_(std::move(in)) {
    for (Block& b : blocks_) {
      b.data = std::make_unique_for_overwrite<char[]>(block_size);
      b.capacity = block_size;
    }
    thread_ = std::thread([this] { Produce(); });
  }
  ~PrefetchSource() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  PrefetchSource(const PrefetchSource&) = delete;
  PrefetchSource& operator=(const PrefetchSource&) = delete;

  Status Read(char* dst, size_t n, size_t* got) override {
    *got = 0;
    for (;;) {
      Block& b = blocks_[next_];
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return b.full; });
      }
      // A full block belongs to this thread until it is handed back.
      if (b.pos < b.size) {
        *got = std::min(n, b.size - b.pos);
        std::memcpy(dst, b.data.get() + b.pos, *got);
        b.pos += *got;
        return Status::Ok();
      }
      if (!b.status.ok() || b.eof) return b.status;  // stays full: later reads see the same
      {
        std::lock_guard<std::mutex> lock(mu_);
        b.full = false;
      }
      cv_.notify_all();
      next_ ^= 1;
    }
  }

  uint64_t SizeHint() const override { return in_->SizeHint(); }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t capacity = 0;
    size_t size = 0, pos = 0;
    bool eof = false;
    Status status;
    bool full = false;  // guarded by mu_: set by the producer, cleared by the reader
  };

  void Produce() {
    for (int k = 0;; k ^= 1) {
      Block& b = blocks_[k];
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !b.full || stop_; });
        if (stop_) return;
      }
      b.size = b.pos = 0;
      while (b.size < b.capacity && !b.eof && b.status.ok()) {
        size_t got = 0;
        b.status = in_->Read(b.data.get() + b.size, b.capacity - b.size, &got);
        b.size += got;
        if (b.status.ok() && got == 0) b.eof = true;
      }
      bool last = b.eof || !b.status.ok();
      {
        std::lock_guard<std::mutex> lock(mu_);
        b.full = true;
      }
      cv_.notify_all();
      if (last) return;
    }
  }

  std::unique_ptr<ByteSource> in_;
  Block blocks_[2];
  int next_ = 0;  // the block the reader drains next
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A chunk buffer: `capacity` bytes of data followed by kChunkPadding bytes of slack.
struct Chunk {
  std::unique_ptr<char[]> data;
  size_t capacity = 0;

  void Resize(size_t new_capacity, size_t keep) {
    auto bigger = std::make_unique_for_overwrite<char[]>(new_capacity + kChunkPadding);
    if (keep > 0) std::memcpy(bigger.get(), data.get(), keep);
    data = std::move(bigger);
    capacity = new_capacity;
  }
};

}  // namespace

Status OpenByteSource(const std::string& path, std::unique_ptr<ByteSource>* out) {
  std::string name = DisplayName(path);
  int fd = 0;
  bool owned = false;
  if (path != "-") {
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound(path + ": no such file");
      return Status::IoError(path + ": " + std::strerror(errno));
    }
    owned = true;
  }
  uint64_t size = 0;
  struct stat st;
  if (fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      if (owned) close(fd);
      return Status::IoError(path + ": is a directory");
    }
    if (S_ISREG(st.st_mode)) {
      size = static_cast<uint64_t>(st.st_size);
      posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
  }
  auto file = std::make_unique<FdSource>(fd, owned, name, size);
  std::string_view magic;
  Status s = file->Peek(2, &magic);
  if (!s.ok()) return s;
  bool gzip =
      EndsWith(path, ".gz") || (magic.size() == 2 && static_cast<uint8_t>(magic[0]) == 0x1f &&
                                static_cast<uint8_t>(magic[1]) == 0x8b);
  std::unique_ptr<ByteSource> source = std::move(file);
  if (gzip) {
    auto gz = std::make_unique<GzipSource>(std::move(source), name);
    s = gz->Init();
    if (!s.ok()) return s;
    source = std::move(gz);
  }
  if (size >= kPrefetchMinSize) {
    source = std::make_unique<PrefetchSource>(std::move(source), kPrefetchBlockSize);
  }
  *out = std::move(source);
  return Status::Ok();
}

std::unique_ptr<ByteSource> NewMemorySource(std::string_view data) {
  return std::make_unique<MemorySource>(data);
}

Status ReadChunks(ByteSource* source, ChunkConsumer* consumer, size_t chunk_size, uint64_t* bytes,
                  const std::function<void(uint64_t, uint64_t)>& progress) {
  const uint64_t start_bytes = *bytes;
  chunk_size = std::max<size_t>(chunk_size, 1);
  // A small known input gets a buffer just big enough (+1 to see the end in one pass).
  uint64_t hint = source->SizeHint();
  size_t capacity = chunk_size;
  if (hint > 0 && hint < chunk_size) capacity = static_cast<size_t>(hint) + 1;
  Chunk chunk;
  chunk.Resize(capacity, 0);
  size_t filled = 0;
  bool eof = false;
  while (true) {
    // Fill the chunk: short reads from pipes would otherwise mean many tiny chunks.
    while (!eof && filled < chunk.capacity) {
      size_t got;
      Status s = source->Read(chunk.data.get() + filled, chunk.capacity - filled, &got);
      if (!s.ok()) return s;
      if (got == 0) eof = true;
      filled += got;
      *bytes += got;
    }
    std::memset(chunk.data.get() + filled, ' ', kChunkPadding);
    size_t consumed = 0;
    Status s = consumer->Consume(chunk.data.get(), filled, eof, &consumed);
    if (progress) progress(*bytes - start_bytes, hint);
    if (!s.ok() || eof) return s;
    if (consumed > 0) {
      std::memmove(chunk.data.get(), chunk.data.get() + consumed, filled - consumed);
      filled -= consumed;
    } else if (filled == chunk.capacity) {
      // One record longer than the chunk: grow until it fits.
      chunk.Resize(chunk.capacity * 2, filled);
    }
  }
}

}  // namespace slokit::io
