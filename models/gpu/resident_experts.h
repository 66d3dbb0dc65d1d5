#pragma once
// ResidentExperts: which experts' weights sit in the GPU's HBM expert slots.
// A job pins its expert's slot while it runs; when a new expert needs a slot,
// the least recently used unpinned one is evicted. The slot count is what HBM
// capacity bounds.
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>
#include <vector>

namespace cxlvp {

class ResidentExperts {
 public:
  explicit ResidentExperts(unsigned slots);

  struct Slot {
    unsigned index;
    bool hit;  // weights already resident: no fetch needed
  };
  // Pins the expert's slot, claiming (and evicting) one on a miss. Empty when
  // every slot is pinned.
  std::optional<Slot> acquire(uint32_t expert);
  void release(uint32_t expert);
  // Forget a slot's contents (its fetch failed).
  void invalidate(uint32_t expert);

  unsigned slots() const { return unsigned(owner_.size()); }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  uint64_t evictions() const { return evictions_; }

 private:
  struct Entry {
    unsigned slot;
    unsigned pins;
    std::list<uint32_t>::iterator lru;  // position in lru_, front = most recent
  };
  std::unordered_map<uint32_t, Entry> entries_;
  std::list<uint32_t> lru_;
  std::vector<int64_t> owner_;  // expert per slot, -1 = free
  uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;
};

}  // namespace cxlvp
