// OpenSLO v1 to slokit. A file holds documents of several kinds that refer to each other by
// name (an SLO's indicatorRef names an SLI, its alertPolicies name AlertPolicies, which name
// AlertConditions); they are indexed first, then every SLO objective becomes one slokit SLO.
// Only Prometheus metric sources convert, since the output compiles to Prometheus rules.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <map>
#include <set>

#include "spec/import.h"
#include "spec/yaml_reader.h"

namespace slokit {
namespace {

// A document as read: its kind, name and spec, with the place it came from.
struct Document {
  std::string kind, name;
  YamlField root, spec;
};

// OpenSLO's duration shorthand: a count and one of m, h, d, w, M, Q, Y.
void Shorthand(const YamlField& f, long long* count, char* unit) {
  std::string t = f.Scalar();
  size_t digits = 0;
  while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
  if (digits > 4 && digits + 1 == t.size()) f.Fail(fmt::format("'{}' is longer than slokit can count", t));
  if (digits == 0 || t.size() != digits + 1 || std::string("mhdwMQY").find(t.back()) == std::string::npos)
    f.Fail(fmt::format("expected a duration like 5m, 1h, 28d, 1w or 1M, got '{}'", t));
  *count = std::stoll(t.substr(0, digits));
  *unit = t.back();
  if (*count <= 0) f.Fail("expected a positive duration");
}

DurationNs ShorthandDuration(const YamlField& f) {
  long long count;
  char unit;
  Shorthand(f, &count, &unit);
  switch (unit) {
    case 'm': return count * kMinute;
    case 'h': return count * kHour;
    case 'd': return count * kDay;
    case 'w': return count * kWeek;
    default: f.Fail("months, quarters and years have no fixed length; give minutes, hours, days or weeks");
  }
}

std::string Slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// YAML aliases let a few bytes repeat a policy in every objective and a condition in every
// policy; these bounds (far above real files) keep such input from growing without limit.
constexpr size_t kMaxObjectives = 16;
constexpr size_t kMaxConditions = 16;
constexpr size_t kMaxSlos = 200;

struct OpenSloImporter {
  ImportedSpec* spec;
  std::vector<Document> slos;
  std::map<std::string, Document> services, slis, policies, conditions;

  void Index(const YamlField& doc) {
    if (!doc.IsMap()) doc.Fail("expected an OpenSLO object with apiVersion, kind, metadata and spec");
    doc.AllowOnly({"apiVersion", "kind", "metadata", "spec"});
    std::string version = doc["apiVersion"].Scalar();
    if (version != "openslo/v1")
      doc["apiVersion"].Fail(fmt::format("unsupported apiVersion '{}': slokit converts openslo/v1", version));
    std::string kind = doc["kind"].Scalar();
    YamlField meta = doc["metadata"];
    meta.AllowOnly({"name", "displayName", "labels", "annotations"});
    // A Service may leave its spec out; the kinds that are dropped are not read.
    bool needs_spec = kind == "SLO" || kind == "SLI" || kind == "AlertPolicy" || kind == "AlertCondition";
    Document d{kind, meta["name"].Scalar(), doc, needs_spec || doc.Has("spec") ? doc["spec"] : doc["metadata"]};
    std::map<std::string, Document>* index = nullptr;
    if (kind == "SLO") {
      slos.push_back(d);
      return;
    }
    if (kind == "Service") index = &services;
    else if (kind == "SLI") index = &slis;
    else if (kind == "AlertPolicy") index = &policies;
    else if (kind == "AlertCondition") index = &conditions;
    else if (kind == "AlertNotificationTarget")
      return ImportWarning(doc["kind"], "notification targets are not part of a slokit spec: `slokit rules "
                                        "--alertmanager` routes alerts by owner team; dropped", spec);
    else if (kind == "DataSource")
      return ImportWarning(doc["kind"], "data sources are not part of a slokit spec (its rules run in the Prometheus "
                                        "that holds the series); dropped", spec);
    else
      doc["kind"].Fail(fmt::format("unknown kind '{}'{}; expected Service, SLI, SLO, AlertPolicy, AlertCondition, "
                                   "AlertNotificationTarget or DataSource",
                                   kind, Suggest(kind, {"Service", "SLI", "SLO", "AlertPolicy", "AlertCondition"})));
    if (!index->emplace(d.name, d).second)
      meta["name"].Fail(fmt::format("a second {} named '{}'", kind, d.name));
  }

