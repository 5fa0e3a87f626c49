// Test helpers for src/stats: seeded sample generators, a bridge to scipy (tests/stats/
// scipy_reference.py run by /usr/bin/python3 — Debian's interpreter with python3-scipy, not
// whatever `python3` is first on PATH), and tolerance bookkeeping that prints the worst relative
// error seen per quantity.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace slokit::stats::testing {

using Json = nlohmann::json;

// Runs the reference script on {"cases": cases}; on success `results` holds one JSON object per
// case, in order. Fails (never skips) when /usr/bin/python3 cannot import scipy.
::testing::AssertionResult RunScipy(const Json& cases, Json* results);

// A number from the script's output ("inf", "-inf", "nan" strings included).
double Num(const Json& v);

// Checks |actual - expected| <= rel * |expected| + abs and remembers the largest relative error
// per name; prints a summary line per name when destroyed.
class Tolerance {
 public:
  explicit Tolerance(std::string suite) : suite_(std::move(suite)) {}
  ~Tolerance();
  void Check(const std::string& name, double actual, double expected, double rel, double abs,
             const std::string& context);

 private:
  struct Worst {
    double rel = 0.0;
    double abs = 0.0;
    int count = 0;
  };
  std::string suite_;
  std::map<std::string, Worst> worst_;
};

// Seeded generators (std::mt19937_64; results only need to be reproducible on one machine since
// the reference is computed from the same vectors).
class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}
  double Uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
  int64_t Int(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  std::vector<double> Normal(size_t n, double mean, double sd);
  std::vector<double> LogNormal(size_t n, double mu, double sigma);
  std::vector<double> Pareto(size_t n, double scale, double shape);
  // Integers in [lo, hi] as doubles: many ties.
  std::vector<double> Ints(size_t n, int64_t lo, int64_t hi);
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

}  // namespace slokit::stats::testing
