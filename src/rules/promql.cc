#include "rules/promql.h"

namespace slokit::rules {

PromMatcher LeMatcher(const PrometheusBinding& b) {
  bool integral = b.le.find_first_of(".eE") == std::string::npos;
  if (integral) return {"le", "=~", b.le + "(\\.0)?"};
  return {"le", "=", b.le};
}

EventSeries EventSeriesOf(const SloPlan& p) {
  const PrometheusBinding& b = *p.binding;
  EventSeries s;
  switch (p.slo->sli.kind) {
    case SliKind::kLatency:
    case SliKind::kPercentile:
      s.total = b.histogram.WithMetric(b.histogram.metric + "_count");
      s.good = b.histogram.WithMetric(b.histogram.metric + "_bucket");
      s.good.matchers.push_back(LeMatcher(b));
      break;
    case SliKind::kThroughput:
      s.total = b.events.empty() ? b.counter : b.events;
      s.good = s.total;
      break;
    default:
      s.total = b.total;
      s.has_good = !b.good.empty();
      s.good = b.good;
      s.bad = b.bad;
      break;
  }
  return s;
}

std::string Increase(const PromSelector& selector, DurationNs range) {
  return "increase(" + selector.Render() + "[" + PromDuration(range) + "])";
}

std::string Indent(const std::string& text, int spaces) {
  std::string pad(static_cast<size_t>(spaces), ' ');
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

}  // namespace slokit::rules
