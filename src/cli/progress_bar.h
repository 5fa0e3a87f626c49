// ProgressBar: a one-line bar on stderr for long commands, drawn only when stderr is a terminal
// and the work has lasted long enough to be worth watching; erased when destroyed.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace slokit::cli {

class ProgressBar {
 public:
  ProgressBar();
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // `fraction` in [0, 1], or negative when the total is unknown; `detail` follows the bar.
  void Update(double fraction, const std::string& detail);

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_, last_;
};

}  // namespace slokit::cli
