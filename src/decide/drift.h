// Drift analysis (docs/canary.md, "Drift and quality"): a reference and a current event set
// compared per numeric field (PSI, two-sample KS, Wasserstein-1) and per categorical field
// (chi-square, Jensen-Shannon distance), overall and per cohort, plus a per-cohort table of the
// spec's quality SLOs that flags a cohort below target while the aggregate passes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/record.h"
#include "decide/canary.h"
#include "decide/drift_eval.h"
#include "spec/spec.h"

namespace slokit::decide {

struct DriftOptions {
  std::vector<std::string> numeric;      // fields compared as numbers
  std::vector<std::string> categorical;  // fields compared as categories (missing = "(none)")
  std::string by;                        // cohort field; empty: overall only
  uint64_t max_samples = 50000;          // values kept per field, cohort and side
  uint64_t min_events = 100;             // per side, below which a comparison is skipped
  size_t max_cohorts = 50;               // further cohort values are pooled into "other"
  // Methods and thresholds (documented in docs/canary.md; the spec's `drift:` section sets them):
  DriftConfig::NumericMethod numeric_method = DriftConfig::NumericMethod::kPsiOrKs;
  DriftConfig::CategoricalMethod categorical_method = DriftConfig::CategoricalMethod::kChiSquareAndJs;
  double psi_drift = 0.25;     // PSI >= 0.25: major shift (0.1 - 0.25 is reported as moderate)
  double psi_moderate = 0.1;
  double ks_alpha = 0.01;      // KS drift needs p < ks_alpha and D >= ks_min_d
  double ks_min_d = 0.1;
  double chi_alpha = 0.01;     // categorical drift needs p < chi_alpha and JS >= js_drift
  double js_drift = 0.1;

  // Methods, thresholds and (when given) fields and cohort from the spec's `drift:` section.
  static DriftOptions FromConfig(const DriftConfig& config);
};

struct FieldDrift {
  std::string field;
  std::string cohort;  // "" for overall
  bool numeric = true;
  uint64_t reference_n = 0, current_n = 0;
  bool skipped = false;  // too little data
  double psi = 0, ks_d = 0, ks_p = 1, wasserstein = 0;  // numeric
  double chi_square = 0, chi_p = 1, js = 0;              // categorical
  std::string level;  // "none", "moderate", "drift" or "n/a"
  bool drift = false;
};

struct QualityCohort {
  std::string slo;
  std::string cohort;  // "" for the aggregate
  uint64_t valid = 0, good = 0;
  double ratio = 0, objective = 0;
  bool met = true;
  bool flagged = false;  // below target while the aggregate meets it
};

struct DriftResult {
  uint64_t reference_events = 0, current_events = 0;
  std::string by;
  std::vector<FieldDrift> fields;
  std::vector<QualityCohort> quality;
  EvalResult eval;  // embedding drift and golden-set hallucination rate, when asked for
  // any_drift includes embedding drift; any_flagged includes a hallucination rate above target.
  bool any_drift = false, any_flagged = false;
};

class DriftAnalyzer {
 public:
  // Interns the option's fields into spec->fields (so a reader with spec->fields extracts them);
  // keeps pointers to both.
  DriftAnalyzer(Spec* spec, const DriftOptions* options);
  void Push(bool current, const Record& r);
  void Merge(const DriftAnalyzer& other);
  DriftResult Analyze() const;

 private:
  struct SideData {
    uint64_t events = 0;
    std::vector<BottomKSample> numeric;
    std::vector<std::map<std::string, uint64_t, std::less<>>> categorical;
    std::vector<uint64_t> quality_valid, quality_good;
  };
  struct Group {
    SideData side[2];
  };
  Group NewGroup() const;
  void PushGroup(Group* g, bool current, const Record& r);
  void AnalyzeGroup(const std::string& cohort, const Group& g, DriftResult* out) const;

  const Spec* spec_;
  const DriftOptions* options_;
  std::vector<int> numeric_, categorical_;
  int by_ = -1;
  std::vector<size_t> quality_slos_;  // indices of the spec's quality SLOs
  Group overall_;
  std::map<std::string, Group, std::less<>> cohorts_;
};

nlohmann::json DriftResultToJson(const DriftResult& r);
std::string RenderDriftTable(const DriftResult& r);

}  // namespace slokit::decide
