// Prometheus rule groups as slokit writes them, and their YAML: the rule-file format that
// Prometheus, Thanos Ruler, Mimir and vmalert share (`promtool check rules` validates it).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/time.h"

namespace slokit::rules {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Rule {
  std::string record;  // a recording rule's series name, or
  std::string alert;   // an alerting rule's name
  std::string expr;    // PromQL; may span lines
  DurationNs for_duration = 0;
  Labels labels;
  Labels annotations;
};

struct RuleGroup {
  std::string name;
  DurationNs interval = 0;  // 0: the global evaluation interval
  std::vector<Rule> rules;
};

// The rule file: `header` lines become YAML comments above `groups:`.
std::string EmitRuleFile(const std::vector<RuleGroup>& groups,
                         const std::vector<std::string>& header);

// Emits a scalar quoted when YAML would read it as something other than this string (true, 10,
// null, "a: b"...); plain otherwise. Shared by the Alertmanager writer.
bool NeedsQuotes(const std::string& value);

}  // namespace slokit::rules
