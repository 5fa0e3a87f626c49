// PromQL queries of OpenSLO and Sloth specs reduced to slokit's Prometheus bindings. Only the
// shapes a binding can express are accepted: a counter selector, optionally under rate() or
// increase() and sum [by (...)], and the histogram forms of latency SLIs. slokit writes its own
// increase() over its own windows, so a query's range (or Sloth's {{.window}}) is dropped; any
// other function, operator or modifier would change what is counted and is refused. Also the
// helpers both importers share: format detection, warnings, names.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <yaml-cpp/yaml.h>

#include "spec/import.h"
#include "spec/yaml_reader.h"

namespace slokit {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

struct QueryParser {
  const std::string& q;
  size_t pos = 0;
  std::string error;
  int column = 0;
  int depth = 0;

  bool Fail(size_t at, std::string message) {
    if (error.empty()) {
      error = std::move(message);
      column = static_cast<int>(std::min(at, q.size())) + 1;
    }
    return false;
  }
  void Space() {
    while (pos < q.size() && std::isspace(static_cast<unsigned char>(q[pos]))) ++pos;
  }
  bool Peek(char c) {
    Space();
    return pos < q.size() && q[pos] == c;
  }
  bool Expect(char c) {
    if (Peek(c)) {
      ++pos;
      return true;
    }
    return Fail(pos, pos < q.size() ? fmt::format("expected '{}', found '{}'", c, q[pos])
                                     : fmt::format("expected '{}' at the end of the query", c));
  }
  std::string Ident() {
    Space();
    size_t start = pos;
    while (pos < q.size() && IsIdentChar(q[pos])) ++pos;
    return q.substr(start, pos - start);
  }

  bool LabelList(std::vector<std::string>* out) {
    if (!Expect('(')) return false;
    while (!Peek(')')) {
      size_t at = pos;
      std::string label = Ident();
      if (label.empty()) return Fail(at, "expected a label name");
      out->push_back(label);
      if (Peek(',')) ++pos;
      else if (!Peek(')')) return Fail(pos, "expected ',' or ')' in the label list");
    }
    ++pos;
    return true;
  }

  // `by (a, b)` before or after a sum's argument; `without` keeps labels slokit cannot name.
  bool Grouping(std::vector<std::string>* by, bool* seen) {
    size_t at = pos;
    Space();
    size_t word = pos;
    std::string kw = Ident();
    if (kw == "by") {
      if (*seen) return Fail(word, "the grouping is given twice");
      *seen = true;
      return LabelList(by);
    }
    if (kw == "without")
      return Fail(word, "sum without (...) keeps labels that slokit cannot name; use sum by (...)");
    pos = at;  // not a grouping
    return true;
  }

  // metric{matchers}, scanned to its closing brace (quotes may hold braces), then checked by
  // the bindings' own selector parser so both accept exactly the same selectors.
  bool Selector(PromSelector* out) {
    Space();
    size_t start = pos;
    while (pos < q.size() && IsIdentChar(q[pos])) ++pos;
    Space();
    if (pos < q.size() && q[pos] == '{') {
      char quote = 0;
      for (++pos; pos < q.size(); ++pos) {
        char c = q[pos];
        if (quote) {
          if (c == '\\' && quote != '`') ++pos;
          else if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'' || c == '`') {
          quote = c;
        } else if (c == '}') {
          break;
        }
      }
      if (pos >= q.size()) return Fail(start, "missing '}' at the end of the selector");
      ++pos;
    }
    std::string text = q.substr(start, pos - start);
    std::string e;
    int col = 0;
    if (!ParsePromSelector(text, true, out, &e, &col)) return Fail(start + static_cast<size_t>(col) - 1, e);
    return NoModifier();
  }

  bool NoModifier() {
    Space();
    if (q.compare(pos, 6, "offset") == 0 || Peek('@'))
      return Fail(pos, "offset and @ shift the series in time; slokit reads them as they are now");
    return true;
  }

