// Cells: the sharded storage behind every counter, gauge and histogram. Not part of the public
// API; the metric headers include it so that Inc/Set/Observe inline into the caller.
//
// Layout. Storage comes in blocks of kSlots x kCellsPerSlot 64-bit cells. A series owns a run of
// cells at the same offset in every slot; the calling thread's slot is `tls_slot_offset`, so a
// thread writes `base + tls_slot_offset + i` and readers sum that cell over all slots. Slots are
// 4 KiB apart: two threads never write the same cache line, and one thread's cells for the
// metrics of a request sit close together.
//
// Ownership. A thread claims one of kExclusiveSlots slots on its first write and gives it back at
// exit. While it holds the slot it is the only writer, so an add is a relaxed load and store, with
// no read-modify-write instruction. Threads beyond kExclusiveSlots all share one extra slot and
// use atomic read-modify-writes there, so totals stay exact however many threads there are.
// Readers (scrapes) use relaxed atomic loads and may run concurrently with writers.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <mutex>
#include <vector>

namespace slokit::metrics::detail {

inline constexpr uint32_t kExclusiveSlots = 128;
inline constexpr uint32_t kSlots = kExclusiveSlots + 1;  // the last slot is shared
inline constexpr uint32_t kCellsPerSlot = 512;           // 4 KiB per slot per block
inline constexpr uint32_t kSharedOffset = kExclusiveSlots * kCellsPerSlot;
inline constexpr uint32_t kUnassigned = UINT32_MAX;
inline constexpr uint32_t kCellsPerCacheLine = 8;

// Offset of the calling thread's slot, in cells; kUnassigned until the thread first writes.
inline constinit thread_local uint32_t tls_slot_offset = kUnassigned;

// Claims a slot for the calling thread (the shared one when none is free); cold path.
uint32_t AssignSlot();
// One more than the highest exclusive slot index ever claimed: readers sum slots below it plus
// the shared slot.
uint32_t SlotsInUse();

inline uint32_t SlotOffset() {
  uint32_t offset = tls_slot_offset;
  if (offset == kUnassigned) [[unlikely]]
    offset = AssignSlot();
  return offset;
}
inline bool IsExclusive(uint32_t offset) { return offset < kSharedOffset; }

inline uint64_t Load(const uint64_t& cell) {
  return std::atomic_ref<uint64_t>(const_cast<uint64_t&>(cell)).load(std::memory_order_relaxed);
}
inline double LoadDouble(const uint64_t& cell) { return std::bit_cast<double>(Load(cell)); }
inline void Store(uint64_t& cell, uint64_t v) {
  std::atomic_ref<uint64_t>(cell).store(v, std::memory_order_relaxed);
}
inline void StoreDouble(uint64_t& cell, double v) { Store(cell, std::bit_cast<uint64_t>(v)); }

inline void AddU64(uint64_t& cell, uint64_t n, bool exclusive) {
  std::atomic_ref<uint64_t> a(cell);
  if (exclusive) {
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  } else {
    a.fetch_add(n, std::memory_order_relaxed);
  }
}

inline void AddDouble(uint64_t& cell, double v, bool exclusive) {
  std::atomic_ref<uint64_t> a(cell);
  uint64_t old = a.load(std::memory_order_relaxed);
  if (exclusive) {
    a.store(std::bit_cast<uint64_t>(std::bit_cast<double>(old) + v), std::memory_order_relaxed);
  } else {
    while (!a.compare_exchange_weak(old, std::bit_cast<uint64_t>(std::bit_cast<double>(old) + v),
                                    std::memory_order_relaxed)) {
    }
  }
}

// Sums of cell `i` of a series over every slot in use.
uint64_t SumU64(const uint64_t* base, uint32_t i);
double SumDouble(const uint64_t* base, uint32_t i);

// CellArena: hands out runs of cells. Owned by a Registry; thread-safe; memory is zeroed, mapped
// lazily (a slot's pages cost memory only once a thread writes there) and freed with the arena.
class CellArena {
 public:
  CellArena() = default;
  ~CellArena();
  CellArena(const CellArena&) = delete;
  CellArena& operator=(const CellArena&) = delete;

  // Returns the slot-0 address of `n` zeroed cells (1 <= n <= kCellsPerSlot). With
  // `own_cache_line` the run starts on a 64-byte boundary and no other run shares its last line
  // (gauges: their Set value lives in the shared slot, and two gauges set from two threads must
  // not share a cache line there).
  uint64_t* Allocate(uint32_t n, bool own_cache_line = false);
  size_t blocks() const;

 private:
  mutable std::mutex mu_;
  std::vector<uint64_t*> blocks_;
  uint32_t used_ = kCellsPerSlot;  // cells used in the newest block
};

}  // namespace slokit::metrics::detail
