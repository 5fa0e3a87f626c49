// The daemon's web page: one self-contained HTML document (no scripts, no external assets) with
// every SLO and cohort, its SLI, budget left, burn rates and open alerts. Refreshes itself.
#pragma once

#include <string>

#include "engine/report.h"

namespace slokit::server {

std::string RenderStatusPage(const Report& report, const std::string& clock);

}  // namespace slokit::server
