// Sloth prometheus/v1 specs to slokit: each SLO's events SLI (error_query over total_query)
// becomes a binding, its page/ticket switches become slokit's tiers, and Sloth's default
// multiwindow policy is written out so that alerts fire as they did. Raw error ratios and
// plugins have no slokit equivalent: slokit sums events before dividing (docs/rules.md).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "spec/import.h"
#include "spec/yaml_reader.h"

namespace slokit {
namespace {

// Sloth's default SLO period and alert windows (the SRE workbook's), as budget shares so the
// factors follow the window: 2% in 1h and 5% in 6h page, 10% in 1d and 10% in 3d open tickets.
ImportedAlerting SlothPolicy() {
  ImportedAlerting a;
  a.defined = true;
  a.note = "Sloth's default policy, as shares of a 30-day budget: 14.4, 6, 3 and 1 times the budget rate.";
  a.conditions = {
      {"page", kHour, 5 * kMinute, 0, 2, 0},
      {"page", 6 * kHour, 30 * kMinute, 0, 5, 0},
      {"ticket", kDay, 2 * kHour, 0, 10, 0},
      {"ticket", 3 * kDay, 6 * kHour, 0, 10, 0},
  };
  return a;
}

std::string LabelList(const YamlField& labels) {
  std::string out;
  for (auto& [key, value] : labels.Entries()) out += (out.empty() ? "" : ", ") + key;
  return out;
}

struct SlothImporter {
  ImportedSpec* spec;

  // Labels have no slokit equivalent except the team that owns the alerts.
  void Labels(const YamlField& labels, bool top_level) {
    if (!labels.IsMap()) labels.Fail("expected a mapping of label names to values");
    for (auto& [key, value] : labels.Entries()) {
      if (top_level && (key == "team" || key == "owner") && spec->team.empty()) {
        spec->team = value.Scalar();
        continue;
      }
      ImportWarning(value, fmt::format("slokit's rules carry their own labels (slo, service, team, severity); label "
                                       "'{}' is dropped: add it by relabelling if you route on it", key), spec);
    }
  }

  void Alert(const YamlField& f, const char* severity, ImportedSlo* slo) {
    f.AllowOnly({"disable", "labels", "annotations"});
    if (f.Has("disable")) {
      std::string v = f["disable"].Scalar();
      if (v != "true" && v != "false") f["disable"].Fail("expected true or false");
      if (v == "true") {
        slo->alerting.defined = true;
        (std::string(severity) == "page" ? slo->alerting.page_disabled : slo->alerting.ticket_disabled) = true;
      }
    }
    if (f.Has("labels"))
      ImportWarning(f["labels"], fmt::format("slokit labels its alerts severity=\"{}\" and team; dropped: {}", severity,
                                             LabelList(f["labels"])), spec);
    if (f.Has("annotations"))
      ImportWarning(f["annotations"], "slokit writes its own annotations (summary, description, runbook_url, "
                                      "dashboard); dropped", spec);
  }

  void Alerting(const YamlField& f, ImportedSlo* slo) {
    f.AllowOnly({"name", "labels", "annotations", "page_alert", "ticket_alert"});
    if (f.Has("name"))
      ImportWarning(f["name"], fmt::format("slokit names every SLO alert ErrorBudgetBurn (with slo=\"{}\"); the name "
                                           "'{}' is dropped", slo->name, f["name"].Scalar()), spec);
    if (f.Has("labels"))
      ImportWarning(f["labels"], "slokit labels its alerts slo, service, team and severity; dropped: " +
                                     LabelList(f["labels"]), spec);
    if (f.Has("annotations"))
      ImportWarning(f["annotations"], "slokit writes its own annotations (summary, description, runbook_url, "
                                      "dashboard); dropped", spec);
    if (f.Has("page_alert")) Alert(f["page_alert"], "page", slo);
    if (f.Has("ticket_alert")) Alert(f["ticket_alert"], "ticket", slo);
  }

