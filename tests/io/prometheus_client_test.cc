// PrometheusClient against a small local HTTP server standing in for the query API (what it
// sends: form fields, auth headers, path prefix; what it does with 5xx, 429, refused connections,
// Prometheus error bodies and malformed JSON), and PrometheusSource against a scripted query
// function (which slot each increase lands in, cohorts, the missing-series error).
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "io/prometheus_client.h"

namespace slokit::io {
namespace {

constexpr char kMatrix[] = R"({"status":"success","data":{"resultType":"matrix","result":[
  {"metric":{"model":"b"},"values":[[1790812860,"3"],[1790812920,"NaN"]]},
  {"metric":{"model":"a","__name__":"x"},"values":[[1790812860.5,"+Inf"]]}]}})";

TEST(ParseQueryResponse, MatrixVectorScalar) {
  std::vector<PromSeries> out;
  ASSERT_TRUE(ParseQueryResponse(kMatrix, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].Label("model"), "b");
  ASSERT_EQ(out[0].samples.size(), 2u);
  EXPECT_EQ(out[0].samples[0].t, 1790812860LL * kSecond);
  EXPECT_EQ(out[0].samples[0].v, 3);
  EXPECT_TRUE(std::isnan(out[0].samples[1].v));
  EXPECT_EQ(out[1].labels[0].first, "__name__");  // sorted
  EXPECT_EQ(out[1].samples[0].t, 1790812860LL * kSecond + 500 * kMillisecond);
  EXPECT_TRUE(std::isinf(out[1].samples[0].v));

  ASSERT_TRUE(ParseQueryResponse(
                  R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[10,"0.25"]}]}})",
                  &out)
                  .ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].samples[0].v, 0.25);
  ASSERT_TRUE(
      ParseQueryResponse(R"({"status":"success","data":{"resultType":"scalar","result":[10,"2"]}})", &out)
          .ok());
  EXPECT_EQ(out[0].samples[0].v, 2);
}

TEST(ParseQueryResponse, ErrorsAreClear) {
  std::vector<PromSeries> out;
  Status s = ParseQueryResponse(
      R"({"status":"error","errorType":"bad_data","error":"parse error at char 5"})", &out);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("bad_data: parse error at char 5"), std::string::npos) << s.message();

  for (const char* bad : {"", "<html>502 Bad Gateway</html>", "{\"status\":1}", "[]",
                          R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":1},"values":[]}]}})",
                          R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"x"]]}]}})",
                          R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[2,"1"],[1,"1"]]}]}})",
                          R"({"status":"success","data":{"resultType":"streams","result":[]}})",
                          R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":["1","1"]}]}})"}) {
    s = ParseQueryResponse(bad, &out);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_TRUE(out.empty()) << bad;
    EXPECT_NE(s.message().find("malformed response"), std::string::npos) << bad << ": " << s.message();
  }
  s = ParseQueryResponse("<html>", &out);
  EXPECT_NE(s.message().find("not JSON (it starts with \"<html>\")"), std::string::npos) << s.message();
}

TEST(SplitBaseUrl, PrefixAndSchemes) {
  std::string base, prefix;
  ASSERT_TRUE(SplitBaseUrl("https://mimir.example.com/prometheus/", &base, &prefix).ok());
  EXPECT_EQ(base, "https://mimir.example.com");
  EXPECT_EQ(prefix, "/prometheus");
  ASSERT_TRUE(SplitBaseUrl("http://127.0.0.1:9090", &base, &prefix).ok());
  EXPECT_EQ(prefix, "");
  EXPECT_FALSE(SplitBaseUrl("127.0.0.1:9090", &base, &prefix).ok());
  EXPECT_FALSE(SplitBaseUrl("ftp://x", &base, &prefix).ok());
  EXPECT_FALSE(SplitBaseUrl("http://x/api?x=1", &base, &prefix).ok());
  EXPECT_EQ(FormatApiTime(1790812860LL * kSecond + 5 * kMillisecond), "1790812860.005");
}

