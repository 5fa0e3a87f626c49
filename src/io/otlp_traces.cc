// The decoder walks simdjson's DOM twice: once to check the whole request (so a bad span late in
// it cannot leave half a request ingested), once to emit records. Both walks run the same code;
// the second cannot fail. String values point into the parser's DOM, which lives until the next
// request, so records need no copies.
#include "io/otlp_traces.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <vector>

namespace slokit::io {
namespace {

namespace dom = simdjson::dom;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The event fields the mapping fills (docs/otlp.md); the names are those of `slokit simulate`.
enum Field {
  kRequestId, kModel, kProvider, kOperation, kService, kDeployment, kRegion, kEndpoint, kStatus,
  kErrorType, kPromptTokens, kCompletionTokens, kE2eMs, kTtftMs, kQueueMs, kItlMs, kCacheHit,
  kTraceId, kSpanId, kSpanKind, kSpanName, kFieldCount
};
constexpr std::string_view kFieldNames[kFieldCount] = {
    "request_id", "model", "provider", "operation", "service", "deployment", "region", "endpoint",
    "status", "error_type", "prompt_tokens", "completion_tokens", "e2e_ms", "ttft_ms", "queue_ms",
    "itl_ms", "cache_hit", "trace_id", "span_id", "span_kind", "span_name"};

// The attributes the mapping reads. Several keys feed one field: current GenAI names first,
// then older or server-specific ones (vLLM's gen_ai.latency.*, gen_ai.usage.prompt_tokens).
enum Attr {
  aOperation, aRequestModel, aResponseModel, aProvider, aSystem, aResponseId, aRequestId,
  aInputTokens, aOutputTokens, aPromptTokens, aCompletionTokens, aCacheRead, aTtftChunk,
  aTtftServer, aTtftVllm, aQueueVllm, aTpot, aErrorType, aHttpStatus, aHttpRoute, aUrlPath,
  aServiceName, aK8sDeployment, aDeploymentEnvName, aDeploymentEnv, aCloudRegion, kAttrCount
};
const std::unordered_map<std::string_view, Attr>& KnownAttributes() {
  static const auto* m = new std::unordered_map<std::string_view, Attr>{
      {"gen_ai.operation.name", aOperation},
      {"gen_ai.request.model", aRequestModel},
      {"gen_ai.response.model", aResponseModel},
      {"gen_ai.provider.name", aProvider},
      {"gen_ai.system", aSystem},
      {"gen_ai.response.id", aResponseId},
      {"gen_ai.request.id", aRequestId},
      {"gen_ai.usage.input_tokens", aInputTokens},
      {"gen_ai.usage.output_tokens", aOutputTokens},
      {"gen_ai.usage.prompt_tokens", aPromptTokens},
      {"gen_ai.usage.completion_tokens", aCompletionTokens},
      {"gen_ai.usage.cache_read.input_tokens", aCacheRead},
      {"gen_ai.response.time_to_first_chunk", aTtftChunk},
      {"gen_ai.server.time_to_first_token", aTtftServer},
      {"gen_ai.latency.time_to_first_token", aTtftVllm},
      {"gen_ai.latency.time_in_queue", aQueueVllm},
      {"gen_ai.server.time_per_output_token", aTpot},
      {"error.type", aErrorType},
      {"http.response.status_code", aHttpStatus},
      {"http.route", aHttpRoute},
      {"url.path", aUrlPath},
      {"service.name", aServiceName},
      {"k8s.deployment.name", aK8sDeployment},
      {"deployment.environment.name", aDeploymentEnvName},
      {"deployment.environment", aDeploymentEnv},
      {"cloud.region", aCloudRegion},
  };
  return *m;
}

// Attributes seen on one span (or resource): the known ones by slot, the rest passed through.
struct Attrs {
  Value known[kAttrCount];
  bool genai = false;
  void Clear() {
    for (Value& v : known) v = Value();
    genai = false;
  }
  const Value& operator[](Attr a) const { return known[a]; }
};

// Accessors for elements whose type was checked already.
dom::array Arr(dom::element e) {
  dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) return {};
  return a;
}
dom::object Obj(dom::element e) {
  dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return {};
  return o;
}
std::string_view Str(dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return {};
  return s;
}

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

double AsNumber(const Value& v) {
  if (v.type == ValueType::kNumber) return v.number;
  if (v.type == ValueType::kString) {
    int64_t i;
    if (ParseInt64(v.string, &i)) return static_cast<double>(i);
  }
  return kNaN;
}

const char* SpanKindName(int64_t k) {
  static const char* const kNames[] = {"unspecified", "internal", "server", "client", "producer", "consumer"};
  return k >= 0 && k <= 5 ? kNames[k] : "unspecified";
}

// The operations that are not one model call (an agent's turn or a tool run). Their model calls,
// if any, are spans of their own: counting both would count a request twice.
bool IsInferenceOperation(std::string_view op) {
  return op != "execute_tool" && op != "create_agent" && op != "invoke_agent";
}

bool IsFirstTokenEvent(std::string_view name) {
  return name == "gen_ai.first_token" || name == "first_token" || name == "gen_ai.first_chunk" ||
         name == "first_chunk";
}

}  // namespace