  // [5m], [{{.window}}] or [{{ .window }}]: dropped, since slokit writes its own windows.
  bool Range() {
    size_t start = pos;
    if (!Expect('[')) return false;
    size_t close = q.find(']', pos);
    if (close == std::string::npos) return Fail(start, "missing ']' after the range");
    std::string inner = q.substr(pos, close - pos);
    std::string compact;
    for (char c : inner) {
      if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
    }
    bool duration = !compact.empty() && std::all_of(compact.begin(), compact.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c));
    });
    if (compact != "{{.window}}" && !duration)
      return Fail(start, fmt::format("unsupported range '[{}]': expected a duration or {{{{.window}}}}", inner));
    pos = close + 1;
    return NoModifier();
  }

  bool Operand(QueryShape* out) {
    if (++depth > 32) return Fail(pos, "the query nests too deeply");
    Space();
    if (pos >= q.size()) return Fail(pos, "the query ends where a series was expected");
    if (q[pos] == '(') {
      ++pos;
      if (!Expression(out)) return false;
      --depth;
      return Expect(')');
    }
    size_t start = pos;
    std::string name = Ident();
    if (name.empty()) return Fail(start, fmt::format("unexpected '{}'", q[start]));
    bool call = Peek('(');
    static const std::set<std::string> kAggregations = {"avg", "min", "max", "count", "group", "stddev", "stdvar",
                                                        "topk", "bottomk", "quantile", "count_values"};
    if (kAggregations.count(name) && (call || Peek('b') || Peek('w')))
      return Fail(start, fmt::format("{} is not a sum of counts; slokit sums events and divides itself", name));
    if (name == "sum") {
      pos = start + name.size();
      bool grouped = false;
      std::vector<std::string> by;
      if (!Grouping(&by, &grouped) || !Expect('(')) return false;
      QueryShape inner;
      if (!Expression(&inner) || !Expect(')') || !Grouping(&by, &grouped)) return false;
      if (!inner.by.empty() || inner.quantile > 0) return Fail(start, "nested aggregations are not supported");
      *out = std::move(inner);
      out->by = std::move(by);
    } else if (call && (name == "rate" || name == "increase")) {
      Expect('(');
      if (!Selector(&out->selector) || !Range() || !Expect(')')) return false;
    } else if (call && name == "histogram_quantile") {
      Expect('(');
      Space();
      size_t comma = q.find(',', pos);
      if (comma == std::string::npos) return Fail(pos, "histogram_quantile needs two arguments");
      std::string number = q.substr(pos, comma - pos);
      while (!number.empty() && std::isspace(static_cast<unsigned char>(number.back()))) number.pop_back();
      double quantile = 0;
      if (!ParseNumber(number, &quantile) || !(quantile > 0 && quantile < 1))
        return Fail(pos, fmt::format("expected a quantile between 0 and 1, found '{}'", number));
      pos = comma + 1;
      QueryShape inner;
      if (!Expression(&inner) || !Expect(')')) return false;
      if (inner.difference || inner.quantile > 0) return Fail(start, "histogram_quantile of a difference");
      *out = std::move(inner);
      out->quantile = quantile;
    } else if (call) {
      std::string why = name == "irate" ? "irate() is a per-second rate of the last two samples, not a count"
                                       : fmt::format("{}() changes what is counted", name);
      return Fail(start, fmt::format("{}; slokit bindings take counters, optionally under rate(), increase() or sum", why));
    } else {
      pos = start;
      if (!Selector(&out->selector)) return false;
      if (Peek('[')) return Fail(pos, "a range without rate() or increase()");
    }
    --depth;
    return true;
  }

  bool Expression(QueryShape* out) {
    if (!Operand(out)) return false;
    Space();
    if (pos < q.size() && q[pos] == '-') {
      size_t at = pos++;
      QueryShape right;
      if (!Operand(&right)) return false;
      if (out->difference || right.difference || out->quantile > 0 || right.quantile > 0)
        return Fail(at, "only one difference of two counters is supported");
      std::set<std::string> a(out->by.begin(), out->by.end()), b(right.by.begin(), right.by.end());
      if (a != b) return Fail(at, "both sides of the difference must be summed by the same labels");
      out->difference = true;
      out->minus = std::move(right.selector);
      Space();
    }
    if (pos < q.size() && q[pos] != ')') {
      static const std::string kOperators = "+-*/%^<>=!";
      if (kOperators.find(q[pos]) != std::string::npos || q.compare(pos, 3, "and") == 0 ||
          q.compare(pos, 2, "or") == 0 || q.compare(pos, 6, "unless") == 0)
        return Fail(pos, "this operator has no binding equivalent: bindings name counters and slokit computes the ratios");
      return Fail(pos, "unexpected text after the query");
    }
    return true;
  }
};

