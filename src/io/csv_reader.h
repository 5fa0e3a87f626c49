// The CSV (RFC 4180) parser behind ReadEvents/ReadCsv, exposed with its byte source and chunk
// size so tests and fuzzers can force rows (and quoted newlines) across chunk boundaries.
#pragma once

#include <string_view>

#include "core/record.h"
#include "core/status.h"
#include "io/byte_source.h"
#include "io/event_reader.h"

namespace slokit::io {

Status ReadCsvFrom(ByteSource* source, std::string_view name, const FieldSet& fields,
                   const ReadOptions& options, const RecordSink& sink, ReadStats* stats,
                   size_t chunk_size = kDefaultChunkSize);

// The typed value of one (unquoted or unescaped) cell: empty is missing, true/false are
// booleans, null is null, a complete decimal number is a number, anything else a string.
Value CsvCellValue(std::string_view cell);

}  // namespace slokit::io