struct OtlpTraceDecoder::Impl {
  const FieldSet& fields;
  OtlpOptions options;
  dom::parser parser;
  int index[kFieldCount];
  int time_index;
  std::string path;
  Record record;
  Attrs resource, span;
  // Attributes whose key is itself a field the spec reads (`tier`, `quality_score`...).
  std::vector<std::pair<int, Value>> resource_extra, span_extra;

  Impl(const FieldSet& f, OtlpOptions o) : fields(f), options(std::move(o)) {
    for (int i = 0; i < kFieldCount; ++i) index[i] = fields.Find(kFieldNames[i]);
    time_index = fields.Find(options.time_field);
  }

  Status Fail(std::string_view leaf, std::string_view what) const {
    std::string where = path;
    if (!leaf.empty()) {
      if (!where.empty() && leaf[0] != '[') where += '.';
      where += leaf;
    }
    if (where.empty()) where = "(document)";
    return Status::ParseError(where + ": " + std::string(what));
  }

  // Appends `.name[i]` to the path for the scope of a call; restores it on exit.
  struct Scope {
    std::string* p;
    size_t n;
    Scope(std::string* path, std::string_view name, size_t i) : p(path), n(path->size()) {
      if (!p->empty() && !name.empty()) *p += '.';
      *p += name;
      *p += '[';
      *p += std::to_string(i);
      *p += ']';
    }
    ~Scope() { p->resize(n); }
  };

  // An optional member of the given type; *present tells whether it was there.
  Status Member(dom::object obj, std::string_view key, dom::element_type want, const char* want_text,
                dom::element* out, bool* present) {
    auto r = obj.at_key(key);
    *present = r.error() == simdjson::SUCCESS;
    if (!*present) return Status::Ok();
    *out = r.value_unsafe();
    if (out->type() == dom::element_type::NULL_VALUE) {
      *present = false;  // proto3 JSON: null means the default
      return Status::Ok();
    }
    if (out->type() != want) return Fail(key, std::string("expected ") + want_text);
    return Status::Ok();
  }

  // Unix nanoseconds: a string of digits (the canonical form) or a JSON integer.
  Status Nanos(dom::object obj, std::string_view key, int64_t* out, bool* present) {
    auto r = obj.at_key(key);
    *present = r.error() == simdjson::SUCCESS && r.value_unsafe().type() != dom::element_type::NULL_VALUE;
    *out = 0;
    if (!*present) return Status::Ok();
    dom::element e = r.value_unsafe();
    std::string_view s;
    uint64_t u;
    if (e.get_string().get(s) == simdjson::SUCCESS) {
      bool digits = !s.empty() && s.size() <= 19;
      for (char c : s) digits = digits && c >= '0' && c <= '9';
      if (digits && ParseInt64(s, out)) return Status::Ok();
    } else if (e.get_uint64().get(u) == simdjson::SUCCESS && u <= static_cast<uint64_t>(INT64_MAX)) {
      *out = static_cast<int64_t>(u);
      return Status::Ok();
    }
    return Fail(key, "expected a string of digits (Unix nanoseconds)");
  }

