// OTLP/HTTP JSON traces (an ExportTraceServiceRequest, the body of `POST /v1/traces`) to request
// events: every span that follows the OpenTelemetry GenAI semantic conventions becomes one
// Record with the field names of `slokit simulate`'s events (model, prompt_tokens, e2e_ms,
// ttft_ms, status...). docs/otlp.md lists the mapping. Other spans are skipped and counted.
//
// A request is checked whole before its first record reaches the sink, so a malformed one adds
// nothing; the error names the JSON path of the problem, e.g.
// `resourceSpans[0].scopeSpans[1].spans[3].endTimeUnixNano: expected a string of digits`.
//
// Not thread-safe: the decoder keeps its JSON parser's buffers between requests, so use one per
// thread. The FieldSet must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/record.h"
#include "core/status.h"
#include "io/event_reader.h"

namespace slokit::io {

struct OtlpStats {
  uint64_t spans = 0;              // spans in the requests decoded
  uint64_t records = 0;            // GenAI spans passed to the sink
  uint64_t skipped_not_genai = 0;  // spans without any gen_ai.* attribute (HTTP, DB, app spans)
  uint64_t skipped_operation = 0;  // GenAI spans that are not an inference call: execute_tool,
                                   // create_agent, invoke_agent (their model calls are own spans)
};

struct OtlpOptions {
  std::string time_field = "ts";  // the spec's time_field; set (Unix seconds) when the spec reads it
};

class OtlpTraceDecoder {
 public:
  explicit OtlpTraceDecoder(const FieldSet& fields, OtlpOptions options = {});
  ~OtlpTraceDecoder();
  OtlpTraceDecoder(const OtlpTraceDecoder&) = delete;
  OtlpTraceDecoder& operator=(const OtlpTraceDecoder&) = delete;

  // Decodes one request. Records (and their string views) are valid only during the sink call;
  // their time is the span's start. Counts are added to *stats (may be null). Errors:
  // kParseError for invalid JSON or a document that is not an ExportTraceServiceRequest.
  Status Decode(std::string_view json, const RecordSink& sink, OtlpStats* stats);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slokit::io
