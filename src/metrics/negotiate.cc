// Content negotiation: the Accept and Accept-Encoding headers of a scrape request. These parse
// bytes from the network, so they must accept anything (tests/fuzz/fuzz_accept_header.cc).
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "slokit/metrics/exposition.h"

namespace slokit::metrics {
namespace {

struct Param {
  std::string name;  // lower-cased
  std::string value;
};

// One element of a comma-separated header: "type/subtype" (or a coding) plus parameters.
struct Element {
  std::string token;  // lower-cased, trimmed
  std::vector<Param> params;
};

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Trim(std::string_view s, bool lower) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  std::string out(s.substr(b, e - b));
  if (lower) {
    for (char& c : out) c = Lower(c);
  }
  return out;
}

// Splits a header into elements at commas and parameters at semicolons, honouring quoted
// strings (which may hold either) and backslash escapes inside them. Bounded by the input size.
std::vector<Element> ParseHeader(std::string_view h) {
  std::vector<Element> out;
  Element cur;
  std::string part;      // the token or the current parameter, raw
  bool in_token = true;  // before the first ';' of the element
  bool in_quotes = false;
  std::string quoted;  // unescaped contents of a quoted value
  bool had_quotes = false;
  auto finish_part = [&] {
    if (in_token) {
      cur.token = Trim(part, true);
    } else {
      size_t eq = part.find('=');
      Param p;
      p.name = Trim(std::string_view(part).substr(0, eq), true);
      if (had_quotes) {
        p.value = quoted;
      } else if (eq != std::string::npos) {
        p.value = Trim(std::string_view(part).substr(eq + 1), false);
      }
      if (!p.name.empty()) cur.params.push_back(std::move(p));
    }
    part.clear();
    quoted.clear();
    had_quotes = false;
    in_token = false;
  };
  auto finish_element = [&] {
    finish_part();
    if (!cur.token.empty()) out.push_back(std::move(cur));
    cur = Element();
    in_token = true;
  };
  for (size_t i = 0; i < h.size(); ++i) {
    const char c = h[i];
    if (in_quotes) {
      if (c == '\\' && i + 1 < h.size()) {
        quoted += h[++i];
      } else if (c == '"') {
        in_quotes = false;
      } else {
        quoted += c;
      }
    } else if (c == '"' && !in_token) {
      in_quotes = true;
      had_quotes = true;
    } else if (c == ',') {
      finish_element();
    } else if (c == ';') {
      finish_part();
    } else {
      part += c;
    }
  }
  finish_element();
  return out;
}

// The q parameter: 1 when absent, nullopt when malformed; clamped to [0, 1].
std::optional<double> QValue(const Element& e) {
  for (const Param& p : e.params) {
    if (p.name != "q") continue;
    double q = 0;
    const char* b = p.value.data();
    const char* end = b + p.value.size();
    auto r = std::from_chars(b, end, q);
    if (r.ec != std::errc() || r.ptr != end || !(q == q)) return std::nullopt;
    return q < 0 ? 0 : (q > 1 ? 1 : q);
  }
  return 1.0;
}

std::optional<std::string> ParamValue(const Element& e, std::string_view name) {
  for (const Param& p : e.params) {
    if (p.name == name) return p.value;
  }
  return std::nullopt;
}

}  // namespace

Format NegotiateFormat(std::string_view accept) {
  Format best = Format::kPrometheusText;
  double best_q = 0;
  int best_specificity = -1;
  for (const Element& e : ParseHeader(accept)) {
    std::optional<double> q = QValue(e);
    if (!q || *q <= 0) continue;
    std::optional<std::string> version = ParamValue(e, "version");
    Format f;
    int specificity;
    if (e.token == "application/openmetrics-text") {
      if (version && *version != "1.0.0" && *version != "0.0.1") continue;
      f = Format::kOpenMetrics;
      specificity = 2;
    } else if (e.token == "text/plain") {
      if (version && *version != "0.0.4") continue;
      f = Format::kPrometheusText;
      specificity = 2;
    } else if (e.token == "text/*") {
      f = Format::kPrometheusText;
      specificity = 1;
    } else if (e.token == "*/*") {
      f = Format::kPrometheusText;
      specificity = 0;
    } else {
      continue;
    }
    if (*q > best_q || (*q == best_q && specificity > best_specificity)) {
      best = f;
      best_q = *q;
      best_specificity = specificity;
    }
  }
  return best;
}

Encoding NegotiateEncoding(std::string_view accept_encoding) {
  std::optional<double> gzip, star, identity;
  for (const Element& e : ParseHeader(accept_encoding)) {
    std::optional<double> q = QValue(e);
    if (!q) continue;
    if (e.token == "gzip" || e.token == "x-gzip") {
      gzip = gzip ? std::max(*gzip, *q) : *q;
    } else if (e.token == "*") {
      star = *q;
    } else if (e.token == "identity") {
      identity = *q;
    }
  }
  double g = gzip ? *gzip : (star ? *star : 0);
  if (g <= 0) return Encoding::kIdentity;
  if (identity && *identity > g) return Encoding::kIdentity;
  return Encoding::kGzip;
}

}  // namespace slokit::metrics