  // An AnyValue: {stringValue | boolValue | intValue | doubleValue | arrayValue | kvlistValue |
  // bytesValue}. Arrays, maps and bytes are checked for their type and read as missing.
  Status AnyValue(dom::element e, Value* out) {
    *out = Value();
    dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) return Fail("value", "expected an object (an AnyValue)");
    struct Restore {
      std::string* p;
      size_t n;
      ~Restore() { p->resize(n); }
    } restore{&path, path.size()};
    path += path.empty() ? "value" : ".value";
    for (auto [key, v] : obj) {
      if (v.type() == dom::element_type::NULL_VALUE) continue;
      if (key == "stringValue") {
        std::string_view s;
        if (v.get_string().get(s) != simdjson::SUCCESS) return Fail(key, "expected a string");
        *out = Value::String(s);
      } else if (key == "boolValue") {
        bool b;
        if (v.get_bool().get(b) != simdjson::SUCCESS) return Fail(key, "expected true or false");
        *out = Value::Bool(b);
      } else if (key == "intValue") {
        // int64 is a string in proto3 JSON; encoders also write plain numbers.
        std::string_view s;
        int64_t i;
        if (v.get_string().get(s) == simdjson::SUCCESS ? ParseInt64(s, &i)
                                                       : v.get_int64().get(i) == simdjson::SUCCESS) {
          *out = Value::Number(static_cast<double>(i));
        } else {
          return Fail(key, "expected an integer (a string of digits)");
        }
      } else if (key == "doubleValue") {
        double d;
        std::string_view s;
        if (v.get_double().get(d) == simdjson::SUCCESS) {
          *out = Value::Number(d);
        } else if (v.get_string().get(s) == simdjson::SUCCESS &&
                   (s == "NaN" || s == "Infinity" || s == "-Infinity")) {
          *out = Value::Number(s == "NaN" ? kNaN : s == "Infinity" ? HUGE_VAL : -HUGE_VAL);
        } else {
          return Fail(key, "expected a number");
        }
      } else if (key == "arrayValue" || key == "kvlistValue") {
        if (v.type() != dom::element_type::OBJECT) return Fail(key, "expected an object");
      } else if (key == "bytesValue") {
        if (v.type() != dom::element_type::STRING) return Fail(key, "expected a base64 string");
      }  // unknown members are ignored, as proto3 JSON parsers do
    }
    return Status::Ok();
  }

  // `attributes: [{key, value}]` into *attrs (known keys) and *extra (keys that are fields).
  Status Attributes(dom::object owner, Attrs* attrs, std::vector<std::pair<int, Value>>* extra) {
    dom::element e;
    bool present;
    if (Status s = Member(owner, "attributes", dom::element_type::ARRAY, "an array", &e, &present); !s.ok() || !present)
      return s;
    size_t i = 0;
    for (dom::element kv : Arr(e)) {
      Scope scope(&path, "attributes", i++);
      dom::object obj;
      if (kv.get_object().get(obj) != simdjson::SUCCESS) return Fail("", "expected an object ({key, value})");
      std::string_view key;
      auto k = obj.at_key("key");
      if (k.error() != simdjson::SUCCESS || k.value_unsafe().get_string().get(key) != simdjson::SUCCESS) {
        return Fail("key", "expected a string");
      }
      Value v;
      auto val = obj.at_key("value");
      if (val.error() == simdjson::SUCCESS && val.value_unsafe().type() != dom::element_type::NULL_VALUE) {
        if (Status s = AnyValue(val.value_unsafe(), &v); !s.ok()) return s;
      }
      if (key.starts_with("gen_ai.")) attrs->genai = true;
      auto it = KnownAttributes().find(key);
      if (it != KnownAttributes().end()) attrs->known[it->second] = v;
      int f = fields.Find(key);
      if (f >= 0 && v.type != ValueType::kMissing) extra->emplace_back(f, v);
    }
    return Status::Ok();
  }

  void Set(Field f, const Value& v) {
    if (index[f] >= 0 && v.type != ValueType::kMissing) record.values[static_cast<size_t>(index[f])] = v;
  }
  static const Value& First(const Value& a, const Value& b) { return a.present() ? a : b; }
  static const Value& First(const Value& a, const Value& b, const Value& c) { return First(First(a, b), c); }

  Status Walk(dom::element root, bool emit, const RecordSink& sink, OtlpStats* stats);
  Status Span(dom::object span, bool emit, const RecordSink& sink, OtlpStats* stats);
  void Emit(int64_t start, int64_t end, double ttft_event_ms, std::string_view trace_id, std::string_view span_id,
            int64_t kind, std::string_view name, int64_t status_code, const RecordSink& sink);
};