// A query API on a loopback port; `handler` answers every POST under any path.
class FakeApi {
 public:
  explicit FakeApi(httplib::Server::Handler handler) {
    server_.Post(R"(/.*)", std::move(handler));
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FakeApi() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

PrometheusClientOptions Fast(const std::string& url) {
  PrometheusClientOptions o;
  o.url = url;
  o.timeout = 2 * kSecond;
  o.backoff = kMillisecond;
  return o;
}

TEST(PrometheusClient, SendsFormFieldsAuthHeadersAndPrefix) {
  std::mutex mu;
  httplib::Request seen;
  FakeApi api([&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    seen = req;
    res.set_content(kMatrix, "application/json");
  });
  PrometheusClientOptions o = Fast(api.url() + "/prom/");
  o.bearer_token = "s3cret";
  o.headers = {{"X-Scope-OrgID", "team-a"}};
  PrometheusClient client(o);
  std::vector<PromSeries> out;
  Status s = client.QueryRange("sum(up)", 1790812800LL * kSecond, 1790816400LL * kSecond, kMinute, &out);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(out.size(), 2u);
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(seen.path, "/prom/api/v1/query_range");
    EXPECT_EQ(seen.get_param_value("query"), "sum(up)");
    EXPECT_EQ(seen.get_param_value("start"), "1790812800.000");
    EXPECT_EQ(seen.get_param_value("end"), "1790816400.000");
    EXPECT_EQ(seen.get_param_value("step"), "60");
    EXPECT_EQ(seen.get_header_value("Authorization"), "Bearer s3cret");
    EXPECT_EQ(seen.get_header_value("X-Scope-OrgID"), "team-a");
  }

  o = Fast(api.url());
  o.basic_user = "slo";
  o.basic_password = "pw";
  PrometheusClient basic(o);
  ASSERT_TRUE(basic.Query("up", 1790812800LL * kSecond, &out).ok());
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen.path, "/api/v1/query");
  EXPECT_EQ(seen.get_param_value("time"), "1790812800.000");
  EXPECT_EQ(seen.get_header_value("Authorization"), "Basic c2xvOnB3");  // base64("slo:pw")
}

TEST(PrometheusClient, RetriesOn503And429ThenSucceeds) {
  std::atomic<int> calls{0};
  FakeApi api([&](const httplib::Request&, httplib::Response& res) {
    int n = ++calls;
    if (n == 1) {
      res.status = 503;
      res.set_content(R"({"status":"error","errorType":"timeout","error":"query timed out"})",
                      "application/json");
    } else if (n == 2) {
      res.status = 429;
    } else {
      res.set_content(kMatrix, "application/json");
    }
  });
  PrometheusClient client(Fast(api.url()));
  std::vector<PromSeries> out;
  Status s = client.Query("up", 0, &out);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(client.requests(), 3);
}

TEST(PrometheusClient, GivesUpAfterRetriesNamingTheLastFailure) {
  std::atomic<int> calls{0};
  FakeApi api([&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 503;
    res.set_content(R"({"status":"error","errorType":"timeout","error":"query timed out"})",
                    "application/json");
  });
  PrometheusClientOptions o = Fast(api.url());
  o.retries = 2;
  PrometheusClient client(o);
  std::vector<PromSeries> out;
  Status s = client.Query("up", 0, &out);
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_NE(s.message().find("HTTP 503 (timeout: query timed out)"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("after 3 attempts"), std::string::npos) << s.message();
}

TEST(PrometheusClient, BadQueryIsNotRetriedAndSaysWhy) {
  std::atomic<int> calls{0};
  FakeApi api([&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 400;
    res.set_content(R"({"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected \")\""})",
                    "application/json");
  });
  PrometheusClient client(Fast(api.url()));
  std::vector<PromSeries> out;
  Status s = client.Query("sum(", 0, &out);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_NE(s.message().find("HTTP 400: bad_data: 1:5: parse error"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("query: sum("), std::string::npos) << s.message();
}

TEST(PrometheusClient, RefusedCredentialsAndMalformedJson) {
  FakeApi api([&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization").empty()) {
      res.status = 401;
      return;
    }
    res.set_content("{\"status\":\"success\",\"data\":{", "application/json");
  });
  std::vector<PromSeries> out;
  PrometheusClient anonymous(Fast(api.url()));
  Status s = anonymous.Query("up", 0, &out);
  EXPECT_NE(s.message().find("HTTP 401: the server refused the credentials"), std::string::npos)
      << s.message();
  PrometheusClientOptions o = Fast(api.url());
  o.bearer_token = "t";
  PrometheusClient client(o);
  s = client.Query("up", 0, &out);
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_NE(s.message().find("malformed response from the query API: not JSON"), std::string::npos)
      << s.message();
}

TEST(PrometheusClient, ConnectionRefusedIsRetriedThenReported) {
  // A port that was free a moment ago and has no listener now.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);
  int port = ntohs(addr.sin_port);
  PrometheusClientOptions o = Fast("http://127.0.0.1:" + std::to_string(port));
  o.retries = 1;
  PrometheusClient client(o);
  std::vector<PromSeries> out;
  Status s = client.Query("up", 0, &out);
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_EQ(client.requests(), 2);
  EXPECT_NE(s.message().find("after 2 attempts"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace slokit::io
