#include "spec/drift_loader.h"

#include <filesystem>

#include <fmt/format.h>

namespace slokit {
namespace {

std::vector<std::string> FieldList(const YamlField& f) {
  std::vector<std::string> out;
  if (f.IsScalar()) {
    out.push_back(f.Scalar());
  } else {
    if (!f.IsSequence()) f.Fail("expected a list of field names, e.g. [ttft_ms, quality_score]");
    for (size_t i = 0; i < f.Size(); ++i) out.push_back(f[i].Scalar());
  }
  for (const std::string& name : out)
    if (name.empty()) f.Fail("expected a field name");
  return out;
}

// A threshold that must lie in [lo, hi].
double Bounded(const YamlField& f, double lo, double hi) {
  double v = f.Number();
  if (!(v >= lo && v <= hi)) f.Fail(fmt::format("expected a number between {} and {}, got {}", lo, hi, f.Scalar()));
  return v;
}

// A rate written as a percentage, "2%" or 2 (unlike objectives, small values such as 0.5 are
// legitimate here: half a percent).
double PercentRate(const YamlField& f) {
  std::string text = f.Scalar();
  if (!text.empty() && text.back() == '%') text.pop_back();
  double v;
  if (!ParseNumber(text, &v) || !(v > 0 && v <= 100))
    f.Fail(fmt::format("expected a percentage in (0%, 100%], e.g. 2 or \"2%\", got '{}'", f.Scalar()));
  return v / 100.0;
}

}  // namespace

void BuildDriftConfig(const YamlField& section, Spec* spec) {
  DriftConfig& d = spec->drift;
  d.line = section.Line();
  if (!section.IsMap()) section.Fail("expected a mapping, e.g. {by: language, numeric: [ttft_ms]}");
  section.AllowOnly({"by", "numeric", "categorical", "numeric_method", "categorical_method", "psi", "psi_moderate",
                     "ks_alpha", "ks_min_d", "chi_alpha", "js", "min_events", "embedding", "hallucination"});
  if (section.Has("by")) d.by = section["by"].Scalar();
  if (section.Has("numeric")) d.numeric = FieldList(section["numeric"]);
  if (section.Has("categorical")) d.categorical = FieldList(section["categorical"]);
  if (section.Has("numeric_method")) {
    YamlField m = section["numeric_method"];
    std::string t = m.Scalar();
    if (t == "psi_or_ks") d.numeric_method = DriftConfig::NumericMethod::kPsiOrKs;
    else if (t == "psi") d.numeric_method = DriftConfig::NumericMethod::kPsi;
    else if (t == "ks") d.numeric_method = DriftConfig::NumericMethod::kKs;
    else m.Fail(fmt::format("expected psi_or_ks, psi or ks, got '{}'{}", t, Suggest(t, {"psi_or_ks", "psi", "ks"})));
  }
  if (section.Has("categorical_method")) {
    YamlField m = section["categorical_method"];
    std::string t = m.Scalar();
    if (t == "chi_square_and_js") d.categorical_method = DriftConfig::CategoricalMethod::kChiSquareAndJs;
    else if (t == "chi_square") d.categorical_method = DriftConfig::CategoricalMethod::kChiSquare;
    else if (t == "js") d.categorical_method = DriftConfig::CategoricalMethod::kJs;
    else
      m.Fail(fmt::format("expected chi_square_and_js, chi_square or js, got '{}'{}", t,
                         Suggest(t, {"chi_square_and_js", "chi_square", "js"})));
  }
  if (section.Has("psi")) d.psi = Bounded(section["psi"], 0, 100);
  if (section.Has("psi_moderate")) d.psi_moderate = Bounded(section["psi_moderate"], 0, 100);
  if (d.psi_moderate > d.psi) (section.Has("psi_moderate") ? section["psi_moderate"] : section["psi"])
      .Fail(fmt::format("psi_moderate ({}) must not exceed psi ({})", d.psi_moderate, d.psi));
  if (section.Has("ks_alpha")) d.ks_alpha = Bounded(section["ks_alpha"], 0, 1);
  if (section.Has("ks_min_d")) d.ks_min_d = Bounded(section["ks_min_d"], 0, 1);
  if (section.Has("chi_alpha")) d.chi_alpha = Bounded(section["chi_alpha"], 0, 1);
  if (section.Has("js")) d.js = Bounded(section["js"], 0, 1);
  if (section.Has("min_events")) d.min_events = static_cast<uint64_t>(section["min_events"].Integer(1));
  if (section.Has("embedding")) {
    YamlField e = section["embedding"];
    if (e.IsScalar()) {
      d.embedding_field = e.Scalar();
    } else {
      e.AllowOnly({"field", "min_cosine"});
      d.embedding_field = e["field"].Scalar();
      if (e.Has("min_cosine")) d.min_cosine = Bounded(e["min_cosine"], -1, 1);
    }
    if (d.embedding_field.empty()) e.Fail("expected the name of the field holding the vector");
  }
  if (section.Has("hallucination")) {
    YamlField h = section["hallucination"];
    h.AllowOnly({"golden", "id_field", "max_rate"});
    d.golden = h["golden"].Scalar();
    if (d.golden.empty()) h["golden"].Fail("expected the path of the golden dataset (JSON lines)");
    std::filesystem::path p(d.golden);
    if (p.is_relative() && !spec->file.empty())
      d.golden = (std::filesystem::path(spec->file).parent_path() / p).lexically_normal().string();
    if (h.Has("id_field")) d.golden_id_field = h["id_field"].Scalar();
    if (h.Has("max_rate")) d.max_hallucination = PercentRate(h["max_rate"]);
  }
}

}  // namespace slokit
