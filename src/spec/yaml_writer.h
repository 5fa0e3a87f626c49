// Small helpers for the commands that write spec YAML by hand (`slokit init`, `slokit convert`):
// text is emitted line by line so that comments sit where a reader needs them, which yaml-cpp's
// emitter does not allow.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace slokit {

// `s` as a YAML double-quoted scalar, control characters escaped.
std::string YamlQuote(std::string_view s);

// Appends `text` as comment lines of at most `width` characters, each starting with `prefix`
// (e.g. "  # "), breaking between words.
void AppendYamlComment(std::vector<std::string>* lines, std::string_view prefix, std::string_view text,
                       size_t width = 100);

}  // namespace slokit
