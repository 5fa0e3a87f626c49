// Record: one request event, reduced to the fields a spec actually reads. Readers fill a Record
// in place for every input line, so values are views into the reader's buffer and are only valid
// until the next record is read.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace slokit {

enum class ValueType : uint8_t { kMissing, kNull, kBool, kNumber, kString };

struct Value {
  ValueType type = ValueType::kMissing;
  bool boolean = false;
  double number = 0;
  std::string_view string;  // for kString; not owned

  static Value Number(double v) { Value x; x.type = ValueType::kNumber; x.number = v; return x; }
  static Value Bool(bool v) { Value x; x.type = ValueType::kBool; x.boolean = v; return x; }
  static Value String(std::string_view v) { Value x; x.type = ValueType::kString; x.string = v; return x; }
  static Value Null() { Value x; x.type = ValueType::kNull; return x; }
  bool present() const { return type != ValueType::kMissing && type != ValueType::kNull; }
};

// FieldSet: the names of the event fields a spec reads, each given a dense index. Built once
// from the spec before reading; readers look names up to know which fields to extract.
class FieldSet {
 public:
  // Returns the index of `name`, adding it if new.
  int Intern(std::string_view name) {
    auto it = index_.find(name);
    if (it != index_.end()) return it->second;
    int id = static_cast<int>(names_.size());
    names_.emplace_back(name);
    index_.emplace(names_.back(), id);
    return id;
  }
  // Returns the index of `name`, or -1 when the spec does not read it.
  int Find(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? -1 : it->second;
  }
  size_t size() const { return names_.size(); }
  const std::string& name(int i) const { return names_[static_cast<size_t>(i)]; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, int, Hash, std::equal_to<>> index_;
};

struct Record {
  int64_t time_ns = 0;        // event time, nanoseconds since the Unix epoch (UTC)
  std::vector<Value> values;  // indexed by FieldSet index; kMissing when absent

  void Reset(size_t n) { values.assign(n, Value{}); time_ns = 0; }
};

}  // namespace slokit
