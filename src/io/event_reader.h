// Event readers: request events from JSON lines or CSV files (optionally gzip-compressed) into
// Records holding only the fields a spec reads. A bad line is counted and described (line
// number and reason), never dropped silently; in strict mode the first one stops the read.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/status.h"

namespace slokit {

enum class EventFormat { kAuto, kJsonLines, kCsv };

struct ReadOptions {
  std::string time_field = "ts";  // RFC 3339 text or Unix seconds/ms/us/ns
  EventFormat format =
      EventFormat::kAuto;          // kAuto: by extension (.csv[.gz] is CSV), else JSON lines
  bool strict = false;             // fail on the first bad line
  size_t max_reported_errors = 5;  // how many bad lines to describe in ReadStats
  // Called after each chunk (every ~16 MiB) with the uncompressed bytes read so far and the
  // input's size when it is known in advance (a plain file), else 0. For progress bars.
  std::function<void(uint64_t bytes_read, uint64_t bytes_total)> progress;
};

struct LineError {
  uint64_t line = 0;    // 1-based physical line (for a CSV row: the line it starts on)
  std::string message;  // the reason alone, e.g. `field "ts": not an RFC 3339 ...`; print as
                        // "line <line>: <message>"
};

struct ReadStats {
  uint64_t lines = 0;                   // non-empty lines seen (CSV: excluding the header)
  uint64_t records = 0;                 // records passed to the sink
  uint64_t bad_lines = 0;               // lines rejected
  uint64_t bytes = 0;                   // uncompressed bytes read
  std::vector<LineError> first_errors;  // up to max_reported_errors
};

// Called once per good line. The record and its string views are only valid during the call.
using RecordSink = std::function<void(const Record&)>;

// Reads events from `path` ("-" is standard input). Returns a non-OK status for I/O errors, a
// malformed CSV header, or (strict mode) the first bad line; the message names the file and line.
// Gzip input (a ".gz" name or the gzip magic bytes) is inflated on the fly. Counts are added to
// *stats (which may be null), not reset, so one ReadStats can total several files.
Status ReadEvents(const std::string& path, const FieldSet& fields, const ReadOptions& options,
                  const RecordSink& sink, ReadStats* stats);

// Gives each worker thread of ReadEventsParallel its own sink; called once per worker, up front.
using SinkFactory = std::function<RecordSink(int worker)>;

// Like ReadEvents, but JSON lines are parsed on `workers` threads, each calling only its own
// sink, in no particular order. CSV input (a quoted cell may span lines, so blocks cannot be cut
// without parsing), strict mode (the "first" bad line must be the first in the file) and
// workers <= 1 read on the calling thread into sink_for(0). first_errors are the earliest lines.
// A plain file is read in blocks with pread even with one worker (faster than ReadEvents' chunks).
Status ReadEventsParallel(const std::string& path, const FieldSet& fields, const ReadOptions& options,
                          int workers, const SinkFactory& sink_for, ReadStats* stats);

// The same parsers over a buffer already in memory; `name` is used in messages.
Status ReadJsonLines(std::string_view data, std::string_view name, const FieldSet& fields,
                     const ReadOptions& options, const RecordSink& sink, ReadStats* stats);
Status ReadCsv(std::string_view data, std::string_view name, const FieldSet& fields,
               const ReadOptions& options, const RecordSink& sink, ReadStats* stats);

}  // namespace slokit
