// OTLP/HTTP protobuf requests, encoded by the real `protoc` from the OTLP field numbers
// (tests/io/data/otlp_trace.proto), give exactly the events of the same request in OTLP/JSON;
// malformed wire data is refused with the path and byte of the problem.
#include "io/otlp_protobuf.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "io/otlp_traces.h"

namespace slokit::io {
namespace {

// `text` (protobuf text format) encoded as an ExportTraceServiceRequest by protoc.
std::string Encode(const std::string& text) {
  const std::string dir = std::string(SLOKIT_SOURCE_DIR) + "/tests/io/data";
  // ctest runs each test in a process of its own, in parallel: the files must not be shared.
  const std::string base = ::testing::TempDir() + "otlp_request_" + std::to_string(getpid()) + "_" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const std::string in = base + ".txtpb", out = base + ".bin";
  std::ofstream(in) << text;
  std::string cmd = "protoc --proto_path=" + dir + " --encode=otlp.test.ExportTraceServiceRequest otlp_trace.proto < " +
                    in + " > " + out;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream f(out, std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(f), {});
  std::remove(in.c_str());
  std::remove(out.c_str());
  return bytes;
}

// Every record the JSON decoder makes of `json`, as "field=value" lines.
std::vector<std::string> Events(const std::string& json, Status* status) {
  FieldSet fields;
  for (const char* f : {"ts", "request_id", "model", "operation", "service", "status", "error_type", "prompt_tokens",
                        "completion_tokens", "e2e_ms", "ttft_ms", "trace_id", "span_id", "span_kind", "span_name",
                        "scope", "tags"})
    fields.Intern(f);
  std::vector<std::string> out;
  OtlpTraceDecoder decoder(fields);
  *status = decoder.Decode(json, [&](const Record& r) {
    std::string line = std::to_string(r.time_ns);
    for (size_t i = 0; i < fields.size(); ++i) {
      const Value& v = r.values[i];
      line += " " + fields.name(static_cast<int>(i)) + "=";
      if (v.type == ValueType::kString) line += std::string(v.string);
      else if (v.type == ValueType::kNumber) line += std::to_string(v.number);
      else if (v.type == ValueType::kBool) line += v.boolean ? "true" : "false";
      else line += "-";
    }
    out.push_back(line);
  }, nullptr);
  return out;
}

const char* kRequest = R"pb(
resource_spans {
  resource {
    attributes { key: "service.name" value { string_value: "chat-api" } }
    dropped_attributes_count: 2
  }
  scope_spans {
    scope { name: "vllm" version: "0.6.3" }
    spans {
      trace_id: "\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020"
      span_id: "\252\273\314\335\356\377\000\021"
      name: "chat llama-3-8b"
      kind: 2
      start_time_unix_nano: 1790812800000000000
      end_time_unix_nano: 1790812802500000000
      attributes { key: "gen_ai.operation.name" value { string_value: "chat" } }
      attributes { key: "gen_ai.request.model" value { string_value: "llama-3-8b" } }
      attributes { key: "gen_ai.usage.input_tokens" value { int_value: 812 } }
      attributes { key: "gen_ai.usage.output_tokens" value { int_value: 120 } }
      attributes { key: "tags" value { array_value { values { string_value: "a" } values { bool_value: true } } } }
      attributes { key: "blob" value { bytes_value: "\000\377" } }
      attributes { key: "nested" value { kvlist_value { values { key: "k" value { double_value: 1.5 } } } } }
      events { time_unix_nano: 1790812800300000000 name: "gen_ai.first_token" }
      links { trace_id: "\001\002" span_id: "\003" }
      dropped_attributes_count: 1
      flags: 1
      status { code: 2 message: "engine overloaded" }
    }
    spans {
      name: "GET /health"
      kind: 2
      start_time_unix_nano: 1790812801000000000
      end_time_unix_nano: 1790812801001000000
      attributes { key: "http.method" value { string_value: "GET" } }
    }
  }
}
)pb";

// The same request in OTLP/JSON, written by hand.
const char* kJson = R"({"resourceSpans": [{
  "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "chat-api"}}]},
  "scopeSpans": [{
    "scope": {"name": "vllm", "version": "0.6.3"},
    "spans": [{
      "traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "aabbccddeeff0011",
      "name": "chat llama-3-8b", "kind": 2,
      "startTimeUnixNano": "1790812800000000000", "endTimeUnixNano": "1790812802500000000",
      "attributes": [
        {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
        {"key": "gen_ai.request.model", "value": {"stringValue": "llama-3-8b"}},
        {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "812"}},
        {"key": "gen_ai.usage.output_tokens", "value": {"intValue": 120}},
        {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"boolValue": true}]}}},
        {"key": "blob", "value": {"bytesValue": "AP8="}},
        {"key": "nested", "value": {"kvlistValue": {"values": [{"key": "k", "value": {"doubleValue": 1.5}}]}}}],
      "events": [{"timeUnixNano": "1790812800300000000", "name": "gen_ai.first_token"}],
      "status": {"code": 2, "message": "engine overloaded"}
    }, {
      "name": "GET /health", "kind": 2,
      "startTimeUnixNano": "1790812801000000000", "endTimeUnixNano": "1790812801001000000",
      "attributes": [{"key": "http.method", "value": {"stringValue": "GET"}}]
    }]
  }]
}]})";

