// A single-pass, hand-written parser: one cursor over the body, tokens recognised byte by byte.
// Label values are unescaped in place (an escape only shrinks the text), so every view points
// into the Exposition's own copy of the body and a scrape costs a handful of allocations.
#include "io/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace slokit::promtext {

Format FormatFromContentType(std::string_view ct) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
  };
  std::string t = lower(ct);
  if (t.find("application/openmetrics-text") != std::string::npos) return Format::kOpenMetrics;
  if (t.find("text/plain") != std::string::npos) return Format::kPrometheusText;
  return Format::kAuto;
}

const char* MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kUnknown: return "unknown";
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
    case MetricType::kGaugeHistogram: return "gaugehistogram";
    case MetricType::kSummary: return "summary";
    case MetricType::kInfo: return "info";
    case MetricType::kStateSet: return "stateset";
  }
  return "unknown";
}

std::string_view Exposition::LabelValue(const Sample& s, std::string_view name, bool* found) const {
  for (const Label& l : labels(s)) {
    if (l.name == name) {
      if (found != nullptr) *found = true;
      return l.value;
    }
  }
  if (found != nullptr) *found = false;
  return {};
}

namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// A float as both formats write it: decimal or exponent notation with an optional sign, or
// Inf / Infinity / NaN in any case. Hex floats and digit separators are refused.
bool ParseNumber(std::string_view t, double* out) {
  if (t.empty()) return false;
  bool negative = false;
  size_t i = 0;
  if (t[0] == '+' || t[0] == '-') {
    negative = t[0] == '-';
    i = 1;
  }
  std::string_view rest = t.substr(i);
  if (rest.empty()) return false;
  if (IsNameStart(rest[0])) {
    if (EqualsNoCase(rest, "inf") || EqualsNoCase(rest, "infinity")) {
      *out = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      return true;
    }
    if (EqualsNoCase(rest, "nan")) {
      *out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
    return false;
  }
  if (!IsDigit(rest[0]) && rest[0] != '.') return false;
  if (rest.size() > 1 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X')) return false;
  double v;
  auto r = std::from_chars(rest.data(), rest.data() + rest.size(), v, std::chars_format::general);
  if (r.ec == std::errc::result_out_of_range) {
    // 1e999 reads as +Inf and 1e-999 as 0, like strconv.ParseFloat's value.
    size_t e = rest.find_first_of("eE");
    v = e != std::string_view::npos && e + 1 < rest.size() && rest[e + 1] == '-'
            ? 0.0
            : std::numeric_limits<double>::infinity();
  } else if (r.ec != std::errc()) {
    return false;
  }
  if (r.ptr != rest.data() + rest.size()) return false;
  *out = negative ? -v : v;
  return true;
}

}  // namespace

class Parser {
 public:
  Parser(Exposition* out, bool om) : x_(out), om_(om) {}

  Status Run() {
    p_ = x_->text_.get();
    end_ = p_ + x_->size_;
    bool eof_seen = false;
    while (p_ < end_) {
      line_start_ = p_;
      ++line_;
      if (eof_seen) return Error(p_, "content after # EOF");
      Status s;
      if (*p_ == '\n') {
        if (om_) return Error(p_, "empty line");
        ++p_;
        continue;
      }
      const char* q = p_;
      if (!om_) {
        while (q < end_ && IsBlank(*q)) ++q;
        if (q == end_ || *q == '\n') {  // a line of blanks
          p_ = q == end_ ? q : q + 1;
          continue;
        }
      }
      if (*q == '#') {
        p_ = q;
        s = Comment(&eof_seen);
      } else {
        s = SampleLine();
      }
      if (!s.ok()) return s;
    }
    if (om_ && !eof_seen) {
      if (line_ == 0 || end_[-1] == '\n') {  // the error is on the (empty) line after the last
        ++line_;
        line_start_ = end_;
      }
      return Error(end_, "missing the final # EOF");
    }
    return Status::Ok();
  }

 private:
  Status Error(const char* at, std::string_view what) const {
    size_t column = static_cast<size_t>(at - line_start_) + 1;
    return Status::ParseError("line " + std::to_string(line_) + ", column " + std::to_string(column) +
                              ": " + std::string(what));
  }

  bool AtLineEnd() const { return p_ == end_ || *p_ == '\n'; }
  void SkipBlanks() {
    while (p_ < end_ && IsBlank(*p_)) ++p_;
  }
  // OpenMetrics: exactly one space; text format: one or more blanks.
  Status Separator(std::string_view before_what) {
    if (p_ < end_ && (*p_ == ' ' || (!om_ && *p_ == '\t'))) {
      ++p_;
      if (!om_) SkipBlanks();
      else if (p_ < end_ && IsBlank(*p_)) return Error(p_, "more than one space");
      return Status::Ok();
    }
    return Error(p_, "expected a space before " + std::string(before_what));
  }
  // Consumes the end of the line (text format: trailing blanks first).
  Status EndOfLine() {
    if (!om_) SkipBlanks();
    if (p_ < end_ && *p_ == '\r') return Error(p_, "carriage return (lines must end with \\n alone)");
    if (!AtLineEnd()) return Error(p_, "unexpected text at the end of the line");
    if (p_ < end_) ++p_;
    return Status::Ok();
  }
  // A run of non-blank bytes up to the line end.
  std::string_view Token() {
    const char* b = p_;
    while (p_ < end_ && !IsBlank(*p_) && *p_ != '\n' && *p_ != '\r') ++p_;
    return {b, static_cast<size_t>(p_ - b)};
  }
  Status MetricName(std::string_view* name) {
    const char* b = p_;
    if (p_ == end_ || !(IsNameStart(*p_) || *p_ == ':')) return Error(p_, "expected a metric name");
    while (p_ < end_ && (IsNameChar(*p_) || *p_ == ':')) ++p_;
    *name = {b, static_cast<size_t>(p_ - b)};
    return Status::Ok();
  }

  Status Comment(bool* eof_seen) {
    ++p_;  // '#'
    const char* after_hash = p_;
    if (om_) {
      if (p_ == end_ || *p_ != ' ') return Error(p_, "expected a space after #");
      ++p_;
    } else {
      SkipBlanks();
    }
    const char* kw_at = p_;
    std::string_view kw = Token();
    if (om_ && kw == "EOF" && p_ == after_hash + 4) {
      if (p_ < end_ && *p_ == '\n') ++p_;
      *eof_seen = true;
      return Status::Ok();
    }
    enum { kHelp, kType, kUnit } what;
    if (kw == "HELP") what = kHelp;
    else if (kw == "TYPE") what = kType;
    else if (om_ && kw == "UNIT") what = kUnit;
    else if (om_) return Error(kw_at, "unknown comment (OpenMetrics allows only HELP, TYPE, UNIT and EOF)");
    else {  // any other comment is ignored in the text format
      while (p_ < end_ && *p_ != '\n') ++p_;
      if (p_ < end_) ++p_;
      return Status::Ok();
    }
    if (Status s = Separator("the metric name"); !s.ok()) return s;
    std::string_view name;
    const char* name_at = p_;
    if (Status s = MetricName(&name); !s.ok()) return s;
    uint32_t f = FamilyNamed(name);
    if (f == kNoFamily) return Error(name_at, "metadata for " + std::string(name) + " after its samples");
    Family& fam = x_->families_[f];
    if (what == kHelp) {
      if (seen_[f] & 1) return Error(kw_at, "second HELP line for " + std::string(name));
      seen_[f] |= 1;
      if (AtLineEnd()) return EndOfLine();  // "# HELP name" with no text
      // One separator only: in OpenMetrics further spaces belong to the text.
      if (*p_ != ' ' && (om_ || *p_ != '\t')) return Error(p_, "expected a space before the help text");
      ++p_;
      if (!om_) SkipBlanks();
      const char* b = p_;
      while (p_ < end_ && *p_ != '\n') ++p_;
      fam.help = {b, static_cast<size_t>(p_ - b)};
      if (p_ < end_) ++p_;
      return Status::Ok();
    }
    if (Status s = Separator(what == kType ? "the type" : "the unit"); !s.ok()) return s;
    const char* v_at = p_;
    std::string_view v = Token();
    if (what == kUnit) {
      if (seen_[f] & 4) return Error(kw_at, "second UNIT line for " + std::string(name));
      seen_[f] |= 4;
      for (char c : v) {
        if (!IsNameChar(c) && c != ':') return Error(v_at, "invalid unit");
      }
      if (!v.empty() && !(name.size() > v.size() && name.ends_with(v) && name[name.size() - v.size() - 1] == '_')) {
        return Error(v_at, "the unit must be the last part of the family name (" + std::string(name) + ")");
      }
      fam.unit = v;
      return EndOfLine();
    }
    if (seen_[f] & 2) return Error(kw_at, "second TYPE line for " + std::string(name));
    seen_[f] |= 2;
    if (!ParseType(v, &fam.type)) return Error(v_at, "unknown metric type '" + std::string(v) + "'");
    return EndOfLine();
  }

  bool ParseType(std::string_view v, MetricType* t) const {
    if (v == "counter") *t = MetricType::kCounter;
    else if (v == "gauge") *t = MetricType::kGauge;
    else if (v == "histogram") *t = MetricType::kHistogram;
    else if (v == "summary") *t = MetricType::kSummary;
    else if (!om_ && v == "untyped") *t = MetricType::kUnknown;
    else if (om_ && v == "unknown") *t = MetricType::kUnknown;
    else if (om_ && v == "gaugehistogram") *t = MetricType::kGaugeHistogram;
    else if (om_ && v == "info") *t = MetricType::kInfo;
    else if (om_ && v == "stateset") *t = MetricType::kStateSet;
    else return false;
    return true;
  }

  // The family a metadata line names, created if new; kNoFamily when its samples came already.
  uint32_t FamilyNamed(std::string_view name) {
    auto it = index_.find(name);
    uint32_t f;
    if (it == index_.end()) {
      f = static_cast<uint32_t>(x_->families_.size());
      x_->families_.push_back(Family{name, MetricType::kUnknown, {}, {}});
      seen_.push_back(0);
      has_samples_.push_back(false);
      index_.emplace(name, f);
    } else {
      f = it->second;
    }
    if (has_samples_[f] || untyped_.count(name) != 0) return kNoFamily;
    if (om_ && !EnterGroup(name)) return kNoFamily;
    return f;
  }

  // OpenMetrics keeps a family's lines together: returning to a group left earlier is an error.
  bool EnterGroup(std::string_view group) {
    if (group == group_) return true;
    if (!group_.empty()) closed_.insert(group_);
    group_ = group;
    return closed_.find(group) == closed_.end();
  }

  static bool SuffixAllowed(MetricType t, std::string_view suffix, bool om) {
    switch (t) {
      case MetricType::kCounter: return suffix == "_total" || suffix == "_created" || (!om && suffix.empty());
      case MetricType::kGauge:
      case MetricType::kUnknown:
      case MetricType::kStateSet: return suffix.empty();
      case MetricType::kHistogram:
        return suffix == "_bucket" || suffix == "_count" || suffix == "_sum" || (om && suffix == "_created");
      case MetricType::kGaugeHistogram: return suffix == "_bucket" || suffix == "_gcount" || suffix == "_gsum";
      case MetricType::kSummary:
        return suffix.empty() || suffix == "_count" || suffix == "_sum" || (om && suffix == "_created");
      case MetricType::kInfo: return suffix == "_info";
    }
    return false;
  }

  // The family of a sample name: an exact match first, then the name less a known suffix.
  // *suffix receives the part after the family name.
  uint32_t FamilyOfSample(std::string_view name, std::string_view* suffix) {
    if (last_ != kNoFamily) {  // fast path: samples follow their metadata
      std::string_view fname = x_->families_[last_].name;
      if (name.starts_with(fname)) {
        std::string_view sfx = name.substr(fname.size());
        if (SuffixAllowed(x_->families_[last_].type, sfx, om_)) {
          *suffix = sfx;
          return last_;
        }
      }
    }
    if (index_.empty()) return kNoFamily;
    static constexpr std::string_view kSuffixes[] = {"_bucket", "_count", "_sum", "_total", "_created",
                                                     "_gcount", "_gsum", "_info"};
    auto it = index_.find(name);
    if (it != index_.end() && SuffixAllowed(x_->families_[it->second].type, {}, om_)) {
      *suffix = {};
      return it->second;
    }
    for (std::string_view sfx : kSuffixes) {
      if (name.size() > sfx.size() && name.ends_with(sfx)) {
        auto jt = index_.find(name.substr(0, name.size() - sfx.size()));
        if (jt != index_.end() && SuffixAllowed(x_->families_[jt->second].type, sfx, om_)) {
          *suffix = sfx;
          return jt->second;
        }
      }
    }
    return kNoFamily;
  }

  Status LabelValueToken(std::string_view* value) {
    if (p_ == end_ || *p_ != '"') return Error(p_, "expected '\"' to open the label value");
    ++p_;
    char* const b = const_cast<char*>(p_);
    char* w = b;
    while (true) {
      if (p_ == end_ || *p_ == '\n') return Error(p_, "unterminated label value");
      char c = *p_;
      if (c == '"') break;
      if (c == '\\') {
        if (p_ + 1 == end_) return Error(p_, "unterminated label value");
        char e = p_[1];
        if (e == '\\' || e == '"') c = e;
        else if (e == 'n') c = '\n';
        else return Error(p_, "invalid escape sequence in label value (only \\\\, \\\" and \\n)");
        ++p_;
      }
      *w++ = c;
      ++p_;
    }
    ++p_;  // closing quote
    *value = {b, static_cast<size_t>(w - b)};
    return Status::Ok();
  }

  // `{name="value",...}` into x_->labels_, sorted by name. p_ is at '{'.
  Status LabelSet(uint32_t* begin, uint32_t* count, bool exemplar) {
    ++p_;
    *begin = static_cast<uint32_t>(x_->labels_.size());
    const auto space = [&] {
      if (!om_) SkipBlanks();
    };
    space();
    while (true) {
      if (p_ < end_ && *p_ == '}') break;
      const char* n_at = p_;
      if (p_ == end_ || !IsNameStart(*p_)) return Error(p_, "expected a label name or '}'");
      while (p_ < end_ && IsNameChar(*p_)) ++p_;
      std::string_view name(n_at, static_cast<size_t>(p_ - n_at));
      space();
      if (p_ == end_ || *p_ != '=') return Error(p_, "expected '=' after the label name");
      ++p_;
      space();
      std::string_view value;
      if (Status s = LabelValueToken(&value); !s.ok()) return s;
      x_->labels_.push_back({name, value});
      space();
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        space();
        if (om_ && p_ < end_ && *p_ == '}') return Error(p_, "trailing comma in the label set");
        continue;
      }
      if (p_ < end_ && *p_ == '}') break;
      return Error(p_, "expected ',' or '}' after the label value");
    }
    ++p_;  // '}'
    auto first = x_->labels_.begin() + *begin;
    *count = static_cast<uint32_t>(x_->labels_.end() - first);
    // Insertion sort: label sets are small and usually already sorted.
    for (auto i = first + 1; i < x_->labels_.end(); ++i) {
      for (auto j = i; j > first && j->name < (j - 1)->name; --j) std::iter_swap(j, j - 1);
    }
    for (auto i = first + 1; i < x_->labels_.end(); ++i) {
      if (i->name == (i - 1)->name) {
        return Error(p_ - 1, "label " + std::string(i->name) + " appears twice");
      }
    }
    if (exemplar) x_->labels_.resize(*begin);  // exemplar labels are checked, not kept
    return Status::Ok();
  }

  Status Timestamp(Sample* s) {
    const char* at = p_;
    std::string_view t = Token();
    if (om_) {
      if (!OpenMetricsTimestamp(t, &s->timestamp_ns)) return Error(at, "invalid timestamp");
    } else {
      std::string_view digits = t.starts_with('+') ? t.substr(1) : t;
      int64_t ms;
      auto r = std::from_chars(digits.data(), digits.data() + digits.size(), ms);
      if (digits.empty() || r.ec != std::errc() || r.ptr != digits.data() + digits.size()) {
        return Error(at, "invalid timestamp (expected integer milliseconds)");
      }
      if (ms > INT64_MAX / 1000000 || ms < INT64_MIN / 1000000) return Error(at, "timestamp out of range");
      s->timestamp_ns = ms * 1000000;
    }
    s->has_timestamp = true;
    return Status::Ok();
  }

  // Seconds to nanoseconds; plain decimals exactly (a double would blur the nanoseconds).
  static bool OpenMetricsTimestamp(std::string_view t, int64_t* ns) {
    std::string_view body = t.starts_with('-') || t.starts_with('+') ? t.substr(1) : t;
    size_t dot = body.find('.');
    std::string_view whole = body.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view() : body.substr(dot + 1);
    const auto all_digits = [](std::string_view d) {
      return std::all_of(d.begin(), d.end(), [](char c) { return IsDigit(c); });
    };
    if (!whole.empty() && all_digits(whole) && all_digits(frac) && whole.size() <= 10 && frac.size() <= 9 &&
        (dot == std::string_view::npos || !frac.empty())) {
      int64_t secs = 0, nanos = 0;
      std::from_chars(whole.data(), whole.data() + whole.size(), secs);
      for (size_t i = 0; i < 9; ++i) nanos = nanos * 10 + (i < frac.size() ? frac[i] - '0' : 0);
      *ns = (secs * 1000000000 + nanos) * (t.starts_with('-') ? -1 : 1);
      return true;
    }
    double secs;
    if (!ParseNumber(t, &secs) || !std::isfinite(secs)) return false;
    double v = std::round(secs * 1e9);
    if (!(std::fabs(v) < 9.2e18)) return false;
    *ns = static_cast<int64_t>(v);
    return true;
  }

  // OpenMetrics exemplar: `# {labels} value [timestamp]`; p_ is at '#'.
  Status Exemplar() {
    ++p_;
    if (Status s = Separator("the exemplar's labels"); !s.ok()) return s;
    if (p_ == end_ || *p_ != '{') return Error(p_, "expected '{' to open the exemplar's labels");
    uint32_t b, n;
    if (Status s = LabelSet(&b, &n, /*exemplar=*/true); !s.ok()) return s;
    if (Status s = Separator("the exemplar's value"); !s.ok()) return s;
    const char* v_at = p_;
    double v;
    if (!ParseNumber(Token(), &v)) return Error(v_at, "invalid exemplar value");
    if (p_ < end_ && *p_ == ' ') {
      ++p_;
      Sample ignored;
      if (Status s = Timestamp(&ignored); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status SampleLine() {
    if (!om_) SkipBlanks();
    Sample s;
    const char* name_at = p_;
    if (Status st = MetricName(&s.name); !st.ok()) return st;
    if (!om_) {  // the text format allows blanks between the name and its labels
      const char* q = p_;
      while (q < end_ && IsBlank(*q)) ++q;
      if (q < end_ && *q == '{') p_ = q;
    }
    s.label_begin = static_cast<uint32_t>(x_->labels_.size());
    if (p_ < end_ && *p_ == '{') {
      if (Status st = LabelSet(&s.label_begin, &s.label_count, false); !st.ok()) return st;
    }
    if (Status st = Separator("the value"); !st.ok()) return st;
    const char* v_at = p_;
    std::string_view v = Token();
    if (!ParseNumber(v, &s.value)) return Error(v_at, "invalid value '" + std::string(v) + "'");
    if (p_ < end_ && IsBlank(*p_)) {
      const char* before = p_;
      if (Status st = Separator("the timestamp"); !st.ok()) return st;
      if (om_ && p_ < end_ && *p_ == '#') {
        if (Status st = Exemplar(); !st.ok()) return st;
      } else if (!AtLineEnd()) {
        if (Status st = Timestamp(&s); !st.ok()) return st;
        if (om_ && p_ < end_ && *p_ == ' ') {
          ++p_;
          if (p_ == end_ || *p_ != '#') return Error(p_, "expected an exemplar ('# {...}') after the timestamp");
          if (Status st = Exemplar(); !st.ok()) return st;
        }
      } else if (om_) {
        return Error(before, "trailing space");
      }
    }
    if (Status st = EndOfLine(); !st.ok()) return st;

    std::string_view suffix;
    s.family = FamilyOfSample(s.name, &suffix);
    if (s.family != kNoFamily) {
      last_ = s.family;
      has_samples_[s.family] = true;
      const Family& fam = x_->families_[s.family];
      if (om_ && !EnterGroup(fam.name)) {
        return Error(name_at, "the samples of family " + std::string(fam.name) + " are not together");
      }
      const bool bucket = suffix == "_bucket";
      const bool quantile = fam.type == MetricType::kSummary && suffix.empty();
      if (bucket || quantile) {
        bool found;
        std::string_view key = bucket ? "le" : "quantile";
        std::string_view bound = x_->LabelValue(s, key, &found);
        double ignored;
        if (!found) return Error(name_at, std::string(s.name) + " has no " + std::string(key) + " label");
        if (!ParseNumber(bound, &ignored)) {
          return Error(name_at, "the " + std::string(key) + " label of " + std::string(s.name) + " is not a number");
        }
      }
    } else if (om_) {
      // A sample without metadata is a family of type unknown named after it; a name that
      // extends a typed family with a suffix that type does not have is a mistake.
      for (std::string_view sfx : {"_total", "_created", "_bucket", "_count", "_sum", "_info", "_gcount", "_gsum"}) {
        if (s.name.size() > sfx.size() && s.name.ends_with(sfx)) {
          auto it = index_.find(s.name.substr(0, s.name.size() - sfx.size()));
          if (it != index_.end()) {
            return Error(name_at, std::string(s.name) + " is not a sample name of " +
                                      MetricTypeName(x_->families_[it->second].type) + " family " +
                                      std::string(x_->families_[it->second].name));
          }
        }
      }
      if (index_.count(s.name) != 0) {
        return Error(name_at, std::string(s.name) + " is not a sample name of its family's type");
      }
      if (!EnterGroup(s.name)) return Error(name_at, "the samples of " + std::string(s.name) + " are not together");
    }
    if (s.family == kNoFamily) untyped_.insert(s.name);
    x_->samples_.push_back(s);
    return Status::Ok();
  }

  Exposition* x_;
  const bool om_;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  const char* line_start_ = nullptr;
  uint64_t line_ = 0;
  std::unordered_map<std::string_view, uint32_t> index_;  // family name -> index
  std::vector<uint8_t> seen_;        // per family: 1 HELP, 2 TYPE, 4 UNIT
  std::vector<bool> has_samples_;    // per family
  uint32_t last_ = kNoFamily;        // family of the previous sample
  std::string_view group_;           // OpenMetrics: the family whose lines come now
  std::unordered_set<std::string_view> closed_;
  std::unordered_set<std::string_view> untyped_;  // names of samples seen without metadata
};

Status ParseExposition(std::string_view body, Format format, Exposition* out) {
  *out = Exposition();
  if (format == Format::kAuto) {
    std::string_view tail = body;
    if (tail.ends_with('\n')) tail.remove_suffix(1);
    format = tail == "# EOF" || tail.ends_with("\n# EOF") ? Format::kOpenMetrics : Format::kPrometheusText;
  }
  out->format_ = format;
  out->size_ = body.size();
  out->text_ = std::unique_ptr<char[]>(new char[body.size() + 1]);
  if (!body.empty()) std::memcpy(out->text_.get(), body.data(), body.size());
  out->text_[body.size()] = '\0';
  // Roughly one sample per 60 bytes of a typical exposition: saves the vector's regrowth.
  out->samples_.reserve(body.size() / 64 + 16);
  out->labels_.reserve(body.size() / 32 + 16);
  Parser parser(out, format == Format::kOpenMetrics);
  Status s = parser.Run();
  if (!s.ok()) *out = Exposition();
  return s;
}

}  // namespace slokit::promtext
