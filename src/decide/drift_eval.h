// The parts of `slokit drift` that read more than scalar event fields (docs/canary.md, "Embedding
// drift" and "Hallucination rate"): embedding drift as the cosine similarity of the mean
// reference and mean current vector (seed 001: output drift, target 0.95), and the hallucination
// rate of evaluation results against a golden dataset (seed 001: < 2%), overall and per cohort.
// Both come from one extra pass over each JSON-lines file (io/json_fields_reader.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "io/json_fields_reader.h"
#include "spec/spec.h"

namespace slokit::decide {

// The golden dataset: JSON lines {"id": "q-17", "expected": "Paris"}; ids are strings or whole
// numbers and unique. Errors name the file and line.
struct GoldenSet {
  std::unordered_map<std::string, std::string> expected;  // id -> expected answer (normalized)
};
Status LoadGoldenSet(const std::string& path, GoldenSet* out);
Status ParseGoldenSet(std::string_view data, std::string_view name, GoldenSet* out);
// Case-folded (ASCII), trimmed, inner whitespace collapsed: how answers are compared.
std::string NormalizeAnswer(std::string_view text);

struct EmbeddingDrift {
  std::string cohort;  // "" for overall
  uint64_t reference_n = 0, current_n = 0;
  double cosine = 0;
  bool skipped = false;  // fewer than min_events vectors on a side, or a zero mean vector
  bool drift = false;    // cosine < min_cosine
};

struct HallucinationRate {
  std::string cohort;  // "" for overall
  uint64_t reference_evaluated = 0, reference_hallucinated = 0;
  uint64_t evaluated = 0, hallucinated = 0;  // current
  double reference_rate = 0, rate = 0;
  bool skipped = false;  // fewer than min_events current evaluations
  bool above = false;    // rate > max_rate
};

struct EvalResult {
  std::string embedding_field;  // "" when embedding drift was not asked for
  size_t dimension = 0;
  double min_cosine = 0;
  std::vector<EmbeddingDrift> embedding;
  std::string golden;  // the dataset's path; "" when not asked for
  size_t golden_items = 0;
  double max_rate = 0;
  std::vector<HallucinationRate> hallucination;
  bool any_embedding_drift = false, any_hallucination_above = false;
};

class EvalAnalyzer {
 public:
  // `golden` may be null when config.golden is empty; both must outlive the analyzer.
  EvalAnalyzer(const DriftConfig* config, std::string by, size_t max_cohorts, const GoldenSet* golden);
  bool enabled() const;
  // Reads one side's JSON lines (not CSV); errors name the file and line.
  Status ReadSide(bool current, const std::string& path);
  // The same over JSON lines in memory (tests); `name` is used in messages.
  Status ReadSideBuffer(bool current, std::string_view data, std::string_view name);
  // One line of a side; `name` is the file's name for messages.
  Status Push(bool current, const io::JsonFieldsLine& line, std::string_view name);
  EvalResult Analyze() const;

 private:
  struct Side {
    uint64_t vectors = 0;
    std::vector<double> sum;
    uint64_t evaluated = 0, hallucinated = 0;
  };
  struct Group {
    Side side[2];
  };
  Group* GroupFor(const Value& cohort);

  const DriftConfig* config_;
  std::string by_;
  size_t max_cohorts_;
  const GoldenSet* golden_;
  io::JsonFieldsOptions fields_;  // scalars: by, golden id, hallucinated, answer
  size_t dimension_ = 0;
  std::string first_vector_at_;  // "file:line" of the vector that set the dimension
  Group overall_;
  std::map<std::string, Group, std::less<>> cohorts_;
};

void AddEvalJson(const EvalResult& r, nlohmann::json* out);
std::string RenderEvalTables(const EvalResult& r);

}  // namespace slokit::decide
