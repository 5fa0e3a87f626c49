#include "io/otlp_traces.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace slokit::io {
namespace {

// A record copied out of the sink: field name -> value as text ("-" when missing).
using Row = std::map<std::string, std::string>;

std::string Text(const Value& v) {
  switch (v.type) {
    case ValueType::kMissing: return "-";
    case ValueType::kNull: return "null";
    case ValueType::kBool: return v.boolean ? "true" : "false";
    case ValueType::kString: return std::string(v.string);
    case ValueType::kNumber: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v.number);
      return buf;
    }
  }
  return "?";
}

class OtlpTest : public ::testing::Test {
 protected:
  OtlpTest() {
    for (const char* f : {"ts", "request_id", "model", "provider", "operation", "service", "deployment", "region",
                          "endpoint", "status", "error_type", "prompt_tokens", "completion_tokens", "e2e_ms",
                          "ttft_ms", "queue_ms", "itl_ms", "cache_hit", "trace_id", "span_id", "span_kind",
                          "span_name", "tier"}) {
      fields_.Intern(f);
    }
  }

  Status Decode(const std::string& json) {
    rows_.clear();
    times_.clear();
    OtlpTraceDecoder decoder(fields_);
    return decoder.Decode(json, [&](const Record& r) {
      Row row;
      for (size_t i = 0; i < fields_.size(); ++i) row[fields_.name(static_cast<int>(i))] = Text(r.values[i]);
      rows_.push_back(row);
      times_.push_back(r.time_ns);
    }, &stats_);
  }

  FieldSet fields_;
  std::vector<Row> rows_;
  std::vector<int64_t> times_;
  OtlpStats stats_;
};

std::string Attr(const std::string& key, const std::string& value_json) {
  return "{\"key\":\"" + key + "\",\"value\":" + value_json + "}";
}
std::string Str(const std::string& s) { return "{\"stringValue\":\"" + s + "\"}"; }
std::string Int(const std::string& s) { return "{\"intValue\":\"" + s + "\"}"; }

// One request as an OpenTelemetry SDK's OTLP/HTTP JSON exporter sends it.
std::string Request() {
  const std::string chat =
      "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
      "\"name\":\"chat llama-3-8b\",\"kind\":3,"
      "\"startTimeUnixNano\":\"1790000000000000000\",\"endTimeUnixNano\":\"1790000002500000000\","
      "\"attributes\":[" +
      Attr("gen_ai.operation.name", Str("chat")) + "," + Attr("gen_ai.provider.name", Str("vllm")) + "," +
      Attr("gen_ai.request.model", Str("llama-3-8b")) + "," +
      Attr("gen_ai.response.model", Str("llama-3-8b-instruct")) + "," +
      Attr("gen_ai.response.id", Str("chatcmpl-123")) + "," + Attr("gen_ai.usage.input_tokens", Int("512")) + "," +
      Attr("gen_ai.usage.output_tokens", Int("101")) + "," +
      Attr("gen_ai.usage.cache_read.input_tokens", Int("256")) + "," +
      Attr("http.route", Str("/v1/chat/completions")) + "," + Attr("tier", Str("free")) +
      "],\"events\":[{\"timeUnixNano\":\"1790000000500000000\",\"name\":\"gen_ai.first_token\"}],"
      "\"status\":{}}";
  const std::string http =
      "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"aaa19b7ec3c1b174\",\"name\":\"GET /health\","
      "\"kind\":2,\"startTimeUnixNano\":\"1790000000000000000\",\"endTimeUnixNano\":\"1790000000001000000\","
      "\"attributes\":[" + Attr("http.route", Str("/health")) + "]}";
  const std::string tool =
      "{\"spanId\":\"bbb19b7ec3c1b174\",\"name\":\"execute_tool search\","
      "\"startTimeUnixNano\":\"1790000000000000000\",\"endTimeUnixNano\":\"1790000000100000000\","
      "\"attributes\":[" + Attr("gen_ai.operation.name", Str("execute_tool")) + "]}";
  const std::string rate_limited =
      "{\"spanId\":\"ccc19b7ec3c1b174\",\"name\":\"chat\",\"kind\":\"SPAN_KIND_CLIENT\","
      "\"startTimeUnixNano\":1790000001000000000,\"endTimeUnixNano\":1790000001020000000,"
      "\"attributes\":[" + Attr("gen_ai.operation.name", Str("chat")) + "," +
      Attr("gen_ai.request.model", Str("mixtral")) + "," + Attr("error.type", Str("429")) +
      "],\"status\":{\"code\":2,\"message\":\"rate limited\"}}";
  // vLLM's own span: older attribute names, seconds as doubles, token counts as JSON numbers.
  const std::string vllm =
      "{\"spanId\":\"ddd19b7ec3c1b174\",\"name\":\"llm_request\",\"kind\":2,"
      "\"startTimeUnixNano\":\"1790000003000000000\",\"endTimeUnixNano\":\"1790000004000000000\","
      "\"attributes\":[" + Attr("gen_ai.response.model", Str("llama-3-8b")) + "," +
      Attr("gen_ai.request.id", Str("cmpl-9")) + "," + Attr("gen_ai.usage.prompt_tokens", "{\"intValue\":40}") + "," +
      Attr("gen_ai.usage.completion_tokens", "{\"intValue\":11}") + "," +
      Attr("gen_ai.latency.time_to_first_token", "{\"doubleValue\":0.2}") + "," +
      Attr("gen_ai.latency.time_in_queue", "{\"doubleValue\":0.05}") + "," +
      Attr("http.response.status_code", Int("200")) + "]}";
  const std::string resource =
      "{\"attributes\":[" + Attr("service.name", Str("chat-api")) + "," +
      Attr("k8s.deployment.name", Str("canary")) + "," + Attr("cloud.region", Str("eu-west")) + "]}";
  return "{\"resourceSpans\":[{\"resource\":" + resource +
         ",\"scopeSpans\":[{\"scope\":{\"name\":\"opentelemetry.instrumentation.openai\"},\"spans\":[" + chat + "," +
         http + "," + tool + "]},{\"spans\":[" + rate_limited + "]}]},"
         "{\"resource\":{\"attributes\":[" + Attr("service.name", Str("vllm")) + "]},"
         "\"scopeSpans\":[{\"spans\":[" + vllm + "]}]}]}";
}