// An histogram's unit from its name (Prometheus names carry the base unit as a suffix).
std::string UnitFromName(const std::string& histogram, bool* known) {
  *known = true;
  auto ends = [&](const char* s) {
    std::string suffix = s;
    return histogram.size() > suffix.size() &&
           histogram.compare(histogram.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("_milliseconds") || ends("_ms")) return "ms";
  if (ends("_microseconds") || ends("_us")) return "us";
  if (ends("_nanoseconds") || ends("_ns")) return "ns";
  *known = ends("_seconds");
  return "s";
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Base(const std::string& metric, const std::string& suffix) {
  return metric.substr(0, metric.size() - suffix.size());
}

// The selector's matchers without `le`, sorted, for comparing a bucket with its _count.
std::vector<std::string> OtherMatchers(const PromSelector& s, std::string* le) {
  std::vector<std::string> out;
  for (const PromMatcher& m : s.matchers) {
    if (m.label == "le" && le) *le = m.op == "=" ? m.value : "(" + m.op + ")";
    else if (m.label != "le") out.push_back(m.label + m.op + PromQuote(m.value));
  }
  std::sort(out.begin(), out.end());
  return out;
}

PromSelector WithoutLe(const PromSelector& s) {
  PromSelector out;
  for (const PromMatcher& m : s.matchers) {
    if (m.label != "le") out.matchers.push_back(m);
  }
  return out;
}

// Sets the histogram part of a latency or percentile SLI: its name, unit, field, threshold.
// `from_le`: the threshold is an `le` the query selects, so the histogram has that boundary.
void SetHistogram(const YamlField& f, const std::string& histogram, const PromSelector& bucket, double threshold,
                  bool from_le, ImportedSlo* slo, ImportedSpec* spec) {
  bool known = false;
  std::string unit = UnitFromName(histogram, &known);
  if (!known)
    ImportWarning(f, fmt::format("the unit of {} is not in its name; taken to be seconds (Prometheus' base unit)",
                                 histogram), spec);
  if (!(threshold > 0) || !std::isfinite(threshold))
    f.Fail(fmt::format("the latency threshold must be a positive finite number of {}, got {}", unit,
                       FormatPromNumber(threshold)));
  slo->histogram = histogram;
  slo->histogram_unit = unit;
  slo->histogram_selector = WithoutLe(bucket);
  slo->field = histogram;
  slo->field_unit = unit;
  slo->threshold = FormatPromNumber(threshold) + unit;
  if (!ParseDuration(slo->threshold))
    f.Fail(fmt::format("the threshold {} {} cannot be written as a duration", FormatPromNumber(threshold), unit));
  // slokit checks thresholds against the buckets of its own histograms (docs/metrics.md); a
  // server with other buckets under the same name must say so.
  std::vector<double> slokit_buckets = KnownHistogramBuckets(histogram);
  bool boundary = slokit_buckets.empty() || std::any_of(slokit_buckets.begin(), slokit_buckets.end(), [&](double b) {
                    return std::fabs(b - threshold) <= 1e-9 * std::max(1.0, b);
                  });
  if (boundary) return;
  std::string list;
  for (double b : slokit_buckets) list += (list.empty() ? "" : ", ") + FormatPromNumber(b);
  if (from_le) {
    slo->buckets = {threshold};
    slo->notes.push_back(fmt::format("{} is not one of slokit's default buckets for {} ({}), but the query selects "
                                     "it: buckets: lists it.", FormatPromNumber(threshold), histogram, list));
  } else if (slo->kind == SliKind::kLatency || threshold > slokit_buckets.back()) {
    f.Fail(fmt::format("{} {} is not a bucket boundary of {} (slokit's default buckets: {}); a latency SLI counts the "
                       "requests in the bucket at its threshold", FormatPromNumber(threshold), unit, histogram, list));
  }
}

// A latency SLI from `bucket` (X_bucket{le="T",...}) over X_count with the same other matchers.
void BindLatency(const YamlField& f, const PromSelector& bucket, const PromSelector& count, const YamlField& total_f,
                 ImportedSlo* slo, ImportedSpec* spec) {
  std::string histogram = Base(bucket.metric, "_bucket");
  std::string le, total_le;
  std::vector<std::string> bucket_rest = OtherMatchers(bucket, &le);
  std::vector<std::string> count_rest = OtherMatchers(count, &total_le);
  bool count_ok = count.metric == histogram + "_count" ||
                  (count.metric == bucket.metric && (total_le == "+Inf" || total_le == "Inf"));
  if (!count_ok)
    total_f.Fail(fmt::format("a latency SLI on {} needs {}_count as its total, got {}", bucket.Render(), histogram,
                             count.Render()));
  if (bucket_rest != count_rest)
    total_f.Fail(fmt::format("the bucket {} and the total {} must select the same series apart from le: a latency "
                             "binding has one selector for both", bucket.Render(), count.Render()));
  double threshold = 0;
  if (!ParseNumber(le, &threshold))
    f.Fail(fmt::format("the bucket must be selected with le=\"<number>\", got {}", bucket.Render()));
  slo->kind = SliKind::kLatency;
  SetHistogram(f, histogram, bucket, threshold, true, slo, spec);
}

// Event filters for `slokit report`: label matchers as tests on event fields named like the
// labels. False when a matcher has no filter equivalent (regexes; odd values or label names).
bool MatchersAsFilter(const std::vector<PromMatcher>& matchers, std::vector<std::string>* parts) {
  static const std::set<std::string> kKeywords = {"and", "or", "not", "in", "true", "false", "null"};
  for (const PromMatcher& m : matchers) {
    if ((m.op != "=" && m.op != "!=") || kKeywords.count(m.label) || m.value.empty() ||
        m.value.find_first_of("\"\\\n") != std::string::npos)
      return false;
    double number;
    std::string literal = ParseNumber(m.value, &number) ? m.value : "\"" + m.value + "\"";
    parts->push_back(fmt::format("{} {} {}", m.label, m.op == "=" ? "==" : "!=", literal));
  }
  return true;
}

std::string Conjunction(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : " and ") + p;
  return out;
}

// The numerator's own matchers (those not in the total) become the good filter, the total's
// become the validity filter. Empty when the two series differ or a matcher cannot be written.
bool DerivedFilters(const PromSelector& numerator, const PromSelector& total, bool bad, std::string* good,
                    std::string* valid) {
  if (numerator.metric != total.metric) return false;
  std::vector<PromMatcher> own;
  for (const PromMatcher& m : numerator.matchers) {
    bool in_total = std::any_of(total.matchers.begin(), total.matchers.end(), [&](const PromMatcher& t) {
      return t.label == m.label && t.op == m.op && t.value == m.value;
    });
    if (!in_total) own.push_back(m);
  }
  std::vector<std::string> good_parts, valid_parts;
  if (own.empty() || !MatchersAsFilter(own, &good_parts) || !MatchersAsFilter(total.matchers, &valid_parts))
    return false;
  std::string joined = Conjunction(good_parts);
  *good = !bad ? joined : good_parts.size() == 1 ? "not " + joined : "not (" + joined + ")";
  *valid = Conjunction(valid_parts);
  return true;
}

}  // namespace

