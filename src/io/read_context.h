// ReadContext: what both record parsers share — the sink, the statistics, and the bad-line
// policy (count every bad line, describe the first few, stop at the first in strict mode).
// Reasons are built lazily: a file where every line is bad must not pay for a string per line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/record.h"
#include "core/status.h"
#include "io/byte_source.h"
#include "io/event_reader.h"

namespace slokit::io {

class ReadContext {
 public:
  ReadContext(std::string_view name, const FieldSet& fields, const ReadOptions& options,
              const RecordSink& sink, ReadStats* stats)
      : name_(name), fields_(fields), options_(options), sink_(sink), stats_(stats) {}

  const FieldSet& fields() const { return fields_; }
  const ReadOptions& options() const { return options_; }
  ReadStats* stats() const { return stats_; }
  void set_stats(ReadStats* stats) { stats_ = stats; }
  std::string_view name() const { return name_; }

  void Emit(const Record& record) {
    ++stats_->records;
    if (sink_) sink_(record);
  }

  // Counts a bad line; `describe()` returns the reason and is only called when it is kept.
  // Returns the error to stop with in strict mode, OK otherwise.
  template <typename Describe>
  Status BadLine(uint64_t line, Describe&& describe) {
    ++stats_->bad_lines;
    bool keep = stats_->first_errors.size() < options_.max_reported_errors;
    if (!keep && !options_.strict) return Status::Ok();
    std::string reason = describe();
    Status result;
    if (options_.strict) {
      result = Status::ParseError(std::string(name_) + ":" + std::to_string(line) + ": " + reason);
    }
    if (keep) stats_->first_errors.push_back(LineError{line, std::move(reason)});
    return result;
  }

  // The two ways a time field goes wrong, worded the same for both formats.
  std::string MissingTime() const { return "missing field \"" + options_.time_field + "\""; }
  std::string BadTime() const {
    return "field \"" + options_.time_field + "\": not an RFC 3339 timestamp or Unix number";
  }

 private:
  std::string_view name_;
  const FieldSet& fields_;
  const ReadOptions& options_;
  const RecordSink& sink_;
  ReadStats* stats_;
};

// The body shared by the readers' entry points: check the options, build a context and a
// `Parser` (a ChunkConsumer taking a ReadContext*), and feed it the source in chunks.
template <typename Parser>
Status ReadWithParser(ByteSource* source, std::string_view name, const FieldSet& fields, const ReadOptions& options,
                      const RecordSink& sink, ReadStats* stats, size_t chunk_size) {
  ReadStats ignored;
  if (stats == nullptr) stats = &ignored;
  if (options.time_field.empty()) return Status::InvalidArgument("the time field name is empty");
  ReadContext ctx(name, fields, options, sink, stats);
  Parser parser(&ctx);
  return ReadChunks(source, &parser, chunk_size, &stats->bytes, options.progress);
}

}  // namespace slokit::io
