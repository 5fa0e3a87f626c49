// The request model: arrivals, traffic mix, token counts, latencies, errors, quality, and the
// scenario windows that change them. Formatting and output live in trace_writer.cc.
#include "sim/simulator.h"

#include <algorithm>
#include <cmath>

namespace slokit::sim {
namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

struct ScenarioInfo {
  Scenario scenario;
  std::string_view name;
  std::string_view description;
};

constexpr ScenarioInfo kScenarios[] = {
    {Scenario::kSteady, "steady",
     "baseline traffic only (~0.05% 5xx, ~1.1% 4xx/499), plus the planned 30-minute maintenance "
     "window (02:00 UTC on the day 30% into the trace; ~90% 503, maintenance=true)"},
    {Scenario::kIncident, "incident",
     "at 14:00 UTC on the day 2/3 into the trace, a 45-minute outage (~25% 5xx, mostly "
     "cuda_error/oom, TTFT x2), then 2 hours of recovery at ~2% 5xx"},
    {Scenario::kLatencyRegression, "latency-regression",
     "from 60% of the trace on, TTFT and ITL x1.7 for model llama-3-70b"},
    {Scenario::kSlowBurn, "slow-burn",
     "from 50% of the trace on, 0.4% 5xx (about 4x the budget of a 99.9% SLO)"},
    {Scenario::kQualityDrop, "quality-drop",
     "from 50% of the trace on, for language ja only: quality_score mean ~0.6 (from ~0.86) and "
     "hallucination rate ~12% (from ~1.5%)"},
    {Scenario::kCanary, "canary",
     "from 70% of the trace on, 10% of requests go to deployment canary, which has TTFT x1.3 and "
     "1% 5xx"},
};

// Arrivals: the diurnal cycle peaks at 15:00 UTC (1.6x) and bottoms at 03:00 UTC (0.4x);
// weekends carry 15% less traffic. The weekday/weekend factors keep the weekly mean at 1.
constexpr double kDiurnalAmplitude = 0.6;
constexpr double kPeakSecondOfDay = 15 * 3600;
constexpr double kWeekdayFactor = 7.0 / 6.7;
constexpr double kWeekendFactor = 0.85 * kWeekdayFactor;

// Per-model service profile. TTFT = queue + (overhead + prefill per token * uncached prompt
// tokens) * lognormal noise, with a Pareto tail; ITL is lognormal around its median and grows a
// little with load. Spreads and tails are calibrated so that a steady trace meets every SLO of
// examples/chat-service.yaml (e.g. p95 TTFT under 1.5 s in 5-minute slices, e2e under 30 s) and
// each scenario breaks the ones it is about.
struct ModelProfile {
  std::string_view name;
  double cumulative_share;
  double prompt_median;
  double overhead_ms;
  double prefill_ms_per_token;
  double itl_median_ms;
  double queue_mean_ms;  // at mean load; scales with load^2
};
constexpr ModelProfile kModels[] = {
    {"llama-3-8b", 0.60, 560, 110, 0.26, 24.5, 18},
    {"llama-3-70b", 0.90, 680, 300, 0.42, 44, 45},
    {"mixtral-8x7b", 1.00, 620, 170, 0.32, 32, 30},
};
constexpr int kLlama70b = 1;

struct Choice {
  std::string_view name;
  double cumulative;
};
constexpr Choice kRegions[] = {{"us-east", 0.45}, {"eu-west", 0.75}, {"ap-south", 1.0}};
constexpr Choice kLanguages[] = {
    {"en", 0.70}, {"es", 0.80}, {"de", 0.88}, {"ja", 0.95}, {"hi", 1.0}};
constexpr Choice kTiers[] = {{"free", 0.5}, {"pro", 0.9}, {"enterprise", 1.0}};
constexpr Choice kEndpoints[] = {{"/v1/chat/completions", 0.85}, {"/v1/completions", 1.0}};
// 429 rate by tier (free, pro, enterprise): 0.3% overall.
constexpr double kRateLimited[] = {0.0048, 0.0015, 0.0003};

template <size_t N>
size_t Pick(const Choice (&choices)[N], double u) {
  for (size_t i = 0; i + 1 < N; ++i) {
    if (u < choices[i].cumulative) return i;
  }
  return N - 1;
}

// Baseline status probabilities. 5xx take the bottom of the status uniform and client-side
// errors the top, so raising the 5xx rate in a scenario only turns successes into failures.
constexpr double kBase5xx = 0.0005;
constexpr double k400 = 0.002;
constexpr double k401or403 = 0.001;
constexpr double k499 = 0.005;
constexpr double kMaintenance503 = 0.9;
constexpr double kQualitySampleRate = 0.2;
constexpr double kCacheHitRate = 0.35;
constexpr double kCanaryShare = 0.10;

// Diurnal factor at each minute of the UTC day (1441 entries, the last one = the first).
const double* DiurnalTable() {
  static const std::vector<double> table = [] {
    std::vector<double> t(1441);
    for (size_t i = 0; i < t.size(); ++i) {
      const double second = static_cast<double>(i) * 60;
      t[i] = 1 + kDiurnalAmplitude * DetCos(2 * kPi * (second - kPeakSecondOfDay) / 86400);
    }
    return t;
  }();
  return table.data();
}

double WeekdayFactor(int64_t day) {
  const int64_t weekday = ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; 0 = Monday
  return weekday >= 5 ? kWeekendFactor : kWeekdayFactor;
}

double Round1(double x) { return static_cast<double>(RoundToInt(x * 10)) / 10; }

TimeNs TraceLength(const SimulateOptions& o) {
  return static_cast<TimeNs>(std::llround(o.days * static_cast<double>(kDay)));
}

// The instant `fraction` of the way through the trace, on a whole minute after the start.
TimeNs At(const SimulateOptions& o, double fraction) {
  double minutes = fraction * static_cast<double>(TraceLength(o)) / static_cast<double>(kMinute);
  return o.start + std::llround(minutes) * kMinute;
}

SimulateOptions Clamped(SimulateOptions o) {
  if (!(o.days > 0)) o.days = 1.0 / 1440;
  o.days = std::min(o.days, 3660.0);
  if (!(o.rate > 0)) o.rate = 1e-6;
  o.rate = std::min(o.rate, 1e7);
  return o;
}

// The random draws of one request: always all of them, in this order, from the request's own
// stream, whatever the scenario, so that scenarios change only what their windows touch.
struct Draws {
  double model, region, language, tier, endpoint, canary, cache, status, kind, extra, queue,
      queue_tail, ttft_tail, sample, hallucination, prompt, completion, ttft, itl, e2e, quality;
  uint64_t request_id;
};

Draws Draw(uint64_t seed) {
  SplitMix64 r(seed);
  auto pair = [&r](double* high, double* low) {  // two 32-bit uniforms per 64-bit draw
    const uint64_t bits = r.Next();
    *high = HighUnit(bits);
    *low = LowUnit(bits);
  };
  Draws d;
  pair(&d.model, &d.region);
  pair(&d.language, &d.tier);
  pair(&d.endpoint, &d.canary);
  pair(&d.cache, &d.status);
  pair(&d.kind, &d.extra);
  pair(&d.queue, &d.queue_tail);
  pair(&d.ttft_tail, &d.sample);
  pair(&d.hallucination, &d.prompt);
  pair(&d.completion, &d.ttft);
  pair(&d.itl, &d.e2e);
  d.quality = HighUnit(r.Next());
  d.request_id = r.Next();
  return d;
}

// What the scenario and the maintenance window do to one request.
struct Effects {
  bool maintenance = false;
  bool burst = false;     // incident: the outage
  bool recovery = false;  // incident: the 2 hours after it
  bool canary = false;    // served by the canary deployment
  bool slow_burn = false;
};

struct Latency {
  double queue = 0, ttft = 0, itl = 0;
};

// Decides status and error type (into *e) and fits the latencies to the outcome; returns the
// completion tokens actually produced.
int64_t ApplyOutcome(const Draws& d, const Effects& fx, size_t tier, int64_t completion,
                     Latency* lat, Event* e) {
  double p5xx = kBase5xx;
  if (fx.slow_burn) p5xx = 0.004;
  if (fx.canary) p5xx = 0.01;
  if (fx.burst) p5xx = 0.25;
  if (fx.recovery) p5xx = 0.02;
  if (fx.maintenance) p5xx = kMaintenance503;
  e->error_type = {};
  if (d.status < p5xx) {
    lat->itl = 0;
    if (fx.maintenance) {
      e->status = 503;
      e->error_type = "timeout";
      lat->queue = 0;
      lat->ttft = Lognormal(4, 0.5, NormalQuantile(d.ttft));
      return 0;
    }
    // Outages fail mostly on the GPU; background errors are more often timeouts.
    const bool outage = fx.burst || fx.recovery;
    const double cuda = outage ? 0.6 : 0.35, oom = outage ? 0.3 : 0.25;
    if (d.kind < cuda + oom) {
      e->status = 500;
      e->error_type = d.kind < cuda ? "cuda_error" : "oom";
      lat->ttft = lat->queue + (lat->ttft - lat->queue) * (0.2 + 0.8 * d.extra);  // part-way
    } else {
      e->status = 503;
      e->error_type = "timeout";
      lat->ttft = 30000 + 500 * d.extra;  // the gateway's 30 s timeout
    }
    return 0;
  }
  const double top = 1 - d.status;  // client-side outcomes come from the top of the uniform
  if (top >= k400 + k401or403 + k499 + kRateLimited[tier]) {
    e->status = 200;
    return completion;
  }
  if (top < k499) {
    e->status = 499;
    e->error_type = "cancelled";
    return static_cast<int64_t>(static_cast<double>(completion) * d.extra);  // partial output
  }
  // Rejected before reaching a model: fast, no queueing, no tokens.
  lat->queue = 0;
  lat->itl = 0;
  lat->ttft = Lognormal(8, 0.5, NormalQuantile(d.ttft));
  if (top < k499 + k400) {
    e->status = 400;
    e->error_type = "invalid_request";
  } else if (top < k499 + k400 + k401or403) {
    e->status = d.kind < 0.6 ? 401 : 403;
    e->error_type = "unauthorized";
  } else {
    e->status = 429;
    e->error_type = "rate_limited";
  }
  return 0;
}

}  // namespace