  const Document& Find(const std::map<std::string, Document>& index, const YamlField& ref, const char* kind) {
    std::string name = ref.Scalar();
    auto it = index.find(name);
    if (it == index.end()) ref.Fail(fmt::format("no {} named '{}' in this file", kind, name));
    return it->second;
  }

  // The query of a metricSource: {metricSourceRef?, type: Prometheus, spec: {query}}.
  YamlField Query(const YamlField& holder) {
    holder.AllowOnly({"metricSource"});
    YamlField source = holder["metricSource"];
    source.AllowOnly({"metricSourceRef", "type", "spec"});
    std::string type = source.Has("type") ? source["type"].Scalar() : "";
    std::string lower;
    for (char c : type) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "prometheus")
      (source.Has("type") ? source["type"] : source)
          .Fail(fmt::format("metric source type '{}' cannot be converted: slokit compiles to Prometheus rules and "
                            "reads Prometheus queries only", type));
    YamlField s = source["spec"];
    if (s.IsScalar()) return s;
    s.AllowOnly({"query"});
    return s["query"];
  }

  void Window(const YamlField& slo_spec, ImportedSlo* out) {
    YamlField windows = slo_spec["timeWindow"];
    if (!windows.IsSequence() || windows.Size() != 1)
      windows.Fail("expected a list of exactly one time window: a slokit SLO has one window");
    YamlField w = windows[size_t{0}];
    w.AllowOnly({"duration", "isRolling", "calendar"});
    long long count;
    char unit;
    Shorthand(w["duration"], &count, &unit);
    bool rolling = !w.Has("isRolling") || w["isRolling"].Scalar() == "true";
    if (w.Has("isRolling") && w["isRolling"].Scalar() != "true" && w["isRolling"].Scalar() != "false")
      w["isRolling"].Fail("expected true or false");
    if (rolling) {
      if (std::string("MQY").find(unit) != std::string::npos)
        w["duration"].Fail("a rolling window of months, quarters or years has no fixed length; slokit's rolling "
                           "windows are durations (30d), its calendar windows a month or a week (isRolling: false)");
      out->window = unit == 'w' ? fmt::format("{}d", count * 7) : fmt::format("{}{}", count, unit);
      if (unit == 'm' && count < 1) w["duration"].Fail("a rolling window must be at least 1m");
      if (w.Has("calendar")) ImportWarning(w["calendar"], "a rolling window has no calendar; ignored", spec);
      return;
    }
    if (count == 1 && unit == 'M') out->window = "month";
    else if (count == 1 && unit == 'w') out->window = "week";
    else
      w["duration"].Fail(fmt::format("slokit's calendar windows are one month (1M) or one ISO week (1w), not {}",
                                     w["duration"].Scalar()));
    if (w.Has("calendar")) {
      YamlField cal = w["calendar"];
      cal.AllowOnly({"startTime", "timeZone"});
      if (cal.Has("timeZone") && cal["timeZone"].Scalar() != "UTC" && cal["timeZone"].Scalar() != "Etc/UTC")
        ImportWarning(cal["timeZone"], fmt::format("slokit's calendar periods begin at 00:00 UTC, not in {}",
                                                   cal["timeZone"].Scalar()), spec);
      if (cal.Has("startTime"))
        ImportWarning(cal["startTime"], out->window == "month" ? "calendar months begin on the 1st at 00:00 UTC"
                                                                : "calendar weeks are ISO weeks, from Monday 00:00 UTC",
                      spec);
    }
  }