bool ParseQueryShape(const std::string& query, QueryShape* out, std::string* error, int* column) {
  *out = QueryShape{};
  QueryParser p{query, 0, {}, 0, 0};
  if (p.Expression(out)) {
    p.Space();
    if (p.pos >= query.size()) return true;
    p.Fail(p.pos, "unbalanced ')'");
  }
  *error = p.error;
  *column = p.column;
  return false;
}

std::string FormatPercent(double percent) {
  double rounded = std::round(percent * 1e9) / 1e9;
  return FormatPromNumber(rounded);
}

void ImportWarning(const YamlField& f, const std::string& message, ImportedSpec* spec) {
  // YamlField locates a message only through Fail(); catching it keeps one way of naming places.
  try {
    f.Fail(message);
  } catch (const SpecError& e) {
    Diagnostic d = e.diagnostic;
    d.severity = Diagnostic::Severity::kWarning;
    spec->warnings.push_back(std::move(d));
  }
}

void CheckSloName(const YamlField& f, const std::string& name) {
  bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  if (!ok) f.Fail(fmt::format("'{}' cannot be a slokit SLO name: use letters, digits, '-' and '_'", name));
}

QueryShape QueryAt(const YamlField& f) {
  std::string query = f.Scalar();
  QueryShape shape;
  std::string error;
  int column = 0;
  if (!ParseQueryShape(query, &shape, &error, &column)) {
    std::string text = query;
    std::replace(text.begin(), text.end(), '\n', ' ');
    f.Fail(fmt::format("cannot convert the query `{}`: {} (at column {} of the query)", text, error, column));
  }
  return shape;
}