std::optional<Scenario> ParseScenario(std::string_view name) {
  for (const auto& info : kScenarios) {
    if (info.name == name) return info.scenario;
  }
  return std::nullopt;
}

std::string_view ScenarioName(Scenario scenario) {
  return kScenarios[static_cast<int>(scenario)].name;
}

std::string_view DescribeScenario(Scenario scenario) {
  return kScenarios[static_cast<int>(scenario)].description;
}

const std::vector<Scenario>& AllScenarios() {
  static const std::vector<Scenario> all = {
      Scenario::kSteady,   Scenario::kIncident,    Scenario::kLatencyRegression,
      Scenario::kSlowBurn, Scenario::kQualityDrop, Scenario::kCanary};
  return all;
}

Status ValidateOptions(const SimulateOptions& o) {
  if (!(o.days > 0) || o.days > 3660) {
    return Status::InvalidArgument("--days must be in (0, 3660]");
  }
  if (!(o.rate > 0) || o.rate > 1e7) {
    return Status::InvalidArgument("--rate must be in (0, 10000000] requests per second");
  }
  // Nanosecond TimeNs reaches 2262; stay well inside it.
  constexpr TimeNs kYear2200 = 7258118400LL * kSecond;
  if (o.start < 0 || o.start >= kYear2200 - TraceLength(o)) {
    return Status::InvalidArgument("--start must be between 1970 and 2200");
  }
  return Status::Ok();
}

