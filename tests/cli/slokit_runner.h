// SlokitTest: a fixture for tests that run the built slokit binary: each test gets its own
// temporary directory (the working directory of every command), and a command's exit code,
// stdout and stderr come back together.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace slokit::testing {

struct Result {
  int code = -1;
  std::string out, err;
};

class SlokitTest : public ::testing::Test {
 protected:
  SlokitTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("slokit_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~SlokitTest() override { std::filesystem::remove_all(dir_); }

  // Runs a shell command in the test's directory (not the source or build tree).
  Result Run(const std::string& command) {
    std::string out = (dir_ / "stdout").string(), err = (dir_ / "stderr").string();
    std::string cmd = "cd " + dir_.string() + " && " + command + " >" + out + " 2>" + err;
    int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  Result Slokit(const std::string& args) { return Run(Binary() + " " + args); }
  static std::string Binary() { return std::string(SLOKIT_BINARY_DIR) + "/slokit"; }

  std::string Write(const std::string& name, const std::string& content) {
    std::string p = (dir_ / name).string();
    std::ofstream(p) << content;
    return p;
  }
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::filesystem::path dir_;
};

}  // namespace slokit::testing