  void Condition(const YamlField& cond_spec, std::vector<ImportedCondition>* out) {
    cond_spec.AllowOnly({"description", "severity", "condition"});
    ImportedCondition c;
    std::string severity = cond_spec["severity"].Scalar();
    std::string s;
    for (char ch : severity) s += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (s == "page" || s == "critical" || s == "high") c.severity = "page";
    else if (s == "ticket" || s == "warning" || s == "medium" || s == "low") c.severity = "ticket";
    else
      cond_spec["severity"].Fail(fmt::format("severity '{}' has no slokit tier: use page (or critical, high) or "
                                             "ticket (warning, medium, low)", severity));
    YamlField cond = cond_spec["condition"];
    cond.AllowOnly({"kind", "op", "threshold", "lookbackWindow", "alertAfter"});
    if (cond["kind"].Scalar() != "burnrate")
      cond["kind"].Fail(fmt::format("condition kind '{}' cannot be converted: slokit alerts on burn rates (burnrate)",
                                    cond["kind"].Scalar()));
    std::string op = cond["op"].Scalar();
    if (op != "gt" && op != "gte")
      cond["op"].Fail(fmt::format("op '{}': slokit alerts when the burn rate exceeds the threshold (gt or gte)", op));
    c.burn_rate = cond["threshold"].Number();
    if (!(c.burn_rate > 0)) cond["threshold"].Fail("expected a positive burn rate");
    c.long_window = ShorthandDuration(cond["lookbackWindow"]);
    // OpenSLO gives one window; slokit's alerts also need the burn over a short one, so that they
    // resolve soon after the burn stops. 1/12 of the long window is the SRE workbook's ratio.
    c.short_window = std::max<DurationNs>(kMinute, c.long_window / 12 / kMinute * kMinute);
    if (cond.Has("alertAfter")) c.for_duration = ShorthandDuration(cond["alertAfter"]);
    out->push_back(c);
  }

  void Policy(const YamlField& policy_spec, ImportedAlerting* out) {
    policy_spec.AllowOnly({"description", "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching", "conditions",
                           "notificationTargets"});
    if (policy_spec.Has("alertWhenNoData") && policy_spec["alertWhenNoData"].Scalar() == "true")
      ImportWarning(policy_spec["alertWhenNoData"], "slokit does not alert on missing data (its low-traffic guard "
                                                    "holds alerts back instead); dropped", spec);
    if (policy_spec.Has("notificationTargets"))
      ImportWarning(policy_spec["notificationTargets"], "notification targets are not part of a slokit spec: "
                                                        "`slokit rules --alertmanager` routes by owner team; dropped",
                    spec);
    YamlField list = policy_spec["conditions"];
    if (!list.IsSequence() || list.Size() == 0) list.Fail("expected a list of alert conditions");
    for (size_t i = 0; i < list.Size(); ++i) {
      YamlField c = list[i];
      if (out->conditions.size() >= kMaxConditions)
        c.Fail(fmt::format("more than {} alert conditions for one SLO", kMaxConditions));
      if (c.Has("conditionRef")) {
        c.AllowOnly({"conditionRef"});
        Condition(Find(conditions, c["conditionRef"], "AlertCondition").spec, &out->conditions);
      } else {
        c.AllowOnly({"kind", "metadata", "spec"});
        if (c["kind"].Scalar() != "AlertCondition") c["kind"].Fail("expected kind: AlertCondition");
        Condition(c["spec"], &out->conditions);
      }
    }
  }

  ImportedAlerting Alerting(const YamlField& list) {
    ImportedAlerting a;
    if (!list.IsSequence()) list.Fail("expected a list of alert policies");
    if (list.Size() == 0) return a;
    for (size_t i = 0; i < list.Size(); ++i) {
      YamlField p = list[i];
      if (p.Has("alertPolicyRef")) {
        p.AllowOnly({"alertPolicyRef"});
        Policy(Find(policies, p["alertPolicyRef"], "AlertPolicy").spec, &a);
      } else {
        p.AllowOnly({"kind", "metadata", "spec"});
        if (p["kind"].Scalar() != "AlertPolicy") p["kind"].Fail("expected kind: AlertPolicy");
        Policy(p["spec"], &a);
      }
    }
    a.defined = true;
    a.note = "From the SLO's alert policies. OpenSLO burn-rate conditions have one window; each short window is "
             "1/12 of it.";
    a.page_disabled = std::none_of(a.conditions.begin(), a.conditions.end(), [](auto& c) { return c.severity == "page"; });
    a.ticket_disabled = std::none_of(a.conditions.begin(), a.conditions.end(), [](auto& c) { return c.severity == "ticket"; });
    return a;
  }

