// Internal to the report renderers (table and HTML): how both write numbers, times and owners.
#pragma once

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "core/time.h"
#include "engine/evaluator.h"
#include "spec/spec.h"

namespace slokit::report_text {

inline std::string Percent(double fraction, int digits = 3) { return fmt::format("{:.{}f}%", fraction * 100, digits); }

// A short UTC timestamp for timelines: "2026-10-21 14:02".
inline std::string ShortTime(TimeNs t) {
  std::string s = FormatTime(t);
  return s.substr(0, 10) + " " + s.substr(11, 5);
}

inline std::string BurnCell(const BurnRate& b) { return b.units.valid ? fmt::format("{:.2f}", b.rate) : "-"; }

inline std::string OwnerText(const Spec& spec, const std::string& role_name) {
  for (const auto& [role, owner] : spec.owners) {
    if (role == role_name) return fmt::format("{}: {}{}", role, owner.team, owner.contact.empty() ? "" : " " + owner.contact);
  }
  return role_name;
}

inline std::string Num(double v) { return std::isfinite(v) ? fmt::format("{:.4g}", v) : "inf"; }
inline std::string WithUnit(double v, const std::string& unit) { return unit.empty() ? Num(v) : Num(v) + " " + unit; }

// The SLO's window as the spec wrote it ("30d", "month").
inline std::string WindowText(const Slo& slo) {
  return slo.window.text.empty() ? FormatDuration(slo.window.length) : slo.window.text;
}

}  // namespace slokit::report_text
