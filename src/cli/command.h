// A CLI subcommand: its CLI11 parser and the function that runs it once parsed. Every
// subcommand lives in its own file and is created by a Make<Name>Command function.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string_view>

namespace slokit::cli {

// Exit codes shared by every subcommand (documented in README.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitViolated = 1;  // report: an SLO is not met (a CI/CD gate)
inline constexpr int kExitUsage = 2;     // bad usage or bad input

// Prints "slokit <command>: <message>" on stderr and returns kExitUsage.
int UsageError(std::string_view command, std::string_view message);

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command MakeValidateCommand(CLI::App& parent);
Command MakeReportCommand(CLI::App& parent);
Command MakeSimulateCommand(CLI::App& parent);
Command MakeRulesCommand(CLI::App& parent);
Command MakeCanaryCommand(CLI::App& parent);
Command MakeDriftCommand(CLI::App& parent);
Command MakeCatalogCommand(CLI::App& parent);
Command MakeInitCommand(CLI::App& parent);
Command MakeConvertCommand(CLI::App& parent);
Command MakeServeCommand(CLI::App& parent);

}  // namespace slokit::cli
