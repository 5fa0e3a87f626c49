// Entry points of the event readers: pick the format, open the file (gzip or not) and run the
// JSON lines or CSV parser over it. The parsers themselves live in jsonl_reader.cc and
// csv_reader.cc.
#include "io/event_reader.h"

#include <memory>

#include "io/byte_source.h"
#include "io/csv_reader.h"
#include "io/jsonl_reader.h"

namespace slokit {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

EventFormat ResolveFormat(const std::string& path, EventFormat format) {
  if (format != EventFormat::kAuto) return format;
  return EndsWith(path, ".csv") || EndsWith(path, ".csv.gz") ? EventFormat::kCsv
                                                             : EventFormat::kJsonLines;
}

}  // namespace

Status ReadEvents(const std::string& path, const FieldSet& fields, const ReadOptions& options,
                  const RecordSink& sink, ReadStats* stats) {
  std::unique_ptr<io::ByteSource> source;
  Status s = io::OpenByteSource(path, &source);
  if (!s.ok()) return s;
  std::string name = path == "-" ? "<stdin>" : path;
  if (ResolveFormat(path, options.format) == EventFormat::kCsv) {
    return io::ReadCsvFrom(source.get(), name, fields, options, sink, stats);
  }
  return io::ReadJsonLinesFrom(source.get(), name, fields, options, sink, stats);
}

Status ReadJsonLines(std::string_view data, std::string_view name, const FieldSet& fields,
                     const ReadOptions& options, const RecordSink& sink, ReadStats* stats) {
  auto source = io::NewMemorySource(data);
  return io::ReadJsonLinesFrom(source.get(), name, fields, options, sink, stats);
}

Status ReadCsv(std::string_view data, std::string_view name, const FieldSet& fields,
               const ReadOptions& options, const RecordSink& sink, ReadStats* stats) {
  auto source = io::NewMemorySource(data);
  return io::ReadCsvFrom(source.get(), name, fields, options, sink, stats);
}

}  // namespace slokit
