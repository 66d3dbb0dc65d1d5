#include "resident_experts.h"

namespace cxlvp {

ResidentExperts::ResidentExperts(unsigned slots, Eviction eviction) : slots_(slots), eviction_(eviction) {}

std::optional<unsigned> ResidentExperts::free_slot() {
  if (!given_back_.empty()) {  // all below never_used_, so the lowest free slot
    const unsigned slot = *given_back_.begin();
    given_back_.erase(given_back_.begin());
    return slot;
  }
  if (never_used_ < slots_) return never_used_++;
  return std::nullopt;
}

std::optional<ResidentExperts::Slot> ResidentExperts::acquire(uint32_t expert) {
  if (auto it = entries_.find(expert); it != entries_.end()) {
    ++it->second.pins;
    ++it->second.uses;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    ++hits_;
    return Slot{it->second.slot, true};
  }
  const std::optional<unsigned> free = free_slot();
  unsigned slot = free.value_or(0);
  bool found = free.has_value();
  if (!found) {
    // Walk from the least recent; LRU takes the first unpinned, LFU the least used.
    auto victim = entries_.end();
    for (auto it = lru_.rbegin(); it != lru_.rend(); ++it) {
      auto e = entries_.find(*it);
      if (e->second.pins) continue;
      if (victim == entries_.end() || e->second.uses < victim->second.uses) victim = e;
      if (eviction_ == Eviction::lru) break;
    }
    if (victim != entries_.end()) {
      slot = victim->second.slot;
      lru_.erase(victim->second.lru);
      entries_.erase(victim);
      ++evictions_;
      found = true;
    }
  }
  if (!found) return std::nullopt;
  lru_.push_front(expert);
  entries_[expert] = Entry{slot, 1, 1, lru_.begin()};
  ++misses_;
  return Slot{slot, false};
}

void ResidentExperts::release(uint32_t expert) {
  if (auto it = entries_.find(expert); it != entries_.end() && it->second.pins) --it->second.pins;
}

void ResidentExperts::invalidate(uint32_t expert) {
  auto it = entries_.find(expert);
  if (it == entries_.end()) return;
  given_back_.insert(it->second.slot);
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

}  // namespace cxlvp
