// Simulator: seeded, deterministic synthetic request traces of an LLM inference service, for the
// README demo, tests and benchmarks. The same options always give the same bytes, on every
// platform: all randomness comes from generators and distributions in sim/random.h.
//
// Every scenario shares the same arrival process and the same per-request random draws; a
// scenario only changes what happens inside its own time window. Two traces with the same seed
// and different scenarios therefore differ only inside the windows that Timeline() reports.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "sim/random.h"

namespace slokit::sim {

enum class Scenario { kSteady, kIncident, kLatencyRegression, kSlowBurn, kQualityDrop, kCanary };

// "steady", "incident", "latency-regression", "slow-burn", "quality-drop", "canary".
std::optional<Scenario> ParseScenario(std::string_view name);
std::string_view ScenarioName(Scenario scenario);
// What the scenario does and when, relative to the trace length (for --help and the docs).
std::string_view DescribeScenario(Scenario scenario);
// Every scenario, in the order above.
const std::vector<Scenario>& AllScenarios();

// 2026-10-01T00:00:00Z, the default start of a trace.
inline constexpr TimeNs kDefaultStart = 1790812800LL * kSecond;

struct SimulateOptions {
  enum class Format { kJsonLines, kCsv };
  Scenario scenario = Scenario::kSteady;
  double days = 30;  // trace length; fractions allowed
  uint64_t seed = 1;
  double rate = 0.1;        // mean requests per second; a diurnal and weekly cycle modulates it
  uint64_t max_events = 0;  // 0 = no cap; otherwise stop after this many events
  TimeNs start = kDefaultStart;
  Format format = Format::kJsonLines;
};

// Checks the ranges of the options: 0 < days <= 3660, 0 < rate <= 1e7, the trace within 1970-2200.
Status ValidateOptions(const SimulateOptions& options);

// One request. Categorical fields view static strings. Optional fields (error_type,
// quality_score/hallucination, maintenance) are omitted from the output when absent.
struct Event {
  TimeNs ts = 0;                // arrival time, whole milliseconds
  uint64_t request_id = 0;      // printed as "req-" + 16 hex digits
  std::string_view model;       // llama-3-8b | llama-3-70b | mixtral-8x7b
  std::string_view deployment;  // stable | canary
  std::string_view region;      // us-east | eu-west | ap-south
  std::string_view language;    // en | es | de | ja | hi
  std::string_view tier;        // free | pro | enterprise
  std::string_view endpoint;    // /v1/chat/completions | /v1/completions
  int status = 200;             // HTTP status
  std::string_view error_type;  // empty (absent) when status < 400
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;  // 0 for errors, partial for 499
  // Milliseconds, rounded to 0.1. For requests that produced no token, ttft_ms is the time to
  // the error response and itl_ms is 0. e2e_ms = ttft_ms + itl_ms * completion_tokens + noise.
  double queue_ms = 0;
  double ttft_ms = 0;
  double itl_ms = 0;
  double e2e_ms = 0;
  bool cache_hit = false;
  bool has_quality = false;  // quality_score and hallucination present (sampled evaluation)
  double quality_score = 0;  // in [0, 1], rounded to 0.001
  bool hallucination = false;
  bool maintenance = false;  // present (as true) only inside the planned maintenance window
};

// A named time range in which something happens: the maintenance window and the windows of the
// scenario (e.g. "incident-burst"). Half-open [begin, end).
struct Window {
  std::string_view name;
  TimeNs begin = 0;
  TimeNs end = 0;
};
std::vector<Window> Timeline(const SimulateOptions& options);

// Generates events in time order (timestamps never decrease).
class Simulator {
 public:
  // `options` should pass ValidateOptions; out-of-range values are clamped.
  explicit Simulator(const SimulateOptions& options);

  // Fills *e with the next event; false at the end of the trace or after max_events events.
  bool Next(Event* e);
  // Fraction of the trace produced so far, in [0, 1] (by time, or by count under a cap).
  double Progress() const;

 private:
  bool NextArrival();
  double RateFactor(double offset_s);
  void Fill(Event* e);

  SimulateOptions options_;
  Xoshiro256 arrivals_;    // the arrival process, shared by every scenario
  uint64_t event_key_;     // seeds the per-event streams, one per event index
  double duration_s_ = 0;  // trace length in seconds
  // The UTC day that RateFactor last looked at: its offset from the start (negative for the
  // first day unless the trace starts at midnight) and its weekday factor.
  int64_t day_ = 0;  // days since the epoch
  double day_begin_s_ = 0;
  double day_factor_ = 1;
  double offset_s_ = 0;  // arrival of the current event, seconds after the start
  double load_ = 1;      // request rate at offset_s_ relative to the mean rate
  uint64_t index_ = 0;   // events produced so far
  bool done_ = false;
  // Windows, as in Timeline(); an empty range when the scenario has none.
  TimeNs maintenance_begin_ = 0, maintenance_end_ = 0;
  TimeNs onset_ = 0;                     // start of the scenario's effect
  TimeNs burst_end_ = 0, tail_end_ = 0;  // incident only
};

// Formatting, one event at a time; the hot path of WriteTrace.
class EventFormatter {
 public:
  // Upper bound on the bytes one formatted event takes, including the newline.
  static constexpr size_t kMaxEventBytes = 1024;

  explicit EventFormatter(SimulateOptions::Format format) : format_(format) {}
  // The CSV header line (with newline), or "" for JSON lines.
  std::string_view Header() const;
  // Writes one line (with newline) at `out`, which must have kMaxEventBytes free; returns the
  // end of what was written.
  char* Append(const Event& e, char* out);
  std::string Format(const Event& e);

 private:
  char* AppendTimestamp(TimeNs ts, char* out);

  SimulateOptions::Format format_;
  int64_t cached_day_ = INT64_MIN;
  char date_[11] = {};  // "YYYY-MM-DDT" of cached_day_
};

struct TraceStats {
  uint64_t events = 0;
  uint64_t bytes = 0;       // uncompressed bytes of the trace
  uint64_t file_bytes = 0;  // bytes written to the output (compressed size for .gz)
};
// Called every few thousand events with Simulator::Progress() and the events so far.
using ProgressFn = std::function<void(double fraction, uint64_t events)>;

// Writes the trace to `path`: "-" is stdout, a ".gz" suffix gzip-compresses.
Status WriteTrace(const SimulateOptions& options, const std::string& path,
                  uint64_t* events_written);
Status WriteTrace(const SimulateOptions& options, const std::string& path, TraceStats* stats,
                  const ProgressFn& progress);

}  // namespace slokit::sim
