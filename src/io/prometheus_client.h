// PrometheusClient: a small client of the Prometheus HTTP query API (/api/v1/query_range and
// /api/v1/query), which Prometheus, Thanos Query, Grafana Mimir and VictoriaMetrics all serve.
// It sends queries as form-encoded POSTs (long PromQL does not fit in a URL), with bearer-token
// or basic auth and extra headers (Mimir's X-Scope-OrgID), retries with exponential back-off on
// connection errors, 429 and 5xx, and turns every failure into a Status naming the query, the
// HTTP status and Prometheus' own errorType/error.
//
// Thread safety: a client holds no state between calls besides its options; one client may be
// used by one thread at a time (each call opens its own connection).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace slokit::io {

struct PrometheusClientOptions {
  // Base URL: scheme, host, optional port and path prefix, e.g. http://127.0.0.1:9090 or
  // https://mimir.example.com/prometheus (the API paths are appended to the prefix).
  std::string url;
  std::string bearer_token;  // sent as "Authorization: Bearer ..." when not empty
  std::string basic_user;    // basic auth when not empty
  std::string basic_password;
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  DurationNs timeout = 30 * kSecond;  // connect, read and write timeout of one attempt
  int retries = 3;                    // further attempts after a retryable failure
  DurationNs backoff = 500 * kMillisecond;  // first wait; doubles every retry, capped at 10 s
};

struct PromSample {
  TimeNs t = 0;
  double v = 0;
};

// One series of a result: its labels (sorted by name, __name__ included when present) and its
// samples in time order (one for an instant query).
struct PromSeries {
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<PromSample> samples;
  // The value of label `name`, or "" when absent.
  const std::string& Label(std::string_view name) const;
};

// Parses a query API response body: {"status":"success","data":{"resultType":"matrix"|"vector"|
// "scalar",...}} into series, or {"status":"error","errorType":...,"error":...} into an error.
// Values may be numbers written as strings, "NaN", "+Inf" or "-Inf". Native histograms are
// rejected (the SLIs read classic histograms). Parses untrusted input: never throws.
Status ParseQueryResponse(std::string_view body, std::vector<PromSeries>* out,
                          std::vector<std::string>* warnings = nullptr);

// Splits a base URL into "scheme://host:port" and a path prefix without a trailing '/'.
Status SplitBaseUrl(const std::string& url, std::string* scheme_host_port, std::string* prefix);

// Formats an instant as the API expects: Unix seconds with millisecond precision.
std::string FormatApiTime(TimeNs t);

class PrometheusClient {
 public:
  explicit PrometheusClient(PrometheusClientOptions options);

  // Checks the URL; call once before querying (the queries report it too).
  Status Validate() const;
  // /api/v1/query_range over [start, end] at `step`. Prometheus refuses more than 11 000 points
  // per series: split longer ranges (see prometheus_source.h).
  Status QueryRange(const std::string& query, TimeNs start, TimeNs end, DurationNs step,
                    std::vector<PromSeries>* out);
  // /api/v1/query at instant `at`.
  Status Query(const std::string& query, TimeNs at, std::vector<PromSeries>* out);

  const PrometheusClientOptions& options() const { return options_; }
  // Requests sent so far, retries included.
  int requests() const { return requests_; }
  // Warnings the server attached to its answers (e.g. a partial response from Thanos).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  Status Post(const std::string& path, const std::vector<std::pair<std::string, std::string>>& form,
              const std::string& query, std::vector<PromSeries>* out);

  PrometheusClientOptions options_;
  int requests_ = 0;
  std::vector<std::string> warnings_;
};

}  // namespace slokit::io
