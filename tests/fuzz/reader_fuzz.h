// The harness shared by the event-reader fuzz targets: read the input once through the public
// in-memory entry point and once in tiny chunks; both must agree (a trap otherwise), and the
// sink reads every string byte so ASan catches a view that outlived its buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "io/byte_source.h"
#include "io/event_reader.h"

namespace slokit::fuzz {

struct Digest {
  uint64_t records = 0;
  uint64_t hash = 1469598103934665603ULL;

  void Add(uint64_t v) { hash = (hash ^ v) * 1099511628211ULL; }
  void Add(const Record& r) {
    ++records;
    Add(static_cast<uint64_t>(r.time_ns));
    for (const Value& v : r.values) {
      Add(static_cast<uint64_t>(v.type));
      if (v.type == ValueType::kBool) Add(v.boolean);
      if (v.type == ValueType::kNumber) {
        uint64_t bits;
        std::memcpy(&bits, &v.number, sizeof bits);
        Add(bits);
      }
      if (v.type == ValueType::kString) {
        for (char c : v.string) Add(static_cast<uint8_t>(c));
      }
    }
  }
};

// `whole` reads a buffer; `chunked` reads a ByteSource in chunks of the given size.
template <typename Whole, typename Chunked>
int FuzzReader(const uint8_t* data, size_t size, Whole whole_reader, Chunked chunked_reader) {
  FieldSet fields;
  for (const char* name : {"ts", "model", "status", "labels.model", "ttft_ms", "a.b.c"}) fields.Intern(name);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ReadOptions options;
  options.strict = size % 7 == 0;
  options.max_reported_errors = 3;

  Digest whole, chunked;
  ReadStats whole_stats, chunked_stats;
  Status s1 = whole_reader(text, "fuzz", fields, options, [&](const Record& r) { whole.Add(r); }, &whole_stats);
  auto source = io::NewMemorySource(text);
  Status s2 = chunked_reader(source.get(), "fuzz", fields, options, [&](const Record& r) { chunked.Add(r); },
                             &chunked_stats, 1 + size % 61);
  if (s1.ToString() != s2.ToString() || whole.records != chunked.records || whole.hash != chunked.hash ||
      whole_stats.bad_lines != chunked_stats.bad_lines || whole_stats.lines != chunked_stats.lines) {
    __builtin_trap();  // chunking changed the result
  }
  return 0;
}

}  // namespace slokit::fuzz
