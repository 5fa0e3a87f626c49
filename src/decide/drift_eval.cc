#include "decide/drift_eval.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace slokit::decide {

namespace {

// A scalar as text: cohort values and golden ids (ids may be written as numbers).
std::string ScalarText(const Value& v) {
  switch (v.type) {
    case ValueType::kString: return std::string(v.string);
    case ValueType::kNumber: return fmt::format("{}", v.number);
    case ValueType::kBool: return v.boolean ? "true" : "false";
    default: return "(none)";
  }
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

nlohmann::json J(double v) {
  if (std::isfinite(v)) return v;
  return nullptr;
}

std::string RenderRows(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> w(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) w[c] = std::max(w[c], row[c].size());
  std::string s;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) line += fmt::format("{:<{}}  ", row[c], w[c]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    s += line + "\n";
  }
  return s;
}

}  // namespace

std::string NormalizeAnswer(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

namespace {

// Fills *out from golden lines, `read` being a ReadJsonFields variant bound to its input.
template <typename Read>
Status ReadGolden(std::string_view name, const Read& read, GoldenSet* out) {
  io::JsonFieldsOptions o;
  o.scalars = {"id", "expected"};
  o.strict = true;  // a golden dataset has no other reader to report its bad lines
  std::unordered_map<std::string, uint64_t> first_line;
  Status s = read(o, [&](const io::JsonFieldsLine& l) -> Status {
    const Value& id = l.scalars[0];
    const Value& expected = l.scalars[1];
    if (id.type != ValueType::kString && !(id.type == ValueType::kNumber && id.number == std::floor(id.number)))
      return Status::InvalidArgument(fmt::format("{}:{}: \"id\": expected a string or a whole number", name, l.line));
    if (expected.type != ValueType::kString)
      return Status::InvalidArgument(
          fmt::format("{}:{}: \"expected\": expected a string (the golden answer or label)", name, l.line));
    std::string key = ScalarText(id);
    auto [it, fresh] = first_line.emplace(key, l.line);
    if (!fresh)
      return Status::InvalidArgument(
          fmt::format("{}:{}: duplicate id \"{}\" (first on line {})", name, l.line, key, it->second));
    out->expected.emplace(std::move(key), NormalizeAnswer(expected.string));
    return Status::Ok();
  });
  if (s.ok() && out->expected.empty())
    return Status::InvalidArgument(fmt::format("{}: the golden dataset is empty", name));
  return s;
}

}  // namespace

Status ParseGoldenSet(std::string_view data, std::string_view name, GoldenSet* out) {
  return ReadGolden(
      name,
      [&](const io::JsonFieldsOptions& o, const io::JsonFieldsSink& sink) {
        return io::ReadJsonFieldsBuffer(data, name, o, sink, nullptr);
      },
      out);
}

Status LoadGoldenSet(const std::string& path, GoldenSet* out) {
  return ReadGolden(
      path,
      [&](const io::JsonFieldsOptions& o, const io::JsonFieldsSink& sink) {
        return io::ReadJsonFields(path, o, sink, nullptr);
      },
      out);
}

EvalAnalyzer::EvalAnalyzer(const DriftConfig* config, std::string by, size_t max_cohorts, const GoldenSet* golden)
    : config_(config), by_(std::move(by)), max_cohorts_(max_cohorts), golden_(golden) {
  fields_.vector_field = config->embedding_field;
  // Fixed slots: 0 cohort, 1 golden id, 2 verdict, 3 answer. Without a cohort field slot 0 gets a
  // key no real event uses (U+0001), so it stays missing.
  fields_.scalars = {by_.empty() ? std::string("\x01") : by_, config->golden_id_field, "hallucinated", "answer"};
}

bool EvalAnalyzer::enabled() const { return !config_->embedding_field.empty() || !config_->golden.empty(); }

EvalAnalyzer::Group* EvalAnalyzer::GroupFor(const Value& cohort) {
  if (by_.empty()) return nullptr;
  std::string key = ScalarText(cohort);
  auto it = cohorts_.find(key);
  if (it == cohorts_.end()) {
    if (cohorts_.size() >= max_cohorts_) key = "other";  // as DriftAnalyzer pools them
    it = cohorts_.try_emplace(key).first;
  }
  return &it->second;
}

Status EvalAnalyzer::Push(bool current, const io::JsonFieldsLine& l, std::string_view name) {
  Group* cohort = GroupFor(l.scalars[0]);
  const int k = current ? 1 : 0;
  if (l.has_vector) {
    if (l.vector.empty()) return Status::InvalidArgument(fmt::format("{}:{}: field \"{}\": empty vector", name, l.line, fields_.vector_field));
    if (dimension_ == 0) {
      dimension_ = l.vector.size();
      first_vector_at_ = fmt::format("{}:{}", name, l.line);
    } else if (l.vector.size() != dimension_) {
      return Status::InvalidArgument(fmt::format("{}:{}: field \"{}\": {} elements, expected {} (as at {})", name,
                                                 l.line, fields_.vector_field, l.vector.size(), dimension_,
                                                 first_vector_at_));
    }
    for (Group* g : {&overall_, cohort}) {
      if (!g) continue;
      Side& s = g->side[k];
      if (s.sum.empty()) s.sum.assign(dimension_, 0.0);
      for (size_t i = 0; i < dimension_; ++i) s.sum[i] += l.vector[i];
      ++s.vectors;
    }
  }
  const Value& id = l.scalars[1];
  if (golden_ != nullptr && id.present()) {
    std::string key = ScalarText(id);
    auto it = golden_->expected.find(key);
    if (it == golden_->expected.end())
      return Status::InvalidArgument(fmt::format("{}:{}: \"{}\": id \"{}\" is not in the golden dataset {}", name,
                                                 l.line, config_->golden_id_field, key, config_->golden));
    const Value& judged = l.scalars[2];
    const Value& answer = l.scalars[3];
    bool hallucinated;
    if (judged.type == ValueType::kBool) {
      hallucinated = judged.boolean;  // a judge's verdict on this item
    } else if (answer.type == ValueType::kString) {
      hallucinated = NormalizeAnswer(answer.string) != it->second;
    } else {
      return Status::InvalidArgument(fmt::format(
          "{}:{}: an evaluation result (it has \"{}\") needs \"hallucinated\" (true/false) or \"answer\" (a string)",
          name, l.line, config_->golden_id_field));
    }
    for (Group* g : {&overall_, cohort}) {
      if (!g) continue;
      ++g->side[k].evaluated;
      if (hallucinated) ++g->side[k].hallucinated;
    }
  }
  return Status::Ok();
}

Status EvalAnalyzer::ReadSide(bool current, const std::string& path) {
  if (EndsWith(path, ".csv") || EndsWith(path, ".csv.gz"))
    return Status::InvalidArgument(
        fmt::format("{}: embedding drift and golden-set evaluations read JSON lines, not CSV", path));
  return io::ReadJsonFields(
      path, fields_, [&](const io::JsonFieldsLine& l) { return Push(current, l, path); }, nullptr);
}

Status EvalAnalyzer::ReadSideBuffer(bool current, std::string_view data, std::string_view name) {
  return io::ReadJsonFieldsBuffer(
      data, name, fields_, [&](const io::JsonFieldsLine& l) { return Push(current, l, name); }, nullptr);
}

EvalResult EvalAnalyzer::Analyze() const {
  EvalResult r;
  const uint64_t min_n = config_->min_events;
  r.embedding_field = config_->embedding_field;
  r.dimension = dimension_;
  r.min_cosine = config_->min_cosine;
  r.golden = config_->golden;
  r.golden_items = golden_ ? golden_->expected.size() : 0;
  r.max_rate = config_->max_hallucination;
  auto analyze = [&](const std::string& cohort, const Group& g) {
    if (!r.embedding_field.empty()) {
      EmbeddingDrift e;
      e.cohort = cohort;
      e.reference_n = g.side[0].vectors;
      e.current_n = g.side[1].vectors;
      double dot = 0, na = 0, nb = 0;
      // The mean's 1/n factors cancel in the cosine, so the sums serve as well.
      if (e.reference_n && e.current_n)
        for (size_t i = 0; i < dimension_; ++i) {
          dot += g.side[0].sum[i] * g.side[1].sum[i];
          na += g.side[0].sum[i] * g.side[0].sum[i];
          nb += g.side[1].sum[i] * g.side[1].sum[i];
        }
      e.skipped = e.reference_n < min_n || e.current_n < min_n || na == 0 || nb == 0;
      if (!e.skipped) {
        e.cosine = dot / (std::sqrt(na) * std::sqrt(nb));
        e.drift = e.cosine < r.min_cosine;
      }
      r.any_embedding_drift = r.any_embedding_drift || e.drift;
      r.embedding.push_back(e);
    }
    if (!r.golden.empty()) {
      HallucinationRate h;
      h.cohort = cohort;
      h.reference_evaluated = g.side[0].evaluated;
      h.reference_hallucinated = g.side[0].hallucinated;
      h.evaluated = g.side[1].evaluated;
      h.hallucinated = g.side[1].hallucinated;
      auto ratio = [](uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
      h.reference_rate = ratio(h.reference_hallucinated, h.reference_evaluated);
      h.rate = ratio(h.hallucinated, h.evaluated);
      h.skipped = h.evaluated < min_n;
      h.above = !h.skipped && h.rate > r.max_rate;
      r.any_hallucination_above = r.any_hallucination_above || h.above;
      r.hallucination.push_back(h);
    }
  };
  analyze("", overall_);
  for (const auto& [key, g] : cohorts_) analyze(key, g);
  return r;
}

void AddEvalJson(const EvalResult& r, nlohmann::json* out) {
  nlohmann::json& j = *out;
  j["embedding_drift"] = r.any_embedding_drift;
  j["hallucination_above_target"] = r.any_hallucination_above;
  if (!r.embedding_field.empty()) {
    nlohmann::json e = {{"field", r.embedding_field}, {"dimension", r.dimension}, {"min_cosine", r.min_cosine},
                        {"cohorts", nlohmann::json::array()}};
    for (const EmbeddingDrift& d : r.embedding)
      e["cohorts"].push_back({{"cohort", d.cohort}, {"reference_n", d.reference_n}, {"current_n", d.current_n},
                              {"cosine", d.skipped ? nlohmann::json(nullptr) : J(d.cosine)},
                              {"level", d.skipped ? "n/a" : d.drift ? "drift" : "none"}, {"drift", d.drift}});
    j["embedding"] = e;
  }
  if (!r.golden.empty()) {
    nlohmann::json h = {{"golden", r.golden}, {"golden_items", r.golden_items}, {"max_rate", r.max_rate},
                        {"cohorts", nlohmann::json::array()}};
    for (const HallucinationRate& x : r.hallucination)
      h["cohorts"].push_back({{"cohort", x.cohort}, {"evaluated", x.evaluated}, {"hallucinated", x.hallucinated},
                              {"rate", x.rate}, {"reference_evaluated", x.reference_evaluated},
                              {"reference_hallucinated", x.reference_hallucinated},
                              {"reference_rate", x.reference_rate}, {"skipped", x.skipped}, {"above", x.above}});
    j["hallucination"] = h;
  }
}

std::string RenderEvalTables(const EvalResult& r) {
  std::string out;
  if (!r.embedding_field.empty()) {
    std::vector<std::vector<std::string>> rows = {{"EMBEDDING", "COHORT", "N REF", "N CUR", "COSINE", "MIN", "LEVEL"}};
    for (const EmbeddingDrift& d : r.embedding)
      rows.push_back({fmt::format("{} ({}-d)", r.embedding_field, r.dimension), d.cohort.empty() ? "(all)" : d.cohort,
                      std::to_string(d.reference_n), std::to_string(d.current_n),
                      d.skipped ? "-" : fmt::format("{:.4f}", d.cosine), fmt::format("{:g}", r.min_cosine),
                      d.skipped ? "n/a" : d.drift ? "DRIFT" : "none"});
    out += "\n" + RenderRows(rows);
  }
  if (!r.golden.empty()) {
    std::vector<std::vector<std::string>> rows = {
        {"HALLUCINATION", "COHORT", "EVALUATED", "HALLUCINATED", "RATE", "REF RATE", "MAX", "FLAG"}};
    for (const HallucinationRate& h : r.hallucination)
      rows.push_back({fmt::format("golden ({} items)", r.golden_items), h.cohort.empty() ? "(all)" : h.cohort,
                      std::to_string(h.evaluated), std::to_string(h.hallucinated),
                      h.evaluated ? fmt::format("{:.2f}%", h.rate * 100) : "-",
                      h.reference_evaluated ? fmt::format("{:.2f}%", h.reference_rate * 100) : "-",
                      fmt::format("{:g}%", r.max_rate * 100),
                      h.skipped ? "n/a" : h.above ? "ABOVE TARGET" : ""});
    out += "\n" + RenderRows(rows);
  }
  return out;
}

}  // namespace slokit::decide