  // One slokit SLO per objective of an OpenSLO SLO.
  void Slo(const Document& d) {
    const YamlField& s = d.spec;
    s.AllowOnly({"description", "service", "indicator", "indicatorRef", "timeWindow", "budgetingMethod", "objectives",
                 "alertPolicies"});
    std::string service = s["service"].Scalar();
    if (!services.empty() && !services.count(service))
      s["service"].Fail(fmt::format("no Service named '{}' in this file", service));
    if (spec->service.empty()) spec->service = service;
    else if (service != spec->service)
      s["service"].Fail(fmt::format("a slokit spec holds one service; this file's SLOs belong to '{}' and '{}': split "
                                    "it into one file per service", spec->service, service));
    if (s.Has("indicator") == s.Has("indicatorRef")) s.Fail("expected either indicator or indicatorRef");
    YamlField sli = s.Has("indicatorRef") ? Find(slis, s["indicatorRef"], "SLI").spec : s["indicator"]["spec"];
    if (s.Has("indicator")) s["indicator"].AllowOnly({"metadata", "spec"});
    sli.AllowOnly({"description", "thresholdMetric", "ratioMetric"});
    if (sli.Has("thresholdMetric") == sli.Has("ratioMetric")) sli.Fail("expected either ratioMetric or thresholdMetric");

    std::string method = s.Has("budgetingMethod") ? s["budgetingMethod"].Scalar() : "Occurrences";
    if (method == "RatioTimeslices")
      s["budgetingMethod"].Fail("RatioTimeslices averages the ratios of time slices; slokit judges each slice good "
                                "or bad (Timeslices) or counts events (Occurrences)");
    if (method != "Occurrences" && method != "Timeslices")
      s["budgetingMethod"].Fail(fmt::format("unknown budgeting method '{}'; expected Occurrences or Timeslices", method));
    ImportedAlerting alerting = s.Has("alertPolicies") ? Alerting(s["alertPolicies"]) : ImportedAlerting{};

    YamlField objectives = s["objectives"];
    if (!objectives.IsSequence() || objectives.Size() == 0) objectives.Fail("expected a non-empty list of objectives");
    if (objectives.Size() > kMaxObjectives)
      objectives.Fail(fmt::format("more than {} objectives in one SLO", kMaxObjectives));
    if (spec->slos.size() + objectives.Size() > kMaxSlos)
      objectives.Fail(fmt::format("more than {} SLOs in one file", kMaxSlos));
    for (size_t i = 0; i < objectives.Size(); ++i) {
      YamlField o = objectives[i];
      o.AllowOnly({"displayName", "op", "value", "target", "targetPercent", "timeSliceTarget", "timeSliceWindow",
                   "indicator", "indicatorRef", "compositeWeight"});
      for (const char* composite : {"indicator", "indicatorRef", "compositeWeight"}) {
        if (o.Has(composite))
          o[composite].Fail("composite SLOs (an indicator per objective) cannot be converted; give each its own SLO");
      }
      ImportedSlo out;
      out.name = d.name;
      if (objectives.Size() > 1) {
        std::string suffix = o.Has("displayName") ? Slug(o["displayName"].Scalar()) : "";
        out.name += "-" + (suffix.empty() ? std::to_string(i + 1) : suffix);
      }
      CheckSloName(d.root["metadata"]["name"], out.name);
      out.origin = fmt::format("{}:{} (SLO {}, objectives[{}])", spec->file, d.root.Line(), d.name, i);
      if (s.Has("description")) out.description = s["description"].Scalar();
      else if (d.root["metadata"].Has("displayName")) out.description = d.root["metadata"]["displayName"].Scalar();
      if (o.Has("target") == o.Has("targetPercent")) o.Fail("expected either target (0..1) or targetPercent (0..100)");
      out.objective_percent = o.Has("target") ? o["target"].Number() * 100 : o["targetPercent"].Number();
      if (!(out.objective_percent > 0 && out.objective_percent < 100))
        o[o.Has("target") ? "target" : "targetPercent"].Fail("the target must lie strictly between 0 and 100%");
      Window(s, &out);
      if (sli.Has("ratioMetric")) {
        for (const char* key : {"op", "value"}) {
          if (o.Has(key)) o[key].Fail("op and value apply to threshold metrics; this SLO's indicator is a ratioMetric");
        }
        YamlField r = sli["ratioMetric"];
        r.AllowOnly({"counter", "good", "bad", "total", "rawType", "raw"});
        if (r.Has("raw") || r.Has("rawType"))
          r[r.Has("raw") ? "raw" : "rawType"].Fail("a raw ratio cannot be converted: slokit divides summed good (or "
                                                   "bad) events by summed total events, so it needs both counters");
        if (r.Has("counter") && r["counter"].Scalar() != "true")
          r["counter"].Fail("counter: false (gauges) cannot be converted: slokit takes the increase of counters");
        if (r.Has("good") == r.Has("bad")) r.Fail("expected either good or bad, with total");
        bool bad = r.Has("bad");
        BindRatioQueries(Query(r[bad ? "bad" : "good"]), bad, Query(r["total"]), &out, spec);
      } else {
        double value = o["value"].Number();
        BindThresholdQuery(Query(sli["thresholdMetric"]), o["op"], value, &out, spec);
        if (out.kind == SliKind::kPercentile && method != "Timeslices")
          (s.Has("budgetingMethod") ? s["budgetingMethod"] : s)
              .Fail("a histogram_quantile threshold is judged per time slice: use budgetingMethod: Timeslices");
      }
      if (method == "Timeslices") {
        out.timeslices = true;
        out.slice = ShorthandDuration(o["timeSliceWindow"]);
        if (out.slice % kMinute != 0) o["timeSliceWindow"].Fail("slokit's slices are whole minutes");
        double t = o["timeSliceTarget"].Number();
        if (!(t > 0 && t <= 1)) o["timeSliceTarget"].Fail("expected a fraction in (0, 1]");
        if (out.kind == SliKind::kPercentile) {
          // The quantile judges the slice; there is no share of events to reach.
          if (t != 1) ImportWarning(o["timeSliceTarget"], "a percentile slice is good when its quantile is at or "
                                                          "under the value; ignored", spec);
        } else {
          if (t == 1) o["timeSliceTarget"].Fail("a slice target of 1 (100%) cannot be written as a slokit percentage");
          out.slice_target_percent = t * 100;
        }
      } else {
        for (const char* key : {"timeSliceTarget", "timeSliceWindow"}) {
          if (o.Has(key)) ImportWarning(o[key], "only used with budgetingMethod: Timeslices; ignored", spec);
        }
      }
      out.alerting = alerting;
      spec->slos.push_back(std::move(out));
    }
    for (const char* key : {"labels", "annotations"}) {
      if (d.root["metadata"].Has(key))
        ImportWarning(d.root["metadata"][key], fmt::format("slokit SLOs have no {}; dropped", key), spec);
    }
  }

