#include "scipy_reference.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace slokit::stats::testing {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

::testing::AssertionResult RunScipy(const Json& cases, Json* results) {
  namespace fs = std::filesystem;
  static int counter = 0;
  const fs::path dir = fs::temp_directory_path();
  const std::string stem =
      "slokit-stats-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  const fs::path input = dir / (stem + ".in.json");
  const fs::path output = dir / (stem + ".out.json");
  const fs::path errors = dir / (stem + ".err.txt");
  const fs::path script = fs::path(SLOKIT_SOURCE_DIR) / "tests/stats/scipy_reference.py";
  {
    std::ofstream out(input);
    out << Json{{"cases", cases}}.dump();
  }
  if (!fs::exists(kPython)) {
    return ::testing::AssertionFailure()
           << kPython << " not found: the statistics tests need Debian's python3 with "
           << "python3-scipy (scripts/deps.sh installs it)";
  }
  const std::string command = std::string(kPython) + " '" + script.string() + "' '" +
                              input.string() + "' > '" + output.string() + "' 2> '" +
                              errors.string() + "'";
  const int rc = std::system(command.c_str());
  const std::string err = ReadFile(errors);
  const std::string text = ReadFile(output);
  fs::remove(input);
  fs::remove(output);
  fs::remove(errors);
  if (rc != 0) {
    return ::testing::AssertionFailure()
           << "scipy reference failed (exit status " << rc << "): " << command << "\n"
           << err
           << (WIFEXITED(rc) && WEXITSTATUS(rc) == 3
                   ? "\n=> /usr/bin/python3 cannot import scipy: install python3-scipy "
                     "(scripts/deps.sh)"
                   : "");
  }
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.contains("results") ||
      parsed["results"].size() != cases.size()) {
    return ::testing::AssertionFailure() << "unexpected scipy reference output: " << text << "\n"
                                         << err;
  }
  *results = parsed["results"];
  return ::testing::AssertionSuccess();
}

double Num(const Json& v) {
  if (v.is_number()) return v.get<double>();
  const std::string s = v.get<std::string>();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  return std::numeric_limits<double>::quiet_NaN();
}

void Tolerance::Check(const std::string& name, double actual, double expected, double rel,
                      double abs, const std::string& context) {
  if (std::isinf(expected) || std::isinf(actual)) {
    EXPECT_EQ(actual, expected) << suite_ << " " << name << " " << context;
    return;
  }
  const double diff = std::fabs(actual - expected);
  EXPECT_LE(diff, rel * std::fabs(expected) + abs)
      << suite_ << " " << name << ": got " << actual << ", scipy " << expected << " (rel err "
      << (expected != 0 ? diff / std::fabs(expected) : diff) << ") " << context;
  Worst& w = worst_[name];
  if (expected != 0.0) w.rel = std::max(w.rel, diff / std::fabs(expected));
  w.abs = std::max(w.abs, diff);
  ++w.count;
}

Tolerance::~Tolerance() {
  for (const auto& [name, w] : worst_) {
    std::printf("[tolerance] %s %s: %d values, max rel err %.2e, max abs err %.2e\n",
                suite_.c_str(), name.c_str(), w.count, w.rel, w.abs);
  }
}

std::vector<double> Gen::Normal(size_t n, double mean, double sd) {
  std::normal_distribution<double> d(mean, sd);
  std::vector<double> v(n);
  for (double& x : v) x = d(rng_);
  return v;
}

std::vector<double> Gen::LogNormal(size_t n, double mu, double sigma) {
  std::lognormal_distribution<double> d(mu, sigma);
  std::vector<double> v(n);
  for (double& x : v) x = d(rng_);
  return v;
}

std::vector<double> Gen::Pareto(size_t n, double scale, double shape) {
  std::vector<double> v(n);
  for (double& x : v) x = scale / std::pow(1.0 - Uniform(), 1.0 / shape);
  return v;
}

std::vector<double> Gen::Ints(size_t n, int64_t lo, int64_t hi) {
  std::vector<double> v(n);
  for (double& x : v) x = static_cast<double>(Int(lo, hi));
  return v;
}

}  // namespace slokit::stats::testing
