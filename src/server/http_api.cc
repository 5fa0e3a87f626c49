// The daemon's HTTP routes. Errors are JSON: {"error": {"code": 400, "message": "..."}}.
#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/otlp_protobuf.h"
#include "server/daemon_impl.h"

namespace slokit::server {
namespace {

void JsonError(httplib::Response& res, int code, const std::string& message) {
  res.status = code;
  res.set_content(nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump() + "\n", "application/json");
}

void Json(httplib::Response& res, const nlohmann::json& body) { res.set_content(body.dump(2) + "\n", "application/json"); }

bool IsWrite(const httplib::Request& req) { return req.method == "POST" || req.method == "PUT" || req.method == "DELETE"; }
bool IsIngest(const std::string& path) { return path == "/api/v1/events" || path == "/v1/traces"; }
bool IsProtobuf(const std::string& content_type) {
  return content_type.rfind("application/x-protobuf", 0) == 0 || content_type.rfind("application/protobuf", 0) == 0;
}

// Reads the (already inflated) body, refusing more than `limit` bytes.
bool ReadBody(const httplib::ContentReader& reader, size_t limit, std::string* body) {
  bool too_big = false;
  reader([&](const char* data, size_t len) {
    if (body->size() + len > limit) {
      too_big = true;
      return false;
    }
    body->append(data, len);
    return true;
  });
  return !too_big;
}

}  // namespace

bool Daemon::Impl::Authorized(const httplib::Request& req) const {
  if (token.empty()) return true;
  std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() != kBearer.size() + token.size() || header.compare(0, kBearer.size(), kBearer) != 0) return false;
  // Constant-time comparison: the token is a secret.
  unsigned char diff = 0;
  for (size_t i = 0; i < token.size(); ++i) diff |= static_cast<unsigned char>(header[kBearer.size() + i] ^ token[i]);
  return diff == 0;
}

