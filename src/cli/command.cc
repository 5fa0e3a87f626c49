#include "cli/command.h"

#include <iostream>

namespace slokit::cli {

int UsageError(std::string_view command, std::string_view message) {
  std::cerr << "slokit " << command << ": " << message << "\n";
  return kExitUsage;
}

}  // namespace slokit::cli
