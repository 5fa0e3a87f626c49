// slokit convert: OpenSLO v1 or Sloth prometheus/v1 specs to a slokit spec (spec/import.h), so
// that their users can move over. The output is checked by the spec loader before it is
// written; what could not be converted is an error naming file, line and field.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "spec/import.h"
#include "spec/loader.h"

namespace slokit::cli {

Command MakeConvertCommand(CLI::App& parent) {
  struct Options {
    std::string input;
    std::string output;
    std::string from = "auto";
    bool force = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand("convert", "Convert an OpenSLO v1 or Sloth prometheus/v1 spec to a slokit spec");
  app->add_option("input", opts->input, "OpenSLO (multi-document) or Sloth YAML file")->required();
  app->add_option("-o,--output", opts->output, "Write here instead of stdout");
  app->add_option("--from", opts->from, "Input format (default: told by apiVersion / version)")
      ->check(CLI::IsMember({"auto", "openslo", "sloth"}));
  app->add_flag("--force", opts->force, "Overwrite the output file if it exists");
  app->footer(
      "Exit codes: 0 converted, 2 bad usage or input that cannot be converted (the error names file, line and\n"
      "field). Warnings (dropped annotations, labels...) go to stderr. docs/convert.md lists what maps to what.\n"
      "Then: slokit validate OUT && slokit rules OUT > rules.yaml && promtool check rules rules.yaml");
  auto run = [opts]() -> int {
    auto fail = [](const std::string& message) { return UsageError("convert", message); };
    std::ifstream in(opts->input, std::ios::binary);
    if (!in) return fail(fmt::format("{}: cannot open", opts->input));
    std::stringstream buf;
    buf << in.rdbuf();
    bool to_stdout = opts->output.empty() || opts->output == "-";
    if (!to_stdout && !opts->force && std::filesystem::exists(opts->output))
      return fail(fmt::format("{} exists; pass --force to overwrite it", opts->output));

    ImportFormat format = opts->from == "openslo" ? ImportFormat::kOpenSlo
                          : opts->from == "sloth" ? ImportFormat::kSloth
                                                  : ImportFormat::kAuto;
    ImportedSpec imported;
    Status s = ImportSpec(buf.str(), opts->input, format, &imported);
    if (!s.ok()) {
      std::cerr << s.message() << "\n";
      return kExitUsage;
    }
    for (const Diagnostic& d : imported.warnings) std::cerr << d.ToString() << "\n";
    std::string text = WriteImportedSpec(imported);

    // A converted spec that does not load would fail later, far from its cause: say it here.
    Spec spec;
    std::vector<Diagnostic> lint;
    s = LoadSpecString(text, to_stdout ? "<converted>" : opts->output, &spec, &lint);
    if (!s.ok()) return fail(fmt::format("the converted spec does not load: {}", s.message()));

    if (to_stdout) {
      std::cout << text;
      std::cout.flush();
      return std::cout ? kExitOk : fail("cannot write to stdout");
    }
    {
      std::ofstream f(opts->output, std::ios::binary | std::ios::trunc);
      f << text;
      if (!f) return fail(fmt::format("{}: cannot write", opts->output));
    }
    std::cerr << fmt::format("wrote {}: {} SLOs of {} from {} ({} warnings)\n", opts->output, spec.slos.size(),
                             spec.service, imported.source, imported.warnings.size());
    return kExitOk;
  };
  return {app, run};
}

}  // namespace slokit::cli
