#include "rules/rule_group.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "rules/plan.h"

namespace slokit::rules {

bool NeedsQuotes(const std::string& value) {
  if (value.empty()) return true;
  if (!std::isalpha(static_cast<unsigned char>(value[0])) && value[0] != '_') return true;
  for (char c : value) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' &&
        c != '/')
      return true;
  }
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* word :
       {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf"})
    if (lower == word) return true;
  return false;
}

namespace {

void EmitString(YAML::Emitter& out, const std::string& value) {
  if (value.find('\n') != std::string::npos) {
    out << YAML::Literal << value;
  } else if (NeedsQuotes(value)) {
    out << YAML::DoubleQuoted << value;
  } else {
    out << value;
  }
}

void EmitLabels(YAML::Emitter& out, const char* key, const Labels& labels) {
  if (labels.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : labels) {
    out << YAML::Key << k << YAML::Value;
    EmitString(out, v);
  }
  out << YAML::EndMap;
}

}  // namespace

std::string EmitRuleFile(const std::vector<RuleGroup>& groups,
                         const std::vector<std::string>& header) {
  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::BeginMap << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
  for (const RuleGroup& g : groups) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value;
    EmitString(out, g.name);
    if (g.interval > 0) out << YAML::Key << "interval" << YAML::Value << PromDuration(g.interval);
    out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
    for (const Rule& r : g.rules) {
      out << YAML::BeginMap;
      if (!r.record.empty()) {
        out << YAML::Key << "record" << YAML::Value << r.record;
      } else {
        out << YAML::Key << "alert" << YAML::Value << r.alert;
      }
      out << YAML::Key << "expr" << YAML::Value;
      EmitString(out, r.expr);
      if (r.for_duration > 0)
        out << YAML::Key << "for" << YAML::Value << PromDuration(r.for_duration);
      EmitLabels(out, "labels", r.labels);
      EmitLabels(out, "annotations", r.annotations);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  std::string text;
  for (const std::string& line : header) text += line.empty() ? "#\n" : "# " + line + "\n";
  return text + out.c_str() + "\n";
}

}  // namespace slokit::rules
