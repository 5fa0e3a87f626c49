#include "sim/openmetrics_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

namespace slokit::sim {
namespace {

// The library's default buckets (include/slokit/metrics/inference.h, InferenceBuckets), in
// seconds; the Prometheus bindings of examples/chat-service.yaml rely on them.
const std::vector<double> kTtftBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
const std::vector<double> kItlBuckets = {0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03,
                                         0.04,  0.05,   0.075, 0.1,    0.25, 0.5,   1};
constexpr double kGoodE2eMs = 30000;      // the example's InferenceMetrics objective
constexpr double kQualityPass = 0.7;      // an evaluation's quality_score pass mark

// Per-interval increments of one counter series, by interval index.
struct Counter {
  std::vector<double> inc;
};

// Per-interval increments of one histogram series: bucket counts (not cumulative; the last is
// above every bound), and the sum of observations.
struct Histogram {
  std::vector<uint32_t> buckets;  // intervals x (bounds + 1)
  std::vector<double> sum;
};

// A bound as OpenMetrics writes it canonically: integral values with ".0".
std::string FormatLe(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

class Collector {
 public:
  Collector(TimeNs first, size_t intervals, DurationNs interval)
      : first_(first), intervals_(intervals), interval_(interval) {}

  size_t Index(TimeNs t) const {
    int64_t i = FloorDiv(t - first_, interval_);
    return static_cast<size_t>(std::clamp<int64_t>(i, 0, static_cast<int64_t>(intervals_) - 1));
  }
  void Count(const std::string& family, const std::string& labels, size_t i, double n = 1) {
    Counter& c = counters_[family][labels];
    if (c.inc.empty()) c.inc.resize(intervals_);
    c.inc[i] += n;
  }
  // `value_ms` is compared with each bound in milliseconds, as the SLI's threshold is written
  // (ttft_ms <= 2500), so a value equal to a bound lands in that bound's bucket.
  void Observe(const std::string& family, const std::vector<double>& bounds,
               const std::string& labels, size_t i, double value_ms) {
    Histogram& h = histograms_[family][labels];
    if (h.sum.empty()) {
      h.buckets.resize(intervals_ * (bounds.size() + 1));
      h.sum.resize(intervals_);
    }
    size_t b = 0;
    while (b < bounds.size() && value_ms > std::round(bounds[b] * 1e6) / 1e3) ++b;
    ++h.buckets[i * (bounds.size() + 1) + b];
    h.sum[i] += value_ms / 1e3;
  }

  // Writes every family, each series' samples in time order, then "# EOF".
  Status Write(std::FILE* out, const std::map<std::string, const std::vector<double>*>& bounds,
               uint64_t* bytes) const {
    std::string buf;
    auto flush = [&](bool force) -> bool {
      if (!force && buf.size() < (1 << 20)) return true;
      *bytes += buf.size();
      bool ok = std::fwrite(buf.data(), 1, buf.size(), out) == buf.size();
      buf.clear();
      return ok;
    };
    auto stamp = [&](size_t k) { return (first_ + static_cast<int64_t>(k) * interval_) / kSecond; };
    for (const auto& [family, series] : counters_) {
      fmt::format_to(std::back_inserter(buf), "# TYPE {} counter\n", family);
      for (const auto& [labels, c] : series) {
        double total = 0;
        for (size_t k = 0; k <= intervals_; ++k) {
          if (k > 0) total += c.inc[k - 1];
          fmt::format_to(std::back_inserter(buf), "{}_total{} {} {}\n", family, labels, total,
                         stamp(k));
          if (!flush(false)) return Status::IoError(std::strerror(errno));
        }
      }
    }
    for (const auto& [family, series] : histograms_) {
      const std::vector<double>& bs = *bounds.at(family);
      fmt::format_to(std::back_inserter(buf), "# TYPE {} histogram\n", family);
      for (const auto& [labels, h] : series) {
        std::vector<uint64_t> cumulative(bs.size() + 1, 0);
        double sum = 0;
        // The labels without their closing brace, to append le.
        std::string open = labels.empty() ? "{" : labels.substr(0, labels.size() - 1) + ",";
        for (size_t k = 0; k <= intervals_; ++k) {
          if (k > 0) {
            for (size_t b = 0; b <= bs.size(); ++b)
              cumulative[b] += h.buckets[(k - 1) * (bs.size() + 1) + b];
            sum += h.sum[k - 1];
          }
          uint64_t running = 0;
          for (size_t b = 0; b <= bs.size(); ++b) {
            running += cumulative[b];
            fmt::format_to(std::back_inserter(buf), "{}_bucket{}le=\"{}\"}} {} {}\n", family, open,
                           b < bs.size() ? FormatLe(bs[b]) : "+Inf", running, stamp(k));
          }
          fmt::format_to(std::back_inserter(buf), "{}_count{} {} {}\n", family, labels, running,
                         stamp(k));
          fmt::format_to(std::back_inserter(buf), "{}_sum{} {} {}\n", family, labels, sum,
                         stamp(k));
          if (!flush(false)) return Status::IoError(std::strerror(errno));
        }
      }
    }
    buf += "# EOF\n";
    if (!flush(true)) return Status::IoError(std::strerror(errno));
    return Status::Ok();
  }

 private:
  TimeNs first_;
  size_t intervals_;
  DurationNs interval_;
  std::map<std::string, std::map<std::string, Counter>> counters_;
  std::map<std::string, std::map<std::string, Histogram>> histograms_;
};

std::string StatusLabel(int status) {
  if (status == 200) return "ok";
  if (status == 499) return "cancelled";
  return "error";
}

}  // namespace

Status WriteOpenMetrics(const SimulateOptions& options, const OpenMetricsOptions& om,
                        const std::string& path, TraceStats* stats) {
  if (om.interval < kSecond || om.interval % kSecond != 0)
    return Status::InvalidArgument("the OpenMetrics interval must be a whole number of seconds");
  const TimeNs end = options.start + static_cast<TimeNs>(std::ceil(options.days * kDay));
  const TimeNs first = FloorDiv(options.start, om.interval) * om.interval;
  const TimeNs last = (FloorDiv(end - 1, om.interval) + 1) * om.interval;
  const auto intervals = static_cast<size_t>((last - first) / om.interval);
  // Counts are held per interval for every series: refuse what would not fit comfortably.
  if (intervals > 2'000'000)
    return Status::InvalidArgument(fmt::format(
        "{} intervals of {}: too many to hold in memory; use a longer --interval or fewer --days",
        intervals, FormatDuration(om.interval)));

  Collector c(first, intervals, om.interval);
  Simulator sim(options);
  Event e;
  uint64_t events = 0;
  while (sim.Next(&e)) {
    ++events;
    size_t i = c.Index(e.ts);
    std::string model = fmt::format("{{model=\"{}\"}}", e.model);
    std::string status = StatusLabel(e.status);
    c.Count("gen_ai_server_requests",
            fmt::format("{{model=\"{}\",status=\"{}\"}}", e.model, status), i);
    if (status == "ok") {
      if (e.e2e_ms <= kGoodE2eMs) c.Count("gen_ai_server_requests_good", model, i);
      c.Observe("gen_ai_server_time_to_first_token_seconds", kTtftBuckets, model, i, e.ttft_ms);
      if (e.completion_tokens > 1)
        c.Observe("gen_ai_server_inter_token_latency_seconds", kItlBuckets, model, i, e.itl_ms);
      c.Count("gen_ai_server_tokens",
              fmt::format("{{model=\"{}\",token_type=\"input\"}}", e.model), i,
              static_cast<double>(e.prompt_tokens));
      c.Count("gen_ai_server_tokens",
              fmt::format("{{model=\"{}\",token_type=\"output\"}}", e.model), i,
              static_cast<double>(e.completion_tokens));
    }
    if (e.has_quality) {
      c.Count("gen_ai_evaluation_results",
              fmt::format("{{check=\"quality_score\",language=\"{}\",result=\"{}\"}}", e.language,
                          e.quality_score >= kQualityPass ? "pass" : "fail"),
              i);
      c.Count("gen_ai_evaluation_results",
              fmt::format("{{check=\"hallucination\",language=\"{}\",result=\"{}\"}}", e.language,
                          e.hallucination ? "fail" : "pass"),
              i);
    }
  }

  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, std::fclose);
  if (path != "-") {
    file.reset(std::fopen(path.c_str(), "wb"));
    if (!file) return Status::IoError(fmt::format("{}: {}", path, std::strerror(errno)));
    out = file.get();
  }
  uint64_t bytes = 0;
  Status s = c.Write(out,
                     {{"gen_ai_server_time_to_first_token_seconds", &kTtftBuckets},
                      {"gen_ai_server_inter_token_latency_seconds", &kItlBuckets}},
                     &bytes);
  if (!s.ok()) return Status::IoError(fmt::format("{}: {}", path, s.message()));
  if (std::fflush(out) != 0) return Status::IoError(fmt::format("{}: {}", path, std::strerror(errno)));
  if (file && std::fclose(file.release()) != 0)
    return Status::IoError(fmt::format("{}: {}", path, std::strerror(errno)));
  if (stats) {
    stats->events = events;
    stats->bytes = stats->file_bytes = bytes;
  }
  return Status::Ok();
}

}  // namespace slokit::sim
