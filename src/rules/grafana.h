// A Grafana dashboard for a service's SLOs, in the JSON model Grafana imports (schemaVersion 39,
// Grafana 11): an overview of every SLO's remaining error budget and firing alerts, then one row
// per SLO with its SLI against the objective, the error budget remaining, the burn rate over
// every alert window with the policy's thresholds, and the alert state. Queries read only the
// series of the generated rules, through a Prometheus data-source variable.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "rules/plan.h"

namespace slokit::rules {

inline constexpr int kDashboardSchemaVersion = 39;

nlohmann::json GrafanaDashboard(const Spec& spec, const std::vector<SloPlan>& plans,
                                const Options& options);

}  // namespace slokit::rules
