// HTTP exposition: a small server for GET /metrics (cpp-httplib underneath), and the
// transport-independent RenderScrape for servers that already have an HTTP stack.
//
// The format follows the request's Accept header (Prometheus text 0.0.4 or OpenMetrics 1.0, see
// exposition.h) and the body is gzip-compressed when Accept-Encoding allows it. Scrapes run on the
// server's own threads; they read metrics concurrently with recording and never block it.
//
// Part of the separate library target slokit_metrics_http, so code that only records (and
// serves metrics some other way) does not link an HTTP server.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "slokit/metrics/exposition.h"

namespace slokit::metrics {

class Registry;

struct ScrapeResponse {
  std::string body;              // gzip-compressed when content_encoding is "gzip"
  std::string content_type;      // ContentType(format)
  std::string content_encoding;  // "gzip" or empty
};

// Collects `registry` and renders it for a request with these Accept and Accept-Encoding
// header values (either may be empty). Thread-safe.
ScrapeResponse RenderScrape(const Registry& registry, std::string_view accept,
                            std::string_view accept_encoding);

// gzip (RFC 1952) of `data`. Throws std::runtime_error if zlib fails.
std::string GzipCompress(std::string_view data);

// Splits "host:port", "[v6addr]:port" or ":port" (host 0.0.0.0). Returns false when malformed.
bool ParseListenAddress(std::string_view address, std::string* host, int* port);

struct ServerOptions {
  std::string address = "127.0.0.1:9464";  // port 0 picks a free port (see MetricsServer::port)
  std::string path = "/metrics";
  int threads = 2;  // threads answering requests
};

// MetricsServer: serves one registry over HTTP from background threads until stopped or
// destroyed. The registry must outlive the server. Start/Stop are not thread-safe with each other.
class MetricsServer {
 public:
  explicit MetricsServer(const Registry& registry, ServerOptions options = {});
  ~MetricsServer();  // stops
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds the address and starts serving. Returns false (with a reason in *error) when the
  // address is malformed or cannot be bound.
  bool Start(std::string* error = nullptr);
  // Stops accepting, finishes requests in flight and joins the threads. Idempotent.
  void Stop();

  int port() const;         // the bound port, after Start
  std::string url() const;  // "http://host:port/metrics", after Start

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The one-liner: serves `registry` on `address` until the returned server is destroyed.
// Throws std::runtime_error when the address cannot be bound.
[[nodiscard]] std::unique_ptr<MetricsServer> Serve(const Registry& registry,
                                                   std::string_view address = "127.0.0.1:9464");

}  // namespace slokit::metrics