Status OtlpTraceDecoder::Impl::Walk(dom::element root, bool emit, const RecordSink& sink, OtlpStats* stats) {
  path.clear();
  dom::object top;
  if (root.get_object().get(top) != simdjson::SUCCESS) {
    return Fail("", "expected an object (an ExportTraceServiceRequest)");
  }
  dom::element list;
  bool present;
  if (Status s = Member(top, "resourceSpans", dom::element_type::ARRAY, "an array", &list, &present); !s.ok() || !present)
    return s;
  size_t i = 0;
  for (dom::element rs : Arr(list)) {
    Scope in_rs(&path, "resourceSpans", i++);
    dom::object rso;
    if (rs.get_object().get(rso) != simdjson::SUCCESS) return Fail("", "expected an object (a ResourceSpans)");
    resource.Clear();
    resource_extra.clear();
    dom::element res;
    if (Status s = Member(rso, "resource", dom::element_type::OBJECT, "an object", &res, &present); !s.ok()) return s;
    if (present) {
      path += ".resource";
      Status s = Attributes(Obj(res), &resource, &resource_extra);
      path.resize(path.size() - 9);
      if (!s.ok()) return s;
    }
    // instrumentationLibrarySpans: the name before OTLP 0.19, still sent by old exporters.
    std::string_view scopes_key = rso.at_key("scopeSpans").error() == simdjson::SUCCESS ? "scopeSpans"
                                  : rso.at_key("instrumentationLibrarySpans").error() == simdjson::SUCCESS
                                      ? "instrumentationLibrarySpans"
                                      : "scopeSpans";
    dom::element scopes;
    if (Status s = Member(rso, scopes_key, dom::element_type::ARRAY, "an array", &scopes, &present); !s.ok()) return s;
    if (!present) continue;
    size_t j = 0;
    for (dom::element ss : Arr(scopes)) {
      Scope in_ss(&path, scopes_key, j++);
      dom::object sso;
      if (ss.get_object().get(sso) != simdjson::SUCCESS) return Fail("", "expected an object (a ScopeSpans)");
      dom::element spans;
      if (Status s = Member(sso, "spans", dom::element_type::ARRAY, "an array", &spans, &present); !s.ok()) return s;
      if (!present) continue;
      size_t k = 0;
      for (dom::element sp : Arr(spans)) {
        Scope in_span(&path, "spans", k++);
        dom::object spo;
        if (sp.get_object().get(spo) != simdjson::SUCCESS) return Fail("", "expected an object (a Span)");
        if (Status s = Span(spo, emit, sink, stats); !s.ok()) return s;
      }
    }
  }
  return Status::Ok();
}

