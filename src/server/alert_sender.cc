#include "server/alert_sender.h"

#include <httplib.h>

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace slokit::server {
namespace {

nlohmann::json ToJson(const AlertNotice& n) {
  nlohmann::json j = {{"labels", n.labels}, {"annotations", n.annotations}, {"startsAt", FormatTime(n.starts_at)}};
  if (n.ends_at) j["endsAt"] = FormatTime(n.ends_at);
  if (!n.generator_url.empty()) j["generatorURL"] = n.generator_url;
  return j;
}

bool Post(const std::string& origin, const std::string& path, const std::string& body, DurationNs timeout,
          std::string* error) {
  httplib::Client client(origin);
  auto secs = static_cast<time_t>(timeout / kSecond);
  client.set_connection_timeout(secs, 0);
  client.set_read_timeout(secs, 0);
  client.set_write_timeout(secs, 0);
  auto res = client.Post(path.empty() ? "/" : path.c_str(), body, "application/json");
  if (!res) {
    *error = httplib::to_string(res.error());
    return false;
  }
  if (res->status / 100 != 2) {
    *error = fmt::format("HTTP {}: {}", res->status, res->body.substr(0, 200));
    return false;
  }
  return true;
}

}  // namespace

Status SplitUrl(const std::string& url, std::string* origin, std::string* prefix) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos || (url.compare(0, scheme, "http") != 0 && url.compare(0, scheme, "https") != 0))
    return Status::InvalidArgument(fmt::format("{}: expected an http:// URL", url));
  size_t slash = url.find('/', scheme + 3);
  *origin = url.substr(0, slash);
  *prefix = slash == std::string::npos ? "" : url.substr(slash);
  while (!prefix->empty() && prefix->back() == '/') prefix->pop_back();
  return Status::Ok();
}

AlertSender::AlertSender(AlertSenderOptions options) : options_(std::move(options)) {}
AlertSender::~AlertSender() { Stop(); }

Status AlertSender::Start() {
  if (!options_.alertmanager_url.empty()) {
    Status s = SplitUrl(options_.alertmanager_url, &am_origin_, &am_prefix_);
    if (!s.ok()) return Status::InvalidArgument("--alertmanager: " + s.message());
  }
  for (const std::string& w : options_.webhooks) {
    std::string o, p;
    Status s = SplitUrl(w, &o, &p);
    if (!s.ok()) return Status::InvalidArgument("--webhook: " + s.message());
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void AlertSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlertSender::Send(std::vector<AlertNotice> notices) {
  if (notices.empty() || (options_.alertmanager_url.empty() && options_.webhooks.empty())) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (AlertNotice& n : notices) queue_.push_back(std::move(n));
    while (queue_.size() > options_.max_queue) {
      queue_.pop_front();
      ++dropped_;
    }
  }
  cv_.notify_all();
}

bool AlertSender::Deliver(const std::vector<AlertNotice>& batch) {
  nlohmann::json alerts = nlohmann::json::array();
  for (const AlertNotice& n : batch) alerts.push_back(ToJson(n));
  bool ok = true;
  std::string error;
  if (!am_origin_.empty() && !Post(am_origin_, am_prefix_ + "/api/v2/alerts", alerts.dump(), options_.timeout, &error))
    ok = false;
  nlohmann::json hook = {{"receiver", "slokit"}, {"alerts", alerts}};
  for (const std::string& w : options_.webhooks) {
    std::string origin, path;
    SplitUrl(w, &origin, &path);
    if (!Post(origin, path, hook.dump(), options_.timeout, &error)) ok = false;
  }
  if (!ok) fmt::print(stderr, "slokit serve: sending {} alert notice(s) failed: {}\n", batch.size(), error);
  return ok;
}

void AlertSender::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping with nothing left
    std::vector<AlertNotice> batch(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
    bool stopping = stop_;
    lock.unlock();
    DurationNs backoff = options_.first_backoff;
    bool ok = false;
    for (int attempt = 0; attempt < (stopping ? 1 : options_.max_attempts); ++attempt) {
      if ((ok = Deliver(batch))) break;
      ++failed_attempts_;
      lock.lock();
      bool stop = cv_.wait_for(lock, std::chrono::nanoseconds(backoff), [&] { return stop_; });
      lock.unlock();
      if (stop) break;
      backoff *= 2;
    }
    if (ok) {
      delivered_ += batch.size();
    } else {
      dropped_ += batch.size();
    }
    lock.lock();
    if (stop_ && queue_.empty()) return;
  }
}

}  // namespace slokit::server