TEST_F(OtlpTest, MapsGenAiSpansToEvents) {
  ASSERT_TRUE(Decode(Request()).ok()) << Decode(Request()).ToString();
  EXPECT_EQ(stats_.spans, 5u);
  EXPECT_EQ(stats_.records, 3u);
  EXPECT_EQ(stats_.skipped_not_genai, 1u);
  EXPECT_EQ(stats_.skipped_operation, 1u);
  ASSERT_EQ(rows_.size(), 3u);

  const Row& chat = rows_[0];
  EXPECT_EQ(times_[0], 1790000000000000000LL);
  EXPECT_EQ(chat.at("ts"), "1.79e+09");
  EXPECT_EQ(chat.at("model"), "llama-3-8b-instruct");  // the response model when given
  EXPECT_EQ(chat.at("provider"), "vllm");
  EXPECT_EQ(chat.at("operation"), "chat");
  EXPECT_EQ(chat.at("request_id"), "chatcmpl-123");
  EXPECT_EQ(chat.at("service"), "chat-api");
  EXPECT_EQ(chat.at("deployment"), "canary");
  EXPECT_EQ(chat.at("region"), "eu-west");
  EXPECT_EQ(chat.at("endpoint"), "/v1/chat/completions");
  EXPECT_EQ(chat.at("status"), "200");
  EXPECT_EQ(chat.at("error_type"), "-");
  EXPECT_EQ(chat.at("prompt_tokens"), "512");
  EXPECT_EQ(chat.at("completion_tokens"), "101");
  EXPECT_EQ(chat.at("cache_hit"), "true");
  EXPECT_EQ(chat.at("e2e_ms"), "2500");
  EXPECT_EQ(chat.at("ttft_ms"), "500");  // from the first-token event
  EXPECT_EQ(chat.at("itl_ms"), "20");    // (2500 - 500) / (101 - 1)
  EXPECT_EQ(chat.at("queue_ms"), "-");
  EXPECT_EQ(chat.at("trace_id"), "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(chat.at("span_kind"), "client");
  EXPECT_EQ(chat.at("span_name"), "chat llama-3-8b");
  EXPECT_EQ(chat.at("tier"), "free");  // an attribute named after a spec field passes through

  const Row& limited = rows_[1];
  EXPECT_EQ(limited.at("status"), "429");
  EXPECT_EQ(limited.at("error_type"), "429");
  EXPECT_EQ(limited.at("model"), "mixtral");
  EXPECT_EQ(limited.at("e2e_ms"), "20");
  EXPECT_EQ(limited.at("request_id"), "ccc19b7ec3c1b174");  // no response id: the span id
  EXPECT_EQ(limited.at("deployment"), "canary");            // resource attributes apply to every span

  const Row& vllm = rows_[2];
  EXPECT_EQ(vllm.at("service"), "vllm");
  EXPECT_EQ(vllm.at("deployment"), "-");
  EXPECT_EQ(vllm.at("request_id"), "cmpl-9");
  EXPECT_EQ(vllm.at("prompt_tokens"), "40");
  EXPECT_EQ(vllm.at("completion_tokens"), "11");
  EXPECT_EQ(vllm.at("ttft_ms"), "200");
  EXPECT_EQ(vllm.at("queue_ms"), "50");
  EXPECT_EQ(vllm.at("itl_ms"), "80");  // (1000 - 200) / 10
  EXPECT_EQ(vllm.at("status"), "200");
}

TEST_F(OtlpTest, ErrorStatusWithoutHttpCodeIs500) {
  const std::string span =
      "{\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[" +
      Attr("gen_ai.request.model", Str("m")) + "," + Attr("error.type", Str("timeout")) +
      "],\"status\":{\"code\":\"STATUS_CODE_ERROR\"}}";
  ASSERT_TRUE(Decode("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + span + "]}]}]}").ok());
  ASSERT_EQ(rows_.size(), 1u);
  EXPECT_EQ(rows_[0].at("status"), "500");
  EXPECT_EQ(rows_[0].at("error_type"), "timeout");
}

