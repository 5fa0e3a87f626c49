// An Alertmanager configuration that routes slokit's SLO alerts: one receiver per team and
// severity (quality SLOs go to the model owners, the rest to infra, as the owners section says),
// pages inhibiting the ticket of the same SLO. Receivers are stubs to fill with notifiers;
// `amtool check-config` accepts the file as is.
#pragma once

#include <string>
#include <vector>

#include "rules/plan.h"

namespace slokit::rules {

std::string AlertmanagerConfig(const Spec& spec, const std::vector<SloPlan>& plans,
                               const Options& options);

// The receiver an alert of `team` and `severity` goes to.
std::string ReceiverName(const std::string& team, const std::string& severity);

}  // namespace slokit::rules
