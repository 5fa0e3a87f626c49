// slokit: SLO engine for LLM and ML inference services. One file per subcommand.
#include <cstdio>
#include <vector>

#include "cli/command.h"

int main(int argc, char** argv) {
  CLI::App app{"slokit: SLOs, error budgets, burn-rate alerts and canary verdicts for LLM services"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "slokit 0.1.0");
  std::vector<slokit::cli::Command> commands = {
      slokit::cli::MakeValidateCommand(app),
      slokit::cli::MakeReportCommand(app),
      slokit::cli::MakeSimulateCommand(app),
      slokit::cli::MakeRulesCommand(app),
      slokit::cli::MakeCanaryCommand(app),
      slokit::cli::MakeDriftCommand(app),
      slokit::cli::MakeCatalogCommand(app),
      slokit::cli::MakeInitCommand(app),
      slokit::cli::MakeConvertCommand(app),
      slokit::cli::MakeServeCommand(app),
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message on stderr
    return slokit::cli::kExitUsage;
  }
  for (const auto& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return slokit::cli::kExitUsage;
}
