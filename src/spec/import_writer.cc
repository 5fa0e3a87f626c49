// WriteImportedSpec: an ImportedSpec printed as slokit spec YAML (docs/spec.md), each SLO under a
// comment naming the definition it came from, so that a reviewer can check the translation.
#include <fmt/format.h>

#include "spec/import.h"
#include "spec/yaml_writer.h"

namespace slokit {
namespace {

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return "[" + out + "]";
}

void WriteAlerting(std::vector<std::string>* out, const std::string& indent, const ImportedAlerting& a) {
  if (!a.note.empty()) AppendYamlComment(out, indent + "# ", a.note);
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
    if (!s.good_note.empty()) AppendYamlComment(out, in + "# ", s.good_note);
    out->push_back(in + "good: " + YamlQuote(s.good_filter));
    out->push_back(in + "prometheus:");
    if (!s.good.empty()) out->push_back(in + "  good: " + YamlQuote(s.good.Render()));
    if (!s.bad.empty()) out->push_back(in + "  bad: " + YamlQuote(s.bad.Render()));
    out->push_back(in + "  total: " + YamlQuote(s.total.Render()));
    if (!by.empty()) out->push_back(in + "  " + by);
    return;
  }
  bool percentile = s.kind == SliKind::kPercentile;
  out->push_back(percentile ? "      percentile:" : "      latency:");
  AppendYamlComment(out, in + "# ", "The event field `slokit report` reads is named after the histogram; rename it to "
                          "your events' field.");
  out->push_back(in + "field: " + s.field);
  out->push_back(in + "unit: " + s.field_unit);
  if (percentile) out->push_back(in + "p: " + FormatPercent(s.percentile));
  out->push_back(in + "threshold: " + s.threshold);
  std::string binding = "histogram: " + s.histogram;
  if (!s.histogram_selector.empty()) binding += ", selector: " + YamlQuote(s.histogram_selector.Render());
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
  AppendYamlComment(&out, "# ", fmt::format("Converted by `slokit convert` from {} ({}). docs/convert.md says what maps to "
                                  "what; docs/spec.md describes every key.", spec.source, spec.file));
  for (const std::string& note : spec.notes) {
    out.push_back("#");
    AppendYamlComment(&out, "# ", note);
  }
  out.push_back("#");
  out.push_back("#   slokit validate FILE && slokit rules FILE > rules.yaml && promtool check rules rules.yaml");
  out.push_back("service: " + YamlQuote(spec.service));
  if (!spec.description.empty()) out.push_back("description: " + YamlQuote(spec.description));
  if (!spec.team.empty()) {
    out.push_back("owners:");
    out.push_back("  infra: {team: " + YamlQuote(spec.team) + "}");
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
    AppendYamlComment(&out, "  # ", "From " + s.origin + ".");
    for (const std::string& note : s.notes) AppendYamlComment(&out, "  # ", note);
    out.push_back("  - name: " + s.name);
    if (!s.description.empty()) out.push_back("    description: " + YamlQuote(s.description));
    // Under 1, slokit would take a bare number for a fraction: say percent.
    std::string objective = FormatPercent(s.objective_percent);
    out.push_back("    objective: " + (s.objective_percent < 1 ? YamlQuote(objective + "%") : objective));
    out.push_back("    window: " + s.window);
    if (!s.valid_filter.empty()) out.push_back("    valid: " + YamlQuote(s.valid_filter));
    if (s.timeslices) {
      std::string b = "{timeslices: " + FormatDuration(s.slice);
      if (s.slice_target_percent > 0) b += ", slice_target: " + YamlQuote(FormatPercent(s.slice_target_percent) + "%");
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