Status OtlpTraceDecoder::Impl::Span(dom::object sp, bool emit, const RecordSink& sink, OtlpStats* stats) {
  dom::element e;
  bool present;
  std::string_view trace_id, span_id, name;
  for (auto [key, id, out] : {std::tuple{"traceId", 32, &trace_id}, std::tuple{"spanId", 16, &span_id}}) {
    if (Status s = Member(sp, key, dom::element_type::STRING, "a hex string", &e, &present); !s.ok()) return s;
    if (!present) continue;
    *out = Str(e);
    bool hex = out->empty() || out->size() == static_cast<size_t>(id);
    for (char c : *out) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    if (!hex) return Fail(key, "expected " + std::to_string(id) + " hex digits");
  }
  if (Status s = Member(sp, "name", dom::element_type::STRING, "a string", &e, &present); !s.ok()) return s;
  if (present) name = Str(e);
  int64_t kind = 0;
  auto k = sp.at_key("kind");
  if (k.error() == simdjson::SUCCESS && k.value_unsafe().type() != dom::element_type::NULL_VALUE) {
    std::string_view ks;
    if (k.value_unsafe().get_int64().get(kind) != simdjson::SUCCESS || kind < 0 || kind > 5) {
      static const char* const kNames[] = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
                                           "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
      kind = -1;
      if (k.value_unsafe().get_string().get(ks) == simdjson::SUCCESS) {
        for (int64_t n = 0; n < 6; ++n) kind = ks == kNames[n] ? n : kind;
      }
      if (kind < 0) return Fail("kind", "expected a span kind (0 to 5)");
    }
  }
  int64_t start, end;
  bool has_start, has_end;
  if (Status s = Nanos(sp, "startTimeUnixNano", &start, &has_start); !s.ok()) return s;
  if (Status s = Nanos(sp, "endTimeUnixNano", &end, &has_end); !s.ok()) return s;
  span.Clear();
  span_extra.clear();
  if (Status s = Attributes(sp, &span, &span_extra); !s.ok()) return s;

  int64_t status_code = 0;
  if (Status s = Member(sp, "status", dom::element_type::OBJECT, "an object", &e, &present); !s.ok()) return s;
  if (present) {
    auto c = Obj(e).at_key("code");
    if (c.error() == simdjson::SUCCESS && c.value_unsafe().type() != dom::element_type::NULL_VALUE) {
      std::string_view cs;
      if (c.value_unsafe().get_int64().get(status_code) != simdjson::SUCCESS || status_code < 0 || status_code > 2) {
        status_code = -1;
        if (c.value_unsafe().get_string().get(cs) == simdjson::SUCCESS) {
          status_code = cs == "STATUS_CODE_UNSET" ? 0 : cs == "STATUS_CODE_OK" ? 1 : cs == "STATUS_CODE_ERROR" ? 2 : -1;
        }
        if (status_code < 0) return Fail("status.code", "expected a status code (0 unset, 1 ok, 2 error)");
      }
    }
  }
  double ttft_event_ms = kNaN;
  if (Status s = Member(sp, "events", dom::element_type::ARRAY, "an array", &e, &present); !s.ok()) return s;
  if (present) {
    size_t i = 0;
    for (dom::element ev : Arr(e)) {
      Scope in_event(&path, "events", i++);
      dom::object evo;
      if (ev.get_object().get(evo) != simdjson::SUCCESS) return Fail("", "expected an object (an Event)");
      int64_t t;
      bool has_t;
      if (Status s = Nanos(evo, "timeUnixNano", &t, &has_t); !s.ok()) return s;
      dom::element n;
      bool has_name;
      if (Status s = Member(evo, "name", dom::element_type::STRING, "a string", &n, &has_name); !s.ok()) return s;
      if (has_name && has_t && std::isnan(ttft_event_ms) && IsFirstTokenEvent(Str(n))) {
        ttft_event_ms = static_cast<double>(t - start) / 1e6;
      }
    }
  }

  if (stats != nullptr && emit) ++stats->spans;
  if (!span.genai) {
    if (stats != nullptr && emit) ++stats->skipped_not_genai;
    return Status::Ok();
  }
  if (span[aOperation].type == ValueType::kString && !IsInferenceOperation(span[aOperation].string)) {
    if (stats != nullptr && emit) ++stats->skipped_operation;
    return Status::Ok();
  }
  // A model call must say when it ran: the event's time and its latency come from there.
  if (!has_start || start == 0) return Fail("startTimeUnixNano", "missing on a GenAI span");
  if (!has_end || end == 0) return Fail("endTimeUnixNano", "missing on a GenAI span");
  if (end < start) return Fail("endTimeUnixNano", "before startTimeUnixNano");
  if (emit) {
    Emit(start, end, ttft_event_ms, trace_id, span_id, kind, name, status_code, sink);
    if (stats != nullptr) ++stats->records;
  }
  return Status::Ok();
}