std::vector<Window> Timeline(const SimulateOptions& options) {
  const SimulateOptions o = Clamped(options);
  const TimeNs end = o.start + TraceLength(o);
  std::vector<Window> windows;
  // Maintenance: 02:00-02:30 UTC on the day 30% into the trace (day 10 of 30).
  TimeNs m = FloorDiv(o.start, kDay) * kDay + static_cast<int64_t>(o.days * 0.3) * kDay + 2 * kHour;
  if (m < o.start) m += kDay;
  if (m < end) windows.push_back({"maintenance", m, m + 30 * kMinute});
  switch (o.scenario) {
    case Scenario::kSteady:
      break;
    case Scenario::kIncident: {
      // 14:00 UTC, near the daily peak, on the day 2/3 into the trace; exactly 2/3 into the
      // trace when the trace is too short for that.
      TimeNs burst = FloorDiv(At(o, 2.0 / 3), kDay) * kDay + 14 * kHour;
      if (burst < o.start || burst + 165 * kMinute > end) burst = At(o, 2.0 / 3);
      windows.push_back({"incident-burst", burst, burst + 45 * kMinute});
      windows.push_back({"incident-recovery", burst + 45 * kMinute, burst + 165 * kMinute});
      break;
    }
    case Scenario::kLatencyRegression:
      windows.push_back({"latency-regression", At(o, 0.6), end});
      break;
    case Scenario::kSlowBurn:
      windows.push_back({"slow-burn", At(o, 0.5), end});
      break;
    case Scenario::kQualityDrop:
      windows.push_back({"quality-drop", At(o, 0.5), end});
      break;
    case Scenario::kCanary:
      windows.push_back({"canary", At(o, 0.7), end});
      break;
  }
  return windows;
}

