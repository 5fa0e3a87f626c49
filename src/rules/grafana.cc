#include "rules/grafana.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace slokit::rules {
namespace {

using nlohmann::json;

json Datasource() { return {{"type", "prometheus"}, {"uid", "${datasource}"}}; }

json Target(const std::string& ref, const std::string& expr, const std::string& legend) {
  return {{"refId", ref},
          {"datasource", Datasource()},
          {"expr", expr},
          {"legendFormat", legend},
          {"range", true}};
}

class Layout {
 public:
  json Place(json panel, int w, int h) {
    if (x_ + w > 24) NewLine();
    panel["id"] = next_id_++;
    panel["gridPos"] = {{"x", x_}, {"y", y_}, {"w", w}, {"h", h}};
    x_ += w;
    line_height_ = std::max(line_height_, h);
    return panel;
  }
  json Row(const std::string& title) {
    NewLine();
    json row = {{"type", "row"},      {"title", title},
                {"collapsed", false}, {"panels", json::array()},
                {"id", next_id_++},   {"gridPos", {{"x", 0}, {"y", y_}, {"w", 24}, {"h", 1}}}};
    y_ += 1;
    return row;
  }

 private:
  void NewLine() {
    y_ += line_height_;
    x_ = 0;
    line_height_ = 0;
  }
  int next_id_ = 1, x_ = 0, y_ = 0, line_height_ = 0;
};

json Panel(const std::string& type, const std::string& title, const std::string& description,
           json targets) {
  return {{"type", type},
          {"title", title},
          {"description", description},
          {"datasource", Datasource()},
          {"targets", std::move(targets)}};
}

json Thresholds(std::vector<std::pair<double, std::string>> steps,
                const std::string& base = "green") {
  json list = json::array({{{"color", base}, {"value", nullptr}}});
  for (auto& [v, c] : steps) list.push_back({{"color", c}, {"value", v}});
  return {{"mode", "absolute"}, {"steps", list}};
}

std::string Legend(const SloPlan& p, const std::string& text) {
  std::string out = text;
  for (const std::string& l : p.binding->by) out += " {{" + l + "}}";
  return out;
}

std::string SloTitle(const SloPlan& p) {
  std::string window = p.slo->window.text.empty() ? PromDuration(p.slo_window) : p.slo->window.text;
  return fmt::format("{} — {}% over {} ({}, team {})", p.slo->name, PromConstant(p.objective * 100),
                     window, SliKindName(p.slo->sli.kind), p.team);
}

}  // namespace

