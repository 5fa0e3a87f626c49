#include "spec/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace slokit {

bool ParseNumber(const std::string& text, double* out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  auto r = std::from_chars(begin, text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(*out);
}

namespace {
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string Suggest(const std::string& word, std::initializer_list<const char*> candidates) {
  const char* best = nullptr;
  size_t best_d = 3;  // more than two edits away is not a typo
  for (const char* c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best ? fmt::format(" (did you mean '{}'?)", best) : "";
}

YamlField::YamlField(YAML::Node node, const std::string& file, std::string path, YAML::Mark parent_mark)
    : node_(std::move(node)), file_(&file), path_(std::move(path)), parent_mark_(parent_mark) {}

YAML::Mark YamlField::Mark() const {
  if (node_.IsDefined() && !node_.IsNull()) {
    YAML::Mark m = node_.Mark();
    if (m.line >= 0) return m;
  }
  return parent_mark_;
}

void YamlField::Fail(const std::string& message) const {
  YAML::Mark m = Mark();
  Diagnostic d;
  d.severity = Diagnostic::Severity::kError;
  d.file = *file_;
  d.line = m.line + 1;
  d.column = m.column + 1;
  d.field = path_;
  d.message = message;
  throw SpecError(std::move(d));
}

void YamlField::FailAtColumn(int column, const std::string& message) const {
  YAML::Mark m = Mark();
  // yaml-cpp tags quoted scalars "!"; the text then starts one column after the quote.
  int quote = node_.Tag() == "!" ? 1 : 0;
  Diagnostic d;
  d.severity = Diagnostic::Severity::kError;
  d.file = *file_;
  d.line = m.line + 1;
  d.column = m.column + quote + column;
  d.field = path_;
  d.message = message;
  throw SpecError(std::move(d));
}

YamlField YamlField::operator[](const char* key) const {
  std::string path = path_.empty() ? key : path_ + "." + key;
  if (!node_.IsMap()) Fail(fmt::format("expected a mapping with '{}'", key));
  YAML::Node child = node_[key];
  if (!child) YamlField(child, *file_, path_, Mark()).Fail(fmt::format("missing required field '{}'", key));
  return YamlField(child, *file_, path, Mark());
}

YamlField YamlField::operator[](size_t index) const {
  return YamlField(node_[index], *file_, fmt::format("{}[{}]", path_, index), Mark());
}

std::vector<std::pair<std::string, YamlField>> YamlField::Entries() const {
  std::vector<std::pair<std::string, YamlField>> out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string key = it->first.as<std::string>();
    out.emplace_back(key, YamlField(it->second, *file_, path_.empty() ? key : path_ + "." + key, Mark()));
  }
  return out;
}

std::pair<std::string, YamlField> YamlField::OnlyEntry() const {
  auto entries = Entries();
  if (entries.size() != 1) Fail("expected exactly one key");
  return entries[0];
}

void YamlField::AllowOnly(std::initializer_list<const char*> allowed) const {
  if (!node_.IsMap()) Fail("expected a mapping");
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string key = it->first.as<std::string>();
    bool ok = std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; });
    if (!ok) {
      std::string expected;
      for (const char* a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
      YamlField(it->first, *file_, path_.empty() ? key : path_ + "." + key, Mark())
          .Fail(fmt::format("unknown field '{}'{}; expected one of: {}", key, Suggest(key, allowed), expected));
    }
  }
}

std::string YamlField::Scalar() const {
  if (!node_.IsScalar()) Fail("expected a single value");
  return node_.Scalar();
}

double YamlField::Number() const {
  double v;
  if (!ParseNumber(Scalar(), &v)) Fail(fmt::format("expected a number, got '{}'", Scalar()));
  return v;
}

long long YamlField::Integer(long long min) const {
  double v = Number();
  if (v != std::floor(v) || v < static_cast<double>(min) || v > 9e15)
    Fail(fmt::format("expected a whole number >= {}, got '{}'", min, Scalar()));
  return static_cast<long long>(v);
}

DurationNs YamlField::Duration() const {
  auto d = ParseDuration(Scalar());
  if (!d) Fail(fmt::format("expected a duration like 500ms, 2.5s, 5m, 1h or 30d, got '{}'", Scalar()));
  if (*d <= 0) Fail("expected a positive duration");
  return *d;
}

std::string Diagnostic::ToString() const {
  return fmt::format("{}:{}:{}: {}{}{}", file, line, column, severity == Severity::kWarning ? "warning: " : "",
                     field.empty() ? "" : field + ": ", message);
}

Expr ParseFilterField(const YamlField& f, FieldSet* fields) {
  Expr e;
  int column = 0;
  Status s = Expr::Parse(f.Scalar(), fields, &e, &column);
  if (!s.ok()) {
    const std::string& m = s.message();  // "column N: problem"
    size_t colon = m.find(": ");
    f.FailAtColumn(column, colon == std::string::npos ? m : m.substr(colon + 2));
  }
  return e;
}

double FieldUnitNs(const YamlField& unit) {
  std::string u = unit.Scalar();
  if (u == "ns") return 1;
  if (u == "us" || u == "µs") return 1e3;
  if (u == "ms") return 1e6;
  if (u == "s") return 1e9;
  unit.Fail(fmt::format("unknown unit '{}' (expected ns, us, ms or s)", u));
}

Status CheckFlowNesting(std::string_view yaml, std::string_view name) {
  int depth = 0;
  for (char c : yaml) {
    if (c == '[' || c == '{') {
      if (++depth > 64) return Status::ParseError(fmt::format("{}: brackets nested more than 64 deep", name));
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return Status::Ok();
}

}  // namespace slokit