  void Slo(const YamlField& f) {
    f.AllowOnly({"name", "objective", "description", "labels", "sli", "alerting"});
    ImportedSlo slo;
    slo.name = f["name"].Scalar();
    CheckSloName(f["name"], slo.name);
    slo.origin = fmt::format("{}:{}", spec->file, f.Line());
    if (f.Has("description")) slo.description = f["description"].Scalar();
    slo.objective_percent = f["objective"].Number();
    if (!(slo.objective_percent > 0 && slo.objective_percent < 100))
      f["objective"].Fail(fmt::format("slokit objectives lie strictly between 0 and 100 percent (an objective of {} "
                                      "leaves no error budget to burn)", f["objective"].Scalar()));
    slo.window = "30d";
    if (f.Has("labels")) Labels(f["labels"], false);
    YamlField sli = f["sli"];
    sli.AllowOnly({"events", "raw", "plugin"});
    if (sli.Has("raw"))
      sli["raw"].Fail("a raw error ratio cannot be converted: slokit divides summed bad events by summed valid "
                      "events over each window, so it needs the two counters (use sli.events)");
    if (sli.Has("plugin"))
      sli["plugin"].Fail("Sloth SLI plugins generate queries slokit cannot see; write the SLI as sli.events "
                         "with error_query and total_query");
    YamlField events = sli["events"];
    events.AllowOnly({"error_query", "total_query"});
    BindRatioQueries(events["error_query"], true, events["total_query"], &slo, spec);
    if (f.Has("alerting")) Alerting(f["alerting"], &slo);
    spec->slos.push_back(std::move(slo));
  }

  void Build(const YamlField& root) {
    if (!root.IsMap()) root.Fail("expected a Sloth spec: a mapping with version, service and slos");
    if (root.Has("apiVersion")) {
      // The Kubernetes resource: its spec is a prometheus/v1 spec without the version.
      root.AllowOnly({"apiVersion", "kind", "metadata", "spec"});
      if (root["apiVersion"].Scalar() != "sloth.slok.dev/v1")
        root["apiVersion"].Fail(fmt::format("unsupported apiVersion '{}' (expected sloth.slok.dev/v1)",
                                            root["apiVersion"].Scalar()));
      if (root["kind"].Scalar() != "PrometheusServiceLevel")
        root["kind"].Fail(fmt::format("unknown kind '{}' (expected PrometheusServiceLevel)", root["kind"].Scalar()));
      return Body(root["spec"]);
    }
    root.AllowOnly({"version", "service", "labels", "slos"});
    std::string version = root["version"].Scalar();
    if (version != "prometheus/v1")
      root["version"].Fail(fmt::format("unsupported Sloth version '{}' (expected prometheus/v1)", version));
    Body(root);
  }

  void Body(const YamlField& root) {
    if (!root.IsMap()) root.Fail("expected a mapping with service and slos");
    root.AllowOnly({"version", "service", "labels", "slos"});
    spec->service = root["service"].Scalar();
    if (root.Has("labels")) Labels(root["labels"], true);
    spec->alerting = SlothPolicy();
    spec->notes.push_back("Sloth computes windows from rate() over each window; slokit sums one-minute tiles of "
                          "increase() (docs/rules.md). SLO windows are Sloth's default 30 days.");
    YamlField slos = root["slos"];
    if (!slos.IsSequence() || slos.Size() == 0) slos.Fail("expected a non-empty list of SLOs");
    if (slos.Size() > 200) slos.Fail("more than 200 SLOs in one file");
    std::set<std::string> names;
    for (size_t i = 0; i < slos.Size(); ++i) {
      Slo(slos[i]);
      if (!names.insert(spec->slos.back().name).second)
        slos[i]["name"].Fail(fmt::format("duplicate SLO name '{}'", spec->slos.back().name));
    }
  }
};

}  // namespace

Status ImportSloth(std::string_view yaml_text, const std::string& file_name, ImportedSpec* out) {
  return RunImporter(yaml_text, file_name, "Sloth prometheus/v1", out, [&](const std::vector<YAML::Node>& all) {
    std::vector<YAML::Node> docs;
    for (const YAML::Node& doc : all) {
      if (!doc.IsNull()) docs.push_back(doc);
    }
    if (docs.empty()) return Status::InvalidArgument(fmt::format("{}:1:1: empty file", file_name));
    if (docs.size() > 1)
      YamlField(docs[1], out->file, "documents[1]")
          .Fail("a slokit spec holds one service; this file holds several Sloth specs: split it, one per service");
    SlothImporter{out}.Build(YamlField(docs[0], out->file, ""));
    return Status::Ok();
  });
}

}  // namespace slokit
