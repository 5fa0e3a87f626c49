// MetricsServer on cpp-httplib, RenderScrape and gzip.
#include "slokit/metrics/http_server.h"

#include <httplib.h>
#include <sys/socket.h>
#include <zlib.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "slokit/metrics/registry.h"

namespace slokit::metrics {

std::string GzipCompress(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer instead of a zlib one.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("gzip: deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate failed");
  out.resize(written);
  return out;
}

ScrapeResponse RenderScrape(const Registry& registry, std::string_view accept,
                            std::string_view accept_encoding) {
  const Format format = NegotiateFormat(accept);
  ScrapeResponse r;
  r.content_type = ContentType(format);
  r.body = Serialize(registry, format);
  if (!r.body.empty() && NegotiateEncoding(accept_encoding) == Encoding::kGzip) {
    r.body = GzipCompress(r.body);
    r.content_encoding = "gzip";
  }
  return r;
}

bool ParseListenAddress(std::string_view address, std::string* host, int* port) {
  size_t colon;
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() ||
        address[close + 1] != ':') {
      return false;
    }
    *host = std::string(address.substr(1, close - 1));
    if (host->empty()) return false;
    colon = close + 1;
  } else {
    colon = address.rfind(':');
    if (colon == std::string_view::npos) return false;
    *host = std::string(address.substr(0, colon));
    if (host->find(':') != std::string::npos) return false;  // bare IPv6 needs brackets
    if (host->empty()) *host = "0.0.0.0";
  }
  std::string_view p = address.substr(colon + 1);
  int value = -1;
  auto r = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || r.ec != std::errc() || r.ptr != p.data() + p.size() || value < 0 ||
      value > 65535) {
    return false;
  }
  *port = value;
  return true;
}

struct MetricsServer::Impl {
  const Registry& registry;
  ServerOptions options;
  httplib::Server server;
  std::thread thread;
  std::string host;
  int port = 0;
  bool running = false;
  std::atomic<bool> listen_returned{false};

  Impl(const Registry& r, ServerOptions o) : registry(r), options(std::move(o)) {}

  void Handle(const httplib::Request& req, httplib::Response& res) {
    auto scrape = std::make_shared<ScrapeResponse>(RenderScrape(
        registry, req.get_header_value("Accept"), req.get_header_value("Accept-Encoding")));
    res.set_header("Vary", "Accept, Accept-Encoding");
    res.set_header("Cache-Control", "no-store");
    if (scrape->body.empty()) {
      res.set_content("", scrape->content_type.c_str());
      return;
    }
    if (!scrape->content_encoding.empty()) {
      res.set_header("Content-Encoding", scrape->content_encoding);
    }
    // A provider with a known length is sent as is: httplib compresses bodies given to
    // set_content (text/* ones, ignoring q-values), which would gzip our body a second time.
    const size_t length = scrape->body.size();
    res.set_content_provider(length, scrape->content_type.c_str(),
                             [scrape](size_t offset, size_t n, httplib::DataSink& sink) {
                               return sink.write(scrape->body.data() + offset, n);
                             });
  }
};

MetricsServer::MetricsServer(const Registry& registry, ServerOptions options)
    : impl_(std::make_unique<Impl>(registry, std::move(options))) {}

MetricsServer::~MetricsServer() { Stop(); }

bool MetricsServer::Start(std::string* error) {
  auto fail = [&](std::string why) {
    if (error != nullptr) *error = std::move(why);
    return false;
  };
  Impl& s = *impl_;
  if (s.running) return fail("already started");
  int port = 0;
  if (!ParseListenAddress(s.options.address, &s.host, &port)) {
    return fail("bad listen address \"" + s.options.address + "\" (want host:port)");
  }
  const int threads = s.options.threads > 0 ? s.options.threads : 1;
  s.server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib's default also sets SO_REUSEPORT, which lets a second process bind the same port and
  // silently take half the scrapes. Keep SO_REUSEADDR (fast restarts) only.
  s.server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  s.server.Get(s.options.path,
               [&s](const httplib::Request& req, httplib::Response& res) { s.Handle(req, res); });
  const std::string path = s.options.path;
  s.server.Get("/", [path](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html><body><a href=\"" + path + "\">" + path + "</a></body></html>\n",
                    "text/html; charset=utf-8");
  });
  if (port == 0) {
    port = s.server.bind_to_any_port(s.host);
    if (port < 0) return fail("cannot bind " + s.options.address);
  } else if (!s.server.bind_to_port(s.host, port)) {
    return fail("cannot bind " + s.options.address);
  }
  s.port = port;
  s.running = true;
  s.listen_returned = false;
  s.thread = std::thread([&s] {
    s.server.listen_after_bind();
    s.listen_returned = true;
  });
  // Stop() only works once the accept loop runs, so do not return before it does.
  while (!s.server.is_running() && !s.listen_returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!s.server.is_running()) {
    Stop();
    return fail("cannot listen on " + s.options.address);
  }
  return true;
}

void MetricsServer::Stop() {
  Impl& s = *impl_;
  if (!s.running) return;
  s.server.stop();
  if (s.thread.joinable()) s.thread.join();
  s.running = false;
}

int MetricsServer::port() const { return impl_->port; }

std::string MetricsServer::url() const {
  const std::string& h = impl_->host;
  std::string host = h.find(':') != std::string::npos ? "[" + h + "]" : h;
  return "http://" + host + ":" + std::to_string(impl_->port) + impl_->options.path;
}

std::unique_ptr<MetricsServer> Serve(const Registry& registry, std::string_view address) {
  ServerOptions options;
  options.address = std::string(address);
  auto server = std::make_unique<MetricsServer>(registry, options);
  std::string error;
  if (!server->Start(&error)) throw std::runtime_error("slokit metrics: " + error);
  return server;
}

}  // namespace slokit::metrics
