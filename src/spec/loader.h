// Loading a spec from YAML. Every error names the file, line, column and field; problems that
// do not stop the spec from loading (an alert that can never fire, say) come back as warnings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "spec/spec.h"

namespace slokit {

// Loads and checks the spec in `path`. On failure returns a ParseError/InvalidArgument status
// whose message is "file:line:column: field: problem". Warnings are appended to `warnings`.
Status LoadSpecFile(const std::string& path, Spec* spec, std::vector<Diagnostic>* warnings);
Status LoadSpecString(std::string_view yaml, std::string_view name, Spec* spec, std::vector<Diagnostic>* warnings);

// Checks a loaded spec for SLOs that cannot work as intended (alerts that can never fire,
// windows shorter than an alert window...). Called by the loaders.
std::vector<Diagnostic> LintSpec(const Spec& spec);

}  // namespace slokit
