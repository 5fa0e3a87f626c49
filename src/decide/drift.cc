#include "decide/drift.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "stats/chi_square.h"
#include "stats/divergence.h"
#include "stats/ks.h"

namespace slokit::decide {

namespace {

std::string ValueText(const Value& v) {
  switch (v.type) {
    case ValueType::kString: return std::string(v.string);
    case ValueType::kNumber: return fmt::format("{}", v.number);
    case ValueType::kBool: return v.boolean ? "true" : "false";
    default: return "(none)";
  }
}

nlohmann::json J(double v) {
  if (std::isfinite(v)) return v;
  return nullptr;
}

}  // namespace

DriftOptions DriftOptions::FromConfig(const DriftConfig& c) {
  DriftOptions o;
  o.numeric = c.numeric;
  o.categorical = c.categorical;
  o.by = c.by;
  o.min_events = c.min_events;
  o.numeric_method = c.numeric_method;
  o.categorical_method = c.categorical_method;
  o.psi_drift = c.psi;
  o.psi_moderate = c.psi_moderate;
  o.ks_alpha = c.ks_alpha;
  o.ks_min_d = c.ks_min_d;
  o.chi_alpha = c.chi_alpha;
  o.js_drift = c.js;
  return o;
}

DriftAnalyzer::DriftAnalyzer(Spec* spec, const DriftOptions* options) : spec_(spec), options_(options) {
  for (const std::string& f : options->numeric) numeric_.push_back(spec->fields.Intern(f));
  for (const std::string& f : options->categorical) categorical_.push_back(spec->fields.Intern(f));
  if (!options->by.empty()) by_ = spec->fields.Intern(options->by);
  for (size_t i = 0; i < spec->slos.size(); ++i)
    if (spec->slos[i].sli.kind == SliKind::kQuality) quality_slos_.push_back(i);
  overall_ = NewGroup();
}

DriftAnalyzer::Group DriftAnalyzer::NewGroup() const {
  Group g;
  for (SideData& s : g.side) {
    s.numeric.assign(numeric_.size(), BottomKSample(options_->max_samples));
    s.categorical.resize(categorical_.size());
    s.quality_valid.assign(quality_slos_.size(), 0);
    s.quality_good.assign(quality_slos_.size(), 0);
  }
  return g;
}

void DriftAnalyzer::PushGroup(Group* g, bool current, const Record& r) {
  SideData& s = g->side[current ? 1 : 0];
  ++s.events;
  for (size_t i = 0; i < numeric_.size(); ++i) {
    const Value& v = r.values[static_cast<size_t>(numeric_[i])];
    if (v.type == ValueType::kNumber && std::isfinite(v.number)) s.numeric[i].Add(r.time_ns, v.number);
  }
  for (size_t i = 0; i < categorical_.size(); ++i) {
    std::string key = ValueText(r.values[static_cast<size_t>(categorical_[i])]);
    ++s.categorical[i][key];
  }
  for (size_t i = 0; i < quality_slos_.size(); ++i) {
    const Sli& sli = spec_->slos[quality_slos_[i]].sli;
    if (!sli.valid.Eval(r)) continue;
    ++s.quality_valid[i];
    if (sli.good.Eval(r)) ++s.quality_good[i];
  }
}

void DriftAnalyzer::Push(bool current, const Record& r) {
  PushGroup(&overall_, current, r);
  if (by_ < 0) return;
  std::string key = ValueText(r.values[static_cast<size_t>(by_)]);
  auto it = cohorts_.find(key);
  if (it == cohorts_.end()) {
    if (cohorts_.size() >= options_->max_cohorts) key = "other";
    it = cohorts_.find(key);
    if (it == cohorts_.end()) it = cohorts_.emplace(key, NewGroup()).first;
  }
  PushGroup(&it->second, current, r);
}

void DriftAnalyzer::Merge(const DriftAnalyzer& other) {
  auto merge = [](Group* into, const Group& from) {
    for (int k = 0; k < 2; ++k) {
      SideData& a = into->side[k];
      const SideData& b = from.side[k];
      a.events += b.events;
      for (size_t i = 0; i < a.numeric.size(); ++i) a.numeric[i].Merge(b.numeric[i]);
      for (size_t i = 0; i < a.categorical.size(); ++i)
        for (const auto& [key, n] : b.categorical[i]) a.categorical[i][key] += n;
      for (size_t i = 0; i < a.quality_valid.size(); ++i) {
        a.quality_valid[i] += b.quality_valid[i];
        a.quality_good[i] += b.quality_good[i];
      }
    }
  };
  merge(&overall_, other.overall_);
  for (const auto& [key, g] : other.cohorts_) {
    auto it = cohorts_.find(key);
    if (it == cohorts_.end()) {
      std::string k = cohorts_.size() >= options_->max_cohorts ? "other" : key;
      it = cohorts_.find(k);
      if (it == cohorts_.end()) it = cohorts_.emplace(k, NewGroup()).first;
    }
    merge(&it->second, g);
  }
}

void DriftAnalyzer::AnalyzeGroup(const std::string& cohort, const Group& g, DriftResult* out) const {
  const DriftOptions& o = *options_;
  for (size_t i = 0; i < numeric_.size(); ++i) {
    FieldDrift d;
    d.field = o.numeric[i];
    d.cohort = cohort;
    d.numeric = true;
    d.reference_n = g.side[0].numeric[i].seen();
    d.current_n = g.side[1].numeric[i].seen();
    if (d.reference_n < o.min_events || d.current_n < o.min_events) {
      d.skipped = true;
      d.level = "n/a";
    } else {
      std::vector<double> x = g.side[0].numeric[i].Values(), y = g.side[1].numeric[i].Values();
      stats::BinningOptions bo;
      stats::KsResult ks;
      if (stats::PsiOfSamples(x, y, bo, &d.psi).ok() && stats::KolmogorovSmirnov2(x, y, &ks).ok() &&
          stats::WassersteinDistance(x, y, &d.wasserstein).ok()) {
        d.ks_d = ks.statistic;
        d.ks_p = ks.p_value;
        bool ks_drift = d.ks_p < o.ks_alpha && d.ks_d >= o.ks_min_d;
        bool psi_drift = d.psi >= o.psi_drift;
        switch (o.numeric_method) {
          case DriftConfig::NumericMethod::kPsiOrKs: d.drift = psi_drift || ks_drift; break;
          case DriftConfig::NumericMethod::kPsi: d.drift = psi_drift; break;
          case DriftConfig::NumericMethod::kKs: d.drift = ks_drift; break;
        }
        d.level = d.drift ? "drift" : d.psi >= o.psi_moderate ? "moderate" : "none";
      } else {
        d.skipped = true;
        d.level = "n/a";
      }
    }
    out->fields.push_back(d);
  }
  for (size_t i = 0; i < categorical_.size(); ++i) {
    FieldDrift d;
    d.field = o.categorical[i];
    d.cohort = cohort;
    d.numeric = false;
    const auto& a = g.side[0].categorical[i];
    const auto& b = g.side[1].categorical[i];
    std::map<std::string, std::pair<double, double>> cats;
    for (const auto& [k, n] : a) cats[k].first += static_cast<double>(n);
    for (const auto& [k, n] : b) cats[k].second += static_cast<double>(n);
    std::vector<double> rc, cc;
    for (const auto& [k, p] : cats) {
      rc.push_back(p.first);
      cc.push_back(p.second);
      d.reference_n += static_cast<uint64_t>(p.first);
      d.current_n += static_cast<uint64_t>(p.second);
    }
    stats::ChiSquareResult chi;
    if (d.reference_n < o.min_events || d.current_n < o.min_events || !stats::ChiSquareTwoSample(rc, cc, &chi).ok() ||
        !stats::JensenShannonDistance(rc, cc, &d.js).ok()) {
      d.skipped = true;
      d.level = "n/a";
    } else {
      d.chi_square = chi.statistic;
      d.chi_p = chi.p_value;
      bool chi_drift = d.chi_p < o.chi_alpha, js_drift = d.js >= o.js_drift;
      switch (o.categorical_method) {
        case DriftConfig::CategoricalMethod::kChiSquareAndJs: d.drift = chi_drift && js_drift; break;
        case DriftConfig::CategoricalMethod::kChiSquare: d.drift = chi_drift; break;
        case DriftConfig::CategoricalMethod::kJs: d.drift = js_drift; break;
      }
      d.level = d.drift ? "drift" : "none";
    }
    out->fields.push_back(d);
  }
}

DriftResult DriftAnalyzer::Analyze() const {
  DriftResult out;
  out.by = options_->by;
  out.reference_events = overall_.side[0].events;
  out.current_events = overall_.side[1].events;
  AnalyzeGroup("", overall_, &out);
  for (const auto& [key, g] : cohorts_) AnalyzeGroup(key, g, &out);
  for (const FieldDrift& f : out.fields) out.any_drift = out.any_drift || f.drift;
  // Quality of the current events, aggregate and per cohort.
  for (size_t i = 0; i < quality_slos_.size(); ++i) {
    const Slo& slo = spec_->slos[quality_slos_[i]];
    auto row = [&](const std::string& cohort, const SideData& s) {
      QualityCohort q;
      q.slo = slo.name;
      q.cohort = cohort;
      q.valid = s.quality_valid[i];
      q.good = s.quality_good[i];
      q.objective = slo.objective;
      q.ratio = q.valid ? static_cast<double>(q.good) / static_cast<double>(q.valid) : 0;
      q.met = q.valid == 0 || q.ratio >= q.objective;
      return q;
    };
    QualityCohort aggregate = row("", overall_.side[1]);
    out.quality.push_back(aggregate);
    for (const auto& [key, g] : cohorts_) {
      QualityCohort q = row(key, g.side[1]);
      q.flagged = aggregate.met && !q.met && q.valid >= options_->min_events;
      out.any_flagged = out.any_flagged || q.flagged;
      out.quality.push_back(q);
    }
  }
  return out;
}

nlohmann::json DriftResultToJson(const DriftResult& r) {
  nlohmann::json j;
  j["reference_events"] = r.reference_events;
  j["current_events"] = r.current_events;
  j["by"] = r.by;
  j["drift"] = r.any_drift;
  j["quality_flagged"] = r.any_flagged;
  j["fields"] = nlohmann::json::array();
  for (const FieldDrift& f : r.fields) {
    nlohmann::json x = {{"field", f.field}, {"cohort", f.cohort}, {"kind", f.numeric ? "numeric" : "categorical"},
                        {"reference_n", f.reference_n}, {"current_n", f.current_n}, {"level", f.level},
                        {"drift", f.drift}};
    if (!f.skipped && f.numeric) {
      x["psi"] = J(f.psi);
      x["ks_d"] = J(f.ks_d);
      x["ks_p"] = J(f.ks_p);
      x["wasserstein"] = J(f.wasserstein);
    } else if (!f.skipped) {
      x["chi_square"] = J(f.chi_square);
      x["chi_p"] = J(f.chi_p);
      x["js"] = J(f.js);
    }
    j["fields"].push_back(x);
  }
  j["quality"] = nlohmann::json::array();
  for (const QualityCohort& q : r.quality)
    j["quality"].push_back({{"slo", q.slo}, {"cohort", q.cohort}, {"valid", q.valid}, {"good", q.good},
                            {"ratio", q.ratio}, {"objective", q.objective}, {"met", q.met}, {"flagged", q.flagged}});
  AddEvalJson(r.eval, &j);
  return j;
}

std::string RenderDriftTable(const DriftResult& r) {
  std::string out = fmt::format("Reference: {} events, current: {} events{}\n\n", r.reference_events,
                                r.current_events, r.by.empty() ? "" : ", cohorts by " + r.by);
  std::vector<std::vector<std::string>> rows = {
      {"FIELD", "COHORT", "N REF", "N CUR", "PSI", "KS D", "KS P", "WASSERSTEIN", "CHI2", "CHI2 P", "JS", "LEVEL"}};
  auto num = [](double v) { return fmt::format("{:.4g}", v); };
  for (const FieldDrift& f : r.fields) {
    std::vector<std::string> row = {f.field, f.cohort.empty() ? "(all)" : f.cohort, std::to_string(f.reference_n),
                                    std::to_string(f.current_n)};
    if (f.skipped) {
      for (int i = 0; i < 7; ++i) row.push_back("-");
    } else if (f.numeric) {
      row.insert(row.end(), {num(f.psi), num(f.ks_d), num(f.ks_p), num(f.wasserstein), "-", "-", "-"});
    } else {
      row.insert(row.end(), {"-", "-", "-", "-", num(f.chi_square), num(f.chi_p), num(f.js)});
    }
    row.push_back(f.drift ? "DRIFT" : f.level);
    rows.push_back(row);
  }
  auto render = [](const std::vector<std::vector<std::string>>& rs) {
    std::vector<size_t> w(rs[0].size(), 0);
    for (const auto& row : rs)
      for (size_t c = 0; c < row.size(); ++c) w[c] = std::max(w[c], row[c].size());
    std::string s;
    for (const auto& row : rs) {
      std::string line;
      for (size_t c = 0; c < row.size(); ++c) line += fmt::format("{:<{}}  ", row[c], w[c]);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      s += line + "\n";
    }
    return s;
  };
  out += render(rows);
  if (!r.quality.empty()) {
    std::vector<std::vector<std::string>> q = {{"QUALITY SLO", "COHORT", "VALID", "GOOD", "OBJECTIVE", "MET", "FLAG"}};
    for (const QualityCohort& c : r.quality)
      q.push_back({c.slo, c.cohort.empty() ? "(all)" : c.cohort, std::to_string(c.valid),
                   fmt::format("{:.3f}%", c.ratio * 100), fmt::format("{:g}%", c.objective * 100),
                   c.met ? "yes" : "NO", c.flagged ? "below target while the aggregate passes" : ""});
    out += "\n" + render(q);
  }
  out += RenderEvalTables(r.eval);
  out += fmt::format("\n{}; {}\n", r.any_drift ? "Drift detected" : "No drift",
                     r.any_flagged ? "a quality target is missed (a cohort below it while the aggregate passes, "
                                     "or a hallucination rate above it)"
                                   : "no cohort hidden below its quality target");
  return out;
}

}  // namespace slokit::decide