void Daemon::Impl::InstallRoutes() {
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    bool protect = IsWrite(req) || options.auth_reads;
    if (protect && req.path != "/healthz" && req.path != "/readyz" && !Authorized(req)) {
      res.set_header("WWW-Authenticate", "Bearer");
      JsonError(res, 401, "missing or wrong bearer token");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (IsIngest(req.path) && inflight_ingest.load() >= options.max_inflight_ingest) {
      // Refuse before the body is read: overload must not grow memory.
      res.set_header("Retry-After", "1");
      res.set_header("Connection", "close");
      JsonError(res, 429, "too many ingest requests in flight; retry after 1 second");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  http.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    if (ready) {
      res.set_content("ready\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content("not ready\n", "text/plain");
    }
  });

  http.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    std::string type, encoding;
    std::string body = RenderMetrics(req.get_header_value("Accept"), req.get_header_value("Accept-Encoding"), &type, &encoding);
    if (!encoding.empty()) res.set_header("Content-Encoding", encoding);
    res.set_content(std::move(body), type.c_str());
  });

  http.Get("/api/v1/slos", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(state_mu);
    TimeNs at = Now();
    if (at == 0) return JsonError(res, 404, "no events yet");
    nlohmann::json j = ReportToJson(live->BuildLiveReport(at));
    j["clock"] = options.clock;
    j["events_total"] = store->events_total();
    Json(res, j);
  });

  http.Get(R"(/api/v1/slos/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(state_mu);
    const Spec& spec = live->spec();
    std::string name = req.matches[1];
    size_t i = 0;
    while (i < spec.slos.size() && spec.slos[i].name != name) ++i;
    if (i == spec.slos.size()) return JsonError(res, 404, fmt::format("no SLO named {}", name));
    TimeNs at = Now();
    if (at == 0) return JsonError(res, 404, "no events yet");
    DurationNs step = kHour;
    if (req.has_param("step")) {
      auto d = ParseDuration(req.get_param_value("step"));
      if (!d || *d <= 0) return JsonError(res, 400, "step: expected a duration such as 5m or 1h");
      step = *d;
    }
    nlohmann::json all = ReportToJson(live->BuildLiveReport(at));
    nlohmann::json j = all["slos"][i];
    j["at"] = all["at"];
    j["timeline"] = live->Timeline(i, at, step);
    nlohmann::json history = nlohmann::json::array();
    for (const StoredIncident& inc : store->Incidents(name))
      history.push_back({{"cohort", inc.cohort}, {"severity", inc.severity}, {"start", FormatTime(inc.start)},
                         {"end", inc.open ? nlohmann::json(nullptr) : nlohmann::json(FormatTime(inc.end))},
                         {"peak_burn_rate", inc.peak_burn}});
    j["alert_history"] = history;
    Json(res, j);
  });

  // Both ingest endpoints: read the body within the limit, parse, commit, answer.
  auto ingest = [this](const std::string& endpoint, const BatchParser& parse) {
    return [this, endpoint, parse](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& reader) {
      auto t0 = std::chrono::steady_clock::now();
      ++inflight_ingest;
      std::string body;
      IngestOutcome out;
      // OTLP/HTTP's default encoding is protobuf: rewritten as OTLP/JSON, it takes the JSON path.
      const bool protobuf = endpoint == "traces" && IsProtobuf(req.get_header_value("Content-Type"));
      if (!ReadBody(reader, options.max_body_bytes, &body)) {
        out = {413, fmt::format("body larger than {} bytes (after decompression)", options.max_body_bytes)};
      } else if (std::string json; protobuf) {
        Status s = io::OtlpProtobufToJson(body, &json);
        out = s.ok() ? Ingest(json, req.get_header_value("Idempotency-Key"), parse) : IngestOutcome{400, s.message()};
      } else {
        out = Ingest(body, req.get_header_value("Idempotency-Key"), parse);
      }
      --inflight_ingest;
      requests_total->WithLabels({endpoint, std::to_string(out.status)}).Inc();
      if (out.status != 200) return JsonError(res, out.status, out.error);
      events_total->WithLabels({endpoint}).Inc(static_cast<double>(out.events));
      ingest_seconds->WithLabels({endpoint}).Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      // An empty ExportTraceServiceResponse: everything was accepted.
      if (protobuf) return res.set_content("", "application/x-protobuf");
      nlohmann::json answer = {{"accepted", out.events}, {"duplicate", out.duplicate}};
      answer[endpoint == "traces" ? "spans" : "lines"] = out.lines;
      if (endpoint == "traces") answer["skipped_spans"] = out.skipped;
      Json(res, answer);
    };
  };
  http.Post("/api/v1/events",
            ingest("events", [this](std::string_view body, const Spec& spec, Evaluator* batch, KpiTracker* kpis) {
              return ParseJsonLinesBatch(body, spec, options.ingest, batch, kpis);
            }));
  http.Post("/v1/traces",
            ingest("traces", [this](std::string_view body, const Spec& spec, Evaluator* batch, KpiTracker* kpis) {
              return ParseOtlpBatch(body, spec, options.ingest, batch, kpis);
            }));

  http.Post("/-/reload", [this](const httplib::Request&, httplib::Response& res) {
    Status s = Reload();
    if (!s.ok()) return JsonError(res, 400, s.message());
    Json(res, {{"reloaded", options.spec_path}});
  });

  http.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(state_mu);
    TimeNs at = Now();
    Report report;
    report.spec = &live->spec();
    if (at) {
      report = live->BuildLiveReport(at);
      AddBudgetHistory(live->evaluator(), &report);
      if (live->has_kpi_checks()) AddKpiHistory(live->kpis(), &live->evaluator(), &report);
    }
    HtmlOptions page;
    page.refresh_seconds = 30;
    page.clock = options.clock;
    page.links = {{"JSON", "/api/v1/slos"}, {"metrics", "/metrics"}};
    res.set_content(RenderReportHtml(report, page), "text/html; charset=utf-8");
  });
}

}  // namespace slokit::server