void BindRatioQueries(const YamlField& numerator_f, bool numerator_is_bad, const YamlField& total_f,
                      ImportedSlo* slo, ImportedSpec* spec) {
  QueryShape num = QueryAt(numerator_f), total = QueryAt(total_f);
  if (total.difference || total.quantile > 0)
    total_f.Fail("the total must be one counter (optionally under rate() and sum), not a difference or a quantile");
  if (num.quantile > 0) numerator_f.Fail("histogram_quantile is not a count of events; use the _bucket counter");
  std::set<std::string> a(num.by.begin(), num.by.end()), b(total.by.begin(), total.by.end());
  if (a != b) numerator_f.Fail("the two queries must be summed by the same labels (they become the binding's by:)");
  slo->by = total.by;
  std::erase(slo->by, std::string("le"));
  if (a.count("le")) numerator_f.Fail("sum by (le) keeps the buckets apart; a ratio sums them away");

  std::string le;
  if (num.difference) {
    // Sloth's latency form: bad = X_count - X_bucket{le="T"}, total = X_count.
    if (!numerator_is_bad || !EndsWith(num.selector.metric, "_count") || !EndsWith(num.minus.metric, "_bucket") ||
        Base(num.selector.metric, "_count") != Base(num.minus.metric, "_bucket"))
      numerator_f.Fail("a difference is only understood as the slow requests of a histogram: "
                       "X_count - X_bucket{le=\"T\"} (bad) over X_count (total)");
    if (OtherMatchers(num.selector, nullptr) != OtherMatchers(total.selector, nullptr) ||
        num.selector.metric != total.selector.metric)
      total_f.Fail(fmt::format("the total must be the same _count series as the error query's, {}",
                               num.selector.Render()));
    BindLatency(numerator_f, num.minus, num.selector, total_f, slo, spec);
    return;
  }
  OtherMatchers(num.selector, &le);
  if (!le.empty()) {
    if (numerator_is_bad || !EndsWith(num.selector.metric, "_bucket"))
      numerator_f.Fail("a bucket (le) counts the requests at or under a threshold: it can only be the good events");
    BindLatency(numerator_f, num.selector, total.selector, total_f, slo, spec);
    return;
  }
  slo->kind = SliKind::kRatio;
  (numerator_is_bad ? slo->bad : slo->good) = num.selector;
  slo->total = total.selector;
  if (!DerivedFilters(num.selector, total.selector, numerator_is_bad, &slo->good_filter, &slo->valid_filter)) {
    slo->good_filter = "ok";
    slo->good_note = fmt::format("placeholder for `slokit report`: write the event filter that matches {} {}",
                                 numerator_is_bad ? "the bad events of" : "the good events of", num.selector.Render());
  } else {
    slo->good_note = "good (and valid) come from the label matchers: `slokit report` reads event fields named like "
                     "the labels";
  }
}

void BindThresholdQuery(const YamlField& query_f, const YamlField& op_f, double value, ImportedSlo* slo,
                        ImportedSpec* spec) {
  QueryShape q = QueryAt(query_f);
  if (q.difference) query_f.Fail("a threshold metric must be one histogram query, not a difference");
  if (!EndsWith(q.selector.metric, "_bucket"))
    query_f.Fail(fmt::format("a threshold metric converts only from a histogram's _bucket series (a latency SLI), "
                             "got {}: slokit compares counts of events, not the value of a gauge",
                             q.selector.Render()));
  std::string op = op_f.Scalar();
  if (op != "lte" && op != "lt")
    op_f.Fail(fmt::format("op '{}' is not a latency objective: slokit counts the requests at or under a threshold "
                          "(lte)", op));
  if (op == "lt")
    ImportWarning(op_f, "lt becomes lte: a histogram bucket counts the requests at or under its boundary", spec);
  std::string le;
  OtherMatchers(q.selector, &le);
  double le_value = 0;
  if (!le.empty() && (!ParseNumber(le, &le_value) || std::fabs(le_value - value) > 1e-12 * std::max(1.0, value)))
    query_f.Fail(fmt::format("the query selects le=\"{}\" but the objective's value is {}", le,
                             FormatPromNumber(value)));
  std::erase(q.by, std::string("le"));
  slo->by = q.by;
  std::string histogram = Base(q.selector.metric, "_bucket");
  if (q.quantile > 0) {
    slo->kind = SliKind::kPercentile;
    slo->percentile = q.quantile * 100;
    slo->timeslices = true;
  } else {
    slo->kind = SliKind::kLatency;
  }
  SetHistogram(query_f, histogram, q.selector, value, !le.empty(), slo, spec);
}

