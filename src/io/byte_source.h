// Byte sources for the event readers: a file descriptor, a gzip stream over one, or a buffer in
// memory; and the chunk loop that feeds a source to a record parser in large padded blocks, so
// parsers never copy lines and memory stays flat however big the file is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace slokit::io {

// Bytes of readable slack kept after the data in every chunk (simdjson reads ahead up to this).
inline constexpr size_t kChunkPadding = 64;
// Default chunk size: large enough that per-chunk costs vanish, small enough to stay in memory.
inline constexpr size_t kDefaultChunkSize = 16 << 20;

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `dst`; *got == 0 means end of input.
  virtual Status Read(char* dst, size_t n, size_t* got) = 0;
  // Total bytes expected, when known (a regular file, a buffer); 0 when unknown.
  virtual uint64_t SizeHint() const { return 0; }
};

// Opens `path` ("-" is standard input), transparently decompressing gzip when the name ends in
// ".gz" or the data starts with the gzip magic bytes.
Status OpenByteSource(const std::string& path, std::unique_ptr<ByteSource>* out);

// A source reading `data` (not owned; must outlive the source).
std::unique_ptr<ByteSource> NewMemorySource(std::string_view data);

// A record parser fed by ReadChunks.
class ChunkConsumer {
 public:
  virtual ~ChunkConsumer() = default;
  // Parses the complete records at the front of data[0, len) and sets *consumed to the offset
  // where the first incomplete one starts. At `eof` everything left is complete. The buffer is
  // writable, and data[len, len + kChunkPadding) is readable and filled with spaces.
  virtual Status Consume(char* data, size_t len, bool eof, size_t* consumed) = 0;
};

// The body of a line-oriented ChunkConsumer::Consume: calls `parse_line(line, len, readable)` for
// each complete line of data[0, len) (and the unterminated last one at `eof`), where `readable`
// counts the line's bytes plus those after it up to the end of the chunk's padding, and adds one
// to *line_number before each. Stops at the first non-OK status; sets *consumed either way.
template <typename ParseLine>
Status ConsumeLines(const char* data, size_t len, bool eof, size_t* consumed, uint64_t* line_number,
                    ParseLine&& parse_line) {
  size_t pos = 0;
  const size_t readable_end = len + kChunkPadding;
  while (pos < len) {
    const void* nl = std::memchr(data + pos, '\n', len - pos);
    if (nl == nullptr && !eof) break;
    size_t end = nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - data) : len;
    ++*line_number;
    Status s = parse_line(data + pos, end - pos, readable_end - pos);
    pos = nl != nullptr ? end + 1 : len;
    if (!s.ok()) {
      *consumed = pos;
      return s;
    }
  }
  *consumed = pos;
  return Status::Ok();
}

// Reads `source` in chunks of about `chunk_size` bytes (grown when one record is longer) and
// hands them to `consumer`, carrying incomplete records over. Adds the bytes read to *bytes.
// `progress`, when set, is called after each chunk with the bytes read so far and SizeHint().
Status ReadChunks(ByteSource* source, ChunkConsumer* consumer, size_t chunk_size, uint64_t* bytes,
                  const std::function<void(uint64_t, uint64_t)>& progress = nullptr);

}  // namespace slokit::io
