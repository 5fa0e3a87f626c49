// Fuzzes the OTLP/HTTP JSON trace decoder: every record's strings are read (ASan catches a view
// into a freed DOM), a reused decoder must give the same answer as a fresh one, and a request
// that fails must not have reached the sink.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/otlp_traces.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static slokit::FieldSet* fields = [] {
    auto* f = new slokit::FieldSet();
    for (const char* name : {"ts", "model", "status", "error_type", "prompt_tokens", "completion_tokens", "e2e_ms",
                             "ttft_ms", "itl_ms", "queue_ms", "cache_hit", "request_id", "service", "deployment",
                             "region", "endpoint", "span_kind", "span_name", "tier", "gen_ai.request.temperature"}) {
      f->Intern(name);
    }
    return f;
  }();
  static slokit::io::OtlpTraceDecoder* reused = new slokit::io::OtlpTraceDecoder(*fields);
  std::string_view json(reinterpret_cast<const char*>(data), size);

  uint64_t calls[2] = {0, 0}, hash[2] = {0, 0};
  slokit::Status status[2];
  slokit::io::OtlpStats stats[2];
  slokit::io::OtlpTraceDecoder fresh(*fields);
  for (int i = 0; i < 2; ++i) {
    slokit::io::OtlpTraceDecoder& d = i == 0 ? fresh : *reused;
    status[i] = d.Decode(json, [&](const slokit::Record& r) {
      ++calls[i];
      hash[i] += static_cast<uint64_t>(r.time_ns);
      for (const slokit::Value& v : r.values) {
        if (v.type == slokit::ValueType::kString) {
          for (char c : v.string) hash[i] = hash[i] * 31 + static_cast<uint8_t>(c);
        }
      }
    }, &stats[i]);
    if (!status[i].ok()) Check(calls[i] == 0 && stats[i].records == 0);
    else Check(calls[i] == stats[i].records && stats[i].records <= stats[i].spans);
  }
  Check(status[0].ok() == status[1].ok() && status[0].message() == status[1].message());
  Check(calls[0] == calls[1] && hash[0] == hash[1]);
  return 0;
}