namespace {

std::vector<YAML::Node> LoadDocuments(std::string_view yaml_text) {
  std::vector<YAML::Node> docs;
  std::string chunk;
  size_t chunk_line = 0, line_no = 0;
  auto flush = [&] {
    if (chunk.find_first_not_of(" \t\r\n") != std::string::npos) {
      if (docs.size() >= 1000) throw YAML::Exception(YAML::Mark(), "more than 1000 documents");
      // Leading newlines put the document's first line where it is in the file.
      docs.push_back(YAML::Load(std::string(chunk_line, '\n') + chunk));
    }
    chunk.clear();
  };
  size_t pos = 0;
  while (pos < yaml_text.size()) {
    size_t end = yaml_text.find('\n', pos);
    if (end == std::string_view::npos) end = yaml_text.size();
    std::string line(yaml_text.substr(pos, end - pos));
    pos = end + 1;
    auto marker = [&](const char* m) {
      return line.compare(0, 3, m) == 0 && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
    };
    if (marker("---")) {
      flush();
      chunk_line = line_no;
      line.replace(0, 3, "   ");  // what follows the marker keeps its columns
    } else if (marker("...")) {
      line.replace(0, 3, "   ");
    }
    chunk += line + "\n";
    ++line_no;
  }
  flush();
  return docs;
}

}  // namespace

Status RunImporter(std::string_view yaml_text, const std::string& file_name, const char* source,
                   ImportedSpec* out, const std::function<Status(const std::vector<YAML::Node>&)>& build) {
  *out = ImportedSpec{};
  out->source = source;
  out->file = file_name;
  Status s = CheckFlowNesting(yaml_text, file_name);
  if (!s.ok()) return s;
  try {
    return build(LoadDocuments(yaml_text));
  } catch (const SpecError& e) {
    return Status::InvalidArgument(e.diagnostic.ToString());
  } catch (const YAML::Exception& e) {
    return Status::ParseError(fmt::format("{}:{}:{}: invalid YAML: {}", file_name, e.mark.line + 1, e.mark.column + 1,
                                          e.msg));
  }
}

Status DetectImportFormat(std::string_view yaml_text, const std::string& file_name, ImportFormat* out) {
  Status s = CheckFlowNesting(yaml_text, file_name);
  if (!s.ok()) return s;
  try {
    for (const YAML::Node& doc : LoadDocuments(yaml_text)) {
      YAML::Node first = doc.IsSequence() && doc.size() > 0 ? doc[0] : doc;
      if (!first.IsMap()) continue;
      if (first["apiVersion"] && first["apiVersion"].IsScalar()) {
        std::string v = first["apiVersion"].Scalar();
        if (v.rfind("openslo", 0) == 0) {
          *out = ImportFormat::kOpenSlo;
          return Status::Ok();
        }
        if (v.rfind("sloth.slok.dev/", 0) == 0) {
          *out = ImportFormat::kSloth;
          return Status::Ok();
        }
      }
      if (first["version"] && first["version"].IsScalar() && first["version"].Scalar().rfind("prometheus/", 0) == 0) {
        *out = ImportFormat::kSloth;
        return Status::Ok();
      }
      break;  // the first document decides
    }
  } catch (const YAML::Exception& e) {
    return Status::ParseError(fmt::format("{}:{}:{}: invalid YAML: {}", file_name, e.mark.line + 1, e.mark.column + 1,
                                          e.msg));
  }
  return Status::InvalidArgument(fmt::format("{}:1:1: cannot tell the format: expected apiVersion: openslo/v1 "
                                             "(OpenSLO) or version: prometheus/v1 (Sloth); or pass --from",
                                             file_name));
}

Status ImportSpec(std::string_view yaml_text, const std::string& file_name, ImportFormat format, ImportedSpec* out) {
  if (format == ImportFormat::kAuto) {
    Status s = DetectImportFormat(yaml_text, file_name, &format);
    if (!s.ok()) return s;
  }
  return format == ImportFormat::kOpenSlo ? ImportOpenSlo(yaml_text, file_name, out)
                                          : ImportSloth(yaml_text, file_name, out);
}

}  // namespace slokit
