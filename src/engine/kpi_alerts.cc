#include "engine/kpi_alerts.h"

#include <algorithm>

namespace slokit {

void SeverityMachine::StepTrack(Track* t, TimeNs at, bool holds, const KpiObservation& o, const std::string& reason) {
  if (!holds) {
    t->since = -1;
    if (t->open >= 0) {
      KpiIncident& inc = incidents_[static_cast<size_t>(t->open)];
      inc.open = false;
      inc.end = at;
      t->open = -1;
    }
    return;
  }
  if (t->since < 0) t->since = at;
  if (at - t->since < for_) return;  // pending, like Prometheus' `for:`
  if (t->open < 0) {
    KpiIncident inc;
    inc.severity = t->severity;
    inc.start = at;
    incidents_.push_back(std::move(inc));
    t->open = static_cast<int>(incidents_.size()) - 1;
  }
  KpiIncident& inc = incidents_[static_cast<size_t>(t->open)];
  inc.open = true;
  inc.end = at;
  if (o.peak > inc.peak || inc.reasons.empty()) {
    inc.peak = o.peak;
    inc.peak_value = o.value;
    inc.reference = o.reference;
  }
  if (!reason.empty() && std::find(inc.reasons.begin(), inc.reasons.end(), reason) == inc.reasons.end())
    inc.reasons.push_back(reason);
}

void SeverityMachine::Step(TimeNs at, const KpiObservation& o) {
  StepTrack(&tracks_[0], at, o.warn, o, o.warn_reason);
  StepTrack(&tracks_[1], at, o.critical, o, o.critical_reason);
}

bool SeverityMachine::active(std::string_view severity) const {
  for (const Track& t : tracks_)
    if (severity == t.severity) return t.open >= 0;
  return false;
}

KpiTimeline SeverityMachine::Timeline(TimeNs to) const {
  KpiTimeline t;
  t.incidents = incidents_;
  DurationNs total = 0;
  size_t closed = 0;
  for (KpiIncident& inc : t.incidents) {
    (inc.severity == "warn" ? t.warns : t.criticals)++;
    if (inc.open) {
      inc.end = std::max(inc.end, to);
      continue;
    }
    total += inc.duration();
    ++closed;
  }
  if (closed) t.mttr = total / static_cast<DurationNs>(closed);
  return t;
}

}  // namespace slokit
