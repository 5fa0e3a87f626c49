// AlertSender: delivers alert notices to Alertmanager's v2 API (POST /api/v2/alerts) and to
// optional webhooks, from a background thread, with retries and exponential back-off. The queue
// is bounded: when a receiver is down for long, the oldest notices are dropped (and counted),
// never memory. Firing alerts are re-sent by the daemon every minute, as Alertmanager expects,
// so a dropped "firing" notice heals itself.
//
// Thread safety: Send and the counters may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace slokit::server {

struct AlertNotice {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  TimeNs starts_at = 0;
  TimeNs ends_at = 0;  // 0 while firing; the resolve instant once resolved
  std::string generator_url;
};

struct AlertSenderOptions {
  std::string alertmanager_url;       // e.g. http://127.0.0.1:9093 (a path prefix is kept); empty: none
  std::vector<std::string> webhooks;  // each receives {"receiver":"slokit","alerts":[...]} as JSON
  int max_attempts = 6;
  DurationNs first_backoff = 200 * kMillisecond;  // doubled after each failed attempt
  DurationNs timeout = 5 * kSecond;
  size_t max_queue = 10000;  // notices
};

// Splits "http://host:port/prefix" into the scheme-host-port part and the path prefix.
Status SplitUrl(const std::string& url, std::string* origin, std::string* prefix);

class AlertSender {
 public:
  explicit AlertSender(AlertSenderOptions options);
  ~AlertSender();  // stops after a last attempt at what is queued
  AlertSender(const AlertSender&) = delete;
  AlertSender& operator=(const AlertSender&) = delete;

  Status Start();
  void Stop();
  void Send(std::vector<AlertNotice> notices);

  uint64_t delivered() const { return delivered_.load(); }
  uint64_t failed_attempts() const { return failed_attempts_.load(); }
  uint64_t dropped() const { return dropped_.load(); }

 private:
  void Run();
  bool Deliver(const std::vector<AlertNotice>& batch);
  AlertSenderOptions options_;
  std::string am_origin_, am_prefix_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<AlertNotice> queue_;
  bool stop_ = false;
  std::thread thread_;
  std::atomic<uint64_t> delivered_{0}, failed_attempts_{0}, dropped_{0};
};

}  // namespace slokit::server
