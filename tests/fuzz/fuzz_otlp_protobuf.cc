// Fuzzes the OTLP/HTTP protobuf reader: whatever the bytes, the conversion either fails with a
// message or gives JSON that the OTLP/JSON decoder can parse (so a protobuf request can only be
// refused for what it says, never for JSON the converter wrote wrong).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/otlp_protobuf.h"
#include "io/otlp_traces.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static slokit::FieldSet* fields = [] {
    auto* f = new slokit::FieldSet();
    for (const char* name : {"ts", "model", "status", "prompt_tokens", "completion_tokens", "e2e_ms", "ttft_ms",
                             "itl_ms", "request_id", "span_kind", "span_name"})
      f->Intern(name);
    return f;
  }();
  static slokit::io::OtlpTraceDecoder* decoder = new slokit::io::OtlpTraceDecoder(*fields);
  std::string json;
  slokit::Status s = slokit::io::OtlpProtobufToJson(std::string_view(reinterpret_cast<const char*>(data), size), &json);
  if (!s.ok()) {
    if (s.message().empty()) std::abort();
    return 0;
  }
  slokit::Status decoded = decoder->Decode(json, [](const slokit::Record&) {}, nullptr);
  if (!decoded.ok() && decoded.message().rfind("invalid JSON", 0) == 0) std::abort();
  return 0;
}
