#include "slokit/metrics/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <zlib.h>

#include <stdexcept>

#include "slokit/metrics/registry.h"

namespace slokit::metrics {
namespace {

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(in.size() * 20 + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry.AddCounter({.name = "requests", .help = "Requests."}).WithLabels().Inc(5);
    server = std::make_unique<MetricsServer>(registry, ServerOptions{.address = "127.0.0.1:0"});
    std::string error;
    ASSERT_TRUE(server->Start(&error)) << error;
    ASSERT_GT(server->port(), 0);
  }
  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server->port());
    c.set_decompress(false);  // check the raw body
    return c;
  }
  Registry registry;
  std::unique_ptr<MetricsServer> server;
};

TEST_F(HttpServerTest, ServesTextByDefault) {
  auto res = Client().Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_FALSE(res->has_header("Content-Encoding"));
  EXPECT_NE(res->body.find("requests_total 5\n"), std::string::npos) << res->body;
}

TEST_F(HttpServerTest, ServesOpenMetricsWhenAsked) {
  auto res = Client().Get("/metrics", {{"Accept", "application/openmetrics-text;version=1.0.0"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Type"),
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
  EXPECT_TRUE(res->body.ends_with("# EOF\n")) << res->body;
}

TEST_F(HttpServerTest, GzipsOnceWhenAsked) {
  for (const char* accept : {"text/plain", "application/openmetrics-text"}) {
    auto plain = Client().Get("/metrics", {{"Accept", accept}});
    auto zipped = Client().Get("/metrics", {{"Accept", accept}, {"Accept-Encoding", "gzip, br"}});
    ASSERT_TRUE(plain && zipped);
    EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
    EXPECT_EQ(zipped->get_header_value_count("Content-Encoding"), 1u);
    EXPECT_EQ(Gunzip(zipped->body), plain->body) << accept;
  }
}

TEST_F(HttpServerTest, RefusedEncodingIsNotUsed) {
  auto res = Client().Get("/metrics", {{"Accept-Encoding", "gzip;q=0"}});
  ASSERT_TRUE(res);
  EXPECT_FALSE(res->has_header("Content-Encoding"));
  EXPECT_NE(res->body.find("requests_total 5"), std::string::npos);
}

TEST_F(HttpServerTest, OtherPathsAre404AndRootLinksToMetrics) {
  auto missing = Client().Get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto root = Client().Get("/");
  ASSERT_TRUE(root);
  EXPECT_NE(root->body.find("/metrics"), std::string::npos);
}

TEST_F(HttpServerTest, UrlAndStopAreIdempotent) {
  EXPECT_EQ(server->url(), "http://127.0.0.1:" + std::to_string(server->port()) + "/metrics");
  server->Stop();
  server->Stop();
  auto res = Client().Get("/metrics");
  EXPECT_FALSE(res);
}

TEST(HttpServerStartTest, BusyPortAndBadAddressFail) {
  Registry registry;
  MetricsServer first(registry, {.address = "127.0.0.1:0"});
  ASSERT_TRUE(first.Start());
  MetricsServer second(registry, {.address = "127.0.0.1:" + std::to_string(first.port())});
  std::string error;
  EXPECT_FALSE(second.Start(&error));
  EXPECT_NE(error.find("cannot bind"), std::string::npos) << error;
  MetricsServer bad(registry, {.address = "no-port"});
  EXPECT_FALSE(bad.Start(&error));
  EXPECT_THROW(Serve(registry, "127.0.0.1:" + std::to_string(first.port())), std::runtime_error);
  auto ok = Serve(registry, "127.0.0.1:0");
  EXPECT_GT(ok->port(), 0);
}

TEST(ParseListenAddressTest, Forms) {
  std::string host;
  int port = -1;
  EXPECT_TRUE(ParseListenAddress("127.0.0.1:9464", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 9464);
  EXPECT_TRUE(ParseListenAddress(":80", &host, &port));
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_TRUE(ParseListenAddress("[::1]:0", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 0);
  EXPECT_TRUE(ParseListenAddress("localhost:65535", &host, &port));
  EXPECT_FALSE(ParseListenAddress("localhost", &host, &port));
  EXPECT_FALSE(ParseListenAddress("localhost:", &host, &port));
  EXPECT_FALSE(ParseListenAddress("localhost:65536", &host, &port));
  EXPECT_FALSE(ParseListenAddress("localhost:-1", &host, &port));
  EXPECT_FALSE(ParseListenAddress("localhost:12ab", &host, &port));
  EXPECT_FALSE(ParseListenAddress("::1:80", &host, &port));
  EXPECT_FALSE(ParseListenAddress("[::1]80", &host, &port));
  EXPECT_FALSE(ParseListenAddress("[]:80", &host, &port));
}

TEST(RenderScrapeTest, NegotiatesFormatAndEncoding) {
  Registry registry;
  registry.AddGauge({.name = "g", .help = "G."}).WithLabels().Set(2);
  ScrapeResponse text = RenderScrape(registry, "", "");
  EXPECT_EQ(text.content_type, ContentType(Format::kPrometheusText));
  EXPECT_EQ(text.content_encoding, "");
  EXPECT_EQ(text.body, "# HELP g G.\n# TYPE g gauge\ng 2\n");
  ScrapeResponse om = RenderScrape(registry, "application/openmetrics-text", "gzip");
  EXPECT_EQ(om.content_type, ContentType(Format::kOpenMetrics));
  EXPECT_EQ(om.content_encoding, "gzip");
  EXPECT_EQ(Gunzip(om.body), "# HELP g G.\n# TYPE g gauge\ng 2\n# EOF\n");
}

}  // namespace
}  // namespace slokit::metrics
