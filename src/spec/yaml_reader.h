// YamlField: a yaml-cpp node with its place in the file and its dotted field path, so every
// error the spec loader raises says "file:line:column: slos[2].sli.latency.threshold: problem".
// Internal to src/spec: errors are thrown as SpecError and turned into a Status at the boundary.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expr.h"
#include "core/time.h"
#include "spec/spec.h"

namespace slokit {

struct SpecError : std::runtime_error {
  explicit SpecError(Diagnostic d) : std::runtime_error(d.message), diagnostic(std::move(d)) {}
  Diagnostic diagnostic;
};

// yaml-cpp parses flow collections recursively, so a hostile "[[[[..." would exhaust the stack:
// a ParseError naming `name` when brackets nest more than 64 deep (no real file comes close).
Status CheckFlowNesting(std::string_view yaml, std::string_view name);

// Parses a plain decimal number (no units); false when `text` is not exactly one.
bool ParseNumber(const std::string& text, double* out);
// " (did you mean 'x'?)" when a candidate is close to `word`, else "".
std::string Suggest(const std::string& word, std::initializer_list<const char*> candidates);

class YamlField {
 public:
  // `parent_mark` locates a missing node by the map that should have held it.
  YamlField(YAML::Node node, const std::string& file, std::string path, YAML::Mark parent_mark = YAML::Mark());
  YamlField(const YamlField&) = default;
  // yaml-cpp's Node assignment overwrites the shared node it refers to, not the handle: forbid it.
  YamlField& operator=(const YamlField&) = delete;

  bool IsMap() const { return node_.IsMap(); }
  bool IsSequence() const { return node_.IsSequence(); }
  bool IsScalar() const { return node_.IsScalar(); }
  size_t Size() const { return node_.size(); }
  int Line() const { return Mark().line + 1; }

  bool Has(const char* key) const { return node_.IsMap() && node_[key]; }
  // A required key of a map: a missing one fails naming the map and the key.
  YamlField operator[](const char* key) const;
  YamlField operator[](size_t index) const;
  std::vector<std::pair<std::string, YamlField>> Entries() const;
  std::pair<std::string, YamlField> OnlyEntry() const;
  // Fails on a key not in `allowed`, suggesting the closest allowed key.
  void AllowOnly(std::initializer_list<const char*> allowed) const;

  std::string Scalar() const;
  double Number() const;
  long long Integer(long long min) const;
  DurationNs Duration() const;

  [[noreturn]] void Fail(const std::string& message) const;
  // Fails at a column inside this scalar's text (1-based), for expression errors.
  [[noreturn]] void FailAtColumn(int column, const std::string& message) const;

 private:
  YAML::Mark Mark() const;
  YAML::Node node_;
  const std::string* file_;
  std::string path_;
  YAML::Mark parent_mark_;
};

// A filter expression (core/expr.h) from a scalar, interning its fields into `fields`; an error
// points at the column inside the scalar.
Expr ParseFilterField(const YamlField& f, FieldSet* fields);

// The factor that converts nanoseconds to an event field's unit ("ns", "us", "ms" or "s").
double FieldUnitNs(const YamlField& unit);

}  // namespace slokit