void OtlpTraceDecoder::Impl::Emit(int64_t start, int64_t end, double ttft_event_ms, std::string_view trace_id,
                                  std::string_view span_id, int64_t kind, std::string_view name,
                                  int64_t status_code, const RecordSink& sink) {
  record.Reset(fields.size());
  record.time_ns = start;
  if (time_index >= 0) record.values[static_cast<size_t>(time_index)] = Value::Number(static_cast<double>(start) / 1e9);
  const Attrs& r = resource;
  const Attrs& s = span;
  // Resource-level first, so that the span's own attributes win.
  Set(kService, r[aServiceName]);
  Set(kDeployment, First(r[aK8sDeployment], r[aDeploymentEnvName], r[aDeploymentEnv]));
  Set(kRegion, r[aCloudRegion]);
  for (const auto& [f, v] : resource_extra) record.values[static_cast<size_t>(f)] = v;
  Set(kDeployment, First(s[aK8sDeployment], s[aDeploymentEnvName], s[aDeploymentEnv]));
  Set(kRegion, s[aCloudRegion]);

  Set(kModel, First(s[aResponseModel], s[aRequestModel], r[aResponseModel]));
  Set(kProvider, First(s[aProvider], s[aSystem]));
  Set(kOperation, s[aOperation]);
  Set(kRequestId, First(s[aResponseId], s[aRequestId], span_id.empty() ? Value() : Value::String(span_id)));
  if (!trace_id.empty()) Set(kTraceId, Value::String(trace_id));
  if (!span_id.empty()) Set(kSpanId, Value::String(span_id));
  Set(kSpanKind, Value::String(SpanKindName(kind)));
  Set(kSpanName, Value::String(name));
  Set(kEndpoint, First(s[aHttpRoute], s[aUrlPath]));

  // status: the HTTP status when the span has one; otherwise 200, or for an error span the
  // error.type when it is an HTTP code ("429"), else 500.
  double status = AsNumber(s[aHttpStatus]);
  if (std::isnan(status)) {
    status = 200;
    if (status_code == 2) {
      double code = AsNumber(s[aErrorType]);
      status = code >= 100 && code <= 599 ? code : 500;
    }
  }
  Set(kStatus, Value::Number(status));
  if (s[aErrorType].present()) Set(kErrorType, s[aErrorType]);

  const double in = AsNumber(First(s[aInputTokens], s[aPromptTokens]));
  const double out = AsNumber(First(s[aOutputTokens], s[aCompletionTokens]));
  if (!std::isnan(in)) Set(kPromptTokens, Value::Number(in));
  if (!std::isnan(out)) Set(kCompletionTokens, Value::Number(out));
  const double cache_read = AsNumber(s[aCacheRead]);
  if (!std::isnan(cache_read)) Set(kCacheHit, Value::Bool(cache_read > 0));

  const double e2e_ms = static_cast<double>(end - start) / 1e6;
  Set(kE2eMs, Value::Number(e2e_ms));
  double ttft_ms = AsNumber(First(s[aTtftChunk], s[aTtftServer], s[aTtftVllm])) * 1000;
  if (std::isnan(ttft_ms)) ttft_ms = ttft_event_ms;
  if (!std::isnan(ttft_ms)) Set(kTtftMs, Value::Number(ttft_ms));
  const double queue_ms = AsNumber(s[aQueueVllm]) * 1000;
  if (!std::isnan(queue_ms)) Set(kQueueMs, Value::Number(queue_ms));
  // Inter-token latency: the server's own figure, else the decode time over the tokens after the first.
  double itl_ms = AsNumber(s[aTpot]) * 1000;
  if (std::isnan(itl_ms) && !std::isnan(ttft_ms) && out > 1) itl_ms = (e2e_ms - ttft_ms) / (out - 1);
  if (!std::isnan(itl_ms)) Set(kItlMs, Value::Number(itl_ms));

  // Attributes named after a field the spec reads (`tier`, `quality_score`) are taken as they are.
  for (const auto& [f, v] : span_extra) record.values[static_cast<size_t>(f)] = v;
  sink(record);
}

OtlpTraceDecoder::OtlpTraceDecoder(const FieldSet& fields, OtlpOptions options)
    : impl_(std::make_unique<Impl>(fields, std::move(options))) {}
OtlpTraceDecoder::~OtlpTraceDecoder() = default;

Status OtlpTraceDecoder::Decode(std::string_view json, const RecordSink& sink, OtlpStats* stats) {
  dom::element root;
  auto err = impl_->parser.parse(json.data(), json.size()).get(root);
  if (err != simdjson::SUCCESS) return Status::ParseError(std::string("invalid JSON: ") + simdjson::error_message(err));
  if (Status s = impl_->Walk(root, /*emit=*/false, sink, stats); !s.ok()) return s;
  return impl_->Walk(root, /*emit=*/true, sink, stats);
}

}  // namespace slokit::io
