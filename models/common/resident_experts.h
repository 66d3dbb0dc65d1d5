#pragma once
// ResidentExperts: which experts' weights sit in a GPU's HBM expert slots:
// the replacement policy a GPU and its driver agree on. The GPU model keeps
// one for its slots; the scheduler firmware keeps a mirror, fed only by the
// jobs it submits (it reads nothing of the GPU model's).
// A job pins its expert's slot while it runs; when a new expert needs a slot,
// an unpinned one is evicted: the least recently used (LRU) or the least often
// used, ties to the least recent (LFU). The slot count is what HBM capacity
// bounds; memory grows with the slots in use, not with that count (a tiny
// expert in a large HBM has hundreds of millions of slots).
#include <cstdint>
#include <list>
#include <optional>
#include <set>
#include <unordered_map>

namespace cxlvp {

enum class Eviction { lru, lfu };

class ResidentExperts {
 public:
  explicit ResidentExperts(unsigned slots, Eviction eviction = Eviction::lru);

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

  bool contains(uint32_t expert) const { return entries_.count(expert) != 0; }
  unsigned slots() const { return slots_; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  uint64_t evictions() const { return evictions_; }

 private:
  struct Entry {
    unsigned slot;
    unsigned pins;
    uint64_t uses;
    std::list<uint32_t>::iterator lru;  // position in lru_, front = most recent
  };
  // The lowest free slot: one given back (invalidate), else the first never used.
  std::optional<unsigned> free_slot();

  std::unordered_map<uint32_t, Entry> entries_;
  std::list<uint32_t> lru_;
  unsigned slots_;
  unsigned never_used_ = 0;      // slots from here on have never held an expert
  std::set<unsigned> given_back_;  // free slots below never_used_
  Eviction eviction_;
  uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;
};

}  // namespace cxlvp