TEST(OtlpProtobuf, GivesTheEventsOfTheSameRequestInJson) {
  std::string bytes = Encode(kRequest);
  ASSERT_GT(bytes.size(), 100u);
  std::string json;
  Status s = OtlpProtobufToJson(bytes, &json);
  ASSERT_TRUE(s.ok()) << s.message();
  Status from_proto, from_json;
  std::vector<std::string> got = Events(json, &from_proto), want = Events(kJson, &from_json);
  ASSERT_TRUE(from_json.ok()) << from_json.message();
  ASSERT_TRUE(from_proto.ok()) << from_proto.message() << "\n" << json;
  ASSERT_EQ(want.size(), 1u);  // the GenAI span; the health check is skipped
  EXPECT_EQ(got, want);
  EXPECT_NE(want[0].find("trace_id=0102030405060708090a0b0c0d0e0f10"), std::string::npos) << want[0];
  EXPECT_NE(want[0].find("ttft_ms=300"), std::string::npos) << want[0];
  EXPECT_NE(json.find("\"bytesValue\":\"AP8=\""), std::string::npos) << json;
}

// Protobuf by hand, for what protoc will not write: a length-delimited field.
std::string Len(int field, const std::string& payload) {
  std::string out(1, static_cast<char>(field << 3 | 2));
  for (size_t n = payload.size(); ; n >>= 7) {
    out += static_cast<char>((n & 0x7F) | (n >= 0x80 ? 0x80 : 0));
    if (n < 0x80) break;
  }
  return out + payload;
}

std::string Error(const std::string& bytes) {
  std::string json;
  Status s = OtlpProtobufToJson(bytes, &json);
  EXPECT_FALSE(s.ok()) << json;
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  return s.message();
}

TEST(OtlpProtobuf, MalformedWireDataNamesWhereItIs) {
  std::string bytes = Encode(kRequest);
  EXPECT_NE(Error(bytes.substr(0, bytes.size() - 3)).find("length past the end of its message (byte 0)"),
            std::string::npos);
  EXPECT_NE(Error("\x08\x01").find("request: field 1 has wire type 0 (byte 0)"), std::string::npos);
  EXPECT_NE(Error("\x0a").find("truncated length"), std::string::npos);
  EXPECT_NE(Error("\x0b").find("unsupported wire type 3"), std::string::npos);
  const std::string span_name = Len(1, Len(2, Len(2, Len(5, "\xff\xfe"))));
  EXPECT_NE(Error(span_name).find("resourceSpans[0].scopeSpans[0].spans[0].name: invalid UTF-8"), std::string::npos)
      << Error(span_name);
  std::string value = Len(1, "deep");  // a string value under 40 array levels
  for (int i = 0; i < 40; ++i) value = Len(5, Len(1, value));
  const std::string deep = Len(1, Len(2, Len(2, Len(9, Len(1, "k") + Len(2, value)))));
  EXPECT_NE(Error(deep).find("nested too deeply"), std::string::npos);
  // Unknown fields of every wire type are skipped, as protobuf readers do.
  std::string json;
  ASSERT_TRUE(OtlpProtobufToJson(std::string("\x10\x05\x19") + std::string(8, '\0') + "\x25" + std::string(4, '\0'), &json).ok());
  EXPECT_EQ(json, "{}");
}

}  // namespace
}  // namespace slokit::io