Simulator::Simulator(const SimulateOptions& options)
    : options_(Clamped(options)),
      arrivals_(Mix64(options.seed ^ 0x61727269766c7321ULL)),
      event_key_(Mix64(options.seed ^ 0x6576656e74732121ULL)) {
  duration_s_ = static_cast<double>(TraceLength(options_)) / kSecond;
  day_ = FloorDiv(options_.start, kDay);
  day_begin_s_ = -static_cast<double>(options_.start - day_ * kDay) / kSecond;
  day_factor_ = WeekdayFactor(day_);
  const TimeNs end = options_.start + TraceLength(options_);
  onset_ = end;
  burst_end_ = tail_end_ = end;
  maintenance_begin_ = maintenance_end_ = end;
  for (const Window& w : Timeline(options_)) {
    if (w.name == "maintenance") {
      maintenance_begin_ = w.begin;
      maintenance_end_ = w.end;
    } else if (w.name == "incident-burst") {
      onset_ = w.begin;
      burst_end_ = w.end;
    } else if (w.name == "incident-recovery") {
      tail_end_ = w.end;
    } else {
      onset_ = w.begin;
    }
  }
}

double Simulator::RateFactor(double offset_s) {
  while (offset_s >= day_begin_s_ + 86400) {
    ++day_;
    day_begin_s_ += 86400;
    day_factor_ = WeekdayFactor(day_);
  }
  // Linear interpolation in a per-minute table: within 1e-6 of the cosine, and much cheaper.
  const double minute = (offset_s - day_begin_s_) * (1.0 / 60);
  const auto i = std::min<size_t>(static_cast<size_t>(minute), 1439);
  const double* table = DiurnalTable();
  return (table[i] + (table[i + 1] - table[i]) * (minute - static_cast<double>(i))) * day_factor_;
}

// A non-homogeneous Poisson process by thinning: candidates at the peak rate, each kept with
// probability rate(t) / peak rate.
bool Simulator::NextArrival() {
  const double peak = (1 + kDiurnalAmplitude) * kWeekdayFactor;
  const double mean_gap_s = 1 / (options_.rate * peak);
  while (true) {
    offset_s_ += StdExponential(arrivals_.Uniform()) * mean_gap_s;
    if (offset_s_ >= duration_s_) return false;
    const double factor = RateFactor(offset_s_);
    if (arrivals_.Uniform() * peak < factor) {
      load_ = factor;
      return true;
    }
  }
}

bool Simulator::Next(Event* e) {
  if (done_ || (options_.max_events != 0 && index_ >= options_.max_events) || !NextArrival()) {
    done_ = true;
    return false;
  }
  Fill(e);
  ++index_;
  return true;
}

double Simulator::Progress() const {
  if (done_) return 1;
  double p = offset_s_ / duration_s_;
  if (options_.max_events != 0) {
    p = std::max(p, static_cast<double>(index_) / static_cast<double>(options_.max_events));
  }
  return std::min(p, 1.0);
}

