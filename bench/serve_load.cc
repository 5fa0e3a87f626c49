// Load generator for `slokit serve`: sends JSON-lines batches over N keep-alive connections
// until `--total` events are acknowledged, and prints throughput and acknowledgement latency
// percentiles as JSON. The events file is cycled; batches are cut at line ends.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
  CLI::App app("slokit serve load generator");
  std::string host = "127.0.0.1", token, file;
  int port = 8080, connections = 4;
  size_t batch = 5000, total = 1'000'000;
  app.add_option("--host", host);
  app.add_option("--port", port)->required();
  app.add_option("--token", token);
  app.add_option("--events", file, "JSON lines to send (cycled)")->required();
  app.add_option("--connections", connections);
  app.add_option("--batch", batch, "Events per request");
  app.add_option("--total", total, "Events to send in all");
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line + "\n");
  if (lines.empty()) return 2;
  std::vector<std::string> bodies;
  for (size_t i = 0; i < lines.size(); i += batch) {
    std::string body;
    for (size_t k = i; k < std::min(lines.size(), i + batch); ++k) body += lines[k];
    bodies.push_back(std::move(body));
  }
  const size_t requests = (total + batch - 1) / batch;
  std::atomic<size_t> next{0}, events{0}, errors{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(connections));
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client c(host, port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      c.set_read_timeout(120, 0);
      httplib::Headers h;
      if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
      for (size_t r; (r = next++) < requests;) {
        const std::string& body = bodies[r % bodies.size()];
        auto s = std::chrono::steady_clock::now();
        auto res = c.Post("/api/v1/events", h, body, "application/x-ndjson");
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count();
        if (!res || res->status != 200) {
          ++errors;
          if (res && res->status == 429) std::this_thread::sleep_for(std::chrono::milliseconds(50));
          continue;
        }
        latencies[static_cast<size_t>(t)].push_back(ms);
        events += static_cast<size_t>(std::count(body.begin(), body.end(), '\n'));
      }
    });
  }
  for (auto& th : threads) th.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))]; };
  nlohmann::json out = {{"events", events.load()},      {"requests", all.size()},   {"errors", errors.load()},
                        {"seconds", secs},               {"events_per_second", events.load() / secs},
                        {"ack_ms_p50", pct(0.50)},      {"ack_ms_p99", pct(0.99)}, {"ack_ms_max", all.empty() ? 0 : all.back()},
                        {"batch", batch},                {"connections", connections}};
  std::printf("%s\n", out.dump().c_str());
  return errors.load() ? 1 : 0;
}
