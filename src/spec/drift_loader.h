// Loading the spec's `drift:` section (DriftConfig in spec/spec.h) for `slokit drift`. Internal
// to src/spec: errors are thrown as SpecError by YamlField, like the rest of the loader.
#pragma once

#include "spec/spec.h"
#include "spec/yaml_reader.h"

namespace slokit {

// `section` is the `drift:` mapping; fills spec->drift. A relative `golden:` path is resolved
// against the directory of spec->file, so a spec and its dataset can move together.
void BuildDriftConfig(const YamlField& section, Spec* spec);

}  // namespace slokit
