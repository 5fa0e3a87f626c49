// Helpers for the tests of `slokit rules`: load specs from strings, compile them, run external
// tools (promtool, amtool) in a scratch directory.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rules/compile.h"
#include "spec/loader.h"

namespace slokit::rules::testing {

namespace fs = std::filesystem;

inline Spec MustLoad(const std::string& yaml, const std::string& name = "test.yaml") {
  Spec spec;
  Status s = LoadSpecString(yaml, name, &spec, nullptr);
  EXPECT_TRUE(s.ok()) << s.message();
  return spec;
}

// The load error, "" when the spec loads.
inline std::string LoadError(const std::string& yaml) {
  Spec spec;
  Status s = LoadSpecString(yaml, "t.yaml", &spec, nullptr);
  return s.ok() ? "" : s.message();
}

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// A scratch directory removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    // Parameterised tests have '/' in their names: keep one directory level.
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = fs::temp_directory_path() / ("slokit_rules_" + std::to_string(getpid()) + "_" + name);
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    if (!::testing::Test::HasFailure()) fs::remove_all(path_);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct CommandResult {
  int code = -1;
  std::string out, err;
};

// Runs a shell command with stdout and stderr captured in files of `dir`.
inline CommandResult RunCommand(const ScratchDir& dir, const std::string& command) {
  std::string out = dir / "cmd.stdout", err = dir / "cmd.stderr";
  int status = std::system((command + " >" + out + " 2>" + err).c_str());
  CommandResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

// The full path of a program on PATH, or "".
inline std::string FindProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::stringstream dirs(path);
  std::string d;
  while (std::getline(dirs, d, ':')) {
    fs::path candidate = fs::path(d.empty() ? "." : d) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

// promtool and amtool come from the Debian packages prometheus and prometheus-alertmanager
// (scripts/deps.sh); these tests fail, naming the package, when they are missing.
#define SLOKIT_REQUIRE_PROGRAM(var, name, package)                                               \
  std::string var = ::slokit::rules::testing::FindProgram(name);                                 \
  ASSERT_FALSE(var.empty()) << name << " is not on PATH: install the Debian package " << package \
                            << " (scripts/deps.sh installs it)"

}  // namespace slokit::rules::testing
