// Loading and linting the spec's `regressions:` and `capacity:` sections (seed 000's
// regression_policy and capacity_policy). Internal to src/spec: errors are thrown as SpecError
// by YamlField, like the rest of the loader; the catalog gives the defaults.
#pragma once

#include <vector>

#include "spec/preset.h"
#include "spec/spec.h"
#include "spec/yaml_reader.h"

namespace slokit {

// `list` is the `regressions:` sequence; KPIs named with `kpi:` resolve against the spec's
// sector and preset in `refs`. Interns every field it reads into spec->fields.
void BuildRegressions(const YamlField& list, const KpiReferences& refs, Spec* spec);
// `list` is the `capacity:` sequence; needs spec->slos (the inflection rule names an SLO).
void BuildCapacity(const YamlField& list, Spec* spec);

// Warnings about regression and capacity checks that load but will not behave as expected.
void LintKpiAlerts(const Spec& spec, std::vector<Diagnostic>* out);

}  // namespace slokit