json GrafanaDashboard(const Spec& spec, const std::vector<SloPlan>& plans, const Options& options) {
  Layout layout;
  json panels = json::array();
  std::string service = "service=" + PromQuote(spec.service);

  panels.push_back(layout.Row("Overview"));
  {
    json p = Panel(
        "bargauge", "Error budget remaining",
        "Share of each SLO's error budget left over its window",
        json::array(
            {Target("A", std::string(kBudgetRemainingMetric) + "{" + service + "}", "{{slo}}")}));
    p["fieldConfig"] = {{"defaults",
                         {{"unit", "percentunit"},
                          {"min", 0},
                          {"max", 1},
                          {"thresholds", Thresholds({{0, "orange"}, {0.25, "green"}}, "red")}}},
                        {"overrides", json::array()}};
    p["options"] = {{"orientation", "horizontal"},
                    {"displayMode", "basic"},
                    {"reduceOptions",
                     {{"calcs", json::array({"lastNotNull"})}, {"fields", ""}, {"values", false}}}};
    panels.push_back(layout.Place(p, 12, 8));
  }
  {
    json p = Panel(
        "table", "Firing SLO alerts", "Error-budget burn alerts firing now, by SLO and severity",
        json::array({Target("A",
                            fmt::format("sum by (slo, severity, team) (ALERTS{{alertname=\"{}\",{},"
                                        "alertstate=\"firing\"}})",
                                        kAlertName, service),
                            "{{slo}} {{severity}}")}));
    p["targets"][0]["instant"] = true;
    p["targets"][0]["range"] = false;
    p["targets"][0]["format"] = "table";
    p["fieldConfig"] = {{"defaults", json::object()}, {"overrides", json::array()}};
    p["options"] = {{"showHeader", true}};
    panels.push_back(layout.Place(p, 12, 8));
  }

  for (const SloPlan& plan : plans) {
    const Slo& slo = *plan.slo;
    panels.push_back(layout.Row(SloTitle(plan)));
    std::string w = PromDuration(plan.slo_window);
    {
      json targets = json::array(
          {Target("A", "1 - " + plan.Ratio(plan.slo_window), Legend(plan, "SLI over " + w)),
           Target("B", std::string(kObjectiveMetric) + plan.match, "objective")});
      if (!plan.alert_windows.empty()) {
        DurationNs longest = plan.alert_windows.back();
        targets.push_back(Target("C", "1 - " + plan.Ratio(longest),
                                 Legend(plan, "SLI over " + PromDuration(longest))));
      }
      json p = Panel("timeseries", "SLI vs objective",
                     slo.sli.description +
                         (plan.slices ? " (share of good timeslices)" : " (share of good events)"),
                     targets);
      p["fieldConfig"] = {{"defaults",
                           {{"unit", "percentunit"},
                            {"decimals", 3},
                            {"max", 1},
                            {"custom", {{"lineWidth", 2}, {"fillOpacity", 0}}}}},
                          {"overrides", json::array()}};
      p["options"] = {
          {"legend", {{"displayMode", "list"}, {"placement", "bottom"}, {"showLegend", true}}},
          {"tooltip", {{"mode", "multi"}, {"sort", "none"}}}};
      panels.push_back(layout.Place(p, 8, 8));
    }
    {
      json p = Panel("stat", "Error budget remaining",
                     fmt::format("1 − (error ratio over {}) / (1 − objective)", w),
                     json::array({Target("A", std::string(kBudgetRemainingMetric) + plan.match,
                                         Legend(plan, "remaining"))}));
      p["fieldConfig"] = {{"defaults",
                           {{"unit", "percentunit"},
                            {"decimals", 1},
                            {"thresholds", Thresholds({{0, "orange"}, {0.25, "green"}}, "red")}}},
                          {"overrides", json::array()}};
      p["options"] = {
          {"colorMode", "background"},
          {"graphMode", "area"},
          {"textMode", "auto"},
          {"reduceOptions",
           {{"calcs", json::array({"lastNotNull"})}, {"fields", ""}, {"values", false}}}};
      panels.push_back(layout.Place(p, 4, 8));
    }
    {
      json targets = json::array();
      char ref = 'A';
      for (DurationNs window : plan.alert_windows) {
        targets.push_back(
            Target(std::string(1, ref++),
                   fmt::format("{} / {}", plan.Ratio(window), PromConstant(plan.budget)),
                   Legend(plan, PromDuration(window))));
      }
      // The policy's factors as threshold lines: orange for tickets, red for pages.
      std::map<double, std::string> factors;
      for (const AlertCondition* c : plan.conditions) {
        std::string color = c->severity == "page" ? "red" : "orange";
        if (!factors.count(c->factor) || color == "red") factors[c->factor] = color;
      }
      std::vector<std::pair<double, std::string>> steps(factors.begin(), factors.end());
      json p = Panel("timeseries", "Burn rate per window",
                     "Error ratio over each alert window divided by the error budget; 1 spends the "
                     "budget exactly over "
                     "the SLO window. Lines: the policy's burn-rate thresholds.",
                     targets);
      p["fieldConfig"] = {
          {"defaults",
           {{"unit", "none"},
            {"decimals", 2},
            {"min", 0},
            {"thresholds", Thresholds(steps)},
            {"custom", {{"lineWidth", 1}, {"thresholdsStyle", {{"mode", "dashed"}}}}}}},
          {"overrides", json::array()}};
      p["options"] = {
          {"legend", {{"displayMode", "list"}, {"placement", "bottom"}, {"showLegend", true}}},
          {"tooltip", {{"mode", "multi"}, {"sort", "desc"}}}};
      panels.push_back(layout.Place(p, 8, 8));
    }
    {
      json p = Panel(
          "state-timeline", "Alert state",
          "The SLO's burn-rate alerts: pending or firing, by severity",
          json::array({Target(
              "A",
              fmt::format("max by (severity, alertstate) (ALERTS{{alertname=\"{}\",slo={},{}}})",
                          kAlertName, PromQuote(slo.name), service),
              "{{severity}} {{alertstate}}")}));
      p["fieldConfig"] = {
          {"defaults",
           {{"mappings",
             json::array({{{"type", "value"},
                           {"options", {{"1", {{"text", "active"}, {"color", "red"}}}}}}})},
            {"thresholds", Thresholds({{1, "red"}})},
            {"custom", {{"fillOpacity", 80}, {"lineWidth", 0}}}}},
          {"overrides", json::array()}};
      p["options"] = {
          {"showValue", "never"},
          {"mergeValues", true},
          {"rowHeight", 0.9},
          {"legend", {{"displayMode", "list"}, {"placement", "bottom"}, {"showLegend", true}}}};
      panels.push_back(layout.Place(p, 4, 8));
    }
  }

  json dashboard = {
      {"uid", DashboardUid(spec.service)},
      {"title", "SLOs: " + spec.service},
      {"description",
       fmt::format("Generated by `slokit rules --grafana`{}; regenerate instead of editing.",
                   options.source.empty() ? "" : " from " + options.source)},
      {"tags", json::array({"slokit", "slo", spec.service})},
      {"timezone", "utc"},
      {"editable", true},
      {"graphTooltip", 1},
      {"schemaVersion", kDashboardSchemaVersion},
      {"version", 1},
      {"refresh", "1m"},
      {"time", {{"from", "now-7d"}, {"to", "now"}}},
      {"timepicker", json::object()},
      {"fiscalYearStartMonth", 0},
      {"liveNow", false},
      {"weekStart", ""},
      {"links", json::array()},
      {"annotations",
       {{"list", json::array({{{"builtIn", 1},
                               {"datasource", {{"type", "grafana"}, {"uid", "-- Grafana --"}}},
                               {"enable", true},
                               {"hide", true},
                               {"iconColor", "rgba(0, 211, 255, 1)"},
                               {"name", "Annotations & Alerts"},
                               {"type", "dashboard"}}})}}},
      {"templating",
       {{"list", json::array({{{"name", "datasource"},
                               {"label", "Data source"},
                               {"type", "datasource"},
                               {"query", "prometheus"},
                               {"hide", 0},
                               {"refresh", 1},
                               {"regex", ""},
                               {"options", json::array()},
                               {"includeAll", false},
                               {"multi", false}}})}}},
      {"panels", panels},
  };
  return dashboard;
}

}  // namespace slokit::rules
