#include "io/prometheus_client.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

namespace slokit::io {
namespace {

using json = nlohmann::json;

// A query shortened for messages: PromQL of generated rules spans lines.
std::string Short(const std::string& query) {
  std::string one;
  bool space = false;
  for (char c : query) {
    bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (ws) {
      space = !one.empty();
      continue;
    }
    if (space) one += ' ';
    space = false;
    one += c;
  }
  if (one.size() > 160) one = one.substr(0, 157) + "...";
  return one;
}

bool ParseValue(const json& v, double* out) {
  if (v.is_number()) {
    *out = v.get<double>();
    return true;
  }
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 64) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// [<unix seconds>, "<value>"]
bool ParsePoint(const json& p, PromSample* out) {
  if (!p.is_array() || p.size() != 2 || !p[0].is_number()) return false;
  double t = p[0].get<double>();
  if (!std::isfinite(t) || std::fabs(t) > 1e11) return false;  // beyond year 5000
  out->t = std::llround(t * 1e3) * kMillisecond;
  return ParseValue(p[1], &out->v);
}

bool ParseMetric(const json& m, PromSeries* out) {
  if (!m.is_object()) return false;
  for (const auto& [name, value] : m.items()) {
    if (!value.is_string()) return false;
    out->labels.emplace_back(name, value.get<std::string>());
  }
  std::sort(out->labels.begin(), out->labels.end());
  return true;
}

Status Malformed(const std::string& what) {
  return Status::ParseError("malformed response from the query API: " + what);
}

Status ParseData(const json& data, std::vector<PromSeries>* out) {
  if (!data.is_object() || !data.contains("resultType") || !data["resultType"].is_string() ||
      !data.contains("result"))
    return Malformed("no data.resultType or data.result");
  const std::string& type = data["resultType"].get_ref<const std::string&>();
  const json& result = data["result"];
  if (type == "scalar") {
    PromSeries s;
    PromSample p;
    if (!ParsePoint(result, &p)) return Malformed("a scalar result is not [time, \"value\"]");
    s.samples.push_back(p);
    out->push_back(std::move(s));
    return Status::Ok();
  }
  if (type != "matrix" && type != "vector")
    return Malformed("result type '" + type + "' (want matrix, vector or scalar)");
  if (!result.is_array()) return Malformed("data.result is not an array");
  for (const json& item : result) {
    PromSeries s;
    if (!item.is_object() || !ParseMetric(item.contains("metric") ? item["metric"] : json::object(), &s))
      return Malformed("a series without a metric object of string labels");
    if (item.contains("histogram") || item.contains("histograms"))
      return Status::InvalidArgument(
          "the query returned native histograms; slokit reads classic histograms (_bucket series)");
    if (type == "vector") {
      PromSample p;
      if (!item.contains("value") || !ParsePoint(item["value"], &p))
        return Malformed("a vector sample is not [time, \"value\"]");
      s.samples.push_back(p);
    } else {
      if (!item.contains("values") || !item["values"].is_array())
        return Malformed("a matrix series without values");
      s.samples.reserve(item["values"].size());
      for (const json& v : item["values"]) {
        PromSample p;
        if (!ParsePoint(v, &p)) return Malformed("a matrix sample is not [time, \"value\"]");
        if (!s.samples.empty() && p.t <= s.samples.back().t)
          return Malformed("matrix samples out of time order");
        s.samples.push_back(p);
      }
    }
    out->push_back(std::move(s));
  }
  return Status::Ok();
}

}  // namespace

const std::string& PromSeries::Label(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : labels) {
    if (k == name) return v;
  }
  return kEmpty;
}

Status ParseQueryResponse(std::string_view body, std::vector<PromSeries>* out,
                          std::vector<std::string>* warnings) {
  out->clear();
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    std::string start(body.substr(0, 80));
    for (char& c : start) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    return Malformed(fmt::format("not JSON (it starts with \"{}\")", start));
  }
  try {
    if (!j.is_object() || !j.contains("status") || !j["status"].is_string())
      return Malformed("no \"status\"");
    if (warnings && j.contains("warnings") && j["warnings"].is_array()) {
      for (const json& w : j["warnings"]) {
        if (w.is_string()) warnings->push_back(w.get<std::string>());
      }
    }
    if (j["status"] != "success") {
      std::string type = j.contains("errorType") && j["errorType"].is_string()
                             ? j["errorType"].get<std::string>()
                             : "unknown";
      std::string error = j.contains("error") && j["error"].is_string()
                              ? j["error"].get<std::string>()
                              : "(no message)";
      return Status::InvalidArgument(fmt::format("{}: {}", type, error));
    }
    if (!j.contains("data")) return Malformed("no \"data\"");
    Status s = ParseData(j["data"], out);
    if (!s.ok()) out->clear();
    return s;
  } catch (const std::exception& e) {  // a type mismatch the checks above missed
    out->clear();
    return Malformed(e.what());
  }
}

Status SplitBaseUrl(const std::string& url, std::string* scheme_host_port, std::string* prefix) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos)
    return Status::InvalidArgument(
        fmt::format("--prometheus '{}': expected a URL like http://127.0.0.1:9090", url));
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    return Status::InvalidArgument(
        fmt::format("--prometheus '{}': the scheme must be http or https", url));
  size_t host_start = scheme_end + 3;
  size_t path_start = url.find('/', host_start);
  if (url.find_first_of("?#", host_start) != std::string::npos)
    return Status::InvalidArgument(
        fmt::format("--prometheus '{}': give the base URL without a query string", url));
  std::string host = url.substr(host_start, path_start == std::string::npos
                                                ? std::string::npos
                                                : path_start - host_start);
  if (host.empty())
    return Status::InvalidArgument(fmt::format("--prometheus '{}': no host", url));
  *scheme_host_port = scheme + "://" + host;
  *prefix = path_start == std::string::npos ? "" : url.substr(path_start);
  while (!prefix->empty() && prefix->back() == '/') prefix->pop_back();
  return Status::Ok();
}

