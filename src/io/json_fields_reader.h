// A narrow JSON-lines reader for what the event readers leave out: it hands each line's chosen
// top-level scalar fields and one numeric-array field (an embedding) to a sink, with the line
// number, so a caller can reject a line by file and line. Used by `slokit drift` for embedding
// drift and golden-set evaluations, in a pass of its own so the main event reader's hot path
// never pays for arrays.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/status.h"

namespace slokit::io {

struct JsonFieldsOptions {
  std::vector<std::string> scalars;  // top-level keys read as Values (arrays/objects: missing)
  std::string vector_field;          // top-level key read as an array of numbers; "" for none
  bool strict = false;               // a line that is not a JSON object fails the read
};

struct JsonFieldsLine {
  uint64_t line = 0;           // 1-based physical line
  std::vector<Value> scalars;  // in the order of JsonFieldsOptions::scalars; views valid in the call
  bool has_vector = false;     // the vector field was present (and not null)
  std::vector<double> vector;  // its elements
};

// Returning a non-OK status stops the read with it.
using JsonFieldsSink = std::function<Status(const JsonFieldsLine&)>;

// Reads `path` (JSON lines, optionally gzip; "-" is stdin). Blank lines are ignored; lines that
// are not valid JSON objects fail the read in strict mode, else are skipped and counted in
// *skipped (may be null): over event files, the event reader has already reported them. A vector field that is not an array of finite numbers
// fails with "path:line: field \"name\": ...".
Status ReadJsonFields(const std::string& path, const JsonFieldsOptions& options, const JsonFieldsSink& sink,
                      uint64_t* skipped);
// The same over a buffer in memory; `name` is used in messages.
Status ReadJsonFieldsBuffer(std::string_view data, std::string_view name, const JsonFieldsOptions& options,
                            const JsonFieldsSink& sink, uint64_t* skipped);

}  // namespace slokit::io
