#include "rules/alertmanager.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "rules/rule_group.h"

namespace slokit::rules {
namespace {

std::string Matcher(const std::string& label, const std::string& value) {
  return label + "=" + PromQuote(value);
}

void EmitMatchers(YAML::Emitter& out, const std::vector<std::string>& matchers) {
  out << YAML::Key << "matchers" << YAML::Value << YAML::BeginSeq;
  for (const std::string& m : matchers) out << YAML::SingleQuoted << m;
  out << YAML::EndSeq;
}

void EmitScalar(YAML::Emitter& out, const std::string& value) {
  if (NeedsQuotes(value)) out << YAML::DoubleQuoted;
  out << value;
}

struct Route {
  std::string team, severity, contact;
  std::vector<std::string> slos;
};

}  // namespace

std::string ReceiverName(const std::string& team, const std::string& severity) {
  return team + "-" + severity;
}

std::string AlertmanagerConfig(const Spec& spec, const std::vector<SloPlan>& plans,
                               const Options& options) {
  // Routes in the order teams and severities first appear.
  std::vector<Route> routes;
  std::vector<std::string> equal = {"service", "slo"};
  for (const SloPlan& p : plans) {
    for (const std::string& l : p.binding->by)
      if (std::find(equal.begin(), equal.end(), l) == equal.end()) equal.push_back(l);
    for (const AlertCondition* c : p.conditions) {
      auto it = std::find_if(routes.begin(), routes.end(), [&](const Route& r) {
        return r.team == p.team && r.severity == c->severity;
      });
      if (it == routes.end()) {
        Route r{p.team, c->severity, "", {}};
        for (const auto& [role, owner] : spec.owners)
          if (role == p.slo->owner) r.contact = owner.contact;
        routes.push_back(r);
        it = routes.end() - 1;
      }
      if (std::find(it->slos.begin(), it->slos.end(), p.slo->name) == it->slos.end())
        it->slos.push_back(p.slo->name);
    }
  }
  std::stable_sort(routes.begin(), routes.end(),
                   [](const Route& a, const Route& b) { return a.team < b.team; });

  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::BeginMap;
  out << YAML::Key << "route" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "receiver" << YAML::Value << "slokit-unrouted";
  out << YAML::Key << "group_by" << YAML::Value << YAML::Flow << YAML::BeginSeq << "alertname"
      << "service"
      << "slo" << YAML::EndSeq;
  out << YAML::Key << "group_wait" << YAML::Value << "30s";
  out << YAML::Key << "group_interval" << YAML::Value << "5m";
  out << YAML::Key << "repeat_interval" << YAML::Value << "4h";
  out << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
  // The service's subtree: merge it into an existing configuration's routes.
  out << YAML::BeginMap;
  EmitMatchers(out, {Matcher("service", spec.service), Matcher("alertname", kAlertName)});
  out << YAML::Key << "receiver" << YAML::Value << "slokit-unrouted";
  out << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
  for (const Route& r : routes) {
    out << YAML::BeginMap;
    EmitMatchers(out, {Matcher("team", r.team), Matcher("severity", r.severity)});
    out << YAML::Key << "receiver" << YAML::Value;
    EmitScalar(out, ReceiverName(r.team, r.severity));
    bool page = r.severity == "page";
    out << YAML::Key << "group_wait" << YAML::Value << (page ? "10s" : "1m");
    out << YAML::Key << "repeat_interval" << YAML::Value << (page ? "1h" : "1d");
    std::string slos;
    for (const std::string& s : r.slos) slos += (slos.empty() ? "" : ", ") + s;
    out << YAML::Comment("SLOs: " + slos);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  out << YAML::EndSeq << YAML::EndMap;

  // A page says more than a ticket about the same SLO: hold the ticket while the page fires.
  out << YAML::Key << "inhibit_rules" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  out << YAML::Key << "source_matchers" << YAML::Value << YAML::BeginSeq << YAML::SingleQuoted
      << Matcher("alertname", kAlertName) << YAML::SingleQuoted << Matcher("severity", "page")
      << YAML::EndSeq;
  out << YAML::Key << "target_matchers" << YAML::Value << YAML::BeginSeq << YAML::SingleQuoted
      << Matcher("alertname", kAlertName) << YAML::SingleQuoted << Matcher("severity", "ticket")
      << YAML::EndSeq;
  out << YAML::Key << "equal" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const std::string& l : equal) out << l;
  out << YAML::EndSeq;
  out << YAML::EndMap << YAML::EndSeq;

  out << YAML::Key << "receivers" << YAML::Value << YAML::BeginSeq;
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "slokit-unrouted";
  out << YAML::Comment("alerts of a team without a route below; normally none");
  out << YAML::EndMap;
  std::vector<std::string> seen;
  for (const Route& r : routes) {
    std::string name = ReceiverName(r.team, r.severity);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value;
    EmitScalar(out, name);
    std::string notifier = r.severity == "page" ? "pagerduty_configs or opsgenie_configs"
                                                : "slack_configs or email_configs";
    out << YAML::Comment(fmt::format("team {}{}: add a notifier, e.g. {}", r.team,
                                     r.contact.empty() ? "" : " (" + r.contact + ")", notifier));
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;

  std::string header = fmt::format(
      "# Alertmanager routes for the SLO alerts of {}, generated by `slokit rules "
      "--alertmanager`{}.\n"
      "# Each team gets its {} alerts per severity; fill in the receivers' notifiers, or merge "
      "the\n"
      "# route matching service=\"{}\" into an existing configuration. Check: amtool check-config "
      "FILE\n",
      spec.service, options.source.empty() ? "" : " from " + options.source, kAlertName,
      spec.service);
  return header + out.c_str() + "\n";
}

}  // namespace slokit::rules