std::string FormatApiTime(TimeNs t) {
  int64_t ms = FloorDiv(t, kMillisecond);
  int64_t s = FloorDiv(ms, 1000);
  return fmt::format("{}.{:03d}", s, ms - s * 1000);
}

PrometheusClient::PrometheusClient(PrometheusClientOptions options) : options_(std::move(options)) {}

Status PrometheusClient::Validate() const {
  std::string base, prefix;
  return SplitBaseUrl(options_.url, &base, &prefix);
}

Status PrometheusClient::QueryRange(const std::string& query, TimeNs start, TimeNs end,
                                    DurationNs step, std::vector<PromSeries>* out) {
  if (step <= 0 || end < start) return Status::InvalidArgument("query_range: empty range or step");
  return Post("/api/v1/query_range",
              {{"query", query},
               {"start", FormatApiTime(start)},
               {"end", FormatApiTime(end)},
               {"step", fmt::format("{}", static_cast<double>(step) / kSecond)}},
              query, out);
}

Status PrometheusClient::Query(const std::string& query, TimeNs at, std::vector<PromSeries>* out) {
  return Post("/api/v1/query", {{"query", query}, {"time", FormatApiTime(at)}}, query, out);
}

Status PrometheusClient::Post(const std::string& path,
                              const std::vector<std::pair<std::string, std::string>>& form,
                              const std::string& query, std::vector<PromSeries>* out) {
  std::string base, prefix;
  Status s = SplitBaseUrl(options_.url, &base, &prefix);
  if (!s.ok()) return s;
  httplib::Client client(base);
  auto seconds = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::nanoseconds(options_.timeout));
  client.set_connection_timeout(seconds);
  client.set_read_timeout(seconds);
  client.set_write_timeout(seconds);
  client.set_follow_location(true);
  if (!options_.bearer_token.empty()) client.set_bearer_token_auth(options_.bearer_token);
  if (!options_.basic_user.empty())
    client.set_basic_auth(options_.basic_user, options_.basic_password);
  httplib::Headers headers;
  for (const auto& [k, v] : options_.headers) headers.emplace(k, v);
  httplib::Params params;
  for (const auto& [k, v] : form) params.emplace(k, v);

  const std::string where = base + prefix + path;
  DurationNs wait = options_.backoff;
  std::string last;
  for (int attempt = 0; attempt <= std::max(0, options_.retries); ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
      wait = std::min<DurationNs>(wait * 2, 10 * kSecond);
    }
    ++requests_;
    httplib::Result res = client.Post(prefix + path, headers, params);
    if (!res) {
      httplib::Error e = res.error();
      const char* what = e == httplib::Error::Connection        ? "cannot connect"
                         : e == httplib::Error::Read             ? "no answer (read failed or timed out)"
                         : e == httplib::Error::ConnectionTimeout ? "connection timed out"
                         : e == httplib::Error::SSLConnection    ? "TLS handshake failed"
                         : e == httplib::Error::SSLServerVerification ? "TLS certificate not trusted"
                                                                  : "request failed";
      last = fmt::format("{}: {} ({})", where, what, httplib::to_string(e));
      continue;  // connection refused, timeout, TLS failure...: worth another try
    }
    int code = res->status;
    bool retryable = code == 429 || code >= 500;
    if (retryable) {
      last = fmt::format("{}: HTTP {}", where, code);
      // Honour a short Retry-After (seconds) from a server shedding load.
      std::string after = res->get_header_value("Retry-After");
      if (!after.empty()) {
        char* end = nullptr;
        long secs = std::strtol(after.c_str(), &end, 10);
        if (end != after.c_str() && secs >= 0 && secs <= 30)
          wait = std::max<DurationNs>(wait, secs * kSecond);
      }
      // A 503 from Prometheus with a JSON body is a query timeout or abort: say so.
      std::vector<PromSeries> ignored;
      Status parsed = ParseQueryResponse(res->body, &ignored);
      if (!parsed.ok() && parsed.code() == Status::Code::kInvalidArgument)
        last += " (" + parsed.message() + ")";
      continue;
    }
    std::vector<std::string> warnings;
    Status parsed = ParseQueryResponse(res->body, out, &warnings);
    for (std::string& w : warnings) warnings_.push_back(std::move(w));
    if (parsed.ok() && code == 200) return parsed;
    if (code == 401 || code == 403)
      return Status::InvalidArgument(fmt::format(
          "{}: HTTP {}: the server refused the credentials (--bearer-token-file, "
          "--basic-auth-user/--basic-auth-password-file)",
          where, code));
    if (parsed.ok())  // a success body with an error status: trust the status
      return Status::IoError(fmt::format("{}: HTTP {}", where, code));
    if (parsed.code() == Status::Code::kParseError)
      return Status::ParseError(fmt::format("{}: HTTP {}: {}", where, code, parsed.message()));
    return Status::InvalidArgument(
        fmt::format("{}: HTTP {}: {} (query: {})", where, code, parsed.message(), Short(query)));
  }
  return Status::IoError(fmt::format("{} (after {} attempts; query: {})", last,
                                     std::max(0, options_.retries) + 1, Short(query)));
}

}  // namespace slokit::io
