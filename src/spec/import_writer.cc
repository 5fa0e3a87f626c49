// WriteImportedSpec: an ImportedSpec printed as slokit spec YAML (docs/spec.md), each SLO under a
// comment naming the definition it came from, so that a reviewer can check the translation.
#include <fmt/format.h>

#include "spec/import.h"

namespace slokit {
namespace {

// A YAML double-quoted scalar.
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else out += c;
    }
  }
  return out + "\"";
}

// Wraps `text` into comment lines of at most `width` characters starting with `prefix`.
void Comment(std::vector<std::string>* out, const std::string& prefix, const std::string& text, size_t width = 100) {
  std::string line;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    if (!line.empty() && prefix.size() + line.size() + 1 + word.size() > width) {
      out->push_back(prefix + line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out->push_back(prefix + line);
}

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return "[" + out + "]";
}

void WriteAlerting(std::vector<std::string>* out, const std::string& indent, const ImportedAlerting& a) {
  if (!a.note.empty()) Comment(out, indent + "# ", a.note);
  out->push_back(indent + "alerting:");
  for (const char* severity : {"page", "ticket"}) {
    bool disabled = std::string(severity) == "page" ? a.page_disabled : a.ticket_disabled;
    std::vector<std::string> conditions;
    for (const ImportedCondition& c : a.conditions) {
      if (c.severity != severity) continue;
      std::string factor = c.burn_rate > 0 ? "burn_rate: " + FormatPercent(c.burn_rate)
                                           : "budget: " + FormatPercent(c.budget_percent) + "%";
      std::string for_text = c.for_duration > 0 ? ", for: " + FormatDuration(c.for_duration) : "";
      conditions.push_back(fmt::format("{}    - {{long: {}, short: {}, {}{}}}", indent, FormatDuration(c.long_window),
                                       FormatDuration(c.short_window), factor, for_text));
    }
    if (disabled || conditions.empty()) {
      if (disabled) out->push_back(fmt::format("{}  {}: false", indent, severity));
      continue;
    }
    out->push_back(fmt::format("{}  {}:", indent, severity));
    out->insert(out->end(), conditions.begin(), conditions.end());
  }
}

void WriteSli(std::vector<std::string>* out, const ImportedSlo& s) {
  const std::string in = "        ";
  out->push_back("    sli:");
  std::string by = s.by.empty() ? "" : "by: " + List(s.by);
  if (s.kind == SliKind::kRatio) {
    out->push_back("      ratio:");
    if (!s.good_note.empty()) Comment(out, in + "# ", s.good_note);
    out->push_back(in + "good: " + Quote(s.good_filter));
    out->push_back(in + "prometheus:");
    if (!s.good.empty()) out->push_back(in + "  good: " + Quote(s.good.Render()));
    if (!s.bad.empty()) out->push_back(in + "  bad: " + Quote(s.bad.Render()));
    out->push_back(in + "  total: " + Quote(s.total.Render()));
    if (!by.empty()) out->push_back(in + "  " + by);
    return;
  }
  bool percentile = s.kind == SliKind::kPercentile;
  out->push_back(percentile ? "      percentile:" : "      latency:");
  Comment(out, in + "# ", "The event field `slokit report` reads is named after the histogram; rename it to "
                          "your events' field.");
  out->push_back(in + "field: " + s.field);
  out->push_back(in + "unit: " + s.field_unit);
  if (percentile) out->push_back(in + "p: " + FormatPercent(s.percentile));
  out->push_back(in + "threshold: " + s.threshold);
  std::string binding = "histogram: " + s.histogram;
  if (!s.histogram_selector.empty()) binding += ", selector: " + Quote(s.histogram_selector.Render());
  binding += ", unit: " + s.histogram_unit;
  if (!s.buckets.empty()) {
    std::vector<std::string> b;
    for (double x : s.buckets) b.push_back(FormatPromNumber(x));
    binding += ", buckets: " + List(b);
  }
  if (!by.empty()) binding += ", " + by;
  out->push_back(in + "prometheus: {" + binding + "}");
}

}  // namespace

std::string WriteImportedSpec(const ImportedSpec& spec) {
  std::vector<std::string> out;
  Comment(&out, "# ", fmt::format("Converted by `slokit convert` from {} ({}). docs/convert.md says what maps to "
                                  "what; docs/spec.md describes every key.", spec.source, spec.file));
  for (const std::string& note : spec.notes) {
    out.push_back("#");
    Comment(&out, "# ", note);
  }
  out.push_back("#");
  out.push_back("#   slokit validate FILE && slokit rules FILE > rules.yaml && promtool check rules rules.yaml");
  out.push_back("service: " + Quote(spec.service));
  if (!spec.description.empty()) out.push_back("description: " + Quote(spec.description));
  if (!spec.team.empty()) {
    out.push_back("owners:");
    out.push_back("  infra: {team: " + Quote(spec.team) + "}");
  }
  if (spec.alerting.defined) {
    out.push_back("");
    WriteAlerting(&out, "", spec.alerting);
  }
  out.push_back("");
  out.push_back("slos:");
  bool first = true;
  for (const ImportedSlo& s : spec.slos) {
    if (!first) out.push_back("");
    first = false;
    Comment(&out, "  # ", "From " + s.origin + ".");
    for (const std::string& note : s.notes) Comment(&out, "  # ", note);
    out.push_back("  - name: " + s.name);
    if (!s.description.empty()) out.push_back("    description: " + Quote(s.description));
    // Under 1, slokit would take a bare number for a fraction: say percent.
    std::string objective = FormatPercent(s.objective_percent);
    out.push_back("    objective: " + (s.objective_percent < 1 ? Quote(objective + "%") : objective));
    out.push_back("    window: " + s.window);
    if (!s.valid_filter.empty()) out.push_back("    valid: " + Quote(s.valid_filter));
    if (s.timeslices) {
      std::string b = "{timeslices: " + FormatDuration(s.slice);
      if (s.slice_target_percent > 0) b += ", slice_target: " + Quote(FormatPercent(s.slice_target_percent) + "%");
      out.push_back("    budgeting: " + b + "}");
    }
    if (s.alerting.defined) WriteAlerting(&out, "    ", s.alerting);
    WriteSli(&out, s);
  }
  std::string text;
  for (const std::string& l : out) text += l + "\n";
  return text;
}

}  // namespace slokit
