#include "core/record_batch.h"

#include <algorithm>
#include <cstring>

namespace slokit {
namespace {
constexpr size_t kChunkBytes = 64 * 1024;
}  // namespace

RecordBatch::RecordBatch(size_t fields) : fields_(fields) {
  times_.reserve(kCapacity);
  values_.reserve(kCapacity * fields);
}

void RecordBatch::Append(const Record& record) {
  times_.push_back(record.time_ns);
  const size_t base = values_.size();
  const size_t n = std::min(fields_, record.values.size());
  values_.insert(values_.end(), record.values.begin(), record.values.begin() + static_cast<ptrdiff_t>(n));
  values_.resize(base + fields_);  // fields the record lacks are missing
  for (size_t f = 0; f < fields_; ++f) {
    Value& v = values_[base + f];
    if (v.type == ValueType::kString) v.string = CopyString(v.string);
  }
}

void RecordBatch::Clear() {
  times_.clear();
  values_.clear();
  chunk_ = 0;
  chunk_used_ = 0;
  large_.clear();
}

std::string_view RecordBatch::CopyString(std::string_view s) {
  if (s.empty()) return {};
  char* dest;
  if (s.size() > kChunkBytes) {
    large_.push_back(std::make_unique<char[]>(s.size()));
    dest = large_.back().get();
  } else {
    if (chunk_ < chunks_.size() && chunk_used_ + s.size() > kChunkBytes) {
      ++chunk_;
      chunk_used_ = 0;
    }
    if (chunk_ == chunks_.size()) chunks_.push_back(std::make_unique<char[]>(kChunkBytes));
    dest = chunks_[chunk_].get() + chunk_used_;
    chunk_used_ += s.size();
  }
  std::memcpy(dest, s.data(), s.size());
  return {dest, s.size()};
}

}  // namespace slokit