void Simulator::Fill(Event* e) {
  const TimeNs exact = options_.start + RoundToInt(offset_s_ * 1e9);
  const TimeNs ts = FloorDiv(exact, kMillisecond) * kMillisecond;
  e->ts = ts;
  const Draws d = Draw(Mix64(event_key_ ^ (index_ * kGolden)));
  e->request_id = d.request_id;

  size_t model = 0;
  while (model + 1 < std::size(kModels) && d.model >= kModels[model].cumulative_share) ++model;
  const ModelProfile& profile = kModels[model];
  e->model = profile.name;
  e->region = kRegions[Pick(kRegions, d.region)].name;
  e->language = kLanguages[Pick(kLanguages, d.language)].name;
  const size_t tier = Pick(kTiers, d.tier);
  e->tier = kTiers[tier].name;
  e->endpoint = kEndpoints[Pick(kEndpoints, d.endpoint)].name;

  const Scenario scenario = options_.scenario;
  const bool after_onset = ts >= onset_;
  Effects fx;
  fx.maintenance = ts >= maintenance_begin_ && ts < maintenance_end_;
  fx.burst = scenario == Scenario::kIncident && after_onset && ts < burst_end_;
  fx.recovery = scenario == Scenario::kIncident && ts >= burst_end_ && ts < tail_end_;
  fx.canary = scenario == Scenario::kCanary && after_onset && d.canary < kCanaryShare;
  fx.slow_burn = scenario == Scenario::kSlowBurn && after_onset;
  e->deployment = fx.canary ? "canary" : "stable";
  e->maintenance = fx.maintenance;

  // Tokens.
  e->prompt_tokens = std::clamp<int64_t>(
      RoundToInt(Lognormal(profile.prompt_median, 0.5, NormalQuantile(d.prompt))), 4, 32000);
  const int64_t completion =
      std::clamp<int64_t>(RoundToInt(Lognormal(220, 0.45, NormalQuantile(d.completion))), 1, 4096);
  e->cache_hit = d.cache < kCacheHitRate;

  // Latencies of a request that is served.
  Latency lat;
  lat.queue = profile.queue_mean_ms * load_ * load_ * StdExponential(d.queue);
  if (d.queue_tail < 0.005) lat.queue *= 3 + 7 * (d.queue_tail / 0.005);
  lat.queue = std::min(lat.queue, 20000.0);  // the gateway sheds requests queued over 20 s
  const double uncached = e->cache_hit ? 0.3 : 1.0;
  const double prefill =
      profile.prefill_ms_per_token * static_cast<double>(e->prompt_tokens) * uncached;
  double service = (profile.overhead_ms + prefill) * DetExp(0.2 * NormalQuantile(d.ttft));
  if (d.ttft_tail < 0.01) service *= std::min(ParetoFactor(2.5, d.ttft_tail / 0.01), 6.0);
  lat.ttft = lat.queue + service;
  lat.itl = profile.itl_median_ms * DetExp(0.2 * NormalQuantile(d.itl)) * (0.85 + 0.15 * load_);
  if (fx.burst) lat.ttft *= 2;
  if (scenario == Scenario::kLatencyRegression && after_onset && model == kLlama70b) {
    lat.ttft *= 1.7;
    lat.itl *= 1.7;
  }
  if (fx.canary) lat.ttft *= 1.3;

  const int64_t tokens = ApplyOutcome(d, fx, tier, completion, &lat, e);
  e->completion_tokens = tokens;
  e->queue_ms = Round1(lat.queue);
  e->ttft_ms = Round1(std::min(lat.ttft, 600000.0));
  e->itl_ms = Round1(lat.itl);
  const double noise = tokens > 0 ? 2 * std::fabs(NormalQuantile(d.e2e)) : 0;
  e->e2e_ms = Round1(e->ttft_ms + e->itl_ms * static_cast<double>(tokens) + noise);

  // Sampled quality evaluation of successful responses.
  e->has_quality = e->status == 200 && d.sample < kQualitySampleRate;
  e->quality_score = 0;
  e->hallucination = false;
  if (e->has_quality) {
    const bool dropped = scenario == Scenario::kQualityDrop && after_onset && e->language == "ja";
    const double z = NormalQuantile(d.quality);
    double q = Logistic(dropped ? 0.68 + 1.0 * z : 2.0 + 0.5 * z);
    e->hallucination = d.hallucination < (dropped ? 0.12 : 0.015);
    if (e->hallucination) q *= 0.5;
    e->quality_score = static_cast<double>(RoundToInt(q * 1000)) / 1000;
  }
}

}  // namespace slokit::sim
