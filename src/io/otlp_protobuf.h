// OTLP/HTTP protobuf traces: an ExportTraceServiceRequest in the protobuf binary encoding (the
// default of OpenTelemetry SDKs and the Collector's `otlphttp` exporter), rewritten in its OTLP/JSON
// form so that both encodings go through the one decoder of otlp_traces.h and give the same
// events and the same errors. Fields the decoder does not read (links, dropped counts, schema
// URLs, flags) are skipped, as protobuf readers skip unknown fields.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace slokit::io {

// Converts `bytes` into OTLP/JSON in *json. ParseError for malformed wire data (a truncated
// field, a length past the end, a field with the wrong wire type, invalid UTF-8 in a string,
// values nested more than 32 deep), naming the message path and byte offset of the problem.
Status OtlpProtobufToJson(std::string_view bytes, std::string* json);

}  // namespace slokit::io
