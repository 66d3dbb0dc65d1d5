#include "resident_experts.h"

namespace cxlvp {

ResidentExperts::ResidentExperts(unsigned slots) : owner_(slots, -1) {}

std::optional<ResidentExperts::Slot> ResidentExperts::acquire(uint32_t expert) {
  if (auto it = entries_.find(expert); it != entries_.end()) {
    ++it->second.pins;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    ++hits_;
    return Slot{it->second.slot, true};
  }
  unsigned slot = 0;
  bool found = false;
  for (unsigned i = 0; i < owner_.size() && !found; ++i)
    if (owner_[i] < 0) slot = i, found = true;
  if (!found) {
    for (auto victim = lru_.rbegin(); victim != lru_.rend(); ++victim) {
      auto e = entries_.find(*victim);
      if (e->second.pins) continue;
      slot = e->second.slot;
      lru_.erase(e->second.lru);
      entries_.erase(e);
      ++evictions_;
      found = true;
      break;
    }
  }
  if (!found) return std::nullopt;
  lru_.push_front(expert);
  entries_[expert] = Entry{slot, 1, lru_.begin()};
  owner_[slot] = expert;
  ++misses_;
  return Slot{slot, false};
}

void ResidentExperts::release(uint32_t expert) {
  if (auto it = entries_.find(expert); it != entries_.end() && it->second.pins) --it->second.pins;
}

void ResidentExperts::invalidate(uint32_t expert) {
  auto it = entries_.find(expert);
  if (it == entries_.end()) return;
  owner_[it->second.slot] = -1;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

}  // namespace cxlvp
