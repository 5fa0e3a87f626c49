#include "server/scraper.h"

#include <httplib.h>

#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "io/prometheus_text.h"
#include "server/alert_sender.h"

namespace slokit::server {
namespace {

TimeNs WallNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Scraper::Target {
  ScrapeTarget config;
  std::string origin, path;
  std::unique_ptr<ScrapeSli> sli;
  TimeNs due = 0;
};

std::string Scraper::TargetKey(const ScrapeTarget& target) { return target.name + "\n" + target.url; }

Status Scraper::Create(std::shared_ptr<const Spec> spec, DurationNs slot, Sink sink, const BaselineSource& baselines,
                       std::unique_ptr<Scraper>* out) {
  std::unique_ptr<Scraper> s(new Scraper());
  s->spec_ = std::move(spec);
  s->slot_ = slot;
  s->sink_ = std::move(sink);
  for (const ScrapeTarget& t : s->spec_->scrape) {
    auto target = std::make_unique<Target>();
    target->config = t;
    Status st = SplitUrl(t.url, &target->origin, &target->path);
    if (!st.ok()) return Status::InvalidArgument(fmt::format("{}:{}: scrape: {}", s->spec_->file, t.line, st.message()));
    ScrapeSliOptions so;
    so.skip_unmeasurable = true;  // SLOs fed by events only are fine; they are listed once below
    st = ScrapeSli::Create(*s->spec_, so, &target->sli);
    if (!st.ok()) return Status::InvalidArgument(fmt::format("scrape {}: {}", t.name, st.message()));
    for (const std::string& skipped : target->sli->skipped())
      std::cerr << fmt::format("slokit serve: scrape {}: not measured from scrapes: {}\n", t.name, skipped);
    if (std::string saved = baselines ? baselines(TargetKey(t)) : ""; !saved.empty()) {
      st = target->sli->RestoreBaseline(saved);
      if (!st.ok())  // the next scrape is a baseline again: the gap is lost, nothing is miscounted
        std::cerr << fmt::format("slokit serve: scrape {}: stored {}; starting afresh\n", t.name, st.message());
    }
    s->targets_.push_back(std::move(target));
  }
  *out = std::move(s);
  return Status::Ok();
}

Scraper::~Scraper() { Stop(); }

void Scraper::Start() {
  if (targets_.empty()) return;
  thread_ = std::thread([this] { Run(); });
}

void Scraper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t Scraper::failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failures_;
}

void Scraper::ScrapeOne(Target& t) {
  httplib::Client client(t.origin);
  auto secs = static_cast<time_t>(t.config.timeout / kSecond);
  client.set_connection_timeout(secs, 0);
  client.set_read_timeout(secs, 0);
  httplib::Headers headers = {{"Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"}};
  TimeNs at = WallNow();
  auto res = client.Get(t.path.empty() ? "/" : t.path.c_str(), headers);
  std::string error;
  if (!res) {
    error = httplib::to_string(res.error());
  } else if (res->status != 200) {
    error = fmt::format("HTTP {}", res->status);
  } else {
    promtext::Exposition exposition;
    Status s = promtext::ParseExposition(
        res->body, promtext::FormatFromContentType(res->get_header_value("Content-Type")), &exposition);
    if (!s.ok()) {
      error = s.message();
    } else {
      EvaluatorOptions eo;
      eo.slot = slot_;
      Evaluator counts(*spec_, eo);
      t.sli->Observe(at, exposition, &counts);
      sink_(counts, TargetKey(t.config), t.sli->SaveBaseline());
      return;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++failures_;
  std::cerr << fmt::format("slokit serve: scrape {}: {}\n", t.config.name, error);
}

void Scraper::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    TimeNs now = WallNow(), next = now + kMinute;
    for (auto& t : targets_) {
      if (t->due <= now) {
        lock.unlock();
        ScrapeOne(*t);
        lock.lock();
        if (stop_) return;
        t->due = now + t->config.interval;
      }
      next = std::min(next, t->due);
    }
    cv_.wait_for(lock, std::chrono::nanoseconds(std::max<DurationNs>(next - WallNow(), kMillisecond)), [&] { return stop_; });
  }
}

}  // namespace slokit::server