TEST_F(OtlpTest, MalformedRequestsNameTheJsonPath) {
  const std::string ok_span = "{\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[" +
                              Attr("gen_ai.request.model", Str("m")) + "]}";
  auto request = [&](const std::string& bad_span) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + ok_span + "]},{\"spans\":[" + ok_span + "," +
           ok_span + "," + ok_span + "," + bad_span + "]}]}]}";
  };
  auto error = [&](const std::string& json) {
    Status s = Decode(json);
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(rows_.empty()) << "a bad request must add nothing";
    return s.message();
  };
  EXPECT_EQ(error(request("{\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"12a\"}")),
            "resourceSpans[0].scopeSpans[1].spans[3].endTimeUnixNano: expected a string of digits (Unix nanoseconds)");
  EXPECT_EQ(error(request("{\"startTimeUnixNano\":1.5}")),
            "resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: expected a string of digits (Unix nanoseconds)");
  EXPECT_EQ(error(request("{\"attributes\":[" + Attr("gen_ai.usage.input_tokens", Int("x")) + "]}")),
            "resourceSpans[0].scopeSpans[1].spans[3].attributes[0].value.intValue: expected an integer (a string of digits)");
  EXPECT_EQ(error(request("{\"attributes\":[{\"value\":{}}]}")),
            "resourceSpans[0].scopeSpans[1].spans[3].attributes[0].key: expected a string");
  EXPECT_EQ(error(request("{\"attributes\":{}}")),
            "resourceSpans[0].scopeSpans[1].spans[3].attributes: expected an array");
  EXPECT_EQ(error(request("{\"spanId\":\"xyz\"}")),
            "resourceSpans[0].scopeSpans[1].spans[3].spanId: expected 16 hex digits");
  EXPECT_EQ(error(request("{\"status\":{\"code\":7}}")),
            "resourceSpans[0].scopeSpans[1].spans[3].status.code: expected a status code (0 unset, 1 ok, 2 error)");
  EXPECT_EQ(error(request("{\"events\":[{\"timeUnixNano\":\"-5\"}]}")),
            "resourceSpans[0].scopeSpans[1].spans[3].events[0].timeUnixNano: expected a string of digits (Unix nanoseconds)");
  EXPECT_EQ(error(request("{\"attributes\":[" + Attr("gen_ai.request.model", Str("m")) + "]}")),
            "resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: missing on a GenAI span");
  EXPECT_EQ(error(request("{\"startTimeUnixNano\":\"5\",\"endTimeUnixNano\":\"4\",\"attributes\":[" +
                          Attr("gen_ai.request.model", Str("m")) + "]}")),
            "resourceSpans[0].scopeSpans[1].spans[3].endTimeUnixNano: before startTimeUnixNano");
  EXPECT_EQ(error(request("[]")), "resourceSpans[0].scopeSpans[1].spans[3]: expected an object (a Span)");
  EXPECT_EQ(error("{\"resourceSpans\":[{\"resource\":{\"attributes\":[" + Attr("a", "{\"boolValue\":1}") + "]}}]}"),
            "resourceSpans[0].resource.attributes[0].value.boolValue: expected true or false");
  EXPECT_EQ(error("{\"resourceSpans\":{}}"), "resourceSpans: expected an array");
  EXPECT_EQ(error("[1]"), "(document): expected an object (an ExportTraceServiceRequest)");
  EXPECT_EQ(error("{\"resourceSpans\":["), "invalid JSON: The JSON document has an improper structure: missing or superfluous commas, braces, missing keys, etc.");
}

TEST_F(OtlpTest, EmptyAndNullPartsAreValid) {
  for (const char* json : {"{}", "{\"resourceSpans\":[]}", "{\"resourceSpans\":null}",
                           "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[]}]}]}",
                           "{\"resourceSpans\":[{\"instrumentationLibrarySpans\":[{\"spans\":[{}]}]}]}"}) {
    EXPECT_TRUE(Decode(json).ok()) << json;
    EXPECT_TRUE(rows_.empty());
  }
}

TEST_F(OtlpTest, DecoderIsReusable) {
  OtlpTraceDecoder decoder(fields_);
  uint64_t n = 0;
  OtlpStats stats;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(decoder.Decode(Request(), [&](const Record&) { ++n; }, &stats).ok());
  EXPECT_EQ(n, 9u);
  EXPECT_EQ(stats.records, 9u);
  EXPECT_FALSE(decoder.Decode("{", [&](const Record&) { ++n; }, &stats).ok());
  ASSERT_TRUE(decoder.Decode(Request(), [&](const Record&) { ++n; }, &stats).ok());
  EXPECT_EQ(n, 12u);
}

}  // namespace
}  // namespace slokit::io
