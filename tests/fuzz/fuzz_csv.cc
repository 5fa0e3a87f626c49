// Fuzzes the CSV reader: any bytes, read once through the public in-memory entry point
// and once in tiny chunks; both must agree, and the sink reads every string byte so ASan catches
// a view that outlived its buffer.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "io/byte_source.h"
#include "io/csv_reader.h"
#include "io/event_reader.h"

namespace {

struct Digest {
  uint64_t records = 0;
  uint64_t hash = 1469598103934665603ULL;

  void Add(uint64_t v) { hash = (hash ^ v) * 1099511628211ULL; }
  void Add(const slokit::Record& r) {
    ++records;
    Add(static_cast<uint64_t>(r.time_ns));
    for (const slokit::Value& v : r.values) {
      Add(static_cast<uint64_t>(v.type));
      if (v.type == slokit::ValueType::kBool) Add(v.boolean);
      if (v.type == slokit::ValueType::kNumber) {
        uint64_t bits;
        std::memcpy(&bits, &v.number, sizeof bits);
        Add(bits);
      }
      if (v.type == slokit::ValueType::kString) {
        for (char c : v.string) Add(static_cast<uint8_t>(c));
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  slokit::FieldSet fields;
  for (const char* name : {"ts", "model", "status", "labels.model", "ttft_ms", "a.b.c"}) {
    fields.Intern(name);
  }
  std::string_view text(reinterpret_cast<const char*>(data), size);
  slokit::ReadOptions options;
  options.strict = size % 7 == 0;
  options.max_reported_errors = 3;

  Digest whole, chunked;
  slokit::ReadStats whole_stats, chunked_stats;
  slokit::Status s1 = slokit::ReadCsv(
      text, "fuzz", fields, options, [&](const slokit::Record& r) { whole.Add(r); }, &whole_stats);
  auto source = slokit::io::NewMemorySource(text);
  slokit::Status s2 = slokit::io::ReadCsvFrom(
      source.get(), "fuzz", fields, options, [&](const slokit::Record& r) { chunked.Add(r); },
      &chunked_stats, 1 + size % 61);
  if (s1.ToString() != s2.ToString() || whole.records != chunked.records ||
      whole.hash != chunked.hash || whole_stats.bad_lines != chunked_stats.bad_lines ||
      whole_stats.lines != chunked_stats.lines) {
    __builtin_trap();  // chunking changed the result
  }
  return 0;
}
