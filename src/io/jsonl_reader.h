// The JSON lines parser behind ReadEvents/ReadJsonLines, exposed with its byte source and chunk
// size so tests and fuzzers can force records across chunk boundaries.
#pragma once

#include <memory>
#include <string_view>

#include "core/record.h"
#include "core/status.h"
#include "io/byte_source.h"
#include "io/event_reader.h"

namespace slokit::io {

Status ReadJsonLinesFrom(ByteSource* source, std::string_view name, const FieldSet& fields,
                         const ReadOptions& options, const RecordSink& sink, ReadStats* stats,
                         size_t chunk_size = kDefaultChunkSize);

// Parses blocks of whole JSON lines, for reading one file on several threads: each thread owns
// one parser (with its own sink and stats) and is handed blocks cut at line ends.
class JsonLinesBlockParser {
 public:
  // `name`, `fields`, `options` and `sink` must outlive the parser; counts go to *stats.
  JsonLinesBlockParser(std::string_view name, const FieldSet& fields, const ReadOptions& options,
                       const RecordSink& sink, ReadStats* stats);
  ~JsonLinesBlockParser();
  // data[0, len) holds whole lines followed by kChunkPadding readable bytes; `lines_before` is
  // the number of physical lines in the file before the block, for line numbers in errors.
  // *lines_after (optional) receives lines_before plus the block's physical lines.
  Status Parse(char* data, size_t len, uint64_t lines_before, uint64_t* lines_after = nullptr);
  // Sends counts to *stats from now on (to keep one block's counts apart).
  void set_stats(ReadStats* stats);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slokit::io
