#include "spec/prometheus_binding.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "spec/spec.h"
#include "spec/yaml_reader.h"

namespace slokit {
namespace {

bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool IsLabelStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsLabelChar(char c) { return IsLabelStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

bool IsLabelName(const std::string& s) {
  return !s.empty() && IsLabelStart(s[0]) && std::all_of(s.begin(), s.end(), IsLabelChar);
}

// A small scanner over one selector; positions are 0-based, reported 1-based.
struct SelectorScanner {
  explicit SelectorScanner(const std::string& t) : text(t) {}
  const std::string& text;
  size_t pos = 0;
  std::string error;
  int column = 0;

  bool Fail(size_t at, std::string message) {
    error = std::move(message);
    column = static_cast<int>(at) + 1;
    return false;
  }
  void SkipSpace() {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  }
  bool AtEnd() const { return pos >= text.size(); }

  bool QuotedString(std::string* out) {
    char quote = text[pos];
    size_t start = pos++;
    out->clear();
    while (pos < text.size() && text[pos] != quote) {
      char c = text[pos++];
      if (c == '\\' && quote != '`') {
        if (pos >= text.size()) break;
        char e = text[pos++];
        switch (e) {
          case 'n':
            *out += '\n';
            break;
          case 't':
            *out += '\t';
            break;
          case '\\':
          case '"':
          case '\'':
            *out += e;
            break;
          default:
            return Fail(pos - 2, fmt::format("unsupported escape '\\{}' in a label value", e));
        }
      } else {
        *out += c;
      }
    }
    if (pos >= text.size()) return Fail(start, "unterminated label value");
    ++pos;  // closing quote
    return true;
  }

  bool Parse(bool require_metric, PromSelector* out) {
    SkipSpace();
    size_t start = pos;
    while (pos < text.size() && IsNameChar(text[pos])) ++pos;
    out->metric = text.substr(start, pos - start);
    if (!out->metric.empty() && !IsNameStart(out->metric[0]))
      return Fail(start, fmt::format("'{}' is not a metric name", out->metric));
    SkipSpace();
    if (AtEnd()) {
      if (out->metric.empty())
        return Fail(pos,
                    "expected a metric name, e.g. gen_ai_server_requests_total{status=\"ok\"}");
      return true;
    }
    if (text[pos] != '{') {
      if (text[pos] == '(')
        return Fail(pos,
                    "expected a series selector, not a PromQL expression: bindings name series; "
                    "slokit writes the "
                    "rate(), sum() and ratios");
      if (text[pos] == '[') return Fail(pos, "no range here: slokit chooses the windows");
      return Fail(
          pos,
          fmt::format("unexpected '{}' after the metric name; expected '{{' and label matchers",
                      text[pos]));
    }
    if (out->metric.empty() && require_metric)
      return Fail(pos,
                  "expected a metric name before the matchers, e.g. "
                  "gen_ai_server_requests_total{status=\"ok\"}");
    ++pos;
    while (true) {
      SkipSpace();
      if (AtEnd()) return Fail(text.size() - 1, "missing '}' at the end of the selector");
      if (text[pos] == '}') {
        ++pos;
        break;
      }
      size_t lstart = pos;
      while (pos < text.size() && IsLabelChar(text[pos])) ++pos;
      PromMatcher m;
      m.label = text.substr(lstart, pos - lstart);
      if (m.label.empty() || !IsLabelStart(m.label[0]))
        return Fail(lstart, "expected a label name");
      SkipSpace();
      size_t ostart = pos;
      if (text.compare(pos, 2, "==") == 0)
        return Fail(ostart, "use '=' to match a label (PromQL has no '==')");
      for (const char* op : {"=~", "!~", "!=", "="}) {
        if (text.compare(pos, std::char_traits<char>::length(op), op) == 0) {
          m.op = op;
          pos += m.op.size();
          break;
        }
      }
      if (m.op.empty()) return Fail(ostart, "expected one of =, !=, =~, !~ after the label name");
      SkipSpace();
      if (AtEnd() || (text[pos] != '"' && text[pos] != '\'' && text[pos] != '`'))
        return Fail(pos, fmt::format("expected a quoted value after {}{}", m.label, m.op));
      if (!QuotedString(&m.value)) return false;
      out->matchers.push_back(std::move(m));
      SkipSpace();
      if (AtEnd()) return Fail(text.size() - 1, "missing '}' at the end of the selector");
      if (text[pos] == ',') {
        ++pos;
        continue;
      }
      if (text[pos] != '}') return Fail(pos, "expected ',' or '}' after a matcher");
    }
    SkipSpace();
    if (!AtEnd()) {
      if (text[pos] == '[') return Fail(pos, "no range here: slokit chooses the windows");
      return Fail(pos, "unexpected text after the selector");
    }
    if (out->metric.empty() && out->matchers.empty()) return Fail(0, "empty selector");
    return true;
  }
};

double UnitSeconds(const YamlField& f) {
  std::string u = f.Scalar();
  if (u == "s" || u == "seconds") return 1;
  if (u == "ms" || u == "milliseconds") return 1e-3;
  if (u == "us" || u == "µs" || u == "microseconds") return 1e-6;
  if (u == "ns" || u == "nanoseconds") return 1e-9;
  f.Fail(fmt::format(
      "unknown unit '{}' (expected s, ms, us or ns: the unit of the histogram's observations)", u));
}

PromSelector Selector(const YamlField& f, bool require_metric) {
  PromSelector s;
  std::string error;
  int column = 0;
  if (!ParsePromSelector(f.Scalar(), require_metric, &s, &error, &column))
    f.FailAtColumn(column, error);
  return s;
}

std::string JoinNumbers(const std::vector<double>& v) {
  std::string out;
  for (double x : v) out += (out.empty() ? "" : ", ") + FormatPromNumber(x);
  return out;
}

void ParseHistogram(const YamlField& f, SliKind kind, const BindingContext& ctx,
                    PrometheusBinding* b) {
  YamlField h = f["histogram"];
  b->histogram = Selector(h, true);
  for (const char* suffix : {"_bucket", "_count", "_sum"}) {
    const std::string& name = b->histogram.metric;
    std::string sfx = suffix;
    if (name.size() > sfx.size() && name.compare(name.size() - sfx.size(), sfx.size(), sfx) == 0)
      h.Fail(fmt::format("name the histogram without '{}': {}", sfx,
                         name.substr(0, name.size() - sfx.size())));
  }
  if (f.Has("selector")) {
    PromSelector extra = Selector(f["selector"], false);
    if (!extra.metric.empty())
      f["selector"].Fail("the selector holds only label matchers, e.g. '{model!=\"\"}'");
    b->histogram.matchers.insert(b->histogram.matchers.end(), extra.matchers.begin(),
                                 extra.matchers.end());
  }
  for (const PromMatcher& m : b->histogram.matchers) {
    if (m.label == "le")
      f.Fail("do not match 'le': slokit picks the bucket from the SLI's threshold");
  }
  b->unit_seconds = f.Has("unit") ? UnitSeconds(f["unit"]) : 1;
  if (f.Has("buckets")) {
    YamlField list = f["buckets"];
    if (!list.IsSequence() || list.Size() == 0)
      list.Fail("expected the histogram's bucket boundaries, e.g. [0.1, 0.5, 1, 2.5]");
    for (size_t i = 0; i < list.Size(); ++i) {
      YamlField item = list[i];
      if (item.Scalar() == "+Inf" || item.Scalar() == "Inf" || item.Scalar() == "inf") continue;
      double v = item.Number();
      if (!b->buckets.empty() && v <= b->buckets.back())
        item.Fail("bucket boundaries must be increasing");
      b->buckets.push_back(v);
    }
  } else {
    b->buckets = KnownHistogramBuckets(b->histogram.metric);
    b->buckets_from_defaults = !b->buckets.empty();
  }
  b->threshold = ctx.threshold_ns / 1e9 / b->unit_seconds;
  double matched = b->threshold;
  bool found = b->buckets.empty();
  for (double edge : b->buckets) {
    if (std::fabs(edge - b->threshold) <= 1e-9 * std::max(1.0, std::fabs(edge))) {
      matched = edge;
      found = true;
    }
  }
  b->threshold_is_boundary = found;
  b->le = FormatPromNumber(matched);
  if (found) return;
  std::string where = b->buckets_from_defaults
                          ? "slokit's default buckets for " + b->histogram.metric
                          : "the buckets given here";
  std::string unit = f.Has("unit") ? f["unit"].Scalar() : "s";
  if (kind == SliKind::kLatency) {
    f.Fail(fmt::format(
        "the threshold {} {} is not a bucket boundary of {} ({}; from {}): a latency SLI counts "
        "the "
        "requests in the `le` bucket at its threshold, so choose one of these thresholds or add "
        "the "
        "boundary to the histogram (and list it under buckets:)",
        FormatPromNumber(b->threshold), unit, b->histogram.metric, JoinNumbers(b->buckets), where));
  }
  if (b->threshold > b->buckets.back()) {
    f.Fail(fmt::format(
        "the threshold {} {} is above the last finite bucket boundary of {} ({}; from {}): "
        "histogram_quantile cannot tell whether the p{} exceeds it",
        FormatPromNumber(b->threshold), unit, b->histogram.metric, JoinNumbers(b->buckets), where,
        FormatPromNumber(ctx.percentile)));
  }
}

}  // namespace

std::string PromQuote(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string PromSelector::Render(const std::vector<PromMatcher>& extra) const {
  std::string out = metric;
  if (matchers.empty() && extra.empty()) return out;
  out += '{';
  bool first = true;
  for (const auto* list : {&matchers, &extra}) {
    for (const PromMatcher& m : *list) {
      if (!first) out += ',';
      first = false;
      out += m.label + m.op + PromQuote(m.value);
    }
  }
  return out + '}';
}

PromSelector PromSelector::WithMetric(std::string name) const {
  PromSelector s = *this;
  s.metric = std::move(name);
  return s;
}

bool ParsePromSelector(const std::string& text, bool require_metric, PromSelector* out,
                       std::string* error, int* column) {
  *out = PromSelector{};
  SelectorScanner scanner(text);
  if (scanner.Parse(require_metric, out)) return true;
  *error = scanner.error;
  *column = scanner.column;
  return false;
}

std::string FormatPromNumber(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::vector<double> KnownHistogramBuckets(const std::string& name) {
  // docs/metrics.md: the default buckets of slokit's instrumentation library (InferenceBuckets).
  static const std::vector<double> kTpot = {0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03,
                                            0.04,  0.05,   0.075, 0.1,    0.25, 0.5,   1};
  static const std::vector<std::pair<std::string, std::vector<double>>> kKnown = {
      {"gen_ai_server_request_duration_seconds",
       {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}},
      {"gen_ai_server_time_to_first_token_seconds",
       {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}},
      {"gen_ai_server_time_per_output_token_seconds", kTpot},
      {"gen_ai_server_inter_token_latency_seconds", kTpot},
      {"gen_ai_server_request_queue_time_seconds",
       {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}},
      {"gen_ai_server_model_load_duration_seconds", {0.5, 1, 2.5, 5, 10, 30, 60, 120}},
  };
  for (const auto& [known, buckets] : kKnown) {
    if (name == known) return buckets;
    // With a namespace: llm_gen_ai_server_...
    if (name.size() > known.size() &&
        name.compare(name.size() - known.size(), known.size(), known) == 0 &&
        name[name.size() - known.size() - 1] == '_')
      return buckets;
  }
  return {};
}

void ParsePrometheusBinding(const YamlField& f, SliKind kind, const BindingContext& ctx,
                            PrometheusBinding* b) {
  *b = PrometheusBinding{};
  b->defined = true;
  b->line = f.Line();
  if (!f.IsMap())
    f.Fail(
        "expected a mapping naming the series that measure this SLI (docs/spec.md, Prometheus "
        "bindings)");
  switch (kind) {
    case SliKind::kRatio:
    case SliKind::kQuality:
    case SliKind::kComposite: {
      f.AllowOnly({"good", "bad", "total", "by"});
      if (f.Has("good") == f.Has("bad"))
        f.Fail(
            "give either good (a counter of good events) or bad (a counter of bad events), with "
            "total");
      if (f.Has("good")) b->good = Selector(f["good"], true);
      if (f.Has("bad")) b->bad = Selector(f["bad"], true);
      b->total = Selector(f["total"], true);
      break;
    }
    case SliKind::kLatency:
    case SliKind::kPercentile:
      f.AllowOnly({"histogram", "selector", "unit", "buckets", "by"});
      ParseHistogram(f, kind, ctx, b);
      break;
    case SliKind::kThroughput:
      f.AllowOnly({"counter", "events", "by"});
      b->counter = Selector(f["counter"], true);
      if (f.Has("events")) b->events = Selector(f["events"], true);
      break;
  }
  if (f.Has("by")) {
    YamlField by = f["by"];
    if (!by.IsSequence()) by.Fail("expected a list of label names, e.g. [model]");
    std::set<std::string> seen;
    for (size_t i = 0; i < by.Size(); ++i) {
      YamlField item = by[i];
      std::string label = item.Scalar();
      if (!IsLabelName(label)) item.Fail(fmt::format("'{}' is not a label name", label));
      if (label == "le" || label == "slo" || label == "service" || label == "sli_window" ||
          label == "severity" || label == "team")
        item.Fail(fmt::format("'{}' is a label slokit sets itself; choose another", label));
      if (!seen.insert(label).second) item.Fail(fmt::format("'{}' is listed twice", label));
      b->by.push_back(label);
    }
  }
}

}  // namespace slokit