  void Build(const std::vector<YAML::Node>& docs) {
    std::vector<YamlField> roots;
    for (size_t i = 0; i < docs.size(); ++i) {
      if (docs[i].IsNull()) continue;  // an empty document (a trailing ---)
      YamlField root(docs[i], spec->file, docs.size() > 1 ? fmt::format("documents[{}]", i) : "");
      if (root.IsSequence()) {
        for (size_t j = 0; j < root.Size(); ++j) Index(root[j]);
      } else {
        Index(root);
      }
      roots.push_back(root);
    }
    if (roots.empty()) throw SpecError(Diagnostic{Diagnostic::Severity::kError, spec->file, 1, 1, "", "empty file"});
    if (slos.empty()) roots.front().Fail("no SLO documents (kind: SLO) in this file");
    for (const Document& d : slos) Slo(d);
    auto svc = services.find(spec->service);
    if (svc != services.end()) {
      YamlField s = svc->second.spec;
      if (s.IsMap()) {
        s.AllowOnly({"description"});
        if (s.Has("description")) spec->description = s["description"].Scalar();
      }
      if (spec->description.empty() && svc->second.root["metadata"].Has("displayName"))
        spec->description = svc->second.root["metadata"]["displayName"].Scalar();
    }
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < spec->slos.size(); ++i) {
      if (!seen.emplace(spec->slos[i].name, i).second)
        throw SpecError(Diagnostic{Diagnostic::Severity::kError, spec->file, 1, 1, "",
                                   fmt::format("two SLOs convert to the name '{}' ({} and {})", spec->slos[i].name,
                                               spec->slos[seen[spec->slos[i].name]].origin, spec->slos[i].origin)});
    }
    spec->notes.push_back("SLOs without an alert policy get slokit's default burn-rate policy (docs/spec.md, "
                          "Alerting).");
  }
};

}  // namespace

Status ImportOpenSlo(std::string_view yaml_text, const std::string& file_name, ImportedSpec* out) {
  return RunImporter(yaml_text, file_name, "OpenSLO v1", out, [&](const std::vector<YAML::Node>& docs) {
    OpenSloImporter{out, {}, {}, {}, {}, {}}.Build(docs);
    return Status::Ok();
  });
}

}  // namespace slokit
