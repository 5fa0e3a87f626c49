#include "cli/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

namespace slokit::cli {

ProgressBar::ProgressBar() : enabled_(isatty(2) == 1), start_(Clock::now()) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputs("\r\033[K", stderr);
}

void ProgressBar::Update(double fraction, const std::string& detail) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (now - start_ < std::chrono::milliseconds(500) || (drawn_ && now - last_ < std::chrono::milliseconds(100)))
    return;
  last_ = now;
  drawn_ = true;
  if (fraction < 0) {
    fmt::print(stderr, "\r\033[K{}", detail);
  } else {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(std::min(fraction, 1.0) * kWidth);
    fmt::print(stderr, "\r[{:#<{}}{:<{}}] {:3.0f}%  {}", "", filled, "", kWidth - filled, fraction * 100, detail);
  }
  std::fflush(stderr);
}

}  // namespace slokit::cli
