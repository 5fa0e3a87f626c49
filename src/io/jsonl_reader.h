// The JSON lines parser behind ReadEvents/ReadJsonLines, exposed with its byte source and chunk
// size so tests and fuzzers can force records across chunk boundaries.
#pragma once

#include <string_view>

#include "core/record.h"
#include "core/status.h"
#include "io/byte_source.h"
#include "io/event_reader.h"

namespace slokit::io {

Status ReadJsonLinesFrom(ByteSource* source, std::string_view name, const FieldSet& fields,
                         const ReadOptions& options, const RecordSink& sink, ReadStats* stats,
                         size_t chunk_size = kDefaultChunkSize);

}  // namespace slokit::io
