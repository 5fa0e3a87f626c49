// Importing SLOs written for other tools: OpenSLO v1 (Service, SLI, SLO, AlertPolicy documents
// over Prometheus) and Sloth's prometheus/v1 specs become a slokit spec, so their users can move
// over with `slokit convert`. Each importer builds an ImportedSpec (close to the YAML it becomes);
// WriteImportedSpec prints it as a commented slokit spec. Anything slokit cannot express is an
// error naming file:line:column and the field; what is merely lost in translation (annotations,
// display names) comes back as warnings. docs/convert.md lists what maps to what.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "spec/prometheus_binding.h"
#include "spec/spec.h"

namespace YAML {
class Node;
}

namespace slokit {

enum class ImportFormat { kAuto, kOpenSlo, kSloth };

// One burn-rate condition, written either as a factor or as a budget share (percent).
struct ImportedCondition {
  std::string severity;  // page or ticket
  DurationNs long_window = kHour;
  DurationNs short_window = 5 * kMinute;
  double burn_rate = 0;      // when > 0
  double budget_percent = 0;  // otherwise
  DurationNs for_duration = 0;
};

struct ImportedAlerting {
  bool defined = false;  // false: slokit's default policy
  bool page_disabled = false, ticket_disabled = false;
  std::vector<ImportedCondition> conditions;  // replace the tiers they name
  std::string note;                          // a comment written above the policy
};

struct ImportedSlo {
  std::string name;
  std::string description;
  std::string origin;  // "file:line" of the definition it came from
  double objective_percent = 99.9;
  std::string window = "30d";  // rolling duration, month or week
  bool timeslices = false;
  DurationNs slice = 5 * kMinute;
  double slice_target_percent = 0;  // 0: the objective

  SliKind kind = SliKind::kRatio;  // ratio, latency or percentile
  // ratio: the event filter `slokit report` needs; `good_note` says where it came from.
  std::string good_filter, good_note;
  std::string valid_filter;  // validity criteria, from the total's label matchers
  // latency, percentile: the event field (named after the histogram) and its threshold.
  std::string field, field_unit = "s", threshold;
  double percentile = 0;
  // The prometheus binding: good or bad over total, or a histogram with a label selector.
  PromSelector good, bad, total;
  std::string histogram, histogram_unit;
  PromSelector histogram_selector;  // matchers only
  std::vector<double> buckets;      // boundaries to list in the binding, when slokit's differ
  std::vector<std::string> by;

  ImportedAlerting alerting;
  std::vector<std::string> notes;  // comments written above the SLO
};

struct ImportedSpec {
  std::string source;  // "OpenSLO v1" or "Sloth prometheus/v1"
  std::string file;
  std::string service, description, team;
  ImportedAlerting alerting;
  std::vector<ImportedSlo> slos;
  std::vector<std::string> notes;     // header comments
  std::vector<Diagnostic> warnings;   // what was dropped, for stderr
};

// Tells the format of `yaml_text` from its apiVersion (OpenSLO) or version (Sloth).
Status DetectImportFormat(std::string_view yaml_text, const std::string& file_name, ImportFormat* out);
// A multi-document OpenSLO file: Service, SLI, SLO, AlertPolicy and AlertCondition documents
// that refer to each other by name. All of its SLOs must belong to one service.
Status ImportOpenSlo(std::string_view yaml_text, const std::string& file_name, ImportedSpec* out);
// A Sloth prometheus/v1 spec (one service, its SLOs with events SLIs).
Status ImportSloth(std::string_view yaml_text, const std::string& file_name, ImportedSpec* out);
// Detects (for kAuto) and imports.
Status ImportSpec(std::string_view yaml_text, const std::string& file_name, ImportFormat format,
                  ImportedSpec* out);

// The slokit spec YAML for `spec`, with comments saying where each SLO came from.
std::string WriteImportedSpec(const ImportedSpec& spec);

// --- Shared by the importers (import_query.cc) ---

// What a PromQL query the bindings can express reduces to: one counter selector, optionally
// wrapped in rate()/increase() and sum [by (...)]; or the difference of two of them (Sloth's
// latency form: _count minus _bucket{le}); or histogram_quantile(q, <bucket query>).
struct QueryShape {
  PromSelector selector;
  std::vector<std::string> by;  // sum by (...) labels
  bool difference = false;
  PromSelector minus;  // the subtrahend of a difference
  double quantile = 0;  // histogram_quantile's first argument, when > 0
};

// Parses `query`; false with *error (and *column, 1-based in `query`) when it has a shape the
// bindings cannot express. `{{.window}}` placeholders are accepted as ranges.
bool ParseQueryShape(const std::string& query, QueryShape* out, std::string* error, int* column);

// "99.9" for a percentage computed as 0.999 * 100, without binary noise.
std::string FormatPercent(double percent);

class YamlField;
// The shape of the query in `f`, or a failure naming its file:line:column, field and text.
QueryShape QueryAt(const YamlField& f);
// Fills the SLI of `slo` from a good (or bad) counter query and a total query: a ratio SLI, or a
// latency SLI when they are a histogram's _bucket{le} (or _count minus it) over its _count.
void BindRatioQueries(const YamlField& numerator, bool numerator_is_bad, const YamlField& total,
                      ImportedSlo* slo, ImportedSpec* spec);
// Fills the SLI of `slo` from a threshold query on a histogram: requests at or under `value`
// (a latency SLI), or a percentile SLI when the query is histogram_quantile.
void BindThresholdQuery(const YamlField& query, const YamlField& op, double value, ImportedSlo* slo,
                        ImportedSpec* spec);
// The frame of an importer: resets *out, refuses input that yaml-cpp would recurse on too deeply
// (brackets nested past 64), splits the stream into documents at `---` lines (yaml-cpp 0.7's own
// LoadAll can exhaust memory on a few malformed bytes, found by fuzz_convert, so each document is
// loaded alone, its marks kept at its lines in the file) and calls `build` with them, turning
// the SpecError or YAML::Exception it throws into a Status.
Status RunImporter(std::string_view yaml_text, const std::string& file_name, const char* source,
                   ImportedSpec* out, const std::function<Status(const std::vector<YAML::Node>&)>& build);
// Appends a warning located at `f` (file:line:column: field: message).
void ImportWarning(const YamlField& f, const std::string& message, ImportedSpec* spec);
// Fails at `f` unless `name` can be a slokit SLO name.
void CheckSloName(const YamlField& f, const std::string& name);

}  // namespace slokit
