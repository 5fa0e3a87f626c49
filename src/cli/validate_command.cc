// slokit validate: load a spec, report errors (exit 2) and warnings, summarise what it defines.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "spec/loader.h"

namespace slokit::cli {

Command MakeValidateCommand(CLI::App& parent) {
  struct Options {
    std::string spec;
    std::string format = "table";
    bool warnings_as_errors = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand("validate", "Check a spec: errors name file, line, column and field");
  app->add_option("spec", opts->spec, "SLO spec (YAML)")->required();
  app->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  app->add_flag("--warnings-as-errors", opts->warnings_as_errors, "Exit 2 when there are warnings");
  app->footer("Exit codes: 0 valid, 2 invalid (or warnings with --warnings-as-errors).");
  auto run = [opts]() {
    Spec spec;
    std::vector<Diagnostic> warnings;
    Status s = LoadSpecFile(opts->spec, &spec, &warnings);
    bool failed = !s.ok() || (opts->warnings_as_errors && !warnings.empty());
    if (opts->format == "json") {
      nlohmann::json j = {{"spec", opts->spec}, {"valid", s.ok()}};
      if (!s.ok()) j["error"] = s.message();
      nlohmann::json w = nlohmann::json::array();
      for (const Diagnostic& d : warnings)
        w.push_back({{"file", d.file}, {"line", d.line}, {"field", d.field}, {"message", d.message}});
      j["warnings"] = w;
      if (s.ok()) {
        nlohmann::json slos = nlohmann::json::array();
        for (const Slo& slo : spec.slos)
          slos.push_back({{"name", slo.name}, {"kind", SliKindName(slo.sli.kind)}, {"objective", slo.objective},
                          {"sli", slo.sli.description}, {"owner", slo.owner}});
        j["service"] = spec.service;
        j["slos"] = slos;
      }
      std::cout << j.dump(2) << "\n";
    } else {
      for (const Diagnostic& d : warnings) std::cerr << d.ToString() << "\n";
      if (!s.ok()) {
        std::cerr << s.message() << "\n";
      } else {
        std::cout << fmt::format("{}: valid; service {}, {} SLOs, {} warnings\n", opts->spec, spec.service,
                                 spec.slos.size(), warnings.size());
        for (const Slo& slo : spec.slos)
          std::cout << fmt::format("  {:<24} {:<10} {:>7.3f}%  {}\n", slo.name, SliKindName(slo.sli.kind),
                                   slo.objective * 100, slo.sli.description);
      }
    }
    return failed ? kExitUsage : kExitOk;
  };
  return {app, run};
}

}  // namespace slokit::cli
