// PValueMethod: how a two-sample test turns its statistic into a p-value.
#pragma once

namespace slokit::stats {

// kAuto follows scipy's rule for each test (documented on the test's function); kExact and
// kAsymptotic force one method where it is defined.
enum class PValueMethod { kAuto, kExact, kAsymptotic };

}  // namespace slokit::stats
