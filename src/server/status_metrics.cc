// /metrics: the daemon's own registry (ingest counters and latencies) plus the SLO status,
// rendered into a fresh registry at every scrape so that SLOs or cohorts removed by a reload do
// not linger as stale series.
#include "slokit/metrics/exposition.h"
#include "slokit/metrics/http_server.h"
#include "server/daemon_impl.h"

namespace slokit::server {

std::string Daemon::Impl::RenderMetrics(std::string_view accept, std::string_view accept_encoding,
                                        std::string* content_type, std::string* content_encoding) {
  metrics::Registry status;
  const std::vector<std::string> by_cohort = {"service", "slo", "cohort"};
  size_t bound = 100000;
  auto& sli = status.AddGauge({"slokit_slo_sli_ratio", "SLI over the SLO window (good / valid units)", "ratio", by_cohort, bound});
  auto& objective = status.AddGauge({"slokit_slo_objective_ratio", "The SLO's objective", "ratio", {"service", "slo"}, bound});
  auto& remaining = status.AddGauge({"slokit_slo_error_budget_remaining_ratio",
                                     "Share of the period's error budget left (negative when overspent)", "ratio",
                                     by_cohort, bound});
  auto& valid = status.AddGauge({"slokit_slo_window_valid_events", "Valid events in the SLO window", "", by_cohort, bound});
  auto& burn = status.AddGauge({"slokit_slo_burn_rate", "Error ratio over the window divided by the budgeted error ratio",
                                "", {"service", "slo", "cohort", "window"}, bound});
  auto& firing = status.AddGauge({"slokit_slo_alert_firing", "1 while a burn-rate alert of this severity is open", "",
                                  {"service", "slo", "cohort", "severity"}, bound});
  const std::vector<std::string> by_check = {"service", "check"};
  auto& regression = status.AddGauge({"slokit_kpi_regression_ratio",
                                      "How many times worse than its baseline a regression check's KPI is", "ratio",
                                      by_check, bound});
  auto& utilization = status.AddGauge({"slokit_kpi_capacity_utilization_ratio",
                                       "A capacity check's load over its declared capacity", "ratio", by_check, bound});
  auto& kpi_firing = status.AddGauge({"slokit_kpi_alert_firing", "1 while a regression or capacity alert of this severity is open",
                                      "", {"service", "check", "kind", "severity"}, bound});
  auto& events = status.AddCounter({"slokit_serve_stored_events", "Events in acknowledged batches since the store was created",
                                    "", {}});
  auto& notices = status.AddCounter({"slokit_serve_alert_notices", "Alert notices by outcome", "", {"result"}});
  {
    std::lock_guard<std::mutex> lock(state_mu);
    TimeNs at = Now();
    const Spec& spec = live->spec();
    if (at) {
      Report report = live->BuildLiveReport(at);
      for (const SloReport& sr : report.slos) {
        const Slo& slo = spec.slos[sr.index];
        objective.WithLabels({spec.service, slo.name}).Set(slo.objective);
        for (const CohortReport& cr : sr.cohorts) {
          std::initializer_list<std::string_view> labels = {spec.service, slo.name, cr.name};
          if (cr.status.has_data) sli.WithLabels(labels).Set(cr.status.sli);
          remaining.WithLabels(labels).Set(1 - cr.status.budget_consumed);
          valid.WithLabels(labels).Set(static_cast<double>(cr.status.valid_events));
          for (const BurnRate& b : cr.burn_rates)
            burn.WithLabels({spec.service, slo.name, cr.name, FormatDuration(b.window)}).Set(b.rate);
          for (const AlertCondition& c : slo.alerting.conditions) {
            bool open = false;
            for (const Incident& inc : cr.alerts.incidents) open = open || (inc.open && inc.severity == c.severity);
            firing.WithLabels({spec.service, slo.name, cr.name, c.severity}).Set(open ? 1 : 0);
          }
        }
      }
      auto set_firing = [&](const std::string& check, const char* kind, const KpiTimeline& t) {
        for (const char* severity : {"warn", "critical"}) {
          bool open = false;
          for (const KpiIncident& inc : t.incidents) open = open || (inc.open && inc.severity == severity);
          kpi_firing.WithLabels({spec.service, check, kind, severity}).Set(open ? 1 : 0);
        }
      };
      for (const RegressionReport& r : report.regressions) {
        const std::string& name = spec.regressions[r.index].name;
        if (r.last.has_value && r.last.has_baseline) regression.WithLabels({spec.service, name}).Set(r.last.ratio);
        set_firing(name, "regression", r.alerts);
      }
      for (const CapacityReport& c : report.capacity) {
        const std::string& name = spec.capacity[c.index].name;
        if (c.last.has_value) utilization.WithLabels({spec.service, name}).Set(c.last.utilization);
        set_firing(name, "capacity", c.alerts);
      }
    }
    events.WithLabels().Inc(static_cast<double>(store->events_total()));
  }
  notices.WithLabels({"delivered"}).Inc(static_cast<double>(sender.delivered()));
  notices.WithLabels({"dropped"}).Inc(static_cast<double>(sender.dropped()));
  notices.WithLabels({"failed_attempt"}).Inc(static_cast<double>(sender.failed_attempts()));

  std::vector<metrics::FamilySnapshot> families = registry.Collect();
  for (metrics::FamilySnapshot& f : status.Collect()) families.push_back(std::move(f));
  metrics::Format format = metrics::NegotiateFormat(accept);
  *content_type = std::string(metrics::ContentType(format));
  std::string body = metrics::Serialize(families, format);
  if (metrics::NegotiateEncoding(accept_encoding) == metrics::Encoding::kGzip) {
    *content_encoding = "gzip";
    return metrics::GzipCompress(body);
  }
  content_encoding->clear();
  return body;
}

}  // namespace slokit::server
