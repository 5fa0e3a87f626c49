// Slot assignment and the cell arena (see include/slokit/metrics/detail/cells.h).
#include "slokit/metrics/detail/cells.h"

#include <sys/mman.h>

#include <array>
#include <new>

namespace slokit::metrics::detail {
namespace {

constexpr uint32_t kWords = kExclusiveSlots / 64;
static_assert(kExclusiveSlots % 64 == 0);

// Bit i set: exclusive slot i is held by a live thread.
std::array<std::atomic<uint64_t>, kWords> g_taken{};
std::atomic<uint32_t> g_high_water{0};

void ReleaseSlot(uint32_t slot) {
  // Release: the next owner of the slot (which acquires the bit) sees this thread's last writes,
  // so it can keep using plain loads and stores on the cells.
  g_taken[slot / 64].fetch_and(~(uint64_t{1} << (slot % 64)), std::memory_order_release);
}

// Gives the slot back when the thread exits. Metrics written later in the thread's teardown
// (by other thread_local destructors) go to the shared slot.
struct SlotReleaser {
  uint32_t slot = kUnassigned;
  ~SlotReleaser() {
    tls_slot_offset = kSharedOffset;
    if (slot != kUnassigned) ReleaseSlot(slot);
  }
};

uint32_t ClaimSlot() {
  for (uint32_t w = 0; w < kWords; ++w) {
    uint64_t bits = g_taken[w].load(std::memory_order_relaxed);
    while (bits != ~uint64_t{0}) {
      uint32_t bit = static_cast<uint32_t>(std::countr_one(bits));
      uint64_t want = bits | (uint64_t{1} << bit);
      if (g_taken[w].compare_exchange_weak(bits, want, std::memory_order_acquire,
                                           std::memory_order_relaxed)) {
        return w * 64 + bit;
      }
    }
  }
  return kUnassigned;
}

}  // namespace

uint32_t AssignSlot() {
  thread_local SlotReleaser releaser;
  uint32_t slot = ClaimSlot();
  if (slot == kUnassigned) {
    tls_slot_offset = kSharedOffset;
    return kSharedOffset;
  }
  releaser.slot = slot;
  uint32_t hw = g_high_water.load(std::memory_order_relaxed);
  while (hw < slot + 1 &&
         !g_high_water.compare_exchange_weak(hw, slot + 1, std::memory_order_release)) {
  }
  tls_slot_offset = slot * kCellsPerSlot;
  return tls_slot_offset;
}

uint32_t SlotsInUse() { return g_high_water.load(std::memory_order_acquire); }

uint64_t SumU64(const uint64_t* base, uint32_t i) {
  uint64_t total = Load(base[kSharedOffset + i]);
  const uint32_t n = SlotsInUse();
  for (uint32_t s = 0; s < n; ++s) total += Load(base[s * kCellsPerSlot + i]);
  return total;
}

double SumDouble(const uint64_t* base, uint32_t i) {
  double total = LoadDouble(base[kSharedOffset + i]);
  const uint32_t n = SlotsInUse();
  for (uint32_t s = 0; s < n; ++s) total += LoadDouble(base[s * kCellsPerSlot + i]);
  return total;
}

namespace {
constexpr size_t kBlockBytes = size_t{kSlots} * kCellsPerSlot * sizeof(uint64_t);
}

CellArena::~CellArena() {
  for (uint64_t* b : blocks_) munmap(b, kBlockBytes);
}

uint64_t* CellArena::Allocate(uint32_t n, bool own_cache_line) {
  std::lock_guard lock(mu_);
  if (n == 0 || n > kCellsPerSlot) throw std::bad_alloc();
  constexpr uint32_t kLine = kCellsPerCacheLine;
  if (own_cache_line) {
    n = (n + kLine - 1) / kLine * kLine;
    used_ = (used_ + kLine - 1) / kLine * kLine;
  }
  if (used_ + n > kCellsPerSlot) {
    // Anonymous mappings are zero-filled and backed by memory only when first written, so the
    // slots of threads that never write cost address space, not memory.
    void* p =
        mmap(nullptr, kBlockBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    blocks_.push_back(static_cast<uint64_t*>(p));
    used_ = 0;
  }
  uint64_t* run = blocks_.back() + used_;
  used_ += n;
  return run;
}

size_t CellArena::blocks() const {
  std::lock_guard lock(mu_);
  return blocks_.size();
}

}  // namespace slokit::metrics::detail
